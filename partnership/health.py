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
    from .celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as exc:  # kombu raises several families of errors
        return False, exc.__class__.__name__
    return True, "redis"


def broker_url_reachable(url: str, timeout: float = 2.0) -> bool:
    """Whether a broker URL answers; for tests and scripts that hold a URL, not settings."""
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception:
        return False
    return True
