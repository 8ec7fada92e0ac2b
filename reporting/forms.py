"""The forms that ask for a report, and the annual report's narrative form."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from boards.models import Board, Priority
from partnership.periods import QUARTER_NAMES, FinancialYear

from .agenda_pack import MEMBERS, VERSION_ERROR, VERSIONS
from .models import NARRATIVE_LIMIT, AnnualNarrative, PriorityNarrative
from .permissions import report_boards
from .services import last_finished_quarter

YEARS_OFFERED = 5


def offer_loaded_boards(field: forms.ModelChoiceField, boards) -> None:
    """Render the board options from a list already loaded (the dashboard's own), so several
    forms on one page cost no query each; the field's queryset still checks what is posted."""
    if boards is not None:
        option = field.label_from_instance
        field.widget.choices = [(board.pk, option(board)) for board in boards]


def years_offered(today: date) -> list[FinancialYear]:
    this_year = FinancialYear.containing(today)
    return [FinancialYear(this_year.start_year - n) for n in range(YEARS_OFFERED)]


NOT_YOUR_BOARD = {"invalid_choice": "Choose one of the boards you sit on."}
NOT_OFFERED = {"invalid_choice": "Choose one of the financial years offered."}


class QuarterlyReportForm(forms.Form):
    board = forms.ModelChoiceField(
        queryset=Board.objects.none(), empty_label=None, error_messages=NOT_YOUR_BOARD
    )
    year = forms.ChoiceField(label="Financial year", error_messages=NOT_OFFERED)
    quarter = forms.TypedChoiceField(coerce=int, choices=list(QUARTER_NAMES.items()))

    def __init__(self, *args, user, today: date | None = None, boards=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["board"].queryset = report_boards(user).order_by("parent_id", "name")
        offer_loaded_boards(self.fields["board"], boards)
        self.fields["year"].choices = [(y.label, y.label) for y in years_offered(self.today)]
        year, quarter = last_finished_quarter(self.today)
        self.initial.setdefault("year", year.label)
        self.initial.setdefault("quarter", quarter)

    def clean(self):
        cleaned = super().clean()
        year, quarter = cleaned.get("year"), cleaned.get("quarter")
        if year and quarter:
            start, _ = FinancialYear.parse(year).quarter_bounds(quarter)
            if start > self.today:
                self.add_error("quarter", "That quarter has not started yet.")
        return cleaned

    def inputs(self) -> dict:
        data = self.cleaned_data
        return {"board": data["board"].pk, "year": data["year"], "quarter": data["quarter"]}


class AnnualReportForm(forms.Form):
    """Asks for the annual report of a board and financial year.

    It shares the dashboard with the quarterly form, so its fields get ids of their own: with
    the same ids, its labels would name the quarterly form's fields instead.
    """

    board = forms.ModelChoiceField(
        queryset=Board.objects.none(), empty_label=None, error_messages=NOT_YOUR_BOARD
    )
    year = forms.ChoiceField(label="Financial year", error_messages=NOT_OFFERED)

    def __init__(self, *args, user, today: date | None = None, boards=None, **kwargs):
        kwargs.setdefault("auto_id", "annual_%s")
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["board"].queryset = report_boards(user).order_by("parent_id", "name")
        offer_loaded_boards(self.fields["board"], boards)
        self.fields["year"].choices = [(y.label, y.label) for y in years_offered(self.today)]
        # The report is usually signed off after the year ends: offer the last complete one.
        self.initial.setdefault("year", FinancialYear.containing(self.today).previous().label)

    def inputs(self) -> dict:
        data = self.cleaned_data
        return {"board": data["board"].pk, "year": data["year"]}


# --- The narrative ------------------------------------------------------------------------

FORMAT_HELP = (
    "Plain text, with a blank line between paragraphs. Markdown works too: **bold**, _italic_, "
    "lines starting with - or 1. for lists, # for a heading, [words](https://address) for a "
    "link. Any HTML is removed."
)


def within_limit(value: str) -> None:
    if len(value) > NARRATIVE_LIMIT:
        raise ValidationError(
            f"Keep this to {NARRATIVE_LIMIT:,} characters or fewer; it has {len(value):,}.",
            code="max_length",
        )


def _text_field(model, name: str, rows: int = 8) -> forms.CharField:
    model_field = model._meta.get_field(name)
    return forms.CharField(
        label=model_field.verbose_name[:1].upper() + model_field.verbose_name[1:],
        help_text=model_field.help_text,
        required=False,
        validators=[within_limit],
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class NarrativeForm(forms.Form):
    """The board-wide parts: the Chair's message, the introduction, the area, what's next."""

    chair_message = _text_field(AnnualNarrative, "chair_message", rows=10)
    introduction = _text_field(AnnualNarrative, "introduction")
    area = _text_field(AnnualNarrative, "area")
    whats_next = _text_field(AnnualNarrative, "whats_next")


class PriorityNarrativeForm(forms.Form):
    """One priority's aims, achievements and impact; the priority rides along hidden."""

    priority = forms.ModelChoiceField(queryset=Priority.objects.none(), widget=forms.HiddenInput)
    aims = _text_field(PriorityNarrative, "aims", rows=4)
    achievements = _text_field(PriorityNarrative, "achievements", rows=6)
    impact = _text_field(PriorityNarrative, "impact", rows=4)

    def __init__(self, *args, priorities, year_label: str, expected=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected  # the priority this part of the page was drawn for
        field = self.fields["priority"]
        field.queryset = priorities
        message = f"That priority is not in this board's plan for {year_label}."
        field.error_messages = {**field.error_messages, "invalid_choice": message}


class BasePriorityFormSet(forms.BaseFormSet):
    def __init__(self, *args, priorities: list[Priority], queryset, year_label: str, **kwargs):
        self.priorities = priorities
        self.queryset = queryset
        self.year_label = year_label
        super().__init__(*args, **kwargs)
        self.max_num = len(priorities)

    def get_form_kwargs(self, index):
        known = index is not None and index < len(self.priorities)
        expected = self.priorities[index] if known else None
        return {"priorities": self.queryset, "year_label": self.year_label, "expected": expected}

    def clean(self):
        if any(self.errors):
            return
        chosen = [form.cleaned_data.get("priority") for form in self.forms]
        if sorted(p.pk if p else 0 for p in chosen) != sorted(p.pk for p in self.priorities):
            raise ValidationError(
                "The page did not match the board's priorities (the plan may have changed). "
                "Nothing was saved: copy your text, reload the page and try again."
            )


PriorityFormSet = forms.formset_factory(
    PriorityNarrativeForm, formset=BasePriorityFormSet, extra=0, max_num=200, absolute_max=200
)


# --- The agenda pack ------------------------------------------------------------------------


class AgendaPackForm(forms.Form):
    """Which version of a meeting's agenda pack to build."""

    version = forms.ChoiceField(
        choices=list(VERSIONS.items()),
        widget=forms.RadioSelect,
        initial=MEMBERS,
        error_messages={"invalid_choice": VERSION_ERROR},
    )
