"""Every statutory-review address, for every kind of visitor.

Current members of the One Panel get its pages (the access log only for its Chair and Deputy
Chair); everyone else signed in gets 404 (a member of another One Panel, a case-panel member,
an administrator, a board officer), except the dashboard, which tells them plainly that they sit
on no review panel. Anonymous visitors are sent to sign in. A refused request changes nothing,
not even the access log, and no response may be stored.
"""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import reverse

from reviews.models import AccessLog, ParallelProcess, Review
from reviews.tests.factories import coordinator, marac
from reviews.tests.pages import days, today
from reviews.tests.statutory_factories import (
    commission,
    one_panel,
    panel_chair,
    panel_member,
    refer_review,
)
from reviews.tests.test_pages_statutory import referral_data, snapshot

pytestmark = pytest.mark.django_db

MEMBER, CHAIR, OTHER_PANEL = "panel member", "panel chair", "member of another One Panel"
MARAC, ADMIN, OFFICER, ANON = "case-panel member", "administrator", "board officer", "anonymous"
PERSONAS = (MEMBER, CHAIR, OTHER_PANEL, MARAC, ADMIN, OFFICER, ANON)
OUTSIDERS = (OTHER_PANEL, MARAC, ADMIN, OFFICER)


def _members(ok: int) -> dict:
    return {MEMBER: ok, CHAIR: ok, **dict.fromkeys(OUTSIDERS, 404)}


@dataclass
class World:
    panel: object
    member: object
    chair: object
    other_member: object
    marac_member: object
    referred: Review
    commissioned: Review
    process: ParallelProcess


def build_world() -> World:
    """A One Panel with a member and a Chair, a referral awaiting decision and a commissioned
    review with a running inquest; another One Panel with a member of its own; and a MARAC."""
    panel = one_panel()
    member = panel_member(panel)
    chair = panel_chair(panel)
    other = one_panel("Northshire One Panel")
    other_member = panel_member(other)
    refer_review(other, other_member)
    referred = refer_review(panel, member)
    commissioned = commission(refer_review(panel, member, code="CSPR"), member)
    process = ParallelProcess.objects.create(
        review=commissioned, kind=ParallelProcess.Kind.INQUEST, starts_on=days(-1)
    )
    return World(
        panel=panel,
        member=member,
        chair=chair,
        other_member=other_member,
        marac_member=coordinator(marac()),
        referred=referred,
        commissioned=commissioned,
        process=process,
    )


def _decision(w: World) -> dict:
    return {
        "decision": Review.Decision.COMMISSION,
        "rationale": "The criteria are met.",
        "decided_on": today().isoformat(),
        "decided_by": w.member.person.pk,
    }


def _edit(w: World) -> dict:
    review = w.referred
    return {
        "subject_pseudonym": "Adult Z",
        "incident_on": review.incident_on.isoformat(),
        "notified_on": review.notified_on.isoformat(),
        "referring_organisation": review.referring_organisation_id,
        "circumstances": review.circumstances,
    }


APPOINT = Review.Stage.REVIEWER_APPOINTED

# (name, method, the address's arguments, the data posted, the expected codes)
ROUTES = [
    ("statutory_dashboard", "get", lambda w: [], None, dict.fromkeys(PERSONAS[:-1], 200)),
    ("statutory_refer", "get", lambda w: [w.panel.pk], None, _members(200)),
    (
        "statutory_refer",
        "post",
        lambda w: [w.panel.pk],
        lambda w: referral_data("DHR", w.referred.referring_organisation),
        _members(302),
    ),
    ("statutory_access_log", "get", lambda w: [w.panel.pk], None, {**_members(200), MEMBER: 403}),
    ("review_detail", "get", lambda w: [w.commissioned.pk], None, _members(200)),
    ("review_edit", "get", lambda w: [w.referred.pk], None, _members(200)),
    ("review_edit", "post", lambda w: [w.referred.pk], _edit, _members(302)),
    ("review_decide", "get", lambda w: [w.referred.pk], None, _members(200)),
    ("review_decide", "post", lambda w: [w.referred.pk], _decision, _members(302)),
    ("review_notification_add", "get", lambda w: [w.commissioned.pk], None, _members(200)),
    (
        "review_notification_add",
        "post",
        lambda w: [w.commissioned.pk],
        lambda w: {"body": "Ofsted", "sent_on": today().isoformat()},
        _members(302),
    ),
    ("review_advance", "get", lambda w: [w.commissioned.pk, APPOINT], None, _members(200)),
    (
        "review_advance",
        "post",
        lambda w: [w.commissioned.pk, APPOINT],
        lambda w: {
            "on": today().isoformat(),
            "reviewer_name": "Dr A. Reviewer",
            "terms_of_reference": "Multi-agency practice in the last year.",
        },
        _members(302),
    ),
    ("review_process_add", "get", lambda w: [w.commissioned.pk], None, _members(200)),
    (
        "review_process_add",
        "post",
        lambda w: [w.commissioned.pk],
        lambda w: {"kind": "criminal_trial", "starts_on": today().isoformat()},
        _members(302),
    ),
    ("review_process_end", "get", lambda w: [w.process.pk], None, _members(200)),
    (
        "review_process_end",
        "post",
        lambda w: [w.process.pk],
        lambda w: {"ends_on": today().isoformat()},
        _members(302),
    ),
]


def _user(world: World, persona: str, request):
    return {
        MEMBER: lambda: world.member,
        CHAIR: lambda: world.chair,
        OTHER_PANEL: lambda: world.other_member,
        MARAC: lambda: world.marac_member,
        ADMIN: lambda: request.getfixturevalue("administrator"),
        OFFICER: lambda: request.getfixturevalue("board_officer"),
        ANON: lambda: None,
    }[persona]()


def _outcome(client, world, persona, name, method, url, data, expected) -> list[str]:
    """What went wrong for one visitor at one address; empty when all is as expected."""
    problems = []
    before = snapshot()
    logged_here = AccessLog.objects.filter(panel=world.panel).count()
    response = client.get(url) if method == "get" else client.post(url, data)
    if persona == ANON:
        if response.status_code != 302 or not response.url.startswith(reverse("login")):
            problems.append(f"{method} {name}, {persona}: {response.status_code}, not sign-in")
    elif response.status_code != expected[persona]:
        problems.append(
            f"{method} {name}, {persona}: {response.status_code}, not {expected[persona]}"
        )
    # A refused request leaves no trace, not even in the access log; nor does a visitor who
    # sits on no review panel. A member of another One Panel sees (and is logged on) only
    # their own panel's dashboard.
    refused = persona in (ANON, MARAC, ADMIN, OFFICER) or response.status_code in (403, 404)
    if refused and snapshot() != before:
        problems.append(f"{method} {name}, {persona}: refused, yet something changed")
    if persona in OUTSIDERS:
        if AccessLog.objects.filter(panel=world.panel).count() != logged_here:
            problems.append(f"{method} {name}, {persona}: logged against the panel")
        html = response.content.decode()
        ours = world.panel.statutory_reviews.values_list("reference", flat=True)
        if any(reference in html for reference in ours):
            problems.append(f"{method} {name}, {persona}: saw one of the panel's reviews")
        expects_plain_page = persona != OTHER_PANEL and response.status_code == 200
        if expects_plain_page and "You sit on no review panel" not in html:
            problems.append(f"{method} {name}, {persona}: not the plain page")
    cache = response.headers.get("Cache-Control", "")
    if "no-store" not in cache or "private" not in cache:
        problems.append(f"{method} {name}, {persona}: Cache-Control is {cache!r}")
    return problems


@pytest.mark.parametrize(
    "name, method, args, data, expected",
    ROUTES,
    ids=[f"{method} {name}" for name, method, *_ in ROUTES],
)
def test_permission_matrix(client, request, name, method, args, data, expected):
    """One world per address; each visitor's request runs in a savepoint rolled back after it,
    so every visitor meets the same world."""
    world = build_world()
    users = {persona: _user(world, persona, request) for persona in PERSONAS}
    url = reverse(f"reviews:{name}", args=args(world))
    problems = []
    for persona in PERSONAS:
        client.logout()
        if users[persona] is not None:
            client.force_login(users[persona])
        with transaction.atomic():
            posted = data(world) if method == "post" else None
            problems += _outcome(client, world, persona, name, method, url, posted, expected)
            transaction.set_rollback(True)
    assert problems == []


def test_a_members_refused_post_changes_nothing(client):
    """A member's bad POST (here, a decision with no rationale) is refused and leaves no trace."""
    world = build_world()
    client.force_login(world.member)
    before = snapshot()
    response = client.post(
        reverse("reviews:review_decide", args=[world.referred.pk]),
        {**_decision(world), "rationale": ""},
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert snapshot() == before


def test_every_statutory_address_is_in_the_matrix():
    from reviews.views import statutory

    covered = {name for name, *_ in ROUTES}
    names = {pattern.name for pattern in statutory.urlpatterns}
    assert names == covered
    assert all(name.startswith(("statutory_", "review_")) for name in names)
