"""Builders for statutory-review tests: a One Panel, its members, and reviews at each stage,
all made through ``reviews.statutory`` so the tests exercise the same rules as the pages."""

import datetime as dt

import factory
from django.utils import timezone

from boards.models import Board, Membership
from boards.tests.factories import BoardFactory, OrganisationFactory
from reviews import statutory
from reviews.models import Review, ReviewType
from reviews.tests.factories import member

TODAY = timezone.localdate


class OnePanelFactory(BoardFactory):
    name = factory.Sequence(lambda n: f"Riverside One Panel {n}")
    kind = Board.Kind.REVIEW_PANEL
    meeting_frequency = Board.Frequency.MONTHLY


def one_panel(name="Riverside One Panel") -> Board:
    return OnePanelFactory(name=name, short_name="One Panel")


def panel_member(panel, user=None, **kwargs):
    """A user who sits on the review panel (a new one unless given); returns the user."""
    membership = member(panel, user, **kwargs)
    return membership.person.user


def panel_chair(panel, user=None, **kwargs):
    return panel_member(panel, user, role=Membership.Role.CHAIR, **kwargs)


def review_type(code: str) -> ReviewType:
    """One of the four types the migration installs: CSPR, SAR, DHR, LLR."""
    return ReviewType.objects.get(code=code)


def refer_review(panel, by, code="DHR", **overrides) -> Review:
    kind = review_type(code)
    notified = overrides.pop("notified_on", TODAY() - dt.timedelta(days=10))
    values = {
        "review_type": kind,
        "subject_pseudonym": overrides.pop("subject_pseudonym", kind.pseudonym_hint),
        "incident_on": notified - dt.timedelta(days=3),
        "notified_on": notified,
        "referring_organisation": overrides.pop("referring_organisation", None)
        or OrganisationFactory(),
        "circumstances": "A death at home after a history of police call-outs.",
        "criteria_met": list(kind.criteria.all()[:2]),
        "basis": Review.Basis.MANDATORY if kind.asks_mandatory else "",
    }
    values.update(overrides)
    return statutory.refer(panel, by=by, **values)


def commission(review, by, decided_on=None, **overrides) -> Review:
    """Decide to commission, in the name of the panel member ``by``."""
    values = {
        "decision": Review.Decision.COMMISSION,
        "rationale": "The criteria are met and agencies' joint working needs examining.",
        "decided_on": decided_on or review.notified_on + dt.timedelta(days=7),
        "decided_by": by.person,
    }
    values.update(overrides)
    return statutory.decide(review, by=by, **values)


def take_to(review, by, stage, start=None) -> Review:
    """Move a commissioned review along the path to ``stage``, a day per step from ``start``."""
    day = start or review.decided_on
    details = {
        Review.Stage.REVIEWER_APPOINTED: {
            "reviewer_name": "Dr J. Example",
            "terms_of_reference": "Examine how agencies shared information in the last year.",
        },
        Review.Stage.PUBLISHED: {"publication_url": "https://example.org/reviews/1"},
    }
    path = list(Review.PATH)
    for step in path[path.index(review.stage) + 1 : path.index(stage) + 1]:
        day = min(day + dt.timedelta(days=1), TODAY())
        review = statutory.advance(review, by=by, to=step, on=day, **details.get(step, {}))
    return review
