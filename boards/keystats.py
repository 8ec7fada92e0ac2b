"""Key statistics: each indicator's figure for a period against the same period a year before.

The statistics page, its CSV export and the annual and quarterly reports all read the table
from here, so they agree on what "change" means. Nothing here knows about requests.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, QuerySet

from partnership.periods import FinancialYear

from .models import Indicator, IndicatorValue

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
NOT_AVAILABLE = "n/a"

ARROWS = {"up": "↑", "down": "↓", "same": "→"}
MOVES = {"up": "rise", "down": "fall", "same": "no change"}

# Units whose quarters cannot be added up into a year: a year's repeat-referral rate is not
# the sum of four quarterly rates.
NOT_SUMMABLE_MARKERS = ("%", "percent", "rate", "per ", "average", "ratio", "score")


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def format_number(value: Decimal | None, *, sign: bool = False) -> str:
    """4523 -> "4,523"; 27.5 -> "27.50"; with sign, a rise reads "+314" and a fall "-19"."""
    if value is None:
        return ""
    value = _decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    text = f"{abs(value):,.{places}f}"
    if value < 0:
        return f"-{text}"
    return f"+{text}" if sign and value > 0 else text


@dataclass(frozen=True)
class Change:
    """How a figure moved since the previous period, and whether that is good news."""

    difference: Decimal | None
    percent: Decimal | None  # None when there is no base to compare with (missing or zero)
    direction: str | None  # "up", "down", "same"; None when either figure is missing
    good: bool | None  # None when no change, no comparison, or the indicator is context only

    @property
    def arrow(self) -> str:
        return ARROWS.get(self.direction, "")

    @property
    def tone(self) -> str:
        """ "good", "bad" or "neutral": the colour a page gives the arrow."""
        if self.good is None:
            return "neutral"
        return "good" if self.good else "bad"

    @property
    def words(self) -> str:
        """The arrow in words ("rise, good"), so colour is never the only signal."""
        if self.direction is None:
            return "no comparison"
        move = MOVES[self.direction]
        if self.direction == "same":
            return move
        if self.good is None:
            return f"{move}, neither good nor bad"
        return f"{move}, {'good' if self.good else 'bad'}"

    @property
    def difference_display(self) -> str:
        if self.difference is None:
            return NOT_AVAILABLE
        return format_number(self.difference, sign=True)

    @property
    def percent_display(self) -> str:
        if self.percent is None:
            return NOT_AVAILABLE
        sign = "+" if self.percent > 0 else ""
        return f"{sign}{self.percent}%"


def change(current, previous, better: str) -> Change:
    """Compare ``current`` with ``previous``; ``better`` is an Indicator.Better value."""
    current, previous = _decimal(current), _decimal(previous)
    if current is None or previous is None:
        return Change(difference=None, percent=None, direction=None, good=None)
    difference = current - previous
    percent = None
    if previous != 0:
        percent = (difference / previous * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    if difference > 0:
        direction = "up"
    elif difference < 0:
        direction = "down"
    else:
        direction = "same"
    good = None
    if direction != "same":
        if better == Indicator.Better.LOWER:
            good = direction == "down"
        elif better == Indicator.Better.HIGHER:
            good = direction == "up"
    return Change(difference=difference, percent=percent, direction=direction, good=good)


def quarters_can_be_summed(indicator: Indicator) -> bool:
    unit = f"{indicator.unit.strip().lower()} "
    return not any(marker in unit for marker in NOT_SUMMABLE_MARKERS)


@dataclass
class StatisticRow:
    indicator: Indicator
    year: FinancialYear
    quarter: int | None
    current: Decimal | None
    previous: Decimal | None
    change: Change
    # True when a whole-year figure is the sum of the four quarters (no whole-year value).
    current_from_quarters: bool = False
    previous_from_quarters: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def category(self) -> str:
        return self.indicator.category or "Other"

    @property
    def from_quarters(self) -> bool:
        return self.current_from_quarters or self.previous_from_quarters

    @property
    def current_display(self) -> str:
        return format_number(self.current) if self.current is not None else "—"

    @property
    def previous_display(self) -> str:
        return format_number(self.previous) if self.previous is not None else "—"


def period_label(year: FinancialYear, quarter: int | None = None) -> str:
    return f"{year.label} Q{quarter}" if quarter else year.label


def _ordered_indicators(indicators) -> list[Indicator]:
    if indicators is None:
        return list(Indicator.objects.filter(active=True).order_by("category", "name"))
    if isinstance(indicators, QuerySet):
        return list(indicators.order_by("category", "name"))
    return sorted(indicators, key=lambda i: (i.category, i.name))


def _figure(
    values: dict, indicator: Indicator, year: int, quarter: int | None
) -> tuple[Decimal | None, bool]:
    """The figure for one period, and whether it was added up from the four quarters."""
    own = values.get((indicator.pk, year, quarter))
    if own is not None or quarter is not None:
        return own, False
    quarters = [values.get((indicator.pk, year, q)) for q in (1, 2, 3, 4)]
    if all(q is not None for q in quarters) and quarters_can_be_summed(indicator):
        return sum(quarters, Decimal(0)), True
    return None, False


def statistics_table(
    year: FinancialYear,
    quarter: int | None = None,
    indicators: Iterable[Indicator] | QuerySet | None = None,
) -> list[StatisticRow]:
    """One row per indicator (active ones unless given), by category then name.

    ``quarter=None`` compares whole years. Two queries whatever the number of indicators:
    the indicators, then every value of both years at once (one if a list is passed in).
    """
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise ValueError("a quarter is 1, 2, 3 or 4")
    chosen = _ordered_indicators(indicators)
    if not chosen:
        return []
    last_year = year.previous()
    found = IndicatorValue.objects.filter(
        indicator_id__in=[i.pk for i in chosen], year__in=[year.start_year, last_year.start_year]
    )
    if quarter is not None:
        found = found.filter(quarter=quarter)
    values = {
        (indicator_id, y, q): value
        for indicator_id, y, q, value in found.values_list(
            "indicator_id", "year", "quarter", "value"
        )
    }
    rows = []
    for indicator in chosen:
        current, current_summed = _figure(values, indicator, year.start_year, quarter)
        previous, previous_summed = _figure(values, indicator, last_year.start_year, quarter)
        row = StatisticRow(
            indicator=indicator,
            year=year,
            quarter=quarter,
            current=current,
            previous=previous,
            change=change(current, previous, indicator.better),
            current_from_quarters=current_summed,
            previous_from_quarters=previous_summed,
        )
        if current_summed:
            row.notes.append(f"{year.label} is the sum of its four quarters.")
        if previous_summed:
            row.notes.append(f"{last_year.label} is the sum of its four quarters.")
        rows.append(row)
    return rows


def group_by_category(rows: list[StatisticRow]) -> list[tuple[str, list[StatisticRow]]]:
    """Rows are already in category order; this cuts them into (category, rows) groups."""
    groups: list[tuple[str, list[StatisticRow]]] = []
    for row in rows:
        if not groups or groups[-1][0] != row.category:
            groups.append((row.category, []))
        groups[-1][1].append(row)
    return groups


def years_with_values() -> list[FinancialYear]:
    """Financial years that have any figure for an active indicator, latest first."""
    years = (
        IndicatorValue.objects.filter(indicator__active=True)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    return [FinancialYear(y) for y in years]


def latest_year_with_values() -> FinancialYear | None:
    latest = IndicatorValue.objects.filter(indicator__active=True).aggregate(latest=Max("year"))[
        "latest"
    ]
    return FinancialYear(latest) if latest is not None else None
