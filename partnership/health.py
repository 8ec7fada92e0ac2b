"""Probes of the services the site depends on, for the health endpoint and system checks."""

from django.conf import settings
from django.db import connection


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
