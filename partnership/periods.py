"""The partnership's calendar: financial years (1 April to 31 March) and their quarters."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The year starting 1 April of ``start_year``; named like "2025/26"."""

    start_year: int

    @classmethod
    def containing(cls, day: date) -> "FinancialYear":
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def parse(cls, label: str) -> "FinancialYear":
        """Read "2025/26" (or "2025"); ValueError with a plain message otherwise."""
        head, _, tail = label.strip().partition("/")
        if not head.isdigit() or len(head) != 4:
            raise ValueError(f"{label!r} is not a financial year like 2025/26")
        year = cls(int(head))
        if tail and tail != f"{(year.start_year + 1) % 100:02d}":
            raise ValueError(f"{label!r} is not a financial year like 2025/26")
        return year

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.label

    def previous(self) -> "FinancialYear":
        return FinancialYear(self.start_year - 1)

    def quarter_of(self, day: date) -> int:
        """1 for April-June ... 4 for January-March."""
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} is outside {self.label}")
        return (day.month - 4) % 12 // 3 + 1

    def quarter_bounds(self, quarter: int) -> tuple[date, date]:
        if quarter not in (1, 2, 3, 4):
            raise ValueError("a quarter is 1, 2, 3 or 4")
        first_month = (3 + 3 * (quarter - 1)) % 12 + 1
        year = self.start_year if quarter < 4 else self.start_year + 1
        start = date(year, first_month, 1)
        end_month = first_month + 2
        next_start = date(year + (end_month == 12), end_month % 12 + 1, 1)
        return start, date.fromordinal(next_start.toordinal() - 1)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the 29th-31st fall back to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


QUARTER_NAMES = {1: "Q1 (Apr-Jun)", 2: "Q2 (Jul-Sep)", 3: "Q3 (Oct-Dec)", 4: "Q4 (Jan-Mar)"}
