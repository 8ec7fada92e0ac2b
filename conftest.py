"""Fixtures shared by every app's tests: personas and the gates for real services."""

import pytest

from partnership import roles
from partnership.tests.factories import persona
from tests import support

DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


def pytest_configure(config):
    support.give_this_xdist_worker_its_own_cache()
    support.build_sqlite_test_databases_from_the_models(config)


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under `-n`, xdist's load scheduling, but with the real-worker tests kept together."""
    if config.getvalue("dist") != "load":
        return None  # another --dist asked for by name: xdist's own
    return support.scheduling_that_keeps_celery_worker_tests_together(config, log)


@pytest.fixture(autouse=True)
def reference_data(request, django_db_blocker):
    """Put back the rows the data migrations create (roles, status-key presets, review types).

    Transactional tests (browser, real worker) end by emptying every table, migrations' rows
    included; tests that run after them would otherwise find no presets, role groups or review
    types. Under xdist the order of tests changes, so no test may count on running first.
    """
    uses_db = request.node.get_closest_marker("django_db") or DB_FIXTURES & set(
        request.fixturenames
    )
    if not uses_db:
        return
    with django_db_blocker.unblock():
        support.install_reference_data()


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
