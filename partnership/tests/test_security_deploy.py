"""`manage.py check --deploy` passes cleanly under the production settings."""

import os
import subprocess
import sys

import redis
from django.conf import settings

from tests.support import need

# The project's own check (partnership.W002) pings the broker, so a reachable Redis is needed:
# the services run's, or the local one this suite's helpers share.
BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/6"


def broker_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SETTINGS_MODULE": "partnership.settings",
    "DJANGO_SECRET_KEY": "k" * 20 + "Zq7!xR2@pL9#vB4$wN6%tY8^mC1&hJ3*",
    "DJANGO_ALLOWED_HOSTS": "csp.example.org",
    # Nothing listens here: the check must not need the database or the cache to be up.
    "DATABASE_URL": "postgres://csp:csp@127.0.0.1:1/csp",
    "CELERY_BROKER_URL": BROKER_URL,
    "CACHE_URL": "redis://127.0.0.1:1/1",
    "CASE_KEY_PEPPER": "p" * 16 + "0123456789abcdefghij",
}


def run_deploy_check() -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(PRODUCTION_ENV)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_no_warnings_under_production_settings():
    need("SERVICES", broker_reachable(), f"Redis at {BROKER_URL} is not reachable")
    result = run_deploy_check()
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output and "ERROR" not in output, output
    assert "System check identified no issues" in output


def test_deploy_check_fails_when_the_production_guard_is_not_satisfied():
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(PRODUCTION_ENV, DJANGO_SECRET_KEY="short")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
