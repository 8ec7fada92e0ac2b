from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import connection


@shared_task
def ping() -> dict:
    """A round trip through the worker: proves it runs tasks and reaches the same database."""
    return {"pong": True, "database": connection.vendor, "users": get_user_model().objects.count()}
