"""The embedded default, the services switch and the production guard.

Settings are read once per process, so each case runs Django in a fresh subprocess with exactly
the environment under test.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from partnership.env import env_bool, env_int, env_list
from partnership.guard import production_problems
from tests.support import need

ROOT = Path(__file__).resolve().parents[2]
# Everything the settings read; a case starts from none of them.
SETTINGS_VARIABLES = [
    "DJANGO_ENV",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "CASE_KEY_PEPPER",
    "EMAIL_HOST",
    "CELERY_TASK_TIME_LIMIT",
    "CELERY_VISIBILITY_TIMEOUT",
    # Set by the browser tests' conftest; Django's deploy check rightly rejects it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
]
GOOD_KEY = "k7#Qp2vL9xR4mZ8wT1yB6nC3sD5fG0hJ-aE_uI+oP=lK*jH&gF%dS$aQ@zX!cV"


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    clean.update(env, DJANGO_SETTINGS_MODULE="partnership.settings")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def read_settings(**env: str) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
        "'name': str(s.DATABASES['default']['NAME']), 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
        "'broker': s.CELERY_BROKER_URL, 'email': s.EMAIL_BACKEND, 'debug': s.DEBUG, "
        "'cache': s.CACHES['default']['BACKEND'], 'media': str(s.MEDIA_ROOT)}))"
    )
    result = run_django(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run_django(
        "import sys; from django.core.management import execute_from_command_line; "
        f"execute_from_command_line(['manage.py', *{list(args)!r}])",
        **env,
    )


def production_env(**overrides: str) -> dict:
    env = {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": GOOD_KEY,
        "DJANGO_ALLOWED_HOSTS": "csp.example.gov.uk",
        "DATABASE_URL": "sqlite:////tmp/csp-deploy-check.sqlite3",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15"),
        "CACHE_URL": "redis://127.0.0.1:6379/14",
        "CASE_KEY_PEPPER": "a-pepper-of-our-own-for-the-tests-Zq81",
    }
    env.update(overrides)
    return env


def test_no_variables_means_sqlite_eager_celery_console_email_local_media():
    values = read_settings()
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(ROOT / "db.sqlite3")
    assert values["eager"] is True
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["cache"].endswith("LocMemCache")
    assert values["media"] == str(ROOT / "media")
    assert values["debug"] is True


def test_service_urls_switch_to_postgresql_redis_and_a_real_worker():
    values = read_settings(
        DATABASE_URL="postgres://csp:pw@db.internal:5432/csp",
        CELERY_BROKER_URL="redis://broker.internal:6379/0",
        CACHE_URL="redis://broker.internal:6379/1",
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "csp"
    assert values["eager"] is False
    assert values["broker"] == "redis://broker.internal:6379/0"
    assert values["cache"].endswith("RedisCache")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "short-but-not-empty"}, "at least 50 characters"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS must name"),
        ({"DATABASE_URL": ""}, "DATABASE_URL must point"),
        ({"CELERY_BROKER_URL": ""}, "CELERY_BROKER_URL must point"),
        ({"CACHE_URL": ""}, "CACHE_URL must point at Redis"),
        ({"CASE_KEY_PEPPER": ""}, "CASE_KEY_PEPPER must be a secret of 32+ characters"),
        ({"CASE_KEY_PEPPER": "too-short"}, "CASE_KEY_PEPPER must be a secret"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(overrides, message):
    result = manage("check", **production_env(**overrides))
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr
    assert message in result.stderr


def test_production_refuses_the_development_secret_key():
    from partnership.settings import DEVELOPMENT_SECRET_KEY

    result = manage("check", **production_env(DJANGO_SECRET_KEY=DEVELOPMENT_SECRET_KEY))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set to a secret of your own" in result.stderr


def test_production_passes_the_deployment_checklist_without_a_warning():
    # The broker check connects to Redis, so this needs one.
    from partnership.health import probe_broker

    env = production_env()
    need("SERVICES", probe_broker(env["CELERY_BROKER_URL"])[0], "Redis is not reachable")
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deployment_checklist_fails_when_production_security_is_switched_off():
    env = production_env(DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_HSTS_SECONDS="0")
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


def test_task_time_limit_must_stay_below_the_redis_visibility_timeout():
    result = manage("check", CELERY_TASK_TIME_LIMIT="7200", CELERY_VISIBILITY_TIMEOUT="3600")
    assert result.returncode != 0
    assert "below CELERY_VISIBILITY_TIMEOUT" in result.stderr


def test_guard_lists_every_problem_at_once():
    problems = production_problems(
        debug=True,
        secret_key="dev",
        development_secret_key="dev",
        allowed_hosts=[],
        database_url="",
        broker_url="",
        cache_url="",
        case_key_pepper="",
    )
    assert len(problems) == 7


@pytest.mark.parametrize("raw, expected", [("1", True), ("yes", True), ("off", False), ("", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("CSP_TEST_FLAG", raw)
    assert env_bool("CSP_TEST_FLAG") is expected


def test_env_helpers_name_the_variable_when_a_value_is_bad(monkeypatch):
    monkeypatch.setenv("CSP_TEST_FLAG", "maybe")
    monkeypatch.setenv("CSP_TEST_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="CSP_TEST_FLAG"):
        env_bool("CSP_TEST_FLAG")
    with pytest.raises(ImproperlyConfigured, match="CSP_TEST_NUMBER"):
        env_int("CSP_TEST_NUMBER", 1)


def test_env_list_drops_blanks(monkeypatch):
    monkeypatch.setenv("CSP_TEST_LIST", "a.example, ,b.example,")
    assert env_list("CSP_TEST_LIST") == ["a.example", "b.example"]


def test_the_dockerfiles_build_time_settings_pass_the_production_guard():
    """collectstatic runs at build time with placeholder values; they must satisfy the guard."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    block = re.search(r"^RUN (DJANGO_ENV=production .*?)python manage.py", dockerfile, re.S | re.M)
    assert block, "the Dockerfile no longer builds static files in production mode"
    env = dict(re.findall(r"([A-Z_]+)=(\S+)", block.group(1)))
    result = manage("check", **env)
    assert result.returncode == 0, result.stderr
