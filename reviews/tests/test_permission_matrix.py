"""Every case-panel address, for every kind of visitor: who gets in, and who leaves no trace.

Members of the panel get its pages; everyone else signed in gets 404 for anything of the panel
(administrators included), the index and the two list pages that e-mails link to answer 200 for
anyone signed in, and anonymous visitors are sent to sign in. A refused request changes nothing,
and every response says not to store it.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from reviews.tests.pages import build_world, days, edit_data, referral_data, snapshot

pytestmark = pytest.mark.django_db

MEMBER, CHAIR_MEMBER, OTHER = "coordinator on the panel", "panel chair", "member of the other panel"
OFFICER, CHAIR_ROLE, ADMIN, ANON = "board officer", "chair role", "administrator", "anonymous"
PERSONAS = (MEMBER, CHAIR_MEMBER, OTHER, OFFICER, CHAIR_ROLE, ADMIN, ANON)
NON_MEMBERS = (OTHER, OFFICER, CHAIR_ROLE, ADMIN)


def _panel(ok: int) -> dict:
    """Anything of the panel: its members get ``ok``, everyone else 404."""
    return {MEMBER: ok, CHAIR_MEMBER: ok, **dict.fromkeys(NON_MEMBERS, 404)}


OPEN_TO_ALL = {MEMBER: 200, CHAIR_MEMBER: 200, **dict.fromkeys(NON_MEMBERS, 200)}

# (name, method, how to build the address, the data posted, the expected codes)
ROUTES = [
    ("index", "get", lambda w: [], None, OPEN_TO_ALL),
    ("overdue_actions", "get", lambda w: [], None, OPEN_TO_ALL),
    ("disposals", "get", lambda w: [], None, OPEN_TO_ALL),
    (
        "disposals",
        "post",
        lambda w: [],
        lambda w: {
            "panel": w.panel.pk,
            f"panel-{w.panel.pk}-cases": [w.due.pk],
            f"panel-{w.panel.pk}-confirm": "on",
            "scope": "selected",
        },
        # A coordinator of another panel may approve there, but this panel is not theirs.
        {MEMBER: 302, CHAIR_MEMBER: 403, OTHER: 404, OFFICER: 403, CHAIR_ROLE: 403, ADMIN: 403},
    ),
    ("panel", "get", lambda w: [w.panel.pk], None, _panel(200)),
    ("refer", "get", lambda w: [w.panel.pk], None, _panel(200)),
    (
        "refer",
        "post",
        lambda w: [w.panel.pk],
        lambda w: referral_data(w.agency),
        _panel(302),
    ),
    ("export", "get", lambda w: [w.panel.pk], None, _panel(200)),
    (
        "export",
        "post",
        lambda w: [w.panel.pk],
        lambda w: {"scope": "all", "justification": "Quarterly return to the board"},
        _panel(200),
    ),
    ("statistics", "get", lambda w: [w.panel.pk], None, _panel(200)),
    (
        "access_log",
        "get",
        lambda w: [w.panel.pk],
        None,
        {**_panel(200), MEMBER: 403},
    ),
    ("case", "get", lambda w: [w.case.pk], None, _panel(200)),
    ("case_edit", "get", lambda w: [w.case.pk], None, _panel(200)),
    (
        "case_edit",
        "post",
        lambda w: [w.case.pk],
        lambda w: edit_data(w.case, subject_label="Client Beta"),
        _panel(302),
    ),
    ("case_listing", "get", lambda w: [w.case.pk], None, _panel(200)),
    (
        "case_listing",
        "post",
        lambda w: [w.case.pk],
        lambda w: {"meeting": w.later.pk},
        _panel(302),
    ),
    ("case_close", "get", lambda w: [w.case.pk], None, _panel(200)),
    (
        "case_close",
        "post",
        lambda w: [w.case.pk],
        lambda w: {"reason": "risk_reduced", "note": "Safety plan in place"},
        _panel(302),
    ),
    ("case_transfer_out", "get", lambda w: [w.case.pk], None, _panel(200)),
    (
        "case_transfer_out",
        "post",
        lambda w: [w.case.pk],
        lambda w: {"to_area": "Northshire", "on": days(0).isoformat(), "note": "Moved away"},
        _panel(302),
    ),
    ("action_add", "get", lambda w: [w.case.pk], None, _panel(200)),
    (
        "action_add",
        "post",
        lambda w: [w.case.pk],
        lambda w: {
            "agency": w.agency.pk,
            "description": "Target hardening",
            "due_on": days(10).isoformat(),
        },
        _panel(302),
    ),
    ("action_update", "get", lambda w: [w.action.pk], None, _panel(200)),
    (
        "action_update",
        "post",
        lambda w: [w.action.pk],
        lambda w: {
            "agency": w.agency.pk,
            "description": "Safety plan visit",
            "due_on": days(5).isoformat(),
            "note": "Visit booked",
        },
        _panel(302),
    ),
    ("action_complete", "get", lambda w: [w.action.pk], None, _panel(200)),
    (
        "action_complete",
        "post",
        lambda w: [w.action.pk],
        lambda w: {"completed_on": days(0).isoformat(), "note": ""},
        _panel(302),
    ),
    ("action_cancel", "get", lambda w: [w.action.pk], None, _panel(200)),
    (
        "action_cancel",
        "post",
        lambda w: [w.action.pk],
        lambda w: {"note": "Agency no longer involved"},
        _panel(302),
    ),
    ("meeting", "get", lambda w: [w.future.pk], None, _panel(200)),
    (
        "meeting_agreement",
        "post",
        lambda w: [w.later.pk],
        lambda w: {"agree": "on"},
        _panel(302),
    ),
    (
        "listing_change",
        "post",
        lambda w: [w.future_listing.pk],
        lambda w: {
            f"listing-{w.future_listing.pk}-order": "1",
            f"listing-{w.future_listing.pk}-minutes": "20",
        },
        _panel(302),
    ),
    ("listing_heard", "post", lambda w: [w.past_listing.pk], lambda w: {}, _panel(302)),
    ("listing_remove", "post", lambda w: [w.future_listing.pk], lambda w: {}, _panel(302)),
]


def _user(world, persona, request):
    return {
        MEMBER: lambda: world.coordinator,
        CHAIR_MEMBER: lambda: world.panel_chair,
        OTHER: lambda: world.other_member,
        OFFICER: lambda: request.getfixturevalue("board_officer"),
        CHAIR_ROLE: lambda: request.getfixturevalue("chair"),
        ADMIN: lambda: request.getfixturevalue("administrator"),
        ANON: lambda: None,
    }[persona]()


def _outcome(client, persona, name, method, url, data, expected) -> list[str]:
    """What went wrong for one visitor at one address; an empty list when all is as expected."""
    problems = []
    before = snapshot()
    response = client.get(url) if method == "get" else client.post(url, data)
    if persona == ANON:
        if response.status_code != 302 or not response.url.startswith(reverse("login")):
            problems.append(f"{method} {name}, {persona}: {response.status_code}, not sign-in")
    elif response.status_code != expected[persona]:
        problems.append(
            f"{method} {name}, {persona}: {response.status_code}, not {expected[persona]}"
        )
    if (persona == ANON or response.status_code in (403, 404)) and snapshot() != before:
        # Refused: not a row written, not a value changed, not even an access-log entry.
        problems.append(f"{method} {name}, {persona}: refused, yet something changed")
    # Nothing of the panels may linger in a browser's or a proxy's cache.
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
    """One world per address; each visitor's request runs in a savepoint that is rolled back,
    so every visitor meets the same world (and the matrix builds 33 worlds, not 231)."""
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
            problems += _outcome(client, persona, name, method, url, posted, expected)
            transaction.set_rollback(True)
    assert problems == []


def test_every_reviews_address_is_in_one_of_the_matrices():
    """Case panels here, statutory reviews and their learning in their own matrices: a new
    address in the app without an entry in one of them fails."""
    from reviews import urls
    from reviews.tests import test_learning_permission_matrix as learning
    from reviews.tests import test_statutory_permission_matrix as statutory

    covered = {
        name for routes in (ROUTES, statutory.ROUTES, learning.ROUTES) for name, *_ in routes
    }
    assert {pattern.name for pattern in urls.urlpatterns} == covered
