"""The Celery app's configuration and the eager (embedded) path.

The round trip through a real worker and Redis is in test_worker.py.
"""

import pytest
from django.conf import settings
from django_celery_results.models import TaskResult

from partnership.celery import app
from partnership.tasks import ping

pytestmark = pytest.mark.django_db


def test_worker_reliability_settings():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert conf.task_time_limit < conf.broker_transport_options["visibility_timeout"]
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"


def test_tasks_are_discovered_from_the_apps():
    app.loader.import_default_modules()
    assert "partnership.tasks.ping" in app.tasks


def test_eager_task_runs_in_process_and_stores_its_result(django_user_model):
    django_user_model.objects.create(username="someone")
    result = ping.delay()
    value = result.get()
    assert value["pong"] is True
    assert value["users"] == 1
    stored = TaskResult.objects.get(task_id=result.id)
    assert stored.status == "SUCCESS"
    assert '"users": 1' in stored.result


def test_delay_on_commit_waits_for_the_transaction(django_capture_on_commit_callbacks):
    assert settings.CELERY_TASK_ALWAYS_EAGER
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ping.delay_on_commit()
        # Nothing has run: the task is held until the surrounding transaction commits.
        assert TaskResult.objects.count() == 0
    assert len(callbacks) == 1
    callbacks[0]()
    assert TaskResult.objects.filter(task_name="partnership.tasks.ping").count() == 1
