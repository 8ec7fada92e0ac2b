"""Forms for a board's budget: the year to show, and one income or expenditure line."""

from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from partnership.forms import FinancialYearField
from partnership.periods import FinancialYear

from .models import BudgetLine, Organisation


def current_year() -> FinancialYear:
    return FinancialYear.containing(timezone.localdate())


class BudgetYearForm(forms.Form):
    """The financial year to show, read from the query string ("2025/26")."""

    year = FinancialYearField(label="Financial year", required=False)

    def __init__(self, *args, years: Iterable[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.default_year = current_year()
        self.years = {self.default_year, *(FinancialYear(y) for y in years)}
        self.fields["year"].widget.attrs["class"] = "form-select"

    def clean_year(self) -> FinancialYear:
        return self.cleaned_data["year"] or self.default_year

    def resolved(self) -> FinancialYear:
        """The year to show: the one asked for, or the default when it cannot be read.

        The error stays on the form for the page to show next to the field, but the select
        is reset to the year shown, so the form and the tables never disagree.
        """
        self.is_valid()
        year = self.cleaned_data.get("year", self.default_year)
        # Next year is offered too, as budgets are set before the year starts.
        following = FinancialYear(self.default_year.start_year + 1)
        choices = sorted({year, following, self.default_year.previous(), *self.years}, reverse=True)
        self.fields["year"].widget.choices = [(y.label, y.label) for y in choices]
        self.data = {"year": year.label}
        if self.errors:
            self.fields["year"].widget.attrs.update(
                {
                    "class": "form-select is-invalid",
                    "aria-invalid": "true",
                    "aria-describedby": "year-error",
                }
            )
        return year


class MoneyField(forms.DecimalField):
    """Pounds and pence, as people type them: "12500", "12,500.00" or "£12,500"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").strip()
        return super().to_python(value)


class DatalistInput(forms.TextInput):
    """A text box that suggests earlier answers through the browser's own <datalist>.

    The suggestions are only suggestions: any category may be typed.
    """

    def __init__(self, attrs=None, suggestions=()):
        super().__init__(attrs)
        self.suggestions = list(suggestions)

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or 'id_' + name}-suggestions"
        attrs = {**(attrs or {}), "list": list_id, "autocomplete": "off"}
        box = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}"></option>', ((s,) for s in self.suggestions)
        )
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, options)


class BudgetLineForm(forms.ModelForm):
    year = forms.TypedChoiceField(
        label="Financial year",
        coerce=int,
        error_messages={"invalid_choice": "Choose a financial year from the list."},
    )
    amount = MoneyField(
        label="Amount (£)",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="In pounds and pence, for example 12,500.00.",
        error_messages={
            "required": "Enter the amount.",
            "invalid": "Enter the amount as a number of pounds, for example 12,500.00.",
            "min_value": "Enter an amount of more than £0.00.",
            "max_decimal_places": "Give the amount to the nearest penny: at most two decimal "
            "places.",
            "max_digits": "That amount is too large; the most is £9,999,999,999.99.",
            "max_whole_digits": "That amount is too large; the most is £9,999,999,999.99.",
        },
    )

    class Meta:
        model = BudgetLine
        fields = ["kind", "year", "organisation", "category", "description", "amount"]
        labels = {
            "kind": "Income or expenditure",
            "organisation": "Contributing organisation",
            "category": "Expenditure category",
        }
        help_texts = {
            "organisation": "For income only: who contributes it.",
            "category": "For expenditure only. Reuse a category from the list where one fits, "
            "so the partnership's table lines up.",
            "description": 'For example "Partnership analyst post" or "Annual contribution".',
        }
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        line = self.instance
        this_year = current_year().start_year
        years = set(range(this_year - 5, this_year + 3))
        if line.year:
            years.add(line.year)
        initial_year = self.initial.get("year")
        if isinstance(initial_year, int):
            years.add(initial_year)
        self.fields["year"].choices = [
            (y, FinancialYear(y).label) for y in sorted(years, reverse=True)
        ]
        self.fields["kind"].choices = BudgetLine.Kind.choices  # no blank radio button

        organisations = Organisation.objects.filter(active=True)
        if line.organisation_id:  # an organisation since made inactive stays choosable
            organisations = Organisation.objects.filter(active=True) | Organisation.objects.filter(
                pk=line.organisation_id
            )
        self.fields["organisation"].queryset = organisations.order_by("name")
        self.fields["organisation"].empty_label = "Choose the organisation"
        self.fields["category"].widget = DatalistInput(
            attrs={"maxlength": 100}, suggestions=used_categories()
        )

    def clean(self):
        cleaned = super().clean()
        # Each kind has its own field; the other is cleared so a line is never both.
        if cleaned.get("kind") == BudgetLine.Kind.INCOME:
            cleaned["category"] = ""
        elif cleaned.get("kind") == BudgetLine.Kind.EXPENDITURE:
            cleaned["organisation"] = None
        if cleaned.get("category"):
            cleaned["category"] = " ".join(cleaned["category"].split())
        return cleaned


def used_categories() -> list[str]:
    """Expenditure categories already in use on any board, for the suggestions list."""
    seen: dict[str, str] = {}
    values = (
        BudgetLine.objects.filter(kind=BudgetLine.Kind.EXPENDITURE)
        .exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )
    for category in values:
        tidy = " ".join(category.split())
        seen.setdefault(tidy.casefold(), tidy)
    return sorted(seen.values(), key=str.casefold)
