"""The form that asks for a quarterly report."""

from datetime import date

from django import forms
from django.utils import timezone

from boards.models import Board
from partnership.periods import QUARTER_NAMES, FinancialYear

from .permissions import report_boards
from .services import last_finished_quarter

YEARS_OFFERED = 5


class QuarterlyReportForm(forms.Form):
    board = forms.ModelChoiceField(queryset=Board.objects.none(), empty_label=None)
    year = forms.ChoiceField(label="Financial year")
    quarter = forms.TypedChoiceField(coerce=int, choices=list(QUARTER_NAMES.items()))

    def __init__(self, *args, user, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["board"].queryset = report_boards(user).order_by("parent_id", "name")
        this_year = FinancialYear.containing(self.today)
        years = [FinancialYear(this_year.start_year - n) for n in range(YEARS_OFFERED)]
        self.fields["year"].choices = [(y.label, y.label) for y in years]
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
