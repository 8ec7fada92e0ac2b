"""The sign-in backend loads the signed-in user exactly as Django's ModelBackend does."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership.backends import ModelBackend
from partnership.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

BACKEND = "partnership.backends.ModelBackend"


def fields(user) -> dict:
    return {field.attname: getattr(user, field.attname) for field in user._meta.concrete_fields}


def test_it_replaces_djangos_backend_in_settings():
    assert BACKEND in settings.AUTHENTICATION_BACKENDS
    assert "django.contrib.auth.backends.ModelBackend" not in settings.AUTHENTICATION_BACKENDS


def test_the_user_is_loaded_whole_in_one_query(board_officer):
    with CaptureQueriesContext(connection) as queries:
        user = ModelBackend().get_user(board_officer.pk)

    assert len(queries) == 1
    assert isinstance(user, get_user_model())
    assert fields(user) == fields(DjangoBackend().get_user(board_officer.pk))
    assert user.check_password(PASSWORD)


def test_an_unknown_id_gives_no_user(board_officer):
    assert ModelBackend().get_user(board_officer.pk + 1000) is None


def test_an_inactive_user_gets_no_user_as_with_django(board_officer):
    board_officer.is_active = False
    board_officer.save()

    assert ModelBackend().get_user(board_officer.pk) is None
    assert DjangoBackend().get_user(board_officer.pk) is None


def test_sign_in_records_this_backend_and_a_deactivated_user_is_signed_out(client, board_officer):
    response = client.post(
        reverse("login"), {"username": board_officer.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == BACKEND
    assert client.get(reverse("home")).wsgi_request.user == board_officer

    board_officer.is_active = False
    board_officer.save()

    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_a_changed_password_still_ends_other_sessions(client, board_officer):
    client.force_login(board_officer)
    assert client.get(reverse("home")).wsgi_request.user == board_officer

    board_officer.set_password("a-brand-new-long-passphrase")
    board_officer.save()

    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
