"""The session engine reads sessions exactly as Django's database store does, in one statement."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnership.sessions import SessionStore
from partnership.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def expire(key: str, at) -> None:
    Session.objects.filter(session_key=key).update(expire_date=at)


def saved_session(**data) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def test_the_engine_is_the_one_in_settings():
    assert settings.SESSION_ENGINE == "partnership.sessions"


def test_a_live_session_loads_what_was_saved_in_one_query():
    key = saved_session(colour="teal", count=3)

    with CaptureQueriesContext(connection) as queries:
        loaded = SessionStore(key).load()

    assert loaded == {"colour": "teal", "count": 3}
    assert loaded == DjangoStore(key).load()
    assert len(queries) == 1


def test_an_expired_session_is_empty_and_its_key_is_forgotten():
    key = saved_session(colour="teal")
    expire(key, timezone.now() - timedelta(seconds=1))

    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None
    # Django's own store decides the same.
    django_store = DjangoStore(key)
    assert django_store.load() == {}
    assert django_store.session_key is None


def test_a_session_about_to_expire_still_loads():
    key = saved_session(colour="teal")
    expire(key, timezone.now() + timedelta(minutes=1))

    assert SessionStore(key).load() == {"colour": "teal"}


@pytest.mark.parametrize("key", ["unknownunknownunknown", "x" * 40, "'; DROP TABLE x; --aaaa"])
def test_an_unknown_key_is_empty_and_forgotten(key):
    saved_session(colour="teal")

    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


def test_tampered_session_data_is_treated_as_no_session():
    key = saved_session(colour="teal")
    Session.objects.filter(session_key=key).update(session_data="not-signed:by-us")

    assert SessionStore(key).load() == {}


def test_sign_in_page_view_and_sign_out_work_through_the_engine(client, board_officer):
    response = client.post(
        reverse("login"), {"username": board_officer.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert SessionStore(key).load()["_auth_user_id"] == str(board_officer.pk)
    assert client.get(reverse("home")).wsgi_request.user == board_officer

    client.post(reverse("logout"))

    assert not Session.objects.filter(session_key=key).exists()
    assert SessionStore(key).load() == {}
