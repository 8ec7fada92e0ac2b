"""A board's known quarter (2025/26 Q3, October to December 2025), for the report tests.

``known_quarter(scale=1)`` builds the figures the tests assert; a larger ``scale`` adds that many
times the members, meetings, actions, plan updates, indicators, decisions and cases on top, for
the query-count tests, which must see the same number of queries either way.

At scale 1:
- four voting organisations (A chairs) and a non-voting officer; meetings on 9 October (A
  attended, B by deputy, C apologies, D absent: 2 of 4, quorate with the Chair) and 4 December
  (all four, D by deputy: 4 of 4), one cancelled in November, one held in September (Q2);
- actions: two opened in the quarter (one overdue at its end), one closed in it, one completed
  only after it (so overdue on 31 December), one closed long before, one raised after;
- plan: 1.1 Green -> Blue in the quarter, 1.2 Red -> Amber -> Red (no net change), 1.3
  Red -> Green (and Amber after the quarter);
- statistics: domestic abuse 1,131 against 1,140 (-0.79%, good), violence with injury 520
  against 500 (+4.00%, bad), hate crime 90 with nothing to compare;
- fund: £110,000 received, £71,818 awarded at the December meeting; a bid of £8,500 declined
  in October;
- a MARAC two levels below the board: three referrals in the quarter, two heard;
- a One Panel beneath the board: DHR-2025-01 commissioned on 10 October (completion due 10 April
  2026), CSPR-2025-01 notified on 15 December and undecided (its Rapid Review, 15 working days
  over Christmas, falls due on 8 January 2026), SAR-2025-01 published on 20 November with two
  recommendations (one complete), LLR-2025-01 decided as other learning on 20 October, and
  DHR-2025-02, notified on 1 August and undecided, overdue since 1 September; a DHR of a
  panel reporting elsewhere stays out.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from boards.models import (
    Action,
    Attendance,
    Board,
    Indicator,
    IndicatorValue,
    Meeting,
    Membership,
)
from boards.plan_services import record_progress
from boards.tests.factories import (
    BoardFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    at,
    plan_with_actions,
    status,
)
from funding import ledger
from funding.models import Award, Decision, Stage
from funding.tests.factories import ApplicationFactory, FundFactory, RoundFactory
from partnership.periods import FinancialYear
from reviews import statutory
from reviews.models import CaseListing, Review
from reviews.tests.factories import CaseFactory, marac
from reviews.tests.statutory_factories import commission, one_panel, panel_member, refer_review

YEAR = FinancialYear(2025)
QUARTER = 3
PRODUCED_ON = dt.date(2026, 1, 8)
INPUTS = {"year": "2025/26", "quarter": 3}
HELD = Meeting.Status.HELD
A = Attendance.Status


@dataclass
class KnownQuarter:
    board: Board
    panel: Board
    organisations: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    case_labels: list = field(default_factory=list)

    @property
    def inputs(self) -> dict:
        return {"board": self.board.pk, **INPUTS}


def _meeting(board, day, status=HELD):
    return MeetingFactory(board=board, starts_at=at(day), status=status)


def _attendance(meeting, marks: dict, memberships: dict):
    rows = []
    for name, mark in marks.items():
        membership = memberships[name]
        deputy = None
        if mark == A.DEPUTY:
            deputy = PersonFactory(organisation=membership.organisation)
        rows.append(Attendance(meeting=meeting, membership=membership, status=mark, deputy=deputy))
    Attendance.objects.bulk_create(rows)


def _members(board) -> dict:
    memberships = {}
    for name in "ABCD":
        organisation = OrganisationFactory(name=f"Organisation {name}")
        memberships[name] = MembershipFactory(
            board=board,
            person=PersonFactory(organisation=organisation),
            role=Membership.Role.CHAIR if name == "A" else Membership.Role.MEMBER,
        )
    MembershipFactory(board=board, role=Membership.Role.OFFICER, voting=False)
    return memberships


def _actions(board, meeting):
    owner = OrganisationFactory(name="Organisation Owner")
    rows = [
        # number, raised, due, completed
        (1, dt.date(2025, 10, 9), dt.date(2025, 11, 30), None),
        (2, dt.date(2025, 10, 9), dt.date(2026, 2, 28), None),
        (3, dt.date(2025, 6, 1), dt.date(2025, 9, 1), dt.date(2025, 11, 15)),
        (4, dt.date(2025, 7, 1), dt.date(2025, 12, 15), dt.date(2026, 1, 5)),
        (5, dt.date(2025, 4, 1), dt.date(2025, 6, 1), dt.date(2025, 8, 1)),
        (6, dt.date(2026, 1, 2), dt.date(2026, 3, 1), None),
    ]
    for number, raised, due, completed in rows:
        Action.objects.create(
            board=board,
            number=number,
            meeting=meeting if raised == meeting.date else None,
            title=f"Known action {number}",
            owner_organisation=owner,
            raised_on=raised,
            due_date=due,
            completed_on=completed,
            status=Action.Status.COMPLETE if completed else Action.Status.ONGOING,
        )


def _plan(board):
    plan, _priority, (one, two, three) = plan_with_actions(3, board=board)
    green, blue = status(plan, "Progressing"), status(plan, "Complete")
    amber, red = status(plan, "On hold"), status(plan, "Not started")
    for action, moves in (
        (one, [(dt.date(2025, 8, 1), green), (dt.date(2025, 11, 1), blue)]),
        (two, [(dt.date(2025, 10, 15), amber), (dt.date(2025, 12, 1), red)]),
        (three, [(dt.date(2025, 11, 20), green), (dt.date(2026, 1, 3), amber)]),
    ):
        for on, option in moves:
            record_progress(action, status=option, note=f"Update of {on:%d %B}", on=on)
    return plan


def _statistics():
    for name, better, now, before in (
        ("Domestic abuse incidents", Indicator.Better.LOWER, "1131", "1140"),
        ("Violence with injury", Indicator.Better.LOWER, "520", "500"),
        ("Hate crime offences", Indicator.Better.NEITHER, "90", None),
    ):
        indicator = Indicator.objects.create(name=name, category="Crime", better=better)
        IndicatorValue.objects.create(indicator=indicator, year=2025, quarter=3, value=now)
        if before:
            IndicatorValue.objects.create(indicator=indicator, year=2024, quarter=3, value=before)


def _funding(board, october, december):
    fund = FundFactory(board=board)
    ledger.receive(
        fund, Decimal("110000"), note="Share of confiscated assets", on=dt.date(2025, 10, 1)
    )
    funding_round = RoundFactory(fund=fund)
    approved = ApplicationFactory(
        round=funding_round,
        stage=Stage.AWARDED,
        organisation_name="Riverside Youth Outreach Trust",
        project_title="Youth violence outreach worker",
        contact_name="Contact Person Hidden",
    )
    decision = Decision.objects.create(
        application=approved, meeting=december, outcome=Decision.Outcome.APPROVED
    )
    award = Award.objects.create(
        application=approved, decision=decision, amount=Decimal("71818"),
        starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 12, 31),
    )  # fmt: skip
    ledger.commit(award, on=december.date)
    declined = ApplicationFactory(
        round=funding_round,
        stage=Stage.DECLINED,
        organisation_name="Riverside Street Pastors",
        project_title="Night-time welfare patrols",
        amount_requested=Decimal("8500"),
    )
    Decision.objects.create(
        application=declined, meeting=october, outcome=Decision.Outcome.DECLINED
    )
    return fund


def _panel(board) -> tuple[Board, list[str]]:
    forum = BoardFactory(name="VAWG Forum", kind=Board.Kind.SUB_GROUP, parent=board)
    panel = marac(name="Riverside MARAC", prefix="MARAC")
    panel.parent = forum
    panel.save()
    meeting = _meeting(panel, dt.date(2025, 11, 12))
    labels = []
    for day, heard in ((dt.date(2025, 10, 2), True), (dt.date(2025, 10, 20), True),
                       (dt.date(2025, 12, 1), False)):  # fmt: skip
        case = CaseFactory(panel=panel, referral_date=day)
        labels.append(case.subject_label)
        CaseListing.objects.create(case=case, meeting=meeting, order=1, minutes=15, heard=heard)
    return panel, labels


def _review(panel, by, code, notified_on, **decision) -> Review:
    review = refer_review(
        panel,
        by,
        code=code,
        incident_on=notified_on - dt.timedelta(days=2),
        notified_on=notified_on,
        referred_on=notified_on,
    )
    return commission(review, by, **decision) if decision else review


def _reviews(board, scale: int = 1) -> None:
    panel = one_panel("Riverside One Panel")
    panel.parent = board
    panel.save()
    by = panel_member(panel)
    _review(panel, by, "DHR", dt.date(2025, 9, 15), decided_on=dt.date(2025, 10, 10))
    _review(panel, by, "CSPR", dt.date(2025, 12, 15))
    sar = _review(panel, by, "SAR", dt.date(2025, 6, 2), decided_on=dt.date(2025, 6, 20))
    steps = [
        ("reviewer_appointed", dt.date(2025, 7, 1)),
        ("in_progress", dt.date(2025, 7, 8)),
        ("draft", dt.date(2025, 10, 1)),
        ("quality_assurance", dt.date(2025, 10, 20)),
        ("published", dt.date(2025, 11, 20)),
    ]
    for stage, day in steps:
        sar = statutory.advance(
            sar, by=by, to=stage, on=day, reviewer_name="R. Reviewer", terms_of_reference="Scope"
        )
    lead = OrganisationFactory(name="Riverside Adult Social Care")
    first, _ = (
        statutory.add_recommendation(
            sar, by=by, text=f"Recommendation {n}", lead_organisations=[lead]
        )
        for n in (1, 2)
    )
    statutory.complete_recommendation(
        first, by=by, evidence="Audit seen by the panel", completed_on=dt.date(2025, 11, 25)
    )
    _review(
        panel, by, "LLR", dt.date(2025, 10, 1), decided_on=dt.date(2025, 10, 20),
        decision=Review.Decision.OTHER_LEARNING,
    )  # fmt: skip
    _review(panel, by, "DHR", dt.date(2025, 8, 1))
    for n in range(scale - 1):
        _review(panel, by, "DHR", dt.date(2025, 10, 1) + dt.timedelta(days=n % 60))
    elsewhere = one_panel("Northbank One Panel")
    _review(elsewhere, panel_member(elsewhere), "DHR", dt.date(2025, 11, 3))


def _more(board, panel, scale: int, quarter_meetings: list) -> None:
    """``scale - 1`` times more of everything, spread over the same quarter."""
    extra = scale - 1
    if extra <= 0:
        return
    memberships = [MembershipFactory(board=board) for _ in range(4 * extra)]
    for n in range(2 * extra):
        meeting = _meeting(board, dt.date(2025, 10, 1) + dt.timedelta(days=2 + n % 80))
        quarter_meetings.append(meeting)
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, membership=m, status=A.ATTENDED) for m in memberships
        )
    owner = OrganisationFactory()
    Action.objects.bulk_create(
        Action(
            board=board, number=100 + n, title=f"Extra action {n}", owner_organisation=owner,
            raised_on=dt.date(2025, 10, 1) + dt.timedelta(days=n % 80),
            due_date=dt.date(2025, 11, 1) + dt.timedelta(days=n % 90),
        )
        for n in range(6 * extra)
    )  # fmt: skip
    plan = board.plans.get()
    priority = plan.priorities.get()
    green = status(plan, "Progressing")
    from boards.plan_services import add_key_action

    for n in range(3 * extra):
        action = add_key_action(priority, title=f"Extra key action {n}", lead_organisations=[owner])
        record_progress(action, status=green, note="Moving", on=dt.date(2025, 10, 10))
    for n in range(3 * extra):
        indicator = Indicator.objects.create(name=f"Extra indicator {n}", category="Extra")
        IndicatorValue.objects.create(indicator=indicator, year=2025, quarter=3, value=n + 10)
        IndicatorValue.objects.create(indicator=indicator, year=2024, quarter=3, value=n + 12)
    fund = board.funds.get()
    for n in range(2 * extra):
        application = ApplicationFactory(round=RoundFactory(fund=fund))
        Decision.objects.create(
            application=application, meeting=quarter_meetings[n % len(quarter_meetings)],
            outcome=Decision.Outcome.DEFERRED,
        )  # fmt: skip
    panel_meeting = panel.meetings.get()
    for n in range(3 * extra):
        case = CaseFactory(panel=panel, referral_date=dt.date(2025, 10, 1) + dt.timedelta(n % 80))
        CaseListing.objects.create(case=case, meeting=panel_meeting, order=1, minutes=15)


def known_quarter(scale: int = 1) -> KnownQuarter:
    board = BoardFactory(name="Safer Riverside Partnership Board", short_name="Partnership Board")
    memberships = _members(board)
    september = _meeting(board, dt.date(2025, 9, 11))
    october = _meeting(board, dt.date(2025, 10, 9))
    _meeting(board, dt.date(2025, 11, 6), status=Meeting.Status.CANCELLED)
    december = _meeting(board, dt.date(2025, 12, 4))
    _attendance(september, {"A": A.ATTENDED, "B": A.ATTENDED}, memberships)
    _attendance(
        october, {"A": A.ATTENDED, "B": A.DEPUTY, "C": A.APOLOGIES, "D": A.ABSENT}, memberships
    )
    _attendance(
        december, {"A": A.ATTENDED, "B": A.ATTENDED, "C": A.ATTENDED, "D": A.DEPUTY}, memberships
    )
    _actions(board, october)
    _plan(board)
    _statistics()
    _funding(board, october, december)
    panel, labels = _panel(board)
    # A panel that reports elsewhere: none of its counts belong in this board's report.
    other = marac(name="Northbank MARAC", prefix="NBMARAC")
    CaseFactory(panel=other, referral_date=dt.date(2025, 10, 3))
    _more(board, panel, scale, [october, december])
    _reviews(board, scale)
    return KnownQuarter(
        board=board,
        panel=panel,
        organisations=[m.organisation for m in memberships.values()],
        meetings=[october, december],
        case_labels=labels,
    )


def empty_board() -> Board:
    """A board with members but nothing else: no meetings, actions, plan, fund or panels."""
    board = BoardFactory(name="Quiet Task Group", kind=Board.Kind.TASK_AND_FINISH)
    _members(board)
    return board
