"""A round trip through a real Celery worker process and Redis.

The test session starts a worker on a queue of its own, pointed at the test database, sends it
tasks and reads their results back from the database. Needs CELERY_BROKER_URL (Redis) and a
database that two processes can share (DATABASE_URL); skips without them, fails under CI.
"""

import json
from pathlib import Path

import pytest
from django.db import transaction
from django_celery_results.models import TaskResult

from partnership.celery import app
from partnership.tasks import ping
from tests.workers import celery_worker, new_queue, wait_for, worker_env

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.services]


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory):
    env = worker_env(django_db_blocker)
    queue = new_queue("test")
    log = tmp_path_factory.mktemp("worker") / "celery.log"
    with celery_worker(env, queue, log) as name:
        yield {"queue": queue, "name": name, "log": log}


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
