"""Statutory reviews (CSPR, SAR, DHR): decisions, deadlines and recommendations.

The system does not record statutory reviews yet, so this section says so instead of showing
numbers that would look like "none". When the reviews app records them, a builder reading its
data functions replaces ``build_reviews`` in the reports' section lists
(``SectionList.replace("reviews", ...)``) and the template shows its figures.
"""

from dataclasses import dataclass

from . import Period


@dataclass(frozen=True)
class ReviewsData:
    recorded: bool  # False until the system records statutory reviews
    deadlines: tuple = ()


def build_reviews(period: Period) -> ReviewsData:
    return ReviewsData(recorded=False)
