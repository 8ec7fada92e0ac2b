"""Probes of the services the site depends on, for the health endpoint and system checks."""

import json
import logging
import os
import sys
import time

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def database_reachable() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any driver error means "not reachable"
        return False, exc.__class__.__name__
    return True, connection.vendor


def broker_reachable(timeout: float = 2.0) -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "eager (no broker)"
    return probe_broker(settings.CELERY_BROKER_URL, timeout)


def probe_broker(url: str, timeout: float = 2.0) -> tuple[bool, str]:
    """Open a fresh connection to ``url``; Celery's pooled ones could hide a dead broker."""
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
            transport = conn.transport_cls
    except Exception as exc:  # kombu raises several families of errors
        return False, exc.__class__.__name__
    return True, str(transport)


# --- Heartbeats ---------------------------------------------------------------------------
# Each worker writes a timestamp to the cache every WORKER_HEARTBEAT_SECONDS (a timer thread in
# the worker, see partnership.celery), and beat's periodic sweep writes one too. Reading one key
# is all /healthz does, so a load balancer may poll it every few seconds; a Celery `inspect`
# broadcast per poll would wake every worker.

HEARTBEAT_KEY = "health:heartbeat:{role}"
# Seconds after which a heartbeat counts as stale: a few missed beats, not one slow one.
STALE_AFTER = {"worker": 120, "beat": 6 * 60}
# Kept long enough that a stale heartbeat reads as "stale", not "never seen".
KEEP_FOR = 7 * 24 * 60 * 60


def _key(role: str, host: str | None = None) -> str:
    return HEARTBEAT_KEY.format(role=role) + (f":{host}" if host else "")


def record_heartbeat(role: str, host: str | None = None, now: float | None = None) -> None:
    """Note that ``role`` ("worker" or "beat") is alive; ``host`` names one worker too."""
    from django.core.cache import cache

    now = time.time() if now is None else now
    values = {_key(role): now}
    if host:
        values[_key(role, host)] = now
    try:
        cache.set_many(values, timeout=KEEP_FOR)
    except Exception as exc:  # the cache's Redis may be down with the broker; try next beat
        logger.warning("Could not record the %s heartbeat: %s", role, exc.__class__.__name__)


def heartbeat_age(role: str, host: str | None = None, now: float | None = None) -> float | None:
    """Seconds since ``role`` last beat; None if never seen. Raises if the cache is down."""
    from django.core.cache import cache

    beat = cache.get(_key(role, host))
    if beat is None:
        return None
    return max(0.0, (time.time() if now is None else now) - float(beat))


def heartbeat_state(role: str, host: str | None = None) -> tuple[bool, dict]:
    """Whether ``role`` beat recently, with what /healthz shows about it.

    With eager Celery (embedded mode) tasks run in the web process: there is nothing to watch.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, {"status": "eager"}
    try:
        age = heartbeat_age(role, host)
    except Exception as exc:  # the cache is unreachable: we cannot tell
        return False, {"status": "unknown", "detail": exc.__class__.__name__}
    if age is None:
        return False, {"status": "never seen"}
    fresh = age <= STALE_AFTER[role]
    return fresh, {"status": "ok" if fresh else "stale", "age_seconds": round(age)}


def main(argv: list[str] | None = None) -> int:
    """Container health check without HTTP: ``python -m partnership.health worker|beat``.

    ``worker`` checks this container's own worker (its node is named after the host name);
    ``beat`` checks that beat's sweep arrived recently. Exit status 0 healthy, 1 not.
    """
    import socket

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
    django.setup()
    role = (argv or sys.argv[1:] or ["worker"])[0]
    host = socket.gethostname() if role == "worker" else None
    ok, detail = heartbeat_state(role, host)
    print(json.dumps({role: detail}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
