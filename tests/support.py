"""Helpers for tests in every app."""

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import TypeVar

import pytest
from django.core.cache.backends.redis import RedisCache

T = TypeVar("T")


def need(kind: str, available: bool, reason: str) -> None:
    """Skip a test whose service or browser is missing, with the reason shown in the summary.

    .ci/run sets CSP_REQUIRE_SERVICES=1 / CSP_REQUIRE_BROWSER=1, which turns that skip into a
    failure: under CI a missing component must never pass as a skipped test.
    """
    if available:
        return
    if os.environ.get(f"CSP_REQUIRE_{kind}") == "1":
        pytest.fail(f"{reason} (CSP_REQUIRE_{kind}=1 makes this mandatory)")
    pytest.skip(reason)


# The data migrations whose rows the tests need: (app, migration, function). Each function
# must be safe to run again; it is run with the current models.
# The project's own apps (the ones with migrations and tables of ours).
PROJECT_APPS = ("partnership", "boards", "funding", "reviews", "reporting")

REFERENCE_DATA = [
    ("partnership", "0001_roles", "create_roles"),
    ("boards", "0003_status_key_presets", "install"),
    ("reviews", "0004_review_types", "add_types"),
]
# Migrations whose RunPython changes the schema (a PostgreSQL trigger), not rows: no test
# flush removes it, so there is nothing to put back. tests/test_reference_data.py checks that
# every RunPython in the project is in this list or the one above.
SCHEMA_RUNPYTHON = [("reviews", "0002_access_log_append_only")]
# Migrations whose RunPython fills a new column of rows that existed before it: a flushed test
# database has none of those rows, so there is nothing to put back either.
BACKFILL_RUNPYTHON = [("boards", "0005_generated_document_names")]


def install_reference_data() -> None:
    """Put back the rows the data migrations create (roles, status-key presets, review types)."""
    from django.apps import apps

    for app, migration, function in REFERENCE_DATA:
        getattr(import_module(f"{app}.migrations.{migration}"), function)(apps, None)


@contextmanager
def rows_shared_by_a_scope(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """For a class- or module-scoped fixture: yields what ``build()`` returns, with the rows it
    made kept for every test of that scope and rolled back when the scope ends.

    Each test still runs in a savepoint of its own inside this transaction, so whatever a test
    changes is undone after it, as usual. Building a large dataset (and a PDF from it) once per
    scope rather than once per test is the point; tests that change a shared object must take a
    fresh copy of it from the database. Transactional tests cannot share such rows: keep them
    out of the scope. Under xdist each worker builds its own copy.
    """
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            install_reference_data()
            value = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def build_sqlite_test_databases_from_the_models(config) -> None:
    """On SQLite (the embedded run) create the test database from the models, as
    ``--no-migrations`` does, instead of applying every migration.

    Applying them costs each xdist worker about 25 s of CPU before its first database test, most
    of it Django re-rendering model states in funding's and boards' first migrations. The
    services run (PostgreSQL, as in production) still applies every migration, the rows the data
    migrations create are put back before each test anyway (conftest.reference_data), and
    partnership/tests/test_deployment.py checks that the models and the migrations agree.
    CSP_TEST_MIGRATIONS=1 applies the migrations on SQLite too.
    """
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3") and os.environ.get("CSP_TEST_MIGRATIONS") != "1":
        config.option.nomigrations = True


def xdist_worker() -> str | None:
    """The pytest-xdist worker running this process ("gw0", "gw1", ...), or None if serial."""
    return os.environ.get("PYTEST_XDIST_WORKER")


class OwnKeysRedisCache(RedisCache):
    """Django's Redis cache, but clear() deletes only the keys under this cache's KEY_PREFIX.

    The stock clear() empties the whole Redis database. xdist workers share that database, so
    one worker's clear() would reset the rate-limit counts of a test running on another.
    """

    def clear(self) -> bool:
        client = self._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        return True


def give_this_xdist_worker_its_own_cache() -> None:
    """Under xdist, prefix a Redis cache's keys with the worker's name (see OwnKeysRedisCache).

    Each worker already has its own test database and its own in-memory cache; only a Redis
    cache (CACHE_URL) is shared. The Celery worker subprocesses do not use the cache.
    """
    from django.conf import settings
    from django.test.utils import override_settings

    worker = xdist_worker()
    cache = settings.CACHES["default"]
    if not worker or cache["BACKEND"] != "django.core.cache.backends.redis.RedisCache":
        return
    own = {**cache, "BACKEND": "tests.support.OwnKeysRedisCache", "KEY_PREFIX": f"test-{worker}"}
    # override_settings also resets Django's cache handler, should anything have used it yet.
    override_settings(CACHES={**settings.CACHES, "default": own}).enable()


@cache
def mentions_tests_workers(path: Path) -> bool:
    """Whether a test file or conftest.py uses tests.workers (real Celery worker processes)."""
    text = path.read_text() if path.is_file() else ""
    return re.search(r"\btests\.workers\b|from tests import workers\b", text) is not None


@cache
def xdist_group_of(path: Path) -> str | None:
    """The name in a test file's ``pytest.mark.xdist_group("...")`` mark, if it has one."""
    text = path.read_text() if path.is_file() else ""
    found = re.search(r"""\bxdist_group\(\s*(?:name\s*=\s*)?["']([^"']+)["']""", text)
    return found.group(1) if found else None


def starts_celery_workers(root: Path, test_file: Path) -> bool:
    """Whether the file, or a conftest.py in its folders below ``root``, uses tests.workers."""
    conftests = [folder / "conftest.py" for folder in test_file.parents if root in folder.parents]
    return any(mentions_tests_workers(path) for path in [test_file, *conftests])


def scheduling_that_keeps_celery_worker_tests_together(config, log):
    """xdist's load scheduling, except that all tests that start real Celery workers go to one
    xdist worker as one unit, and so run one after another.

    Side by side, such tests could disturb each other through the shared broker: a worker with
    a short visibility timeout hands back any message left unacknowledged in that Redis
    database, another test's included. (`--dist loadgroup` with xdist_group marks would do this,
    but pytest 9.2 silently ignores those marks: pytest-xdist issue 1386.)

    A file marked ``pytest.mark.xdist_group("name")`` is kept on one xdist worker too, and so are
    the tests of a class, so that what they build once per process or class (a PDF they all
    read) is built once, not once per worker.
    xdist hands out the largest units first, so these groups start early and the single tests
    fill in around them.
    """
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            test_file = config.rootpath / nodeid.split("::", 1)[0]
            if starts_celery_workers(config.rootpath, test_file):
                return "celery-workers"
            group = xdist_group_of(test_file)
            if group:
                return f"group:{group}"
            parts = nodeid.split("::")
            if len(parts) > 2 and parts[1].startswith("Test"):
                return "::".join(parts[:2])  # a test class
            return nodeid

    return Scheduling(config, log)
