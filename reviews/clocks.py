"""Statutory clocks: when each deadline of a review falls, and how many days are left.

Working days are Monday to Friday except the bank holidays of England and Wales, which come
from the ``holidays`` library (substitute days and one-off holidays included), never from a
list typed here. The day that starts a clock is day 0: a Rapid Review due 15 working days after
a notification on Monday 2 March 2026 is due on Monday 23 March.

A parallel process that pauses the clock (an inquest, a criminal trial) stops every clock of
the review from its first day to its last, both included; the paused days do not count, so the
deadline moves on by as many counted days. A pause with no end date stops the clocks until it
ends, and the deadline is then unknown.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from partnership.periods import add_months

from .models.statutory import ClockRule, ParallelProcess, Review

ONE_DAY = timedelta(days=1)
# A clock that would run past this many unpaused days is treated as stopped (a guard only).
LONGEST_CLOCK_DAYS = 366 * 5


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


Pause = tuple[date, date | None]


def _paused(day: date, pauses: Iterable[Pause]) -> bool:
    return any(start <= day and (end is None or day <= end) for start, end in pauses)


def add_working_days(start: date, count: int, pauses: Iterable[Pause] = ()) -> date | None:
    """The day ``count`` working days after ``start``; None if a pause never ends first."""
    return _count_forward(start, count, is_working_day, tuple(pauses))


def add_calendar_days(start: date, count: int, pauses: Iterable[Pause] = ()) -> date | None:
    return _count_forward(start, count, lambda day: True, tuple(pauses))


def add_calendar_months(start: date, months: int, pauses: Iterable[Pause] = ()) -> date | None:
    """``months`` later (the 29th-31st falling back to a short month's end), plus paused days."""
    plain = add_months(start, months)
    pauses = tuple(pauses)
    if not pauses:
        return plain
    return _count_forward(start, (plain - start).days, lambda day: True, pauses)


def _count_forward(start: date, count: int, counts, pauses: tuple[Pause, ...]) -> date | None:
    day, counted = start, 0
    paused_days = 0
    while counted < count:
        if (day - start).days - paused_days > LONGEST_CLOCK_DAYS:
            return None  # a guard against a clock that could never count (not a rule)
        day += ONE_DAY
        if pauses and _paused(day, pauses):
            if any(begin <= day and end is None for begin, end in pauses):
                return None  # stopped until the open-ended pause ends
            paused_days += 1
            continue
        if counts(day):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is
    earlier (then the working days after ``end`` up to and including ``start``)."""
    if end == start:
        return 0
    sign = 1 if end > start else -1
    low, high = (start, end) if sign == 1 else (end, start)
    days, day = 0, low
    while day < high:
        day += ONE_DAY
        if is_working_day(day):
            days += 1
    return sign * days


@dataclass(frozen=True)
class Deadline:
    """One clock of one review, as it stands on ``today``."""

    clock: ClockRule
    starts_on: date
    due_on: date | None  # None while an open-ended pause stops the clock
    met_on: date | None
    today: date

    @property
    def label(self) -> str:
        return self.clock.label

    @property
    def in_working_days(self) -> bool:
        return self.clock.unit == ClockRule.Unit.WORKING_DAYS

    @property
    def is_met(self) -> bool:
        return self.met_on is not None

    @property
    def met_late(self) -> bool:
        return self.is_met and self.due_on is not None and self.met_on > self.due_on

    @property
    def is_paused(self) -> bool:
        return not self.is_met and self.due_on is None

    @property
    def is_overdue(self) -> bool:
        return not self.is_met and self.due_on is not None and self.due_on < self.today

    @property
    def days_left(self) -> int | None:
        """Calendar days to the deadline (negative once passed); None when met or paused."""
        if self.is_met or self.due_on is None:
            return None
        return (self.due_on - self.today).days

    @property
    def working_days_left(self) -> int | None:
        if self.is_met or self.due_on is None:
            return None
        return working_days_between(self.today, self.due_on)

    @property
    def state(self) -> str:
        if self.is_met:
            return "met late" if self.met_late else "met"
        if self.is_paused:
            return "paused"
        return "overdue" if self.is_overdue else "running"

    @property
    def left_text(self) -> str:
        """Days left or overdue, in the clock's own unit, as words (never colour alone)."""
        if self.is_met:
            met = f"Met on {self.met_on.day} {self.met_on:%b %Y}"
            return met + (" (late)" if self.met_late else "")
        if self.is_paused:
            return "Clock paused"
        if self.in_working_days:
            left, unit = self.working_days_left, "working day"
        else:
            left, unit = self.days_left, "day"
        if left == 0:
            return "Due today"
        plural = "" if abs(left) == 1 else "s"
        if left < 0:
            return f"Overdue by {-left} {unit}{plural}"
        return f"{left} {unit}{plural} left"

    @property
    def sort_key(self) -> tuple:
        # Dated deadlines first, soonest first; stopped clocks after them.
        return (self.due_on is None, self.due_on or date.max, self.clock.label)


START_DATES = {
    ClockRule.Start.NOTIFICATION: lambda review: review.notified_on,
    # Only a decision to commission starts the review's own clocks.
    ClockRule.Start.DECISION: lambda review: (
        review.decided_on if review.decision == Review.Decision.COMMISSION else None
    ),
}

MET_DATES = {
    ClockRule.MetBy.DECISION: lambda review: review.decided_on,
    ClockRule.MetBy.REVIEWER: lambda review: review.reviewer_appointed_on,
    ClockRule.MetBy.DRAFT: lambda review: review.draft_received_on,
    ClockRule.MetBy.PUBLISHED: lambda review: review.published_on,
}

ADDERS = {
    ClockRule.Unit.WORKING_DAYS: add_working_days,
    ClockRule.Unit.CALENDAR_DAYS: add_calendar_days,
    ClockRule.Unit.MONTHS: add_calendar_months,
}


def pauses_of(processes: Iterable[ParallelProcess]) -> tuple[Pause, ...]:
    return tuple((p.starts_on, p.ends_on) for p in processes if p.pauses_clock)


def deadlines(
    review: Review,
    today: date,
    clocks: Iterable[ClockRule] | None = None,
    processes: Iterable[ParallelProcess] | None = None,
) -> list[Deadline]:
    """Every clock of the review that had started on ``today``, soonest first.

    ``today`` may be a past day (a report's period end): what happened after it (a deadline
    met, the review closed or declined) is not yet known on that day. Pass ``clocks`` and
    ``processes`` when they are already loaded (the dashboard prefetches them); otherwise they
    are read from the review's type and the review.
    """
    if clocks is None:
        clocks = review.review_type.clocks.all()
    if processes is None:
        processes = review.parallel_processes.all()
    pauses = pauses_of(processes)
    found = []
    for clock in clocks:
        starts_on = START_DATES[clock.start](review)
        if starts_on is None or starts_on > today:
            continue
        met_on = MET_DATES[clock.met_by](review)
        if met_on is not None and met_on > today:
            met_on = None
        finished_on = _finished_on(review)
        if met_on is None and finished_on is not None and finished_on <= today:
            continue  # declined or closed by then: an unmet clock no longer runs
        due_on = ADDERS[clock.unit](starts_on, clock.amount, pauses)
        found.append(Deadline(clock, starts_on, due_on, met_on, today))
    return sorted(found, key=lambda deadline: deadline.sort_key)


def _finished_on(review: Review) -> date | None:
    """The day the review stopped running: declined at its decision, or closed."""
    if review.stage in (Review.Stage.NOT_COMMISSIONED, Review.Stage.OTHER_LEARNING):
        return review.decided_on
    if review.stage == Review.Stage.CLOSED:
        return review.closed_on
    return None


def next_deadline(review: Review, today: date, **loaded) -> Deadline | None:
    """The first deadline not yet met, or None when every started clock is met."""
    for deadline in deadlines(review, today, **loaded):
        if not deadline.is_met:
            return deadline
    return None
