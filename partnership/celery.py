"""The Celery application.

Configuration lives in Django settings under the ``CELERY_`` prefix. Celery's Django fix-up makes
every task a ``DjangoTask``, which adds ``delay_on_commit()`` / ``apply_async_on_commit()``: use
those from services so that a worker never looks for a row whose transaction has not committed.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

app = Celery("partnership")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
