"""docker-compose.yml and the Dockerfile, read as files (no Docker engine runs here)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from partnership.settings import INSTALLED_APPS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_migrations_match_the_models():
    """A model changed without its migration fails here, in both runs: the embedded run builds
    its test database from the models rather than the migrations (see tests.support)."""
    from io import StringIO

    from django.core.management import call_command
    from django.test.utils import override_settings

    out = StringIO()
    # --no-migrations hides the project's migrations from Django; this check needs them.
    with override_settings(MIGRATION_MODULES={}):
        try:
            call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
        except SystemExit as exit:
            pytest.fail(f"models and migrations differ (exit {exit.code}):\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_web_worker_beat_postgres_and_redis(compose):
    assert {"web", "worker", "beat", "postgres", "redis", "migrate"} <= set(compose["services"])


def test_long_running_services_have_health_checks_and_restart(compose):
    for name in ("web", "worker", "beat", "postgres", "redis"):
        service = compose["services"][name]
        assert service["healthcheck"]["test"], name
    for name in ("web", "worker", "beat"):
        assert compose["services"][name]["restart"] == "unless-stopped"


def test_django_processes_run_in_production_mode_against_the_services(compose):
    for name in ("web", "worker", "beat", "migrate"):
        env = compose["services"][name]["environment"]
        assert env["DJANGO_ENV"] == "production"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379")
        assert "?" in env["DJANGO_SECRET_KEY"]  # required: compose stops if it is unset


def test_web_checks_the_services_and_worker_and_beat_check_their_own_heartbeats(compose):
    services = compose["services"]
    assert "http://localhost:8000/healthz'" in services["web"]["healthcheck"]["test"][-1]
    for name in ("worker", "beat"):
        check = services[name]["healthcheck"]["test"]
        assert check == ["CMD", "python", "-m", "partnership.health", name]
        assert "inspect" not in " ".join(check)  # no broadcast to every worker per check


def test_containers_log_json_lines(compose):
    for name in ("web", "worker", "beat"):
        assert compose["services"][name]["environment"]["LOG_FORMAT"] == "json"


def test_heartbeats_go_stale_only_after_several_missed_beats():
    from partnership.celery import WORKER_TIMER_SECONDS
    from partnership.health import STALE_AFTER

    assert STALE_AFTER["worker"] >= WORKER_TIMER_SECONDS * 3
    assert STALE_AFTER["beat"] >= 2 * settings_beat_interval()


def settings_beat_interval() -> float:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["reporting-requeue-waiting"]
    return entry["schedule"].total_seconds()


def test_worker_and_web_share_the_media_volume(compose):
    services = compose["services"]
    assert "media:/app/media" in services["web"]["volumes"]
    assert "media:/app/media" in services["worker"]["volumes"]
    assert {"postgres-data", "redis-data", "media"} <= set(compose["volumes"])


def test_worker_and_beat_run_the_projects_celery_app(compose):
    assert compose["services"]["worker"]["command"][:4] == ["celery", "-A", "partnership", "worker"]
    assert compose["services"]["beat"]["command"][:4] == ["celery", "-A", "partnership", "beat"]


def test_dockerfile_installs_weasyprints_libraries_and_runs_unprivileged():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"):
        assert package in dockerfile
    assert "npm ci" in dockerfile
    assert re.search(r"^USER (?!root|0\b)", dockerfile, re.MULTILINE)
    assert "partnership.wsgi:application" in dockerfile


def test_compose_variables_are_documented_in_the_example_env_file():
    compose_text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{([A-Z_]+)", compose_text))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert used <= documented, used - documented


def test_every_project_app_is_installed():
    for app in ("partnership", "boards", "funding", "reviews", "reporting"):
        assert app in INSTALLED_APPS


def test_compose_file_validates_with_a_compose_client_when_one_is_present(tmp_path):
    if shutil.which("docker-compose"):
        command = ["docker-compose"]
    elif (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        command = ["docker", "compose"]
    else:
        pytest.skip("no docker compose client on this machine; the file was read as YAML above")
    result = subprocess.run(
        [*command, "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        env={"DJANGO_SECRET_KEY": "x" * 60, "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    assert result.returncode == 0, result.stderr
