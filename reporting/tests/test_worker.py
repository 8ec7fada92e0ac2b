"""A report asked for on the page is built by a real Celery worker and downloaded.

Needs Redis (CELERY_BROKER_URL) and PostgreSQL (DATABASE_URL), which the worker process shares
with the tests; skips without them, and fails under CI (CSP_REQUIRE_SERVICES=1). The worker
listens on a queue of its own and writes files to the tests' MEDIA_ROOT, where the download
view reads them.
"""

import io
import socket
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django_celery_results.models import TaskResult
from pypdf import PdfReader

from partnership.celery import app
from reporting import services
from reporting.models import ReportRequest
from tests.workers import celery_worker, new_queue, start_worker, stop, wait_for, worker_env

from .fixtures import known_quarter
from .people import chair_of

pytestmark = [pytest.mark.services]


@pytest.fixture(scope="module")
def report_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    env = worker_env(django_db_blocker, MEDIA_ROOT=str(settings.MEDIA_ROOT))
    queue = new_queue("test-reports")
    log = tmp_path_factory.mktemp("report-worker") / "celery.log"
    with celery_worker(env, queue, log) as name:
        yield {"queue": queue, "name": name, "log": log, "env": env}


def send_jobs_to(queue: str, monkeypatch) -> None:
    """Queue report jobs (after the commit, as the service does) on ``queue``, not in-process."""
    from reporting.tasks import build_report

    def to_queue(report):
        build_report.apply_async_on_commit((str(report.pk),), queue=queue)

    monkeypatch.setattr(services, "_queue", to_queue)


@pytest.fixture
def reports_to_the_worker(report_worker, monkeypatch):
    send_jobs_to(report_worker["queue"], monkeypatch)
    app.conf.task_always_eager = False
    yield report_worker
    app.conf.task_always_eager = True


def test_a_report_asked_for_on_the_page_is_built_by_the_worker_and_downloadable(
    transactional_db, client, reports_to_the_worker
):
    worker = reports_to_the_worker
    quarter = known_quarter()
    chair = chair_of(quarter.board)
    client.force_login(chair)

    response = client.post(
        reverse("reporting:request_quarterly"),
        {"board": quarter.board.pk, "year": "2025/26", "quarter": 3},
    )
    assert response.status_code == 302
    report = ReportRequest.objects.get()

    def finished():
        report.refresh_from_db()
        return report.status in ReportRequest.FINISHED

    wait_for(finished, 120, "the worker to build the report", log=worker["log"])
    assert report.status == ReportRequest.Status.DONE, report.error
    assert report.progress == 100 and report.attempts == 1

    built_by = TaskResult.objects.get(task_name="reporting.tasks.build_report")
    assert built_by.worker == worker["name"]  # built by the worker, not in this process

    status = client.get(reverse("reporting:status", args=[report.pk])).content.decode()
    assert "hx-trigger" not in status
    download = client.get(reverse("reporting:download", args=[report.pk]))
    assert download.status_code == 200
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    first = reader.pages[0].extract_text()
    assert "Safer Riverside Partnership Board" in first
    assert f"Page 1 of {len(reader.pages)}" in first

    # The e-mail with the link went on the worker's queue, and the worker sent it.
    sent = wait_for(
        lambda: TaskResult.objects.filter(
            task_name="partnership.tasks.send_email", status="SUCCESS"
        ).first(),
        60,
        "the worker to send the e-mail",
        log=worker["log"],
    )
    assert sent.worker == worker["name"]
    assert str(report.pk) in sent.task_args


# A worker started through this script sees unacknowledged jobs again after five seconds
# instead of an hour, and with "stuck" its builder hangs in the last section, so the test can
# kill it mid-build at a known point.
LAUNCHER = textwrap.dedent(
    """
    import sys
    import time

    import django

    django.setup()
    from partnership.celery import app

    app.conf.broker_transport_options = {"visibility_timeout": 5}
    mode, queue, name = sys.argv[1:4]
    if mode == "stuck":
        from reporting.quarterly import SECTIONS

        SECTIONS.replace("reviews", lambda period: time.sleep(300))
    app.worker_main(["worker", "--pool=solo", "-Q", queue, "-n", name, "--without-gossip",
                     "--without-mingle", "--loglevel=INFO"])
    """
)


@pytest.fixture
def launch(report_worker, tmp_path, monkeypatch):
    """Start workers on a queue of the test's own; each is killed at the end."""
    queue = new_queue("test-kill")
    script = tmp_path / "launch_worker.py"
    script.write_text(LAUNCHER)
    started = []

    def start(mode: str) -> dict:
        name = f"{queue}-{mode}@{socket.gethostname()}"
        log = tmp_path / f"{mode}.log"
        command = [sys.executable, str(script), mode, queue, name]
        process = start_worker(command, name, report_worker["env"], log)
        started.append(process)
        return {"name": name, "process": process, "log": log}

    send_jobs_to(queue, monkeypatch)
    app.conf.task_always_eager = False
    yield start
    app.conf.task_always_eager = True
    for process in started:
        stop(process, kill=True)


def test_a_worker_killed_mid_build_hands_the_job_on_and_it_completes_once(transactional_db, launch):
    quarter = known_quarter()
    chair = chair_of(quarter.board)
    stuck = launch("stuck")
    report = services.request_report(chair, "quarterly", **quarter.inputs)

    def building_the_last_section():
        report.refresh_from_db()
        return report.stage == "Gathering statutory reviews"

    wait_for(building_the_last_section, 120, "the first worker to start building", log=stuck["log"])
    stuck["process"].kill()  # SIGKILL: no chance to acknowledge or hand the job back
    stuck["process"].wait(timeout=20)
    assert report.status == ReportRequest.Status.RUNNING and report.attempts == 1
    time.sleep(6)  # past the visibility timeout, so the broker gives the job out again

    second = launch("normal")

    def finished():
        report.refresh_from_db()
        return report.status in ReportRequest.FINISHED

    wait_for(finished, 120, "the second worker to rebuild the report", log=second["log"])
    assert report.status == ReportRequest.Status.DONE, report.error
    assert report.attempts == 2  # started again from the beginning, once
    folder = Path(settings.MEDIA_ROOT) / f"reports/{report.created_at:%Y/%m}"
    assert [p.name for p in folder.glob(f"{report.pk.hex}*")] == [f"{report.pk.hex}.pdf"]
    (result,) = TaskResult.objects.filter(task_name="reporting.tasks.build_report")
    assert result.status == "SUCCESS" and result.worker == second["name"]
