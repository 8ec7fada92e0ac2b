from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection


@shared_task
def ping() -> dict:
    """A round trip through the worker: proves it runs tasks and reaches the same database."""
    return {"pong": True, "database": connection.vendor, "users": get_user_model().objects.count()}


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(subject: str, body: str, to: list[str]) -> None:
    """Send one e-mail from the worker, so a slow mail server never holds up a page."""
    send_mail(subject, body, None, to, fail_silently=False)
