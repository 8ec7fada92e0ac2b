"""Real Celery worker processes for the tests that need one (the services run).

A worker is started on a queue of the test's own, pointed at the test database, and answers a
ping before the test goes on; it is stopped (or killed) when the test is done.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from partnership.celery import app
from partnership.health import probe_broker
from partnership.net import free_port
from tests.support import need, xdist_worker

ROOT = Path(__file__).resolve().parents[1]
WORKER_ARGS = ["--pool=solo", "--without-gossip", "--without-mingle", "--loglevel=INFO"]


def shared_database_url() -> str | None:
    """The test database as a URL a second process can open, or None if it cannot.

    NAME is the test database actually in use, with pytest-django's "_gw0" suffix under xdist.
    """
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


def worker_env(django_db_blocker, **extra: str) -> dict:
    """The environment of a worker sharing the test database; skips (fails under CI) without
    a broker that answers or a database a second process can open."""
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
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partnership.settings",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def new_queue(prefix: str) -> str:
    """A queue name of the test's own, naming the xdist worker that made it."""
    return f"{prefix}-{xdist_worker() or 'main'}-{uuid.uuid4().hex[:10]}"


def start_worker(command: list[str], name: str, env: dict, log: Path) -> subprocess.Popen:
    """Start ``command`` (a worker named ``name``) and wait until it answers a ping."""
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    wait_for(
        lambda: app.control.ping(destination=[name], timeout=0.5),
        60,
        f"the worker {name} to answer a ping",
        process,
        log,
    )
    return process


def stop(process: subprocess.Popen, *, kill: bool = False) -> None:
    if process.poll() is None:
        process.kill() if kill else process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


@contextmanager
def celery_worker(env: dict, queue: str, log: Path):
    """A plain `celery worker` on ``queue``; yields its name."""
    name = f"{queue}@{socket.gethostname()}"
    command = [sys.executable, "-m", "celery", "-A", "partnership", "worker", "-Q", queue,
               "-n", name, *WORKER_ARGS]  # fmt: skip
    process = start_worker(command, name, env, log)
    try:
        yield name
    finally:
        stop(process)


class PrivateRedis:
    """A redis-server of the test's own on a free loopback port, to stop and start at will.

    The machine's shared Redis serves other tests and helpers, so an outage is staged here.
    Nothing is saved to disk: each start is an empty server, as after losing its data.
    """

    def __init__(self, log: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no"]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdout=self.log.open("a"), stderr=subprocess.STDOUT
        )
        wait_for(lambda: probe_broker(self.url, 0.5)[0], 10, "the private Redis", self.process)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


@contextmanager
def private_redis(log: Path):
    need("SERVICES", shutil.which("redis-server") is not None, "redis-server is not installed")
    server = PrivateRedis(log)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _drop_connections() -> None:
    app.close()  # forgets the connection pool, so the next publish opens one to the new URL
    app.amqp._producer_pool = None


@contextmanager
def app_publishing_to(broker_url: str):
    """Make this process's Celery app send tasks to ``broker_url`` (not eagerly) for a while."""
    keys = ("broker_url", "broker_read_url", "broker_write_url", "task_always_eager")
    old = {key: app.conf[key] for key in keys}
    _drop_connections()
    # Celery copies broker_url into the read and write URLs when it configures itself.
    app.conf.update(dict.fromkeys(keys[:3], broker_url), task_always_eager=False)
    try:
        yield
    finally:
        _drop_connections()
        app.conf.update(old)
