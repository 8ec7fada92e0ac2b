"""The Celery application.

Configuration lives in Django settings under the ``CELERY_`` prefix. Celery's Django fix-up makes
every task a ``DjangoTask``, which adds ``delay_on_commit()`` / ``apply_async_on_commit()``: use
those from services so that a worker never looks for a row whose transaction has not committed.
"""

import logging
import os
import threading

from celery import Celery
from celery.signals import worker_ready, worker_shutting_down

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

app = Celery("partnership")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Seconds between a worker's heartbeats (and its sweeps for report jobs the broker never got).
# The tests shorten it; production keeps the default.
WORKER_TIMER_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", "30"))


def _worker_tick() -> None:
    import socket

    from django.db import connection

    from partnership.health import record_heartbeat
    from reporting.services import requeue_waiting

    record_heartbeat("worker", socket.gethostname())
    try:
        # A broker that was down may be back: send the report jobs it missed, without waiting
        # for beat (which may have been down too).
        requeue_waiting()
    except Exception:
        logging.getLogger(__name__).exception("The sweep for unqueued report jobs failed")
    finally:
        connection.close()  # this thread's own connection; a new one next tick


def _run_timer(stop: threading.Event) -> None:
    while True:
        try:
            _worker_tick()
        except Exception:  # never let the timer thread die: its silence would read as stale
            logging.getLogger(__name__).exception("Worker heartbeat failed")
        if stop.wait(WORKER_TIMER_SECONDS):
            return


_stop_timer = threading.Event()


@worker_ready.connect
def start_worker_timer(**kwargs) -> None:
    """Beat and sweep from a thread in the worker's main process, from the moment it is ready.

    A thread rather than a periodic task: it keeps beating while every pool process is busy
    with a long report, and it needs neither beat nor the broker to run.
    """
    _stop_timer.clear()
    threading.Thread(
        target=_run_timer, args=(_stop_timer,), name="csp-heartbeat", daemon=True
    ).start()


@worker_shutting_down.connect
def stop_worker_timer(**kwargs) -> None:
    _stop_timer.set()
