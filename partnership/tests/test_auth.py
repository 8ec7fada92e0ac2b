import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from partnership.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_sign_in_with_the_right_password_opens_the_dashboard(client, board_officer):
    response = sign_in(client, board_officer.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert b"Dashboard" in page.content


def test_wrong_password_is_refused_with_a_message_and_no_session(client, board_officer):
    response = sign_in(client, board_officer.username, "not-the-password")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("username, password", [("", ""), ("someone", ""), ("", "secret")])
def test_empty_fields_are_marked_next_to_the_field(client, username, password):
    response = sign_in(client, username, password)
    assert response.status_code == 200
    assert b"This field is required." in response.content
    assert b"is-invalid" in response.content


def test_sign_out_ends_the_session(client, board_officer):
    client.force_login(board_officer)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_pages_need_a_signed_in_user(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_repeated_failures_lock_the_account_out_even_with_the_right_password(
    client, board_officer, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, board_officer.username, "wrong-guess").status_code == 200
    # The failure that reaches the limit is answered with the lockout page ...
    assert sign_in(client, board_officer.username, "wrong-guess").status_code == 429

    # ... and from then on the right password is refused too.
    locked = sign_in(client, board_officer.username, PASSWORD)

    assert locked.status_code == 429
    assert b"Too many failed sign-in attempts" in locked.content
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get(username=board_officer.username)
    # The refused attempt during the lockout counts as one more failure.
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT + 1


def test_failures_below_the_limit_do_not_lock_and_success_resets_them(
    client, board_officer, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, board_officer.username, "wrong-guess")

    assert sign_in(client, board_officer.username, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=board_officer.username).exists()


def test_lockout_of_one_account_leaves_others_alone(client, board_officer, chair, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, board_officer.username, "wrong-guess")
    assert sign_in(client, chair.username, PASSWORD).status_code == 302


def test_password_reset_mails_a_link_that_sets_a_new_password(client, chair):
    response = client.post(reverse("password_reset"), {"email": chair.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [chair.email]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert b"Choose a new password" in form_page.content
    new_password = "quarterly-board-2026-Q3"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    chair.refresh_from_db()
    assert chair.check_password(new_password)


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert b"Check your e-mail" in response.content
    assert mail.outbox == []


def test_password_reset_refuses_a_malformed_address_next_to_the_field(client):
    response = client.post(reverse("password_reset"), {"email": "not an address"})
    assert response.status_code == 200
    assert b"Enter a valid email address." in response.content
    assert mail.outbox == []


# --- Password rules ----------------------------------------------------------------------------

WEAK_PASSWORDS = [
    ("Short-1x", "This password is too short. It must contain at least 12 characters."),
    ("password1234", "This password is too common."),
    ("839201746512", "This password is entirely numeric."),
]


def reset_form_url(client, user) -> str:
    client.post(reverse("password_reset"), {"email": user.email})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[-1].body).group(1)
    return client.get(link, follow=True).redirect_chain[-1][0]


def field_error(html: str, field: str) -> str:
    """The error text shown under one field (crispy's invalid-feedback block)."""
    match = re.search(rf'id="error_1_id_{field}"[^>]*>\s*<strong>(.*?)</strong>', html, re.DOTALL)
    return match.group(1) if match else ""


@pytest.mark.parametrize("weak, message", WEAK_PASSWORDS)
def test_password_reset_refuses_a_weak_password_next_to_the_field(client, chair, weak, message):
    url = reset_form_url(client, chair)
    response = client.post(url, {"new_password1": weak, "new_password2": weak})
    assert response.status_code == 200
    assert message in field_error(response.content.decode(), "new_password2")
    chair.refresh_from_db()
    assert chair.check_password(PASSWORD)


@pytest.mark.parametrize("weak, message", WEAK_PASSWORDS)
def test_password_change_refuses_a_weak_password_next_to_the_field(
    client, board_officer, weak, message
):
    client.force_login(board_officer)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200
    assert message in field_error(response.content.decode(), "new_password2")
    board_officer.refresh_from_db()
    assert board_officer.check_password(PASSWORD)


def test_password_change_accepts_a_long_uncommon_password(client, board_officer):
    client.force_login(board_officer)
    new_password = "lantern-orchard-quarterly-9"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    board_officer.refresh_from_db()
    assert board_officer.check_password(new_password)
    assert b"Password changed" in client.get(response.url).content


def test_lockout_counts_per_username_and_address_so_one_user_cannot_lock_out_another(
    client, board_officer, chair, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, board_officer.username, "wrong-guess")
    assert sign_in(client, board_officer.username, PASSWORD).status_code == 429
    # The same address may still sign in as someone else ...
    assert sign_in(client, chair.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    # ... and the locked username from another address.
    other = client.post(
        reverse("login"),
        {"username": board_officer.username, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert other.status_code == 302
