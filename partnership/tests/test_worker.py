"""A round trip through a real Celery worker process and Redis.

The test session starts a worker on a queue of its own, pointed at the test database, sends it
tasks and reads their results back from the database. Needs CELERY_BROKER_URL (Redis) and a
database that two processes can share (DATABASE_URL); skips without them, fails under CI.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection, transaction
from django_celery_results.models import TaskResult

from partnership.celery import app
from partnership.health import probe_broker
from partnership.tasks import ping
from tests.support import need

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.services]


def shared_database_url() -> str | None:
    """The test database as a URL a second process can open, or None if it cannot."""
    params = connection.settings_dict
    if connection.vendor != "postgresql":
        return None
    user = params["USER"] or ""
    auth = f"{user}:{params['PASSWORD']}@" if params["PASSWORD"] else f"{user}@"
    host = f"{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    return f"postgres://{auth}{host}/{params['NAME']}"


def wait_for(predicate, timeout: float, what: str, process=None, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if process is not None and process.poll() is not None:
            break
        time.sleep(0.2)
    detail = Path(log).read_text()[-3000:] if log else ""
    pytest.fail(f"timed out waiting for {what}\n{detail}")


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    need("SERVICES", bool(broker), "CELERY_BROKER_URL is not set: no broker for a real worker")
    need("SERVICES", probe_broker(broker)[0], f"the broker at {broker} does not answer")
    with django_db_blocker.unblock():
        database_url = shared_database_url()
    need(
        "SERVICES",
        database_url is not None,
        "the test database is SQLite in memory; set DATABASE_URL to PostgreSQL",
    )

    queue = f"test-{uuid.uuid4().hex[:10]}"
    name = f"{queue}@{socket.gethostname()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partnership.settings",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
    }
    with tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "partnership", "worker", "--pool=solo",
             "-Q", queue, "-n", name, "--without-gossip", "--without-mingle", "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_for(
                lambda: app.control.ping(destination=[name], timeout=0.5),
                60,
                "the worker to answer a ping",
                process,
                log.name,
            )
            yield {"queue": queue, "name": name, "log": log.name}
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def queued_for_real(worker):
    """Send tasks to the broker instead of running them in the test process."""
    app.conf.task_always_eager = False
    yield worker
    app.conf.task_always_eager = True


def stored_result(task_id: str, worker: dict) -> TaskResult:
    return wait_for(
        lambda: TaskResult.objects.filter(task_id=task_id, status="SUCCESS").first(),
        60,
        f"task {task_id} to finish",
        log=worker["log"],
    )


def test_worker_process_runs_a_task_and_its_result_is_read_from_the_database(
    transactional_db, django_user_model, queued_for_real
):
    for n in range(3):
        django_user_model.objects.create(username=f"member{n}")

    sent = ping.apply_async(queue=queued_for_real["queue"])
    stored = stored_result(sent.id, queued_for_real)

    assert stored.worker == queued_for_real["name"]  # run by the worker, not in this process
    assert json.loads(stored.result) == {"pong": True, "database": "postgresql", "users": 3}


def test_task_queued_on_commit_reaches_the_worker_only_after_the_commit(
    transactional_db, django_user_model, queued_for_real
):
    with transaction.atomic():
        django_user_model.objects.create(username="new-member")
        sent = ping.apply_async_on_commit(queue=queued_for_real["queue"])
        assert sent is None  # nothing sent yet: the row it needs is not committed
    # After the commit the task is sent; find it by name, since on_commit gives no id.
    stored = wait_for(
        lambda: TaskResult.objects.filter(
            task_name="partnership.tasks.ping", status="SUCCESS"
        ).first(),
        60,
        "the on-commit task",
        log=queued_for_real["log"],
    )
    assert stored.worker == queued_for_real["name"]
    assert json.loads(stored.result)["users"] == 1
