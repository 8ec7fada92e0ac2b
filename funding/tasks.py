from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .monitoring import returns_to_remind
from .notify import tell_applicant


@shared_task
def send_monitoring_reminders() -> int:
    """E-mail grantees whose monitoring return is due within a week or overdue.

    Each return is marked as reminded today in the same transaction as its e-mail is queued,
    so a second run on the same day (or a retry) sends nothing twice.
    """
    today = timezone.localdate()
    sent = 0
    for report in returns_to_remind(today):
        with transaction.atomic():
            report.last_reminded_on = today
            report.save(update_fields=["last_reminded_on"])
            overdue_days = (today - report.due_on).days
            tell_applicant(
                report.award.application,
                "return_reminder",
                report=report,
                overdue_days=max(overdue_days, 0),
            )
        sent += 1
    return sent
