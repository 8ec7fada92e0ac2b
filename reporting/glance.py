"""The partnership at a glance, for the chair's dashboard: the boards the user reports on.

Read through the boards', funding's and reviews' own data functions. Attendance costs three
queries per board, a plan summary four per plan and the board tree one per board, so the page
grows with the number of boards a user sits on, never with the number of meetings, members,
actions, ledger entries or reviews (five queries for those).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from boards.grid import attendance_grid
from boards.models import Action, Board, Meeting, StrategicPlan
from boards.plans import PlanSummary, plan_summary
from funding.models import Balances, Fund, balances
from partnership.periods import FinancialYear
from reviews.summaries import ReviewLine, review_summary

from .sections import boards_beneath

NEXT_MEETINGS = 5
NEXT_REVIEW_DEADLINES = 5


@dataclass(frozen=True)
class BoardAttendance:
    board: Board
    meetings: int
    attended: int
    expected: int

    @property
    def percentage(self) -> float | None:
        return round(100 * self.attended / self.expected, 1) if self.expected else None


@dataclass(frozen=True)
class FundGlance:
    fund: Fund
    balances: Balances

    @property
    def available(self) -> Decimal:
        return self.balances.available


@dataclass
class Glance:
    today: date
    year: FinancialYear
    next_meetings: list[Meeting] = field(default_factory=list)
    attendance: list[BoardAttendance] = field(default_factory=list)
    plans: list[PlanSummary] = field(default_factory=list)
    overdue_by_board: list[tuple[str, int]] = field(default_factory=list)
    funds: list[FundGlance] = field(default_factory=list)
    reviews: list[ReviewLine] = field(default_factory=list)  # open, soonest deadline first
    reviews_open: int = 0
    reviews_overdue: int = 0

    @property
    def overdue_actions(self) -> int:
        return sum(count for _, count in self.overdue_by_board)


def partnership_glance(boards, today: date | None = None) -> Glance:
    """The dashboard's figures for ``boards`` (a queryset of the boards the user reports on)."""
    today = today or timezone.localdate()
    year = FinancialYear.containing(today)
    boards = list(boards.order_by("parent_id", "name"))
    glance = Glance(today=today, year=year)
    if not boards:
        return glance
    glance.next_meetings = list(
        Meeting.objects.filter(board__in=boards)
        .upcoming()
        .select_related("board")
        .order_by("starts_at")[:NEXT_MEETINGS]
    )
    for board in boards:
        grid = attendance_grid(board, year)
        glance.attendance.append(
            BoardAttendance(
                board=board,
                meetings=len(grid.columns),
                attended=sum(row.attended for row in grid.rows),
                expected=sum(row.expected for row in grid.rows),
            )
        )
    plans = StrategicPlan.objects.filter(
        board__in=boards, start_year__lte=year.start_year, end_year__gte=year.start_year
    ).select_related("status_key", "board")
    glance.plans = [plan_summary(plan, today=today) for plan in plans]
    glance.overdue_by_board = list(
        Action.objects.overdue(today)
        .filter(board__in=boards)
        .values_list("board__name")
        .annotate(n=Count("pk"))
        .order_by("board__name")
    )
    funds = Fund.objects.filter(board__in=boards, active=True).order_by("name")
    glance.funds = [FundGlance(fund, balances(fund.pk)) for fund in funds]
    beneath = boards_beneath(*(board.pk for board in boards))
    review_panels = Board.objects.filter(pk__in=beneath, kind=Board.Kind.REVIEW_PANEL)
    reviews = review_summary(review_panels.values("pk"), year.start, today, today)
    glance.reviews = reviews.live[:NEXT_REVIEW_DEADLINES]
    glance.reviews_open, glance.reviews_overdue = len(reviews.live), len(reviews.overdue)
    return glance
