"""Helpers for tests in every app."""

import os
import re
from functools import cache
from pathlib import Path

import pytest
from django.core.cache.backends.redis import RedisCache


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
    """
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            test_file = config.rootpath / nodeid.split("::", 1)[0]
            return "celery-workers" if starts_celery_workers(config.rootpath, test_file) else nodeid

    return Scheduling(config, log)
