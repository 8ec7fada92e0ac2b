"""A panel's work in a period, as counts only: never a label, a key or any free text.

The quarterly and annual reports use ``panel_statistics``. It costs three queries however many
cases the panel holds. Erased cases still count: erasure keeps the categories these counts
need.

Cohorts:
- ``referrals`` and ``referrals_by_agency``: referrals received (referral date in the period);
- ``cases_heard`` and everything about them (repeats, children, reasons, risk levels,
  demographics): the distinct cases heard at a meeting of the panel held in the period;
- ``transfers_in`` / ``transfers_out`` / ``cases_closed``: by the date of that event.
"""

from dataclasses import asdict, dataclass
from datetime import date

from django.db.models import Count, Q, Sum

from boards.models import Board
from partnership.periods import FinancialYear

from .models import Case, CaseListing

# The categorical fields reported as counts, in report order.
DEMOGRAPHIC_FIELDS = ("age_band", "gender", "ethnicity", "disability", "sexual_orientation")
REASON_FIELDS = (
    "reason_visible_high_risk",
    "reason_professional_judgement",
    "reason_potential_escalation",
    "reason_repeat",
)


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class PanelStatistics:
    panel_id: int
    panel_name: str
    start: date
    end: date
    referrals: int
    referrals_by_agency: tuple[Tally, ...]
    cases_heard: int
    repeat_cases: int
    children: int  # children in the households of the cases heard
    cases_with_children: int
    children_not_known: int  # cases heard whose household's children were not recorded
    transfers_in: int
    transfers_out: int
    cases_closed: int
    reasons: tuple[Tally, ...]
    risk_levels: tuple[Tally, ...]
    demographics: dict[str, tuple[Tally, ...]]

    @property
    def repeat_rate(self) -> float | None:
        """Repeat cases as a percentage of cases heard (one decimal); None if none heard."""
        if not self.cases_heard:
            return None
        return round(100 * self.repeat_cases / self.cases_heard, 1)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["repeat_rate"] = self.repeat_rate
        return data


def _choice_counts(field: str) -> dict:
    choices = Case._meta.get_field(field).choices
    return {f"{field}:{value}": Count("pk", filter=Q(**{field: value})) for value, _ in choices}


def _tallies(field: str, row: dict) -> tuple[Tally, ...]:
    choices = Case._meta.get_field(field).choices
    return tuple(Tally(value, str(label), row[f"{field}:{value}"]) for value, label in choices)


def panel_statistics(panel: Board, start: date, end: date) -> PanelStatistics:
    """Counts of the panel's work from ``start`` to ``end`` inclusive."""
    cases = Case.objects.filter(panel=panel)
    referred = Q(referral_date__gte=start, referral_date__lte=end)

    events = cases.aggregate(
        referrals=Count("pk", filter=referred),
        transfers_in=Count(
            "pk", filter=Q(transferred_in_on__gte=start, transferred_in_on__lte=end)
        ),
        transfers_out=Count(
            "pk", filter=Q(transferred_out_on__gte=start, transferred_out_on__lte=end)
        ),
        cases_closed=Count("pk", filter=Q(closed_on__gte=start, closed_on__lte=end)),
    )

    by_agency = (
        cases.filter(referred)
        .order_by()
        .values("referring_organisation_id", "referring_organisation__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "referring_organisation__name")
    )
    agencies = tuple(
        Tally(str(row["referring_organisation_id"]), row["referring_organisation__name"], row["n"])
        for row in by_agency
    )

    heard_ids = CaseListing.objects.filter(
        heard=True,
        meeting__board=panel,
        meeting__starts_at__date__gte=start,
        meeting__starts_at__date__lte=end,
    ).values("case_id")
    counts = {
        "cases_heard": Count("pk"),
        "repeat_cases": Count("pk", filter=Q(reason_repeat=True)),
        "children": Sum("children_in_household"),
        "cases_with_children": Count("pk", filter=Q(children_in_household__gt=0)),
        "children_not_known": Count("pk", filter=Q(children_in_household__isnull=True)),
    }
    for field in REASON_FIELDS:
        counts[field] = Count("pk", filter=Q(**{field: True}))
    for field in ("risk_level", *DEMOGRAPHIC_FIELDS):
        counts.update(_choice_counts(field))
    heard = cases.filter(pk__in=heard_ids).aggregate(**counts)

    return PanelStatistics(
        panel_id=panel.pk,
        panel_name=panel.display_name,
        start=start,
        end=end,
        referrals=events["referrals"],
        referrals_by_agency=agencies,
        cases_heard=heard["cases_heard"],
        repeat_cases=heard["repeat_cases"],
        children=heard["children"] or 0,
        cases_with_children=heard["cases_with_children"],
        children_not_known=heard["children_not_known"],
        transfers_in=events["transfers_in"],
        transfers_out=events["transfers_out"],
        cases_closed=events["cases_closed"],
        reasons=tuple(
            Tally(f, str(Case._meta.get_field(f).verbose_name), heard[f]) for f in REASON_FIELDS
        ),
        risk_levels=_tallies("risk_level", heard),
        demographics={field: _tallies(field, heard) for field in DEMOGRAPHIC_FIELDS},
    )


def panel_statistics_for_quarter(
    panel: Board, year: FinancialYear | str, quarter: int
) -> PanelStatistics:
    """One quarter of a financial year, e.g. ``(panel, "2025/26", 3)`` for October-December."""
    year = FinancialYear.parse(year) if isinstance(year, str) else year
    start, end = year.quarter_bounds(quarter)
    return panel_statistics(panel, start, end)


def panel_statistics_for_year(panel: Board, year: FinancialYear | str) -> PanelStatistics:
    year = FinancialYear.parse(year) if isinstance(year, str) else year
    return panel_statistics(panel, year.start, year.end)
