"""Structured logs: JSON lines with a request id, and nothing personal in them."""

import io
import json
import logging

import pytest

from partnership.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """Collect what the site logs, formatted as production formats it (LOG_FORMAT=json)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_each_request_logs_a_json_line_carrying_its_request_id(client, json_log):
    response = client.get("/healthz")
    request_id = response["X-Request-ID"]
    lines = [line for line in json_log() if line["logger"] == "partnership.requests"]
    assert len(lines) == 1
    line = lines[0]
    assert {"timestamp", "level", "logger", "message"} <= set(line)
    assert line["level"] == "INFO"
    assert line["request_id"] == request_id and len(request_id) == 32
    assert line["view"] == "healthz"
    assert line["status"] == 200


def test_lines_logged_inside_a_view_share_the_requests_id(client, json_log, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Down: Django logs the 503 after the middleware has finished, with the request attached.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz", headers={"X-Request-ID": "proxy-id-12345"})
    assert response.status_code == 503
    ids = {line["request_id"] for line in json_log()}
    assert ids == {"proxy-id-12345"}


def test_a_request_id_that_is_not_an_id_is_replaced(client, json_log):
    response = client.get("/healthz", headers={"X-Request-ID": "<script> or a very odd value"})
    assert response["X-Request-ID"] != "<script> or a very odd value"
    assert json_log()[-1]["request_id"] == response["X-Request-ID"]


def test_the_request_line_names_the_view_not_a_private_path(client, json_log):
    client.get("/funding/my/secret-looking-token-value/")
    text = json.dumps(json_log())
    assert "secret-looking-token-value" not in text


def test_an_error_logged_with_its_traceback_stays_one_json_line(json_log):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("partnership.test").exception("Report request %s failed", "r-1")
    (line,) = json_log()
    assert line["message"] == "Report request r-1 failed"
    assert "ValueError: boom" in line["exception"]
    assert line["request_id"] == ""


def test_json_format_is_chosen_by_the_environment(monkeypatch):
    import importlib

    import partnership.settings as site_settings

    monkeypatch.setenv("LOG_FORMAT", "json")
    try:
        reloaded = importlib.reload(site_settings)
        assert reloaded.LOGGING["handlers"]["console"]["formatter"] == "json"
    finally:
        monkeypatch.delenv("LOG_FORMAT")
        importlib.reload(site_settings)
