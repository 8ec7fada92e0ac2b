"""The partnership at a glance, for the chair's dashboard: the boards the user reports on.

Read through the boards', funding's and reviews' own data functions. Attendance costs three
queries for all the boards together, a plan summary four per plan, the funds' balances one, and
the reviews beneath the boards six, so a glance grows with the number of plans, never with the
number of funds, meetings, members, actions, ledger entries or reviews.

The dashboard is opened far more often than the data under it changes, so a glance is kept in
the cache for a few minutes, keyed by the set of boards and the day (figures such as "overdue"
are the day's). Saving or deleting anything in the boards, funding or reviews apps moves the
cache on (a new generation in every key), so a chair sees an attendance record or an award as
soon as it is committed; the time limit covers what skips the signals (``update()``, bulk loads).
"""

import hashlib
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from boards.grid import attendance_grids, attendance_percentage
from boards.models import Action, Board, Meeting, StrategicPlan
from boards.plans import PlanSummary, plan_summary
from funding.models import Balances, Fund, balances_by_fund
from partnership.periods import FinancialYear
from reviews.summaries import ReviewLine, review_summary

from .sections import boards_beneath

NEXT_MEETINGS = 5
NEXT_REVIEW_DEADLINES = 5
CACHE_SECONDS = 5 * 60
GENERATION_KEY = "reporting:glance:generation"
# The apps whose rows a glance is made of: a save or delete in any of them moves the cache on.
SOURCE_APPS = frozenset({"boards", "funding", "reviews"})


@dataclass(frozen=True)
class BoardAttendance:
    board: Board
    meetings: int
    attended: int
    expected: int

    @property
    def percentage(self) -> float | None:
        return attendance_percentage(self.attended, self.expected)


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
    """The dashboard's figures for ``boards``, the boards the user reports on.

    ``boards`` is a queryset (one query, to list them) or a list already loaded in the order
    to show (none). From the cache that is all a glance costs; see the module's note.
    """
    today = today or timezone.localdate()
    if not isinstance(boards, list):
        boards = list(boards.order_by("parent_id", "name"))
    key = _cache_key(boards, today)
    glance = cache.get(key)
    if glance is None:
        glance = build_glance(boards, today)
        cache.set(key, glance, CACHE_SECONDS)
    return glance


def build_glance(boards: list[Board], today: date) -> Glance:
    """The glance for ``boards`` on ``today``, built from the database (no cache)."""
    year = FinancialYear.containing(today)
    glance = Glance(today=today, year=year)
    if not boards:
        return glance
    glance.next_meetings = list(
        Meeting.objects.filter(board__in=boards)
        .upcoming()
        .select_related("board")
        .order_by("starts_at")[:NEXT_MEETINGS]
    )
    grids = attendance_grids(boards, year)  # three queries, whatever the number of boards
    glance.attendance = [
        BoardAttendance(
            board=board,
            meetings=len(grids[board.pk].columns),
            attended=grids[board.pk].attended,
            expected=grids[board.pk].expected,
        )
        for board in boards
    ]
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
    positions = balances_by_fund(fund.pk for fund in funds)
    glance.funds = [FundGlance(fund, positions[fund.pk]) for fund in funds]
    beneath = boards_beneath(*(board.pk for board in boards))
    review_panels = Board.objects.filter(pk__in=beneath, kind=Board.Kind.REVIEW_PANEL)
    reviews = review_summary(review_panels.values("pk"), year.start, today, today)
    glance.reviews = reviews.live[:NEXT_REVIEW_DEADLINES]
    glance.reviews_open, glance.reviews_overdue = len(reviews.live), len(reviews.overdue)
    return glance


# --- The cache ----------------------------------------------------------------------------


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Start from the clock, not from 1, so a generation lost from the cache (evicted, or
        # the cache restarted) never comes back to a number old glances are still kept under.
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY, 0)
    return generation


def _cache_key(boards: list[Board], today: date) -> str:
    ids = ",".join(str(pk) for pk in sorted(board.pk for board in boards))
    digest = hashlib.sha256(ids.encode()).hexdigest()[:32]  # any number of boards, short key
    return f"reporting:glance:{_generation()}:{today.isoformat()}:{digest}"


# Rows written on every page view (the case panels' access log) or beside every save (the audit
# history) say nothing a glance shows: they leave the cache alone.
IGNORED_MODELS = frozenset({"accesslog"})


def _next_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not in the cache: start a new sequence
        _generation()


def data_changed(sender, **kwargs) -> None:
    """Move every glance's key on when a row it may be made of is saved or deleted.

    The generation moves when the transaction commits, so a dashboard opened in between cannot
    keep the old figures under the new key. A save outside a transaction moves it at once.
    """
    meta = sender._meta
    if meta.app_label not in SOURCE_APPS or meta.model_name in IGNORED_MODELS:
        return
    if meta.model_name.startswith("historical"):
        return
    transaction.on_commit(_next_generation)


post_save.connect(data_changed, dispatch_uid="reporting.glance.saved")
post_delete.connect(data_changed, dispatch_uid="reporting.glance.deleted")
