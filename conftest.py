"""Fixtures shared by every app's tests: personas and the gates for real services."""

import pytest

from partnership import roles
from partnership.tests.factories import persona

DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


@pytest.fixture(autouse=True)
def reference_data(request, django_db_blocker):
    """Put back the rows the data migrations create (roles, status-key presets).

    Transactional tests (browser, real worker) end by emptying every table, migrations' rows
    included; tests that run after them would otherwise find no presets or role groups.
    """
    uses_db = request.node.get_closest_marker("django_db") or DB_FIXTURES & set(
        request.fixturenames
    )
    if not uses_db:
        return
    from django.contrib.auth.models import Group

    from boards.models import StatusKey, StatusOption
    from boards.status_presets import install_presets

    with django_db_blocker.unblock():
        roles.ensure_roles(Group)
        install_presets(StatusKey, StatusOption)


@pytest.fixture
def administrator(db):
    return persona(roles.ADMINISTRATOR, is_staff=True, is_superuser=True)


@pytest.fixture
def board_officer(db):
    return persona(roles.BOARD_OFFICER)


@pytest.fixture
def grants_officer(db):
    return persona(roles.GRANTS_OFFICER)


@pytest.fixture
def panel_coordinator(db):
    return persona(roles.PANEL_COORDINATOR)


@pytest.fixture
def chair(db):
    return persona(roles.CHAIR)


@pytest.fixture
def outsider(db):
    """Signed in, but holding no role."""
    return persona(None)
