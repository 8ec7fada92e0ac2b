import datetime as dt

import factory
from django.utils import timezone

from boards.models import Action, Board, Meeting, Membership, Organisation, Person


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Agency {n}")
    sector = Organisation.Sector.LOCAL_AUTHORITY
    responsible_authority = True


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Faker("name", locale="en_GB")
    job_title = "Head of Service"
    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    name = factory.Sequence(lambda n: f"Safer Riverside Board {n}")
    kind = Board.Kind.STRATEGIC


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    board = factory.SubFactory(BoardFactory)
    person = factory.SubFactory(PersonFactory)
    organisation = factory.LazyAttribute(lambda m: m.person.organisation)
    role = Membership.Role.MEMBER
    voting = True
    start_date = dt.date(2020, 4, 1)


def at(day: dt.date, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    board = factory.SubFactory(BoardFactory)
    starts_at = factory.LazyFunction(lambda: at(timezone.localdate() + dt.timedelta(days=14)))
    venue = "Riverside Civic Centre, Committee Room 2"


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    board = factory.SubFactory(BoardFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "Circulate the draft strategic assessment"
    owner_organisation = factory.SubFactory(OrganisationFactory)
    raised_on = dt.date(2025, 6, 1)
    due_date = dt.date(2025, 9, 1)


def board_with_members(count: int, *, chair: bool = True, **board_fields):
    """A board whose first member is the Chair, with ``count`` voting members in all."""
    board = BoardFactory(**board_fields)
    members = [MembershipFactory(board=board) for _ in range(count)]
    if chair and members:
        members[0].role = Membership.Role.CHAIR
        members[0].save()
    return board, members


def plan_with_actions(count: int, *, board=None, preset: str = "Blue, Green, Amber, Red"):
    """A 2025/26-2027/28 plan with one priority holding ``count`` key actions, all not started."""
    from boards.models import Priority, StatusKey, StrategicPlan
    from boards.plan_services import add_key_action

    plan = StrategicPlan.objects.create(
        board=board or BoardFactory(),
        title="Safer Riverside Plan",
        start_year=2025,
        end_year=2027,
        status_key=StatusKey.objects.get(name=preset),
    )
    priority = Priority.objects.create(plan=plan, number=1, title="Reduce serious violence")
    lead = OrganisationFactory()
    actions = [
        add_key_action(
            priority,
            title=f"Key action {n}",
            lead_organisations=[lead],
            deadline=dt.date(2027, 3, 31),
        )
        for n in range(1, count + 1)
    ]
    return plan, priority, actions


def status(plan, label: str):
    return plan.status_key.options.get(label=label)
