"""Statutory reviews (CSPR, SAR, DHR and local learning reviews) of the review panels beneath
the board: referrals and decisions in the period, publications, the live reviews with their
next deadline, the deadlines falling in the following quarter, and recommendation progress.

Reviews appear by reference and type only; the reviews app's summary never hands over a
pseudonym, the circumstances or the findings. Two queries find the panels, five build the
summary.
"""

from datetime import timedelta

from boards.models import Board
from partnership.periods import FinancialYear
from reviews.summaries import ReviewSummary, review_summary

from . import Period, boards_beneath


def following_quarter(period: Period) -> tuple:
    """The quarter after the period ends: where "deadlines due next quarter" look."""
    day_after = period.end + timedelta(days=1)
    year = FinancialYear.containing(day_after)
    return year.quarter_bounds(year.quarter_of(day_after))


def build_reviews(period: Period) -> ReviewSummary:
    panels = Board.objects.filter(
        pk__in=boards_beneath(period.board.pk), kind=Board.Kind.REVIEW_PANEL
    ).values_list("pk", flat=True)
    return review_summary(
        panels, period.start, period.end, period.as_at, due_between=following_quarter(period)
    )
