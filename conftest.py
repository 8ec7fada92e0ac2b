"""Fixtures shared by every app's tests: personas and the gates for real services."""

import pytest

from partnership import roles
from partnership.tests.factories import persona


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
