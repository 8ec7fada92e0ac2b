"""A board's known year (2025/26), for the annual report tests: the known quarter, and more.

``known_year(scale=1)`` builds ``known_quarter(scale)`` and adds the rest of the year:

- meetings on 12 June 2025 (A member, B absent, C deputy, D member) and 5 March 2026 (A, B and D,
  C absent), so the grid reads, with September and the quarter's two meetings:
  A  Member | Member | Member, Member | Member   100%
  B  Absent | Member | Deputy, Member | Member    80%
  C  Deputy | Absent | Absent, Member | Absent    40%
  D  Member | Absent | Absent, Deputy | Member    60%   (14 of 20 places: 70%)
- whole-year statistics: domestic abuse incidents 4,523 against 4,557 (-0.75%, good), violence
  with injury 1,333 against 1,486 (-10.30%, good), hate crime 414 against 434 (-4.61%, neither);
- a budget of £230,000 in (Organisation A £120,000, Office of the PCC £85,000, Organisation B
  £25,000) and out (Staffing £150,000 over two lines typed differently, Commissioned services
  £80,000);
- the narrative for 2025/26 with every part written, and the priority's aims, achievements
  and impact.

A larger ``scale`` adds, besides the quarter's extras, budget lines and priorities (each with
its narrative), for the query-count tests.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from boards.models import Board, BudgetLine, Indicator, IndicatorValue, Membership
from boards.tests.factories import OrganisationFactory
from reporting.models import AnnualNarrative, PriorityNarrative

from .fixtures import A, KnownQuarter, _attendance, _meeting, known_quarter

YEAR_INPUTS = {"year": "2025/26"}
YEAR_PRODUCED_ON = dt.date(2026, 4, 20)

CHAIR_MESSAGE = (
    "This has been a demanding year for the partnership, and partners rose to it.\n\n"
    "I thank every member for **their commitment** and read our "
    "[strategy](https://example.org/strategy) as the plan for the next one."
)
INTRODUCTION = "The partnership is the statutory alliance for community safety in Riverside."
AREA = (
    "Riverside is home to about 190,000 residents.\n\n"
    "- The median age is 35\n- Almost half of residents are from a minority ethnic background"
)
WHATS_NEXT = "## Reoffending\n\nA new priority on reducing reoffending starts in April."
AIMS = "Cut serious violence among people under 25."
ACHIEVEMENTS = "- Opened a youth hub in the town centre\n- Trained 30 teachers"
IMPACT = "Knife crime with injury fell by 13% on the year before."


@dataclass
class KnownYear:
    known: KnownQuarter
    narrative: AnnualNarrative
    priority_narrative: PriorityNarrative

    @property
    def board(self) -> Board:
        return self.known.board

    @property
    def inputs(self) -> dict:
        return {"board": self.board.pk, **YEAR_INPUTS}

    @property
    def case_labels(self) -> list[str]:
        return self.known.case_labels


def _members_by_letter(board) -> dict:
    found = {}
    for membership in Membership.objects.filter(board=board).select_related("organisation"):
        name = membership.organisation.name
        if name.startswith("Organisation ") and len(name) == len("Organisation A"):
            found[name[-1]] = membership
    return found


def _year_meetings(board) -> None:
    memberships = _members_by_letter(board)
    june = _meeting(board, dt.date(2025, 6, 12))
    _attendance(june, {"A": A.ATTENDED, "B": A.ABSENT, "C": A.DEPUTY, "D": A.ATTENDED}, memberships)
    march = _meeting(board, dt.date(2026, 3, 5))
    _attendance(
        march, {"A": A.ATTENDED, "B": A.ATTENDED, "C": A.APOLOGIES, "D": A.ATTENDED}, memberships
    )


def _year_statistics() -> None:
    for name, now, before in (
        ("Domestic abuse incidents", "4523", "4557"),
        ("Violence with injury", "1333", "1486"),
        ("Hate crime offences", "414", "434"),
    ):
        indicator = Indicator.objects.get(name=name)
        IndicatorValue.objects.create(indicator=indicator, year=2025, quarter=None, value=now)
        IndicatorValue.objects.create(indicator=indicator, year=2024, quarter=None, value=before)


def _budget(board, scale: int) -> None:
    members = _members_by_letter(board)
    first, second = members["A"].organisation, members["B"].organisation
    pcc = OrganisationFactory(name="Office of the Police and Crime Commissioner")
    income = BudgetLine.Kind.INCOME
    spend = BudgetLine.Kind.EXPENDITURE
    lines = [
        BudgetLine(board=board, year=2025, kind=income, organisation=first,
                   description="Core contribution", amount=Decimal("120000")),
        BudgetLine(board=board, year=2025, kind=income, organisation=pcc,
                   description="Community safety grant", amount=Decimal("85000")),
        BudgetLine(board=board, year=2025, kind=income, organisation=second,
                   amount=Decimal("25000")),
        BudgetLine(board=board, year=2025, kind=spend, category="Staffing",
                   description="Partnership manager", amount=Decimal("100000")),
        BudgetLine(board=board, year=2025, kind=spend, category=" staffing ",
                   description="Analyst", amount=Decimal("50000")),
        BudgetLine(board=board, year=2025, kind=spend, category="Commissioned services",
                   amount=Decimal("80000")),
        # Last year's budget stays out of this year's report.
        BudgetLine(board=board, year=2024, kind=spend, category="Staffing", amount=Decimal("1")),
    ]  # fmt: skip
    for n in range(3 * (scale - 1)):
        lines.append(
            BudgetLine(board=board, year=2025, kind=income, organisation=OrganisationFactory(),
                       amount=Decimal("10")),
        )  # fmt: skip
        lines.append(
            BudgetLine(board=board, year=2025, kind=spend, category=f"Extra {n}",
                       amount=Decimal("10")),
        )  # fmt: skip
    BudgetLine.objects.bulk_create(lines)


def _narrative(board, scale: int) -> tuple[AnnualNarrative, PriorityNarrative]:
    narrative = AnnualNarrative.objects.create(
        board=board,
        year=2025,
        chair_message=CHAIR_MESSAGE,
        introduction=INTRODUCTION,
        area=AREA,
        whats_next=WHATS_NEXT,
    )
    plan = board.plans.get()
    priority = plan.priorities.get()
    written = PriorityNarrative.objects.create(
        narrative=narrative, priority=priority, aims=AIMS, achievements=ACHIEVEMENTS, impact=IMPACT
    )
    for n in range(scale - 1):
        extra = plan.priorities.create(number=2 + n, title=f"Extra priority {n}")
        PriorityNarrative.objects.create(
            narrative=narrative, priority=extra, aims=f"Extra aims {n}", impact="Some impact"
        )
    return narrative, written


def known_year(scale: int = 1) -> KnownYear:
    known = known_quarter(scale)
    board = known.board
    _year_meetings(board)
    _year_statistics()
    _budget(board, scale)
    narrative, written = _narrative(board, scale)
    return KnownYear(known=known, narrative=narrative, priority_narrative=written)
