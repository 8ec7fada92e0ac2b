"""The annual report's written sections: the Chair's message, the introduction, the area (with
the key statistics) and what's next.

Officers write the words on the narrative page (``reporting.models.AnnualNarrative``); each
builder reads its own field in one query. A section nobody has written says so in words.
"""

from dataclasses import dataclass

from django.utils.safestring import SafeString

from boards.models import Membership
from partnership.periods import FinancialYear

from ..models import AnnualNarrative
from ..narrative import render_narrative
from . import Period
from .statistics import StatisticsData, build_statistics

# What a section says when nothing has been written; {year} is the report's year.
MISSING = {
    "chair_message": "No message from the Chair has been written for {year}.",
    "introduction": "No introduction has been written for {year}.",
    "area": "No description of the area has been written for {year}.",
    "whats_next": "Nothing has been written yet about the year after {year}.",
    "aims": "No aims have been written for this priority for {year}.",
    "achievements": "No achievements have been written for this priority for {year}.",
    "impact": "No impact has been written for this priority for {year}.",
}


@dataclass(frozen=True)
class NarrativeText:
    """Officer-written text as safe HTML, or the sentence to print in its place."""

    html: SafeString
    missing: str

    @property
    def empty(self) -> bool:
        return not self.html


def narrative_text(field: str, text: str | None, year_label: str) -> NarrativeText:
    """The one way narrative becomes report content: the PDF and the page's preview use it."""
    return NarrativeText(render_narrative(text), MISSING[field].format(year=year_label))


def _written(period: Period, field: str) -> str:
    found = (
        AnnualNarrative.objects.filter(board=period.board, year=period.year.start_year)
        .values_list(field, flat=True)
        .first()
    )
    return found or ""


def _text(period: Period, field: str) -> NarrativeText:
    return narrative_text(field, _written(period, field), period.year.label)


@dataclass(frozen=True)
class Signatory:
    name: str
    job_title: str
    organisation: str


@dataclass
class ChairData:
    text: NarrativeText
    chair: Signatory | None  # who chaired the board at the end of the year


def build_chair_message(period: Period) -> ChairData:
    """The message, signed by whoever held the chair last in the year. Two queries."""
    membership = (
        Membership.objects.filter(board=period.board, role=Membership.Role.CHAIR)
        .overlapping(period.start, period.as_at)
        .select_related("person", "organisation")
        .order_by("-start_date", "-pk")
        .first()
    )
    chair = None
    if membership is not None:
        person = membership.person
        chair = Signatory(person.full_name, person.job_title, membership.organisation.name)
    return ChairData(text=_text(period, "chair_message"), chair=chair)


@dataclass
class IntroductionData:
    text: NarrativeText
    purpose: str  # the board's purpose as recorded on the board


def build_introduction(period: Period) -> IntroductionData:
    """One query: the board itself is already loaded."""
    return IntroductionData(
        text=_text(period, "introduction"), purpose=period.board.purpose.strip()
    )


@dataclass
class AreaData:
    text: NarrativeText
    statistics: StatisticsData


def build_area(period: Period) -> AreaData:
    """The officers' description of the area, then the key statistics: three queries."""
    return AreaData(text=_text(period, "area"), statistics=build_statistics(period))


@dataclass
class WhatsNextData:
    text: NarrativeText
    next_year: str


def build_whats_next(period: Period) -> WhatsNextData:
    """One query."""
    following = FinancialYear(period.year.start_year + 1)
    return WhatsNextData(text=_text(period, "whats_next"), next_year=following.label)
