"""Error pages, the health endpoint and the system checks."""

import socket
import time

import pytest
from django.core.cache import cache
from django.core.checks import run_checks
from django.db import OperationalError, connection
from django.test import Client, override_settings

from partnership import checks, health

pytestmark = pytest.mark.django_db


def test_unknown_address_gets_the_friendly_404_page(client, board_officer):
    client.force_login(board_officer)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Go to the home page" in response.content
    assert b"ask for a new private link" in response.content


def test_forbidden_area_gets_the_friendly_403_page(client, panel_coordinator):
    client.force_login(panel_coordinator)
    response = client.get("/funding/")
    assert response.status_code == 403
    assert b"You do not have access to this page" in response.content


@override_settings(ROOT_URLCONF="partnership.tests.urls_failing")
def test_server_error_gets_the_500_page_without_details():
    client = Client(raise_request_exception=False)
    response = client.get("/explode/")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"deliberate failure" not in response.content


def test_health_endpoint_reports_the_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["database"] in {"sqlite", "postgresql"}


def test_robots_file_keeps_crawlers_to_the_public_fund_pages(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines == ["User-agent: *", "Allow: /funding/apply/", "Disallow: /"]


def test_health_endpoint_answers_503_when_the_broker_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["ok"] is False


@pytest.fixture
def with_worker(settings):
    """As in production: tasks go to a broker (here kombu's in-memory one) and a worker."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "memory://"
    cache.clear()
    yield
    cache.clear()


def test_health_endpoint_answers_503_when_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "OperationalError"
    assert response.json()["ok"] is False


def test_health_endpoint_in_embedded_mode_reports_the_worker_as_eager(client):
    body = client.get("/healthz").json()
    assert body["worker"] == {"status": "eager"}
    assert body["beat"] == {"status": "eager"}


def test_health_endpoint_reports_a_fresh_worker_heartbeat(client, with_worker):
    health.record_heartbeat("worker", "box-1", now=time.time() - 10)
    response = client.get("/healthz?worker=1")
    assert response.status_code == 200
    assert response.json()["worker"]["status"] == "ok"
    assert 9 <= response.json()["worker"]["age_seconds"] <= 12


def test_a_stale_worker_heartbeat_is_reported_but_keeps_the_web_server_in_service(
    client, with_worker
):
    health.record_heartbeat("worker", now=time.time() - health.STALE_AFTER["worker"] - 5)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"]["status"] == "stale"


def test_a_stale_worker_heartbeat_fails_the_worker_health_check(client, with_worker):
    health.record_heartbeat("worker", now=time.time() - health.STALE_AFTER["worker"] - 5)
    response = client.get("/healthz?worker=1")
    assert response.status_code == 503
    assert response.json()["ok"] is False


def test_a_worker_never_seen_fails_the_worker_health_check(client, with_worker):
    response = client.get("/healthz?worker=1")
    assert response.status_code == 503
    assert response.json()["worker"] == {"status": "never seen"}


def test_container_check_looks_at_its_own_workers_heartbeat(with_worker, capsys):
    host = socket.gethostname()
    health.record_heartbeat("worker", "another-container")
    assert health.main(["worker"]) == 1
    health.record_heartbeat("worker", host)
    assert health.main(["worker"]) == 0
    assert '"status": "ok"' in capsys.readouterr().out


def test_beats_sweep_counts_as_its_heartbeat(with_worker):
    from reporting.tasks import requeue_waiting_reports

    assert health.main(["beat"]) == 1
    requeue_waiting_reports()
    assert health.main(["beat"]) == 0


def test_health_endpoint_needs_no_broadcast_to_the_workers(client, with_worker, monkeypatch):
    from partnership.celery import app

    def broadcast(*args, **kwargs):
        raise AssertionError("/healthz must not wake every worker")

    monkeypatch.setattr(app.control, "broadcast", broadcast)
    health.record_heartbeat("worker")
    assert client.get("/healthz?worker=1").status_code == 200


def test_system_checks_pass_on_this_machine():
    assert [m for m in run_checks() if m.id and m.id.startswith("partnership.")] == []


def test_unreachable_broker_is_reported_at_start_up(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    messages = checks.broker_check(None)
    assert [m.id for m in messages] == ["partnership.W002"]


def test_missing_pdf_libraries_are_reported_at_start_up(monkeypatch):
    monkeypatch.setattr(checks, "find_library", lambda name: None)
    messages = checks.pdf_engine_check(None)
    assert [m.id for m in messages] == ["partnership.W001"]
    assert "pango-1.0" in messages[0].msg


@pytest.mark.services
def test_health_endpoint_reaches_the_real_broker(client, settings):
    import os

    from tests.support import need

    broker = os.environ.get("CELERY_BROKER_URL", "")
    need("SERVICES", bool(broker), "CELERY_BROKER_URL is not set")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = broker
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "redis" in response.json()["broker"].lower()


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy: the header is the client's own claim
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # the one proxy appended the client
        (1, "", "10.0.0.1"),
        (2, "198.51.100.7, 203.0.113.9, 192.0.2.1", "203.0.113.9"),
    ],
)
def test_rate_limits_count_the_client_address_behind_the_configured_proxies(
    rf, settings, proxies, forwarded, expected
):
    from partnership.net import client_ip

    settings.PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_sign_in_page_points_applicants_to_the_fund(client):
    response = client.get("/accounts/login/")
    assert b"See the open funding rounds" in response.content
