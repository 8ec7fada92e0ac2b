"""Optional two-factor sign-in for administrators and panel members."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import NoReverseMatch, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership.tests.factories import PASSWORD
from reviews.tests.factories import coordinator, marac

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, drift=offset_steps):06d}"


def wrong_code(device: TOTPDevice) -> str:
    right = int(code_for(device))
    return f"{(right + 1) % 1_000_000:06d}"


def sign_in(client, user, **extra):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD, **extra})


def enter_code(client, code):
    return client.post(reverse("login_code"), {"code": code})


@pytest.fixture
def panel_member(db):
    return coordinator(marac(), username="panel_member")


@pytest.fixture
def protected(administrator):
    """The administrator, with a confirmed authenticator device."""
    TOTPDevice.objects.create(user=administrator, name="Authenticator app", confirmed=True)
    return administrator


def device_of(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user)


def signed_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


# --- Sign-in -----------------------------------------------------------------------------------


def test_a_panel_member_without_two_factor_signs_in_with_the_password_alone(client, panel_member):
    response = sign_in(client, panel_member)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert signed_in_as(client) == str(panel_member.pk)


def test_the_password_alone_does_not_sign_in_a_user_with_a_device(client, protected):
    response = sign_in(client, protected)

    assert response.status_code == 302
    assert response.url == reverse("login_code")
    assert signed_in_as(client) is None
    assert client.get(reverse("home")).status_code == 302
    page = client.get(reverse("login_code"))
    assert b'name="code"' in page.content


def test_the_right_code_completes_the_sign_in_and_goes_on_to_next(client, protected):
    with time_machine.travel(START, tick=False):
        sign_in(client, protected, next=reverse("admin:index"))
        response = enter_code(client, code_for(device_of(protected)))

        assert response.status_code == 302
        assert response.url == reverse("admin:index")
        assert signed_in_as(client) == str(protected.pk)
        assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_refused_next_to_the_field_and_counts_as_a_failure(client, protected):
    with time_machine.travel(START, tick=False):
        sign_in(client, protected)
        response = enter_code(client, wrong_code(device_of(protected)))

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'id="error_1_id_code"[^>]*>.*?not right', html, re.DOTALL)
    assert 'name="code"' in html and "is-invalid" in html
    assert signed_in_as(client) is None
    assert AccessAttempt.objects.get(username=protected.username).failures_since_start == 1


def test_a_code_that_is_not_six_digits_is_refused_next_to_the_field(client, protected):
    sign_in(client, protected)
    response = enter_code(client, "12ab")
    assert b"Enter the 6 digits your authenticator app shows." in response.content
    assert signed_in_as(client) is None


def test_a_replayed_code_is_refused(client, protected):
    with time_machine.travel(START, tick=False):
        sign_in(client, protected)
        code = code_for(device_of(protected))
        assert enter_code(client, code).status_code == 302
        client.post(reverse("logout"))

        sign_in(client, protected)
        replay = enter_code(client, code)

    assert replay.status_code == 200
    assert b"already been used" in replay.content
    assert signed_in_as(client) is None


def test_repeated_wrong_codes_lock_the_account_out_like_wrong_passwords(
    client, protected, settings
):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, protected)
        statuses = []
        for _ in range(settings.AXES_FAILURE_LIMIT):
            # Past django-otp's own growing delay, so each guess is really checked.
            clock.shift(timedelta(seconds=20))
            statuses.append(enter_code(client, wrong_code(device_of(protected))).status_code)
        clock.shift(timedelta(seconds=5))
        locked = enter_code(client, code_for(device_of(protected)))

    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    assert locked.status_code == 429
    assert signed_in_as(client) is None


def test_the_code_step_expires_and_sends_the_user_back_to_the_password(client, protected):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, protected)
        clock.shift(timedelta(minutes=6))
        response = enter_code(client, code_for(device_of(protected)))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert signed_in_as(client) is None


def test_the_code_step_without_a_password_first_goes_back_to_sign_in(client):
    response = client.get(reverse("login_code"))
    assert response.status_code == 302
    assert response.url == reverse("login")


# --- Account security page ---------------------------------------------------------------------


def test_a_panel_member_turns_two_factor_on_with_a_code(client, panel_member):
    client.force_login(panel_member)
    page = client.get(reverse("account_security"))
    assert b"Set up an authenticator app" in page.content

    client.post(reverse("two_factor_start"))
    page = client.get(reverse("account_security"))
    device = device_of(panel_member)
    assert not device.confirmed
    html = page.content.decode()
    # The QR code is drawn on the server, with the secret shown for typing in by hand.
    assert 'src="data:image/svg+xml' in html
    assert html.count("<script>") == 0

    with time_machine.travel(START, tick=False) as clock:
        wrong = client.post(reverse("two_factor_confirm"), {"code": wrong_code(device)})
        assert b"not right" in wrong.content
        assert not device_of(panel_member).confirmed
        # django-otp makes the next guess wait a moment after a wrong one.
        clock.shift(timedelta(seconds=2))
        right = client.post(reverse("two_factor_confirm"), {"code": code_for(device)})

    assert right.status_code == 302
    assert device_of(panel_member).confirmed


def test_two_factor_is_turned_off_only_with_a_right_code(client, protected):
    client.force_login(protected)
    device = device_of(protected)
    with time_machine.travel(START, tick=False) as clock:
        wrong = client.post(reverse("two_factor_disable"), {"code": wrong_code(device)})
        assert wrong.status_code == 200
        assert b"not right" in wrong.content
        assert TOTPDevice.objects.filter(user=protected).exists()
        clock.shift(timedelta(minutes=1))
        right = client.post(reverse("two_factor_disable"), {"code": code_for(device)})
    assert right.status_code == 302
    assert not TOTPDevice.objects.filter(user=protected).exists()


def test_users_who_are_neither_administrators_nor_panel_members_are_not_offered_two_factor(
    client, board_officer
):
    client.force_login(board_officer)
    page = client.get(reverse("account_security"))
    assert page.status_code == 200
    assert "offered to administrators and to members of case and review panels" in page.text
    assert reverse("two_factor_start") not in page.text
    assert reverse("password_change") in page.text
    assert client.post(reverse("two_factor_start")).status_code == 404
    assert not TOTPDevice.objects.filter(user=board_officer).exists()


def test_someone_who_left_their_panel_still_sees_two_factor_on_and_can_turn_it_off(
    client, board_officer
):
    # A board officer is not offered two-factor, but kept a device from a panel seat now ended.
    device = TOTPDevice.objects.create(user=board_officer, name="Authenticator app", confirmed=True)
    client.force_login(board_officer)
    page = client.get(reverse("account_security"))
    assert "<strong>On.</strong>" in page.text
    assert reverse("two_factor_disable") in page.text
    with time_machine.travel(START, tick=False):
        response = client.post(reverse("two_factor_disable"), {"code": code_for(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=board_officer).exists()
    assert "password alone" in client.get(reverse("account_security")).text
    assert client.post(reverse("two_factor_disable")).status_code == 404


def test_every_signed_in_page_links_to_account_security(client, board_officer, panel_member):
    link = f'href="{reverse("account_security")}"'
    assert link not in client.get(reverse("login")).text
    for user in (board_officer, panel_member):
        client.force_login(user)
        assert link in client.get(reverse("home")).text
    page = client.get(reverse("account_security"))
    assert reverse("two_factor_start") in page.text
    assert reverse("password_change") in page.text


def test_an_administrator_can_remove_a_users_device_in_the_admin(
    client, administrator, panel_member
):
    device = TOTPDevice.objects.create(user=panel_member, name="Authenticator app")
    client.force_login(administrator)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert sign_in(client, panel_member).url == reverse("home")


def test_the_admin_sign_in_form_cannot_skip_the_code_step(client, protected):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=/admin/"
    client.post(reverse("admin:login"), {"username": protected.username, "password": PASSWORD})
    assert signed_in_as(client) is None


def test_the_admin_shows_no_secret_and_cannot_add_devices(client, administrator, protected):
    device = device_of(protected)
    client.force_login(administrator)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    with pytest.raises(NoReverseMatch):
        reverse("admin:otp_totp_totpdevice_config", args=[device.pk])
