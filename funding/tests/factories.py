import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from boards.tests.factories import BoardFactory, MeetingFactory, at
from funding import defaults
from funding.models import (
    Application,
    Award,
    Decision,
    Fund,
    FundingRound,
    KeyTheme,
    PriorityArea,
    Stage,
)


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund
        django_get_or_create = ("name",)

    name = "Riverside POCA Community Fund"
    board = factory.SubFactory(BoardFactory)


class PriorityAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityArea
        django_get_or_create = ("name",)

    name = factory.Iterator(["Serious violence", "Domestic abuse", "Anti-social behaviour"])


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingRound
        skip_postgeneration_save = True

    fund = factory.SubFactory(FundFactory)
    name = factory.Sequence(lambda n: f"Community fund round {n}")
    slug = factory.Sequence(lambda n: f"round-{n}")
    opens_on = dt.date(2026, 9, 1)
    closes_on = dt.date(2026, 12, 31)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create:
            self.priority_areas.add(*(extracted or [PriorityAreaFactory(name="Serious violence")]))


def round_open_to_the_public(slug: str = "community-fund", *, closes_in: int = 30) -> FundingRound:
    """A round opened five days ago, with the standard questions and every priority area and
    theme: what a member of the public meets on the fund's pages."""
    today = timezone.localdate()
    round_ = RoundFactory(
        slug=slug,
        name="Community fund 2026/27",
        opens_on=today - dt.timedelta(days=5),
        closes_on=today + dt.timedelta(days=closes_in),
        min_grant=Decimal("1000"),
        max_grant=Decimal("50000"),
    )
    defaults.install(round_)
    round_.priority_areas.add(*PriorityArea.objects.all())
    round_.key_themes.add(*KeyTheme.objects.all())
    return round_


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    round = factory.SubFactory(RoundFactory)
    reference = factory.Sequence(lambda n: f"POCA-2026-{n + 1:04d}")
    token_hash = factory.Sequence(lambda n: f"{n:064d}")
    organisation_name = "Riverside Youth Boxing Club"
    contact_name = "Jo Bright"
    contact_email = "jo@boxing.example"
    project_title = "Friday night boxing"
    summary = "Evening sessions for young people at risk of violence."
    amount_estimate = Decimal("12000")
    stage = Stage.DECISION


def award_of(amount, fund=None, *, tranches=()) -> Award:
    """An approved award of ``amount`` (not yet committed in the ledger)."""
    fund = fund or FundFactory()
    application = ApplicationFactory(round=RoundFactory(fund=fund), stage=Stage.AWARDED)
    decision = Decision.objects.create(
        application=application,
        meeting=MeetingFactory(board=fund.board, starts_at=at(dt.date(2026, 2, 25))),
        outcome=Decision.Outcome.APPROVED,
    )
    award = Award.objects.create(
        application=application, decision=decision, amount=Decimal(amount),
        starts_on=dt.date(2026, 4, 1), ends_on=dt.date(2027, 3, 31),
    )  # fmt: skip
    for number, (part, release_on, review_on) in enumerate(tranches, start=1):
        award.tranches.create(
            number=number, amount=Decimal(part), release_on=release_on, review_on=review_on
        )
    return award
