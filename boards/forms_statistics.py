"""Forms for key statistics: choosing a period, indicators, single values and imports."""

from django import forms
from django.core.exceptions import ValidationError

from partnership.periods import QUARTER_NAMES, FinancialYear

from .indicator_import import parse_quarter, parse_value, parse_year
from .models import Indicator

QUARTER_CHOICES = [("", "Whole year")] + [(str(q), name) for q, name in QUARTER_NAMES.items()]


class PeriodForm(forms.Form):
    """The period the statistics page shows; read from the query string."""

    year = forms.CharField(label="Financial year", required=False)
    quarter = forms.ChoiceField(
        label="Period",
        choices=QUARTER_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Choose Q1 to Q4, or the whole year."},
    )

    def __init__(self, *args, years: list[FinancialYear], **kwargs):
        super().__init__(*args, **kwargs)
        labels = [y.label for y in years]
        asked = (self.data.get("year") or "").strip()
        # A well-formed year with no figures yet still appears, so the list shows what was asked.
        try:
            if asked and FinancialYear.parse(asked).label not in labels:
                labels.insert(0, FinancialYear.parse(asked).label)
        except ValueError:
            pass
        self.fields["year"].widget = forms.Select(choices=[(label, label) for label in labels])

    def clean_year(self) -> FinancialYear | None:
        text = (self.cleaned_data.get("year") or "").strip()
        if not text:
            return None
        try:
            return FinancialYear.parse(text)
        except ValueError:
            raise ValidationError(
                f'"{text}" is not a financial year; choose one like 2025/26.'
            ) from None

    def clean_quarter(self) -> int | None:
        quarter = self.cleaned_data.get("quarter")
        return int(quarter) if quarter else None


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "category", "unit", "better", "source", "description", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "category": 'Groups the statistics table, e.g. "Violence" or "Young people".',
            "source": 'Where the figures come from, e.g. "Police recorded crime".',
            "active": "Inactive indicators keep their figures but leave the statistics table.",
        }

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        taken = Indicator.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError("There is already an indicator with this name.")
        return name


class IndicatorValueForm(forms.Form):
    """Adds a figure for a period, or corrects the one already there."""

    year = forms.CharField(
        label="Financial year",
        max_length=7,
        widget=forms.TextInput(attrs={"placeholder": "2025/26", "inputmode": "numeric"}),
    )
    quarter = forms.ChoiceField(label="Period", choices=QUARTER_CHOICES, required=False)
    value = forms.CharField(label="Value", max_length=30)

    @staticmethod
    def _read(parse, text):
        try:
            return parse(text)
        except ValueError as exc:
            message = str(exc)
            raise ValidationError(message[:1].upper() + message[1:] + ".") from None

    def clean_year(self) -> int:
        return self._read(parse_year, self.cleaned_data["year"])

    def clean_quarter(self) -> int | None:
        return self._read(parse_quarter, self.cleaned_data.get("quarter") or "")

    def clean_value(self):
        return self._read(parse_value, self.cleaned_data["value"])


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet (CSV or Excel .xlsx)",
        help_text="The first row names the columns: Indicator, Year (like 2025/26), Quarter "
        "(1-4, or blank for the whole year), Value. Unit, Category and Better (lower, higher "
        "or neither) are used only for new indicators.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    create_unknown = forms.BooleanField(
        label="Create indicators not yet known",
        required=False,
        help_text="Otherwise a row naming an indicator that does not exist is refused.",
    )
