"""Statutory reviews in summary, for reports and dashboards outside the One Panel's pages.

Reviews are named by reference and type only: never the subject's pseudonym, the
circumstances or anything from the findings. A summary costs five queries however many reviews
it covers (the reviews, their clocks, their pauses, and two for recommendation progress).

Recommendation progress is counted as at the summary's day from the dates the panel records: a
recommendation or action is complete on a day if it is complete now and its completion date is
on or before that day, and an action is overdue if it was due before the day and not complete
on it. The list of recommendations itself is today's, as no date records when each was agreed,
and one reopened since that day counts as open (see ``AS_AT_NOTE``).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch

from . import clocks
from .models import ClockRule, ParallelProcess, Review
from .statutory import Progress, progress_by_review

# For a report's reader: what "complete on <day>" rests on, as the models cannot say more.
AS_AT_NOTE = (
    "A recommendation or action counts as complete if its completion date, as recorded, falls on "
    "or before that day. When each recommendation was agreed is not recorded, so every "
    "recommendation recorded by the day this report was produced is counted."
)


@dataclass(frozen=True)
class ReviewLine:
    """One review as a report may show it."""

    reference: str
    type_name: str
    type_code: str
    stage: str
    decision: str
    decided_on: date | None
    published_on: date | None
    next_deadline: clocks.Deadline | None
    progress: Progress


@dataclass(frozen=True)
class DeadlineLine:
    reference: str
    type_code: str
    label: str
    due_on: date
    statutory: bool


@dataclass
class ReviewSummary:
    start: date
    end: date
    as_at: date
    referred: int = 0
    decisions: Counter = field(default_factory=Counter)  # decision label -> count
    decided: list[ReviewLine] = field(default_factory=list)
    published: list[ReviewLine] = field(default_factory=list)
    live: list[ReviewLine] = field(default_factory=list)  # by next deadline
    with_recommendations: list[ReviewLine] = field(default_factory=list)
    due_between: tuple[date, date] | None = None
    deadlines_due: list[DeadlineLine] = field(default_factory=list)

    @property
    def progress_note(self) -> str:
        """What recommendation progress "as at" the summary's day rests on, for the reader."""
        return AS_AT_NOTE

    @property
    def overdue(self) -> list[ReviewLine]:
        return [line for line in self.live if line.next_deadline and line.next_deadline.is_overdue]

    @property
    def recommendations(self) -> Progress:
        """Recommendations and actions of the reviews shown, added together."""
        total = [line.progress for line in self.with_recommendations]
        return Progress(
            *(
                sum(getattr(p, name) for p in total)
                for name in (
                    "recommendations",
                    "recommendations_complete",
                    "actions",
                    "actions_complete",
                    "actions_overdue",
                )
            )
        )


def review_summary(
    panel_ids, start: date, end: date, as_at: date, due_between: tuple[date, date] | None = None
) -> ReviewSummary:
    """The reviews of the panels ``panel_ids`` for the period ``start``-``end``, counted on
    ``as_at``: referrals and decisions in the period, publications in it, the reviews still
    live with their next deadline, recommendation progress, and the deadlines falling in
    ``due_between`` (the next quarter, say)."""
    reviews = list(
        Review.objects.filter(panel_id__in=panel_ids)
        .filter(notified_on__lte=end)
        .select_related("review_type")
        .prefetch_related(
            Prefetch("review_type__clocks", queryset=ClockRule.objects.all()),
            Prefetch("parallel_processes", queryset=ParallelProcess.objects.all()),
        )
        .order_by("reference")
    )
    summary = ReviewSummary(start=start, end=end, as_at=as_at, due_between=due_between)
    progress = progress_by_review(reviews, as_at)
    for review in reviews:
        loaded = {
            "clocks": list(review.review_type.clocks.all()),
            "processes": list(review.parallel_processes.all()),
        }
        line = ReviewLine(
            reference=review.reference,
            type_name=review.review_type.name,
            type_code=review.review_type.code,
            stage=review.get_stage_display(),
            decision=review.get_decision_display() if review.decision else "",
            decided_on=review.decided_on,
            published_on=review.published_on,
            next_deadline=_next_as_at(review, as_at, loaded),
            progress=progress[review.pk],
        )
        if start <= review.referred_on <= end:
            summary.referred += 1
        if review.decided_on and start <= review.decided_on <= end:
            summary.decisions[line.decision] += 1
            summary.decided.append(line)
        if review.published_on and start <= review.published_on <= end:
            summary.published.append(line)
        if _live_on(review, as_at):
            summary.live.append(line)
        if line.progress.recommendations:
            summary.with_recommendations.append(line)
        if due_between:
            summary.deadlines_due.extend(_due_in(review, as_at, loaded, due_between))
    summary.live.sort(
        key=lambda line: line.next_deadline.sort_key if line.next_deadline else (True, date.max)
    )
    summary.deadlines_due.sort(key=lambda line: (line.due_on, line.reference))
    return summary


def _live_on(review: Review, day: date) -> bool:
    """Referred by ``day`` and not yet closed or declined on that day."""
    if review.referred_on > day:
        return False
    if review.stage in (Review.Stage.NOT_COMMISSIONED, Review.Stage.OTHER_LEARNING):
        return not (review.decided_on and review.decided_on <= day)
    if review.stage == Review.Stage.CLOSED:
        return not (review.closed_on and review.closed_on <= day)
    return True


def _next_as_at(review: Review, day: date, loaded: dict) -> clocks.Deadline | None:
    if not _live_on(review, day):
        return None
    for deadline in clocks.deadlines(review, day, **loaded):
        if not deadline.is_met:
            return deadline
    return None


def _due_in(review: Review, day: date, loaded: dict, window: tuple[date, date]):
    first, last = window
    for deadline in clocks.deadlines(review, day, **loaded):
        if deadline.is_met or deadline.due_on is None:
            continue
        if first <= deadline.due_on <= last:
            yield DeadlineLine(
                reference=review.reference,
                type_code=review.review_type.code,
                label=deadline.label,
                due_on=deadline.due_on,
                statutory=deadline.clock.statutory,
            )
