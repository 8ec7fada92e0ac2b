"""One permission matrix over every URL of the project: persona × URL × method → status.

The URL conf is walked, admin included, and every pattern must have an entry in one of the apps'
``tests/access.py`` (the admin's are generated from ``admin.site._registry``): a new URL without
one fails here, naming the entry to add, and so does an entry whose URL has gone.

The world is built once for the module; each request runs in a savepoint rolled back after it,
so no request changes the world for the next. A refused request must change nothing, and the
private pages (case data, applicants' links) must say not to store any answer.
"""

from collections import Counter
from http.cookies import SimpleCookie
from importlib import import_module

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from boards.tests import access as boards_access
from funding.tests import access as funding_access
from partnership.tests import access as core
from reporting.tests import access as reporting_access
from reviews.tests import access as reviews_access
from tests.support import rows_shared_by_a_scope

APPS = (core, boards_access, funding_access, reviews_access, reporting_access)
# Loading the URL conf registers some admins (two-factor devices): read the registry after it.
import_module(settings.ROOT_URLCONF)
ENTRIES = [entry for app in APPS for entry in app.ENTRIES] + core.admin_entries()
REFUSED = {403, 404, 405}


def pattern_keys(resolver=None, namespace: str = "", route: str = "") -> list[str]:
    """Every pattern as ``namespace:name``, or ``namespace:<route>`` when it has no name."""
    keys = []
    for pattern in (resolver or get_resolver()).url_patterns:
        here = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            keys += pattern_keys(pattern, inner, here)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<{here}>"
            keys.append(f"{namespace}:{name}" if namespace else name)
    return keys


def _app_of(key: str) -> str:
    namespace = key.split(":")[0] if ":" in key else "partnership"
    return "partnership" if namespace == "admin" else namespace


def test_every_url_pattern_has_an_entry_and_every_entry_a_url():
    patterns = set(pattern_keys())
    declared = {entry.name for entry in ENTRIES}
    missing = sorted(patterns - declared)
    gone = sorted(declared - patterns)
    message = [
        f'{key}: add to {_app_of(key)}/tests/access.py ENTRIES: get("{key}", <status per '
        f"persona, e.g. everyone(200)>), and post(...) too if it takes a form"
        for key in missing
    ] + [f"{key}: no such URL any more; remove its entry" for key in gone]
    assert not message, "\n".join(message)


def test_each_url_and_method_has_one_entry():
    twice = [label for label, n in Counter(e.label for e in ENTRIES).items() if n > 1]
    assert twice == []


def test_the_walk_finds_the_admin_and_the_unnamed_patterns():
    keys = pattern_keys()
    assert "admin:index" in keys and "boards:board_detail" in keys
    assert any(key.startswith("admin:<") for key in keys)


def writes(queries: CaptureQueriesContext) -> list[str]:
    """The statements that changed a row, sessions aside (signing in and out writes those).

    Catching the writes themselves, rather than comparing the tables before and after, also
    finds a refused request that wrote and then undid something, and costs nothing per table."""
    changes = ("INSERT", "UPDATE", "DELETE")
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(changes) and "django_session" not in q["sql"]
    ]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    def build():
        world = core.World()
        for app in APPS:
            app.build(world)
        # Each persona signs in once for the module: their session's cookie is put back before
        # each request (a sign-out in one entry must not sign them out of the next).
        world.cookies = {}
        for persona, user in world.users.items():
            client = Client()
            if user is not None:
                client.force_login(user)
            world.cookies[persona] = client.cookies
        return world

    with rows_shared_by_a_scope(django_db_blocker, build) as shared:
        yield shared


def _personas(entry) -> tuple[str, ...]:
    if entry.name.startswith("admin:"):
        return core.ADMIN_PERSONAS
    if "<str:token>" in entry.name or entry.name in funding_access.LINK_PAGES:
        return (*core.PERSONAS, *core.LINK_HOLDERS)
    return core.PERSONAS


def _check(client, world, entry, persona) -> list[str]:
    """What went wrong for one persona at one address; an empty list when all is as expected."""
    expected = entry.expect[persona]
    if entry.if_no_rows and expected == 200 and not entry.model._default_manager.exists():
        expected = entry.if_no_rows
    # The public forms are rate-limited by address; every persona here comes from one.
    cache.clear()
    where = f"{entry.label}, {persona}"
    world.persona = persona
    url = entry.url(world) if entry.url else reverse(entry.name, args=entry.args(world))
    data = entry.data(world) if entry.data else None
    with CaptureQueriesContext(connection) as queries:
        if data is None:
            response = getattr(client, entry.method)(url)
        else:
            response = getattr(client, entry.method)(url, data)
    status = response.status_code
    problems = []
    if expected in (core.LOGIN, core.ADMIN_LOGIN):
        target = reverse("login" if expected == core.LOGIN else "admin:login")
        if status != 302 or not response.url.startswith(target):
            problems.append(f"{where}: {status} {response.get('Location', '')}, not {expected}")
    elif status != expected:
        problems.append(f"{where}: {status}, not {expected}")
    refused = status in REFUSED or expected in (core.LOGIN, core.ADMIN_LOGIN)
    if refused and writes(queries):
        # Not a row written, not a value changed, not even an access-log entry.
        problems.append(f"{where}: refused, yet it wrote {writes(queries)[0]}")
    if entry.check:
        problems += [f"{where}: {p}" for p in entry.check(world, response, writes(queries))]
    if entry.private:
        stored = response.headers.get("Cache-Control", "")
        if "no-store" not in stored or "private" not in stored:
            problems.append(f"{where}: Cache-Control is {stored!r}")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRIES, ids=[e.label for e in ENTRIES])
def test_permission_matrix(world, entry):
    personas = _personas(entry)
    unknown = set(personas) - set(entry.expect)
    assert not unknown, f"{entry.label}: no expected status for {sorted(unknown)}"
    client = Client()
    problems = []
    for persona in personas:
        client.cookies = SimpleCookie(world.cookies[persona])
        with transaction.atomic():
            problems += _check(client, world, entry, persona)
            transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_a_members_rejected_form_changes_nothing(world):
    """A One Panel member's decision with no rationale is answered by the form, and leaves no
    trace: the matrix's refused requests are outsiders', this one is an insider's bad input."""
    client = Client()
    client.cookies = SimpleCookie(world.cookies[core.ONE_PANEL])
    data = {**reviews_access._decision(world), "rationale": ""}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("reviews:review_decide", args=[world.referred.pk]), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert writes(queries) == []
