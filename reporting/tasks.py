"""Background jobs of the reports area. Each takes ids, never objects, and is safe to rerun."""

from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True)
def build_report(self, request_id: str) -> str:
    """Build the requested report, store its PDF and e-mail the requester a link.

    Acknowledged only when it finishes, so a worker that dies mid-build hands the job back;
    ``services.run_report`` makes the redelivery start cleanly and store one file.
    """
    delivery = self.request.delivery_info or {}
    return services.run_report(request_id, email_queue=delivery.get("routing_key"))


@shared_task
def delete_old_report_files() -> int:
    """Remove generated files past REPORT_FILE_DAYS (reports marked final are kept)."""
    return services.delete_old_files()


@shared_task
def queue_quarterly_reports() -> list[str]:
    """Queue each board's draft report on the quarter just ended (run the week after)."""
    return [str(report.pk) for report in services.queue_quarterly_drafts()]


@shared_task
def requeue_waiting_reports() -> list[str]:
    """Send again report jobs the broker never received (it was down when they were asked for)."""
    from partnership.health import record_heartbeat

    # Beat sends this every couple of minutes, so its arrival also shows the scheduler is alive.
    record_heartbeat("beat")
    return services.requeue_waiting()
