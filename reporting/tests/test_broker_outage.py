"""A report asked for while the broker (Redis) is down is kept, and built once Redis is back.

Stages the outage on a private redis-server (the machine's shared one serves other tests): a
real worker and this process's Celery app use it; it is stopped, a chair asks for a report on
the page, and it is started again. Needs the services run (PostgreSQL shared with the worker).
"""

import time

import pytest
from django.conf import settings
from django.urls import reverse

from reporting import services
from reporting.models import ReportRequest
from tests.workers import (
    app_publishing_to,
    celery_worker,
    private_redis,
    wait_for,
    worker_env,
)

from .fixtures import known_quarter
from .people import chair_of


@pytest.fixture
def broker(monkeypatch):
    """This process publishes to a broker (faked here) instead of building eagerly."""
    from kombu.exceptions import OperationalError

    from partnership.celery import app
    from reporting.tasks import build_report

    state = {"up": False, "sent": []}

    def apply_async(args, **options):
        if not state["up"]:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        assert options["retry_policy"]["max_retries"] <= 3  # the page never waits long
        state["sent"].append(args[0])

    monkeypatch.setattr(build_report, "apply_async", apply_async)
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    yield state
    app.conf.task_always_eager = eager


def ask(quarter) -> ReportRequest:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.request_report(chair_of(quarter.board), "quarterly", **inputs_for(quarter))


def inputs_for(quarter) -> dict:
    return {"board": quarter.board.pk, "year": "2025/26", "quarter": 3}


def test_a_request_the_broker_refused_is_kept_and_marked_for_the_sweeper(db, broker, quarter):
    report = ask(quarter)
    report.refresh_from_db()
    assert report.status == ReportRequest.Status.QUEUED
    assert report.stage == services.UNPUBLISHED
    assert broker["sent"] == []


def test_the_sweep_sends_marked_jobs_once_the_broker_is_back_and_only_once(db, broker, quarter):
    report = ask(quarter)
    assert services.requeue_waiting() == []  # still down: kept for the next sweep
    report.refresh_from_db()
    assert report.stage == services.UNPUBLISHED

    broker["up"] = True
    assert services.requeue_waiting() == [str(report.pk)]
    assert services.requeue_waiting() == []
    assert broker["sent"] == [str(report.pk)]
    report.refresh_from_db()
    assert report.stage == ""


def test_the_sweep_leaves_jobs_that_reached_the_broker_alone(db, broker, quarter):
    broker["up"] = True
    ask(quarter)
    assert services.requeue_waiting() == []
    assert len(broker["sent"]) == 1  # a job waiting in the queue is never doubled


def test_a_job_that_started_or_finished_is_not_sent_again(db, broker, quarter):
    report = ask(quarter)
    ReportRequest.objects.filter(pk=report.pk).update(status=ReportRequest.Status.RUNNING)
    broker["up"] = True
    assert services.requeue_waiting() == []
    assert services.run_report(report.pk) in {"done", "failed"}  # built by the one run
    assert services.run_report(report.pk) == "done"  # a late duplicate does nothing


@pytest.mark.services
def test_a_report_asked_for_while_redis_is_down_is_kept_and_built_when_redis_returns(
    transactional_db, client, django_db_blocker, tmp_path
):
    with private_redis(tmp_path / "redis.log") as redis, app_publishing_to(redis.url):
        env = worker_env(
            django_db_blocker,
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            CELERY_BROKER_URL=redis.url,
            WORKER_HEARTBEAT_SECONDS="1",  # sweep every second, not every 30
        )
        log = tmp_path / "celery.log"
        # The default queue: nothing else uses this Redis.
        with celery_worker(env, "celery", log):
            quarter = known_quarter()
            client.force_login(chair_of(quarter.board))
            redis.stop()

            started = time.monotonic()
            response = client.post(
                reverse("reporting:request_quarterly"),
                {"board": quarter.board.pk, "year": "2025/26", "quarter": 3},
                follow=True,
            )
            took = time.monotonic() - started

            assert response.status_code == 200
            assert took < 5, f"the page waited {took:.1f} s on a broker that is down"
            report = ReportRequest.objects.get()
            assert report.status == ReportRequest.Status.QUEUED

            def marked():
                # The worker's sweep may be trying it this very moment (it clears the mark
                # while it tries); it marks it again when Redis does not answer.
                report.refresh_from_db()
                return report.stage == services.UNPUBLISHED

            wait_for(marked, 5, "the request to be marked as not yet queued", log=log)
            assert report.status == ReportRequest.Status.QUEUED
            page = response.content.decode()
            assert "has been requested" in page
            assert "Waiting for the report builder to start" in page

            redis.start()  # empty: the job never reached it, and nobody asks again

            def finished():
                report.refresh_from_db()
                return report.status in ReportRequest.FINISHED

            wait_for(finished, 30, "the worker to build the report after the outage", log=log)

    assert report.status == ReportRequest.Status.DONE, report.error
    assert report.attempts == 1  # sent once more, built once
    with report.file.open("rb") as built:
        assert built.read(5) == b"%PDF-"
    assert "Re-queued 1 report request(s)" in log.read_text()
