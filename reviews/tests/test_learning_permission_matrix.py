"""Every learning address of a statutory review, for every kind of visitor.

Current members of the One Panel get the pages; everyone else signed in gets 404 (a member of
another One Panel, a case-panel member, a former member, an administrator, a board officer),
and anonymous visitors are sent to sign in. A refused request changes nothing, not even the
access log, and no response may be stored by a browser or a proxy.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reviews.tests.factories import member
from reviews.tests.test_briefing_pdf import BRIEFING
from reviews.tests.test_pages_learning import build_learning_world, snapshot
from reviews.views import learning

pytestmark = pytest.mark.django_db

MEMBER, OTHER, MARAC, FORMER = "panel member", "other One Panel", "MARAC member", "former member"
ADMIN, OFFICER, ANON = "administrator", "board officer", "anonymous"
PERSONAS = (MEMBER, OTHER, MARAC, FORMER, ADMIN, OFFICER, ANON)


def _members(ok: int) -> dict:
    return {MEMBER: ok, **dict.fromkeys((OTHER, MARAC, FORMER, ADMIN, OFFICER), 404)}


def _today() -> str:
    return timezone.localdate().isoformat()


# (name, method, the address's argument, the data posted, the expected codes)
ROUTES = [
    ("recommendation_add", "get", lambda w: w.review.pk, None, _members(200)),
    (
        "recommendation_add",
        "post",
        lambda w: w.review.pk,
        lambda w: {"text": "GPs ask about abuse at home.", "lead_organisations": [w.lead.pk]},
        _members(302),
    ),
    ("recommendation_action_add", "get", lambda w: w.bare.pk, None, _members(200)),
    (
        "recommendation_action_add",
        "post",
        lambda w: w.bare.pk,
        lambda w: {
            "description": "Run briefings for neighbourhood officers.",
            "organisation": w.agency.pk,
            "owner": "Head of Housing Management",
            "due_on": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
        },
        _members(302),
    ),
    ("recommendation_action_update", "get", lambda w: w.action.pk, None, _members(200)),
    (
        "recommendation_action_update",
        "post",
        lambda w: w.action.pk,
        lambda w: {
            "status": "complete",
            "evidence": "New form in use.",
            "completed_on": _today(),
            "due_on": w.action.due_on.isoformat(),
        },
        _members(302),
    ),
    ("recommendation_complete", "get", lambda w: w.bare.pk, None, _members(200)),
    (
        "recommendation_complete",
        "post",
        lambda w: w.bare.pk,
        lambda w: {"evidence": "Training delivered and audited.", "completed_on": _today()},
        _members(302),
    ),
    ("statutory_progress", "get", lambda w: w.panel.pk, None, _members(200)),
    ("review_briefing_edit", "get", lambda w: w.review.pk, None, _members(200)),
    (
        "review_briefing_edit",
        "post",
        lambda w: w.review.pk,
        lambda w: {**BRIEFING, "briefing_why": "Patterns of abuse are missed one call at a time."},
        _members(302),
    ),
    ("review_briefing", "get", lambda w: w.review.pk, None, _members(200)),
    ("review_briefing_pdf", "get", lambda w: w.review.pk, None, _members(200)),
    ("review_dissemination_add", "get", lambda w: w.review.pk, None, _members(200)),
    (
        "review_dissemination_add",
        "post",
        lambda w: w.review.pk,
        lambda w: {"organisation": w.agency.pk, "disseminated_on": _today(), "how": "Bulletin"},
        _members(302),
    ),
]


def _users(world, request) -> dict:
    former = member(
        world.panel,
        start=dt.date(2020, 4, 1),
        end=timezone.localdate() - dt.timedelta(days=1),
    ).person.user
    return {
        MEMBER: world.member,
        OTHER: world.other_member,
        MARAC: world.marac_member,
        FORMER: former,
        ADMIN: request.getfixturevalue("administrator"),
        OFFICER: request.getfixturevalue("board_officer"),
        ANON: None,
    }


def _outcome(client, persona, name, method, address, data, expected) -> list[str]:
    """What went wrong for one visitor at one address; an empty list when all is as expected."""
    problems = []
    before = snapshot()
    response = client.get(address) if method == "get" else client.post(address, data)
    if persona == ANON:
        if response.status_code != 302 or not response.url.startswith(reverse("login")):
            problems.append(f"{method} {name}, {persona}: {response.status_code}, not sign-in")
    elif response.status_code != expected[persona]:
        problems.append(
            f"{method} {name}, {persona}: {response.status_code}, not {expected[persona]}"
        )
    elif response.status_code == 302 and "login" in response.url:
        problems.append(f"{method} {name}, {persona}: sent to sign in")
    refused = persona == ANON or response.status_code == 404
    if refused and snapshot() != before:
        problems.append(f"{method} {name}, {persona}: refused, yet something changed")
    if persona == MEMBER and method == "post" and snapshot() == before:
        problems.append(f"{method} {name}, {persona}: accepted, yet nothing was saved")
    cache = response.headers.get("Cache-Control", "")
    if "no-store" not in cache or "private" not in cache:
        problems.append(f"{method} {name}, {persona}: Cache-Control is {cache!r}")
    return problems


@pytest.mark.parametrize(
    "name, method, arg, data, expected",
    ROUTES,
    ids=[f"{method} {name}" for name, method, *_ in ROUTES],
)
def test_learning_permission_matrix(client, request, name, method, arg, data, expected):
    """One world per address; each visitor's request runs in a savepoint rolled back after, so
    every visitor meets the same world."""
    world = build_learning_world()
    users = _users(world, request)
    address = reverse(f"reviews:{name}", args=[arg(world)])
    problems = []
    for persona in PERSONAS:
        client.logout()
        if users[persona] is not None:
            client.force_login(users[persona])
        with transaction.atomic():
            posted = data(world) if method == "post" else None
            problems += _outcome(client, persona, name, method, address, posted, expected)
            transaction.set_rollback(True)
    assert problems == []


def test_every_learning_address_is_in_the_matrix():
    covered = {(name, method) for name, method, *_ in ROUTES}
    names = {pattern.name for pattern in learning.urlpatterns}
    assert {name for name, _ in covered} == names
    # Each page that takes a form is tried both ways.
    forms = names - {"statutory_progress", "review_briefing", "review_briefing_pdf"}
    assert {name for name, method in covered if method == "post"} == forms
