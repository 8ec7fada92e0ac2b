"""The page cache (partnership.pagecache): kept pages are reused only while nothing changed.

Pages are never kept inside a transaction, so these tests use transactional database access:
every request here commits, as it does when the site is served.
"""

import datetime as dt
import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from boards.models import Attendance, Membership
from boards.tests.factories import MeetingFactory, at, board_with_members
from partnership import pagecache, roles
from partnership.tests.factories import persona
from reviews.models import AccessLog
from reviews.tests.factories import coordinator, marac, refer
from tests.support import need

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def empty_cache():
    pagecache.caches["pages"].clear()
    yield
    pagecache.caches["pages"].clear()


class Queries:
    """Counts the SQL a request runs (Django resets its own list at each request's start)."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        return execute(sql, params, many, context)


def get(client, url, **extra):
    queries = Queries()
    with connection.execute_wrapper(queries):
        response = client.get(url, **extra)
    return response, len(queries.statements)


def without_token(html: bytes) -> str:
    return TOKEN.sub("", html.decode())


@pytest.fixture
def meeting():
    board, members = board_with_members(3)
    return MeetingFactory(board=board, starts_at=at(dt.date(2025, 12, 4))), members


@pytest.fixture
def officer_client(client):
    client.force_login(persona(roles.BOARD_OFFICER, username="officer"))
    return client


# --- The counter -------------------------------------------------------------------------


def test_every_table_but_the_unwatched_ones_moves_the_counter():
    watched = pagecache.watched_tables()
    assert {"boards_meeting", "boards_membership", "auth_user", "reviews_case"} <= set(watched)
    assert pagecache.tables_with_triggers() == set(watched)
    assert not set(watched) & pagecache.UNWATCHED


def test_any_kind_of_write_moves_the_counter(meeting):
    meeting, members = meeting
    moves = []

    def moved(write) -> None:
        before = pagecache.read_stamp()
        write()
        moves.append(pagecache.read_stamp() != before)

    moved(lambda: meeting.save())
    moved(lambda: Membership.objects.filter(pk=members[0].pk).update(end_date=None))
    moved(lambda: Membership.objects.filter(pk=members[1].pk).delete())

    def raw_sql():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE boards_meeting SET venue = 'Town Hall'")

    moved(raw_sql)
    # Sessions and the access log change on almost every request; they are left out.
    user = persona(None)
    panel = marac()
    stamp = pagecache.read_stamp()
    Client().session.save()
    AccessLog.objects.create(user=user, username=user.username, panel=panel, action="list")
    assert pagecache.read_stamp() == stamp
    assert moves == [True] * 4


def test_a_write_rolled_back_leaves_the_counter_alone(meeting):
    meeting, _ = meeting
    stamp = pagecache.read_stamp()
    with pytest.raises(RuntimeError), transaction.atomic():
        meeting.venue = "Nowhere"
        meeting.save()
        raise RuntimeError
    assert pagecache.read_stamp() == stamp


# --- Kept pages ---------------------------------------------------------------------------


def test_a_kept_attendance_page_is_served_until_attendance_changes(officer_client, meeting):
    meeting, members = meeting
    url = reverse("boards:attendance", args=[meeting.pk])
    first, built = get(officer_client, url)
    second, served = get(officer_client, url)
    assert first.status_code == second.status_code == 200
    assert served < built
    assert without_token(second.content) == without_token(first.content)
    assert b'value="attended" checked' not in second.content

    Attendance.objects.create(meeting=meeting, membership=members[0], status="attended")
    third, rebuilt = get(officer_client, url)
    assert rebuilt == built
    assert b'value="attended" checked' in third.content


def test_the_token_on_a_kept_page_is_fresh_and_works(meeting):
    meeting, members = meeting
    client = Client(enforce_csrf_checks=True)
    client.force_login(persona(roles.BOARD_OFFICER))
    url = reverse("boards:attendance", args=[meeting.pk])
    client.get(url)
    kept = client.get(url)
    assert pagecache.CSRF_PLACEHOLDER.encode() not in kept.content
    tokens = TOKEN.findall(kept.content.decode())
    assert tokens and all(tokens)
    data = {f"status_{m.pk}": "attended" for m in members}
    saved = client.post(url, {**data, "csrfmiddlewaretoken": tokens[0]})
    assert saved.status_code == 302
    assert Attendance.objects.filter(meeting=meeting, status="attended").count() == 3


def test_a_page_is_never_served_to_another_session(meeting):
    url = reverse("reporting:index")
    chairs = [
        persona(roles.CHAIR, username=first.lower(), first_name=first, last_name="Chair")
        for first in ("Ada", "Ben")
    ]
    clients = [Client(), Client()]
    for client, chair in zip(clients, chairs, strict=True):
        client.force_login(chair)
    stamp = pagecache.read_stamp()
    pages = []
    for client in clients:
        client.get(url)
        pages.append(client.get(url).content.decode())
    # Nothing changed between the two: only the session keeps their pages apart.
    assert pagecache.read_stamp() == stamp
    assert "Ada" in pages[0] and "Ada" not in pages[1]
    assert "Ben" in pages[1] and "Ben" not in pages[0]


def test_a_request_with_a_message_to_show_is_built_afresh(officer_client, meeting):
    meeting, _ = meeting
    url = reverse("boards:attendance", args=[meeting.pk])
    officer_client.get(url)
    _, served = get(officer_client, url)
    # A message waiting in the visitor's cookie, as a redirect after a change leaves it.
    storage = CookieStorage(HttpRequest())
    officer_client.cookies["messages"] = storage._encode([Message(constants.INFO, "Hello there")])
    page, built = get(officer_client, url)
    assert b"Hello there" in page.content
    assert built > served
    # Shown once; the next request is served the kept page again.
    again, served_again = get(officer_client, url)
    assert b"Hello there" not in again.content
    assert served_again == served


def test_the_case_list_writes_its_access_row_and_checks_the_seat_every_time():
    panel = marac()
    user = coordinator(panel)
    refer(panel, user)
    client = Client()
    client.force_login(user)
    url = reverse("reviews:panel", args=[panel.pk])
    before = AccessLog.objects.filter(action="list").count()
    first, built = get(client, url)
    second, served = get(client, url)
    assert first.status_code == second.status_code == 200
    assert served < built
    assert second["Cache-Control"] == first["Cache-Control"]
    assert "no-store" in second["Cache-Control"]
    assert AccessLog.objects.filter(action="list").count() == before + 2

    # The seat ends: the next request is refused, not served the kept page.
    Membership.objects.filter(person__user=user, board=panel).update(
        end_date=timezone.localdate() - dt.timedelta(days=1)
    )
    assert client.get(url).status_code == 404
    assert AccessLog.objects.filter(action="list").count() == before + 2


def test_the_public_form_is_shared_by_visitors_but_each_gets_their_own_token():
    from funding.tests.factories import round_open_to_the_public

    round_ = round_open_to_the_public()
    url = reverse("funding:expression", args=[round_.slug])
    first, second = Client(), Client()
    one, built = get(first, url)
    two, served = get(second, url)
    assert served < built
    assert TOKEN.findall(one.content.decode()) != TOKEN.findall(two.content.decode())
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


@override_settings(PAGE_CACHE_SECONDS=0)
def test_a_zero_age_turns_the_cache_off(officer_client, meeting):
    meeting, _ = meeting
    url = reverse("boards:attendance", args=[meeting.pk])
    _, built = get(officer_client, url)
    _, again = get(officer_client, url)
    assert again == built


def test_inside_a_transaction_nothing_is_kept(officer_client, meeting):
    meeting, _ = meeting
    url = reverse("boards:attendance", args=[meeting.pk])
    with transaction.atomic():
        _, built = get(officer_client, url)
        _, again = get(officer_client, url)
    assert again == built


def test_on_postgresql_the_counter_moves_once_a_transaction_at_commit(meeting):
    need("SERVICES", connection.vendor == "postgresql", "deferred triggers are PostgreSQL's")
    meeting, members = meeting
    stamp = pagecache.read_stamp()
    with transaction.atomic():
        meeting.venue = "Town Hall"
        meeting.save()
        Membership.objects.filter(pk__in=[m.pk for m in members]).update(end_date=None)
        # Not yet: the trigger is deferred, so the counter's row is locked only at commit.
        assert pagecache.read_stamp() == stamp
    assert pagecache.read_stamp() == stamp + 1
