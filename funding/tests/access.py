"""The funding app's entries in the permission matrix (see tests/test_permission_matrix.py).

Grants officers (and administrators) run the fund: anyone else signed in gets 403. The Chair
role reads the fund's summary pages. The public pages are open to all. An applicant's pages open
only with their own live private link: another applicant's link, or an expired one, gets 404,
and no answer may be stored.
"""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from funding import ledger
from funding.models import ApplicationDocument, ChangeRequest, Milestone, MonitoringReturn, Stage
from funding.tests.factories import ApplicationFactory, FundFactory, RoundFactory, award_of
from partnership.tests.access import (
    ADMIN,
    APPLICANT,
    CHAIR_A,
    GRANTS,
    LINK_HOLDERS,
    PERSONAS,
    STRANGER,
    World,
    get,
    only,
    post,
    public,
)

MANAGERS = (GRANTS, ADMIN)
READERS = (GRANTS, ADMIN, CHAIR_A)


def managers(ok: int = 200) -> dict:
    return only(ok, MANAGERS, 403)


def readers(ok: int = 200, **overrides) -> dict:
    return only(ok, READERS, 403, **overrides)


def link_page(ok: int = 200) -> dict:
    """Only the applicant's own live link opens the page."""
    return {**dict.fromkeys((*PERSONAS, *LINK_HOLDERS), 404), APPLICANT: ok}


def build(world: World) -> None:
    today = timezone.localdate()
    fund = FundFactory(name="Matrix POCA Community Fund", board=world.board_a)
    ledger.receive(fund, Decimal("50000"), note="Confiscated assets", on=today)
    world.fund = fund
    world.round = RoundFactory(
        fund=fund,
        slug="matrix-round",
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=30),
    )
    world.application = ApplicationFactory(round=world.round, stage=Stage.ASSESSMENT)
    world.document = ApplicationDocument.objects.create(
        application=world.application,
        kind=ApplicationDocument.Kind.EQUALITY,
        file=SimpleUploadedFile("policy.pdf", b"%PDF-1.4 matrix"),
        original_name="Equality policy.pdf",
        content_type="application/pdf",
        size=15,
    )
    award = award_of("20000", fund, tranches=[("10000", today - dt.timedelta(days=5), None)])
    ledger.commit(award)
    world.award = award
    world.tranche = award.tranches.first()
    world.milestone = Milestone.objects.create(
        award=award, title="Sessions start", due_on=today + dt.timedelta(days=20)
    )
    world.monitoring_return = MonitoringReturn.objects.create(
        award=award, due_on=today + dt.timedelta(days=40)
    )
    world.change = ChangeRequest.objects.create(award=award, description="Move the sessions")
    # The applicant's link opens the awarded application (its grant pages too).
    grantee = award.application
    world.token = grantee.issue_link()
    grantee.save()
    world.grantee_document = ApplicationDocument.objects.create(
        application=grantee,
        kind=ApplicationDocument.Kind.EQUALITY,
        file=SimpleUploadedFile("grantee.pdf", b"%PDF-1.4 matrix"),
        original_name="Policy.pdf",
        content_type="application/pdf",
        size=15,
    )
    other = ApplicationFactory(round=world.round, stage=Stage.APPLICATION)
    world.others_token = other.issue_link()
    other.save()
    expired = ApplicationFactory(round=world.round, stage=Stage.APPLICATION)
    world.expired_token = expired.issue_link()
    expired.link_expires_at = timezone.now() - dt.timedelta(days=1)
    expired.save()


def held_link(world: World, names_an_object: bool = False) -> str:
    """The link the visitor holds: the applicant their own; the stranger another applicant's
    (where the address names one of the applicant's objects) or an expired one; anyone else an
    expired one."""
    if world.persona == APPLICANT:
        return world.token
    if world.persona == STRANGER and names_an_object:
        return world.others_token
    return world.expired_token


LINK_PAGES = (
    "funding:applicant_home",
    "funding:applicant_form",
    "funding:applicant_documents",
    "funding:applicant_document_download",
    "funding:grant_home",
    "funding:grant_return",
    "funding:grant_change",
)


def _link(name, ok, args, **kwargs):
    return get(name, link_page(ok), args, private=True, **kwargs)


def _link_post(name, ok, args, **kwargs):
    return post(name, link_page(ok), args, private=True, **kwargs)


APPLICATION = lambda w: [w.application.pk]  # noqa: E731
AWARD = lambda w: [w.award.pk]  # noqa: E731
HELD = lambda w: [held_link(w)]  # noqa: E731


ENTRIES = [
    get("funding:index", readers()),
    get("funding:fund_detail", readers(), lambda w: [w.fund.pk]),
    # A post that names none of the fund's forms is not found; the Chair may not post at all.
    post("funding:fund_detail", readers(404, chair_a=403), lambda w: [w.fund.pk]),
    get("funding:round_create", managers()),
    post("funding:round_create", managers()),
    get("funding:round_detail", managers(), lambda w: [w.round.pk]),
    get("funding:round_edit", managers(), lambda w: [w.round.pk]),
    post("funding:round_edit", managers(), lambda w: [w.round.pk]),
    get("funding:application_list", managers()),
    get("funding:application_export", managers()),
    get("funding:application_detail", managers(), APPLICATION),
    post("funding:application_move", managers(302), lambda w: [w.application.pk, "withdraw"]),
    get("funding:document_download", managers(), lambda w: [w.document.pk]),
    get("funding:round_compare", readers(), lambda w: [w.round.pk]),
    get("funding:assess", managers(), APPLICATION),
    post("funding:assess", managers(), APPLICATION),
    get("funding:decide", managers(), APPLICATION),
    post("funding:decide", managers(), APPLICATION),
    get("funding:award_list", managers()),
    get("funding:award_export", managers()),
    get("funding:award_detail", managers(), AWARD),
    post("funding:award_return", managers(), AWARD),
    post("funding:award_uncommit", managers(), AWARD),
    post("funding:award_schedule", managers(), AWARD),
    post("funding:milestone_add", managers(), AWARD),
    post("funding:award_close", managers(), AWARD),
    post("funding:milestone_met", managers(302), lambda w: [w.milestone.pk]),
    post("funding:change_decide", managers(), lambda w: [w.change.pk]),
    post("funding:tranche_review", managers(), lambda w: [w.tranche.pk]),
    post("funding:tranche_release", managers(302), lambda w: [w.tranche.pk]),
    get("funding:return_list", managers()),
    get("funding:return_review", managers(), lambda w: [w.monitoring_return.pk]),
    post("funding:return_review", managers(302), lambda w: [w.monitoring_return.pk]),
    # --- Public pages ---
    get("funding:rounds", public()),
    get("funding:resend_link", public()),
    post("funding:resend_link", public()),
    get("funding:round_public", public(), lambda w: [w.round.slug]),
    get("funding:eligibility", public(), lambda w: [w.round.slug]),
    post("funding:eligibility", public(), lambda w: [w.round.slug]),
    get("funding:expression", public(), lambda w: [w.round.slug]),
    post("funding:expression", public(), lambda w: [w.round.slug]),
    # --- The applicant's private pages ---
    _link("funding:applicant_home", 200, HELD),
    # The application has been decided: its form sends the applicant back to their page.
    _link("funding:applicant_form", 302, HELD),
    _link_post("funding:applicant_form", 302, HELD),
    _link("funding:applicant_documents", 200, HELD),
    _link_post("funding:applicant_documents", 302, HELD),
    _link(
        "funding:applicant_document_download",
        200,
        lambda w: [held_link(w, True), w.grantee_document.pk],
    ),
    _link("funding:grant_home", 200, lambda w: [held_link(w, True)]),
    _link("funding:grant_return", 200, lambda w: [held_link(w, True), w.monitoring_return.pk]),
    _link_post("funding:grant_return", 200, lambda w: [held_link(w, True), w.monitoring_return.pk]),
    _link("funding:grant_change", 200, lambda w: [held_link(w, True)]),
    _link_post("funding:grant_change", 200, lambda w: [held_link(w, True)]),
]
