"""Form fields shared by every app."""

from django import forms
from django.utils import timezone

from .periods import FinancialYear

# Partnerships date from the Crime and Disorder Act 1998; the upper bound keeps a typed year
# sensible (and its dates inside what Python's date can hold).
FIRST_YEAR = 1998
YEARS_AHEAD = 10


class FinancialYearField(forms.CharField):
    """A financial year typed or chosen as "2025/26"; cleans to a FinancialYear (or None)."""

    widget = forms.Select

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return None
        try:
            year = FinancialYear.parse(text)
        except ValueError as error:
            raise forms.ValidationError(f"{error}.", code="invalid") from None
        latest = FinancialYear.containing(timezone.localdate()).start_year + YEARS_AHEAD
        if not FIRST_YEAR <= year.start_year <= latest:
            raise forms.ValidationError(
                f"Choose a financial year between {FinancialYear(FIRST_YEAR)} and "
                f"{FinancialYear(latest)}.",
                code="out_of_range",
            )
        return year
