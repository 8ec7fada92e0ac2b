"""Sessions end after a spell of inactivity, and a fixed time after sign-in."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from partnership.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLL = {"HTTP_HX_REQUEST": "true"}


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def messages_on(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def test_a_session_idle_past_the_limit_is_sent_to_sign_in_with_the_reason(
    client, board_officer, settings
):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, board_officer)
        clock.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1))
        response = client.get(reverse("home"))

        assert response.status_code == 302
        assert response.url == reverse("login") + "?next=%2F"
        assert "_auth_user_id" not in client.session
        page = client.get(response.url)
        assert "no activity for 30 minutes" in messages_on(page)


def test_activity_within_the_limit_keeps_the_session_open(client, board_officer, settings):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, board_officer)
        for _ in range(4):
            clock.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES - 5))
            assert client.get(reverse("home")).status_code == 200


def test_the_absolute_limit_ends_even_a_busy_session(client, board_officer, settings):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, board_officer)
        elapsed = timedelta()
        limit = timedelta(hours=settings.SESSION_ABSOLUTE_HOURS)
        step = timedelta(minutes=20)
        while elapsed + step < limit:
            clock.shift(step)
            elapsed += step
            assert client.get(reverse("home")).status_code == 200
        clock.shift(step)
        response = client.get(reverse("home"))

        assert response.status_code == 302
        page = client.get(response.url)
        assert "reached its limit of 10 hours" in messages_on(page)


def test_status_polls_do_not_keep_an_idle_session_alive(client, board_officer, settings):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, board_officer)
        # An htmx poll from a page left open, every few minutes for longer than the idle limit.
        for _ in range(settings.SESSION_IDLE_MINUTES // 5 - 1):
            clock.shift(timedelta(minutes=5))
            assert client.get(reverse("home"), **POLL).status_code == 200
        clock.shift(timedelta(minutes=6))
        poll = client.get(reverse("home"), **POLL)

        # htmx is told to load the sign-in page rather than swap a fragment in.
        assert poll.status_code == 204
        assert poll.headers["HX-Redirect"] == reverse("login")
        assert "_auth_user_id" not in client.session


def test_the_limits_come_from_settings(client, board_officer, settings):
    settings.SESSION_IDLE_MINUTES = 5
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, board_officer)
        clock.shift(timedelta(minutes=6))
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert "no activity for 5 minutes" in messages_on(client.get(response.url))


def test_signing_in_again_restarts_both_clocks(client, board_officer, settings):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, board_officer)
        clock.shift(timedelta(hours=settings.SESSION_ABSOLUTE_HOURS, minutes=1))
        assert client.get(reverse("home")).status_code == 302
        sign_in(client, board_officer)
        assert client.get(reverse("home")).status_code == 200


def test_cookies_are_http_only_and_same_site_lax(client, board_officer):
    response = client.post(
        reverse("login"), {"username": board_officer.username, "password": PASSWORD}
    )
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
    page = client.get(reverse("home"))
    csrf_cookie = page.cookies.get("csrftoken") or client.cookies["csrftoken"]
    assert csrf_cookie["httponly"]
    assert csrf_cookie["samesite"] == "Lax"
