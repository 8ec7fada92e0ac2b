import datetime as dt

import factory
from django.utils import timezone

from boards.models import Board, Membership
from boards.tests.factories import (
    BoardFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    at,
)
from partnership import roles
from partnership.tests.factories import UserFactory
from reviews import services
from reviews.models import Case, CaseAction

TODAY = timezone.localdate


class PanelFactory(BoardFactory):
    name = factory.Sequence(lambda n: f"Riverside Case Panel {n}")
    kind = Board.Kind.PANEL
    meeting_frequency = Board.Frequency.MONTHLY


def marac(name="Riverside MARAC", prefix="MARAC", **rules) -> Board:
    panel = PanelFactory(name=name, short_name=prefix)
    services.configure_panel(panel, "marac", reference_prefix=prefix, **rules)
    return panel


def ccm(name="Riverside Community MARAC", prefix="CCM", **rules) -> Board:
    panel = PanelFactory(name=name, short_name=prefix)
    services.configure_panel(panel, "ccm", reference_prefix=prefix, **rules)
    return panel


def member(
    panel,
    user=None,
    *,
    role=Membership.Role.MEMBER,
    organisation=None,
    start=dt.date(2020, 4, 1),
    end=None,
    email=None,
):
    """A membership of ``panel`` for ``user`` (a new user if none), through a linked Person."""
    user = user or UserFactory()
    person = getattr(user, "person", None) if user.pk else None
    if person is None:
        person = PersonFactory(
            user=user,
            organisation=organisation or OrganisationFactory(),
            email=email if email is not None else f"{user.username}@agency.example.org",
        )
    return MembershipFactory(
        board=panel,
        person=person,
        organisation=organisation or person.organisation,
        role=role,
        start_date=start,
        end_date=end,
    )


def coordinator(panel, username=None, **kwargs):
    """A user with the Panel coordinator role who sits on ``panel``."""
    user = UserFactory(
        roles=[roles.PANEL_COORDINATOR], **({"username": username} if username else {})
    )
    member(panel, user, **kwargs)
    return user


def past_meeting(panel, days_ago=7, **extra):
    return MeetingFactory(board=panel, starts_at=at(TODAY() - dt.timedelta(days=days_ago)), **extra)


def future_meeting(panel, days_ahead=14, **extra):
    return MeetingFactory(
        board=panel, starts_at=at(TODAY() + dt.timedelta(days=days_ahead)), **extra
    )


def refer(panel, by, **overrides) -> Case:
    """A referral through the service, with a high DASH score unless told otherwise."""
    values = {
        "person_key": "AB 01/02/1990",
        "referral_date": TODAY() - dt.timedelta(days=30),
        "referring_organisation": overrides.pop("referring_organisation", None)
        or OrganisationFactory(),
        "subject_label": "AB",
        "consent": Case.Consent.YES,
        "risk_score": 16,
        "police_incidents": 1,
    }
    values.update(overrides)
    return services.refer_case(panel, by=by, **values)


class CaseFactory(factory.django.DjangoModelFactory):
    """A case written straight to the table, for datasets larger than the services need."""

    class Meta:
        model = Case

    panel = factory.SubFactory(PanelFactory)
    reference_year = factory.LazyAttribute(lambda c: c.referral_date.year)
    reference_number = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda c: f"TEST-{c.reference_year}-{c.reference_number:03d}")
    referral_date = dt.date(2025, 5, 1)
    referring_organisation = factory.SubFactory(OrganisationFactory)
    reason_visible_high_risk = True
    risk_score = 15
    subject_label = factory.Sequence(lambda n: f"Subject {n}")
    consent = Case.Consent.YES


class CaseActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseAction

    case = factory.SubFactory(CaseFactory)
    agency = factory.SubFactory(OrganisationFactory)
    description = "Complete a home safety visit"
    owner = "Station manager"
    due_on = factory.LazyFunction(lambda: TODAY() - dt.timedelta(days=3))
