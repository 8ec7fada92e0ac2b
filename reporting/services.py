"""Asking for reports, building them in the background, and tidying up after them.

Views, the scheduler and the Celery task call these; none of them takes a request. A request row
is created first and its job is queued with the row's id once the transaction commits, so the
worker never looks for a row it cannot see yet.
"""

import logging
import uuid
from datetime import date, datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from boards.models import Board
from partnership.periods import FinancialYear

from .models import ReportRequest
from .registry import ReportError, get_kind, inputs_key

logger = logging.getLogger(__name__)

S = ReportRequest.Status
# A job interrupted this many times (the worker died each time) is failed, not tried again.
MAX_ATTEMPTS = 3
GENERIC_FAILURE = (
    "The report could not be built because of a fault in the system. Try again; if it fails "
    "again, tell an administrator (they will find the details in the worker's log)."
)
TIMED_OUT = "Building the report took too long and was stopped. Try again later."
INTERRUPTED = "The report was interrupted {n} times while it was being built. Try again later."


# Shown while a job could not be handed to the queue (the broker was down); the sweeper looks for
# it, so only jobs that never reached the broker are sent again and none is built twice at once.
UNPUBLISHED = "Waiting for the job queue"
# Publishing tries this often, briefly: a page must not hang on a broker that is down, and the
# sweeper sends the job later anyway.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}


def _publish(report_id: str) -> bool:
    """Send the build job to the broker; False (and the row marked) when the broker is down."""
    from .tasks import build_report

    if build_report.app.conf.task_always_eager:
        # Embedded mode builds in this process: an error there is the job's, not the broker's.
        build_report.delay(report_id)
        return True
    try:
        build_report.apply_async(args=[report_id], retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception as error:  # kombu and redis raise several families of connection errors
        logger.warning(
            "Report request %s not queued (%s); the sweeper will send it when the broker is back",
            report_id,
            error.__class__.__name__,
        )
        ReportRequest.objects.filter(pk=report_id, status=S.QUEUED).update(stage=UNPUBLISHED)
        return False
    return True


def _queue(report: ReportRequest) -> None:
    # After commit, so the worker never looks for a row it cannot see yet.
    transaction.on_commit(lambda: _publish(str(report.pk)))


def _live_twin(user, kind: str, key: str) -> ReportRequest | None:
    return ReportRequest.objects.live().filter(requested_by=user, kind=kind, inputs_key=key).first()


@transaction.atomic
def request_report(user, kind: str, **inputs) -> ReportRequest:
    """Ask for a report; ``user`` None is the scheduler (a draft for the board).

    While the same person's request for the same report is queued or being built, asking again
    returns that request (``reused`` is True on it) instead of starting a second job.
    """
    report_kind = get_kind(kind)
    cleaned = report_kind.clean_inputs(inputs)
    report_kind.check_access(user, cleaned)
    key = inputs_key(cleaned)
    existing = _live_twin(user, kind, key)
    if existing is not None:
        existing.reused = True
        return existing
    try:
        with transaction.atomic():
            report = ReportRequest.objects.create(
                kind=kind,
                inputs=cleaned,
                inputs_key=key,
                title=report_kind.describe(cleaned),
                board_id=report_kind.board_id(cleaned),
                requested_by=user,
            )
    except IntegrityError:
        # Another click won the race between the check and the insert: use its request.
        existing = _live_twin(user, kind, key)
        if existing is None:
            raise
        existing.reused = True
        return existing
    report.reused = False
    _queue(report)
    return report


@transaction.atomic
def retry_report(report: ReportRequest) -> ReportRequest:
    """Queue a failed report again. Returns the request that will build it.

    If the same report has since been asked for again and is on its way, that one is returned
    and this one stays failed.
    """
    report = ReportRequest.objects.select_for_update().get(pk=report.pk)
    if report.status != S.FAILED:
        raise ValidationError("Only a report that failed can be tried again.")
    twin = _live_twin(report.requested_by, report.kind, report.inputs_key)
    if twin is not None:
        return twin
    report.status, report.progress, report.stage, report.error = S.QUEUED, 0, "", ""
    report.attempts = 0
    report.started_at = report.finished_at = None
    report.save()
    _queue(report)
    return report


@transaction.atomic
def mark_final(report: ReportRequest, final: bool = True) -> ReportRequest:
    """The chair's sign-off: a final report is kept when old files are cleared."""
    if final and not report.downloadable:
        raise ValidationError("Only a report that is ready can be marked final.")
    report.final = final
    report.save(update_fields=["final"])
    return report


# --- The job ------------------------------------------------------------------------------


def _progress_recorder(report_id, token):
    def progress(percent: int, stage: str = "") -> None:
        # A plain update: progress ticks are not changes worth a line in the audit history,
        # and a stale run (another holds the token now) must not move the bar.
        ReportRequest.objects.filter(pk=report_id, run_token=token, status=S.RUNNING).update(
            progress=max(0, min(99, int(percent))), stage=stage[:100]
        )

    return progress


def _fail(report_id, token, message: str) -> None:
    with transaction.atomic():
        report = ReportRequest.objects.select_for_update().get(pk=report_id)
        if report.run_token != token or report.status != S.RUNNING:
            return
        report.status, report.error, report.stage = S.FAILED, message[:300], ""
        report.finished_at = timezone.now()
        report.save()


def _start(report_id) -> tuple[ReportRequest | None, uuid.UUID | None]:
    """Claim the request for this run; None when there is nothing to do."""
    with transaction.atomic():
        report = ReportRequest.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status in ReportRequest.FINISHED:
            return report, None  # a redelivery of a finished job does nothing
        if report.attempts >= MAX_ATTEMPTS:
            report.status, report.error = S.FAILED, INTERRUPTED.format(n=report.attempts)
            report.finished_at = timezone.now()
            report.save()
            return report, None
        # Queued, or running when a worker died mid-build: start again from the beginning.
        token = uuid.uuid4()
        report.status, report.progress, report.stage, report.error = S.RUNNING, 0, "Starting", ""
        report.attempts += 1
        report.run_token = token
        report.started_at, report.finished_at = timezone.now(), None
        report.save()
        return report, token


def run_report(report_id, *, email_queue: str | None = None) -> str:
    """Build one requested report and store its file; what the Celery task runs.

    Idempotent: a finished request is left alone, and a request found running (its worker
    died) is built again from the start. The file's name is fixed by the request, and only the
    run holding the request's current token stores it, so there is one file however often the
    job is delivered. Returns the request's status afterwards.
    """
    report, token = _start(report_id)
    if report is None:
        return "missing"
    if token is None:
        return report.status
    progress = _progress_recorder(report.pk, token)
    try:
        kind = get_kind(report.kind)
        data = kind.build(report.inputs, progress)
        progress(85, "Laying out the PDF")
        rendered = kind.render(data)
    except ReportError as error:
        _fail(report.pk, token, str(error))
        return S.FAILED
    except SoftTimeLimitExceeded:
        _fail(report.pk, token, TIMED_OUT)
        return S.FAILED
    except Exception:
        # The message may quote data, so it goes to the log (by request id) and not to the row.
        logger.exception("Report request %s failed", report.pk)
        _fail(report.pk, token, GENERIC_FAILURE)
        return S.FAILED
    progress(95, "Saving the file")
    try:
        return _store(report.pk, token, rendered, email_queue)
    except Exception:
        logger.exception("Report request %s could not be stored", report.pk)
        _fail(report.pk, token, GENERIC_FAILURE)
        return S.FAILED


def _store(report_id, token, rendered, email_queue: str | None) -> str:
    with transaction.atomic():
        report = (
            ReportRequest.objects.select_for_update(of=("self",))
            .select_related("requested_by")
            .get(pk=report_id)
        )
        if report.run_token != token or report.status != S.RUNNING:
            return "superseded"  # a newer run of the same request owns it now
        storage = report.file.storage
        name = report.storage_name(rendered.filename)
        if storage.exists(name):
            storage.delete(name)  # left by a run that died after writing it
        report.file.name = storage.save(name, ContentFile(rendered.content))
        report.filename = rendered.filename
        report.content_type = rendered.content_type
        report.status, report.progress, report.stage = S.DONE, 100, ""
        report.finished_at = timezone.now()
        report.save()
        if report.requested_by and report.requested_by.email:
            transaction.on_commit(lambda: _send_ready_email(report, email_queue))
    return S.DONE


def _send_ready_email(report: ReportRequest, queue: str | None) -> None:
    from partnership.tasks import send_email

    context = {
        "name": report.requested_by.get_full_name() or report.requested_by.get_username(),
        "title": report.title,
        "url": settings.SITE_URL + reverse("reporting:download", args=[report.pk]),
        "dashboard_url": settings.SITE_URL + reverse("reporting:index"),
        "keep_days": settings.REPORT_FILE_DAYS,
    }
    subject = " ".join(
        render_to_string("reporting/email/report_ready_subject.txt", context).split()
    )
    body = render_to_string("reporting/email/report_ready.txt", context)
    # Sent on the queue this job came from, so a worker serving only reports still sends it.
    options = {"queue": queue} if queue else {}
    send_email.apply_async(args=[subject, body, [report.requested_by.email]], **options)


# --- Housekeeping -------------------------------------------------------------------------


def requeue_waiting() -> list[str]:
    """Send again the jobs the broker never got because it was down; returns their ids.

    Safe to run at any time and on every worker start. Only rows marked unpublished are sent, so
    a job waiting in the queue behind others is never doubled; a job already started or finished
    is left alone (and ``run_report`` ignores a redelivery of a finished one). Jobs that reached
    Redis survive its restart through its append-only file.
    """
    waiting = ReportRequest.objects.filter(status=S.QUEUED, stage=UNPUBLISHED)
    sent = []
    for report_id in waiting.values_list("pk", flat=True):
        # Claim the row first: of two sweeps at once (worker start and beat), one sends it.
        if not ReportRequest.objects.filter(pk=report_id, stage=UNPUBLISHED).update(stage=""):
            continue
        if not _publish(str(report_id)):
            break  # still down (the row is marked again): the next sweep tries again
        sent.append(str(report_id))
    if sent:
        logger.info("Re-queued %d report request(s): %s", len(sent), ", ".join(sent))
    return sent


def delete_old_files(now: datetime | None = None, days: int | None = None) -> int:
    """Remove built files older than ``days`` (REPORT_FILE_DAYS); final reports are kept.

    The request rows stay, so the list still shows the report was made. Returns files removed.
    """
    now = now or timezone.now()
    days = settings.REPORT_FILE_DAYS if days is None else days
    removed = 0
    for report in ReportRequest.objects.files_older_than(now - timedelta(days=days)):
        report.file.delete(save=False)
        report.save(update_fields=["file"])
        removed += 1
    return removed


def last_finished_quarter(today: date) -> tuple[FinancialYear, int]:
    """The financial year and quarter that ended most recently before ``today``."""
    year = FinancialYear.containing(today)
    quarter = year.quarter_of(today)
    if quarter == 1:
        return year.previous(), 4
    return year, quarter - 1


def queue_quarterly_drafts(today: date | None = None) -> list[ReportRequest]:
    """The scheduler's drafts: each active board's report on the quarter just ended.

    Safe to run twice: a board that already has the scheduler's request for that quarter (in
    any state) gets no second one.
    """
    today = today or timezone.localdate()
    year, quarter = last_finished_quarter(today)
    queued = []
    panels = (Board.Kind.PANEL, Board.Kind.REVIEW_PANEL)
    for board in Board.objects.filter(active=True).exclude(kind__in=panels).order_by("pk"):
        inputs = {"board": board.pk, "year": year.label, "quarter": quarter}
        exists = ReportRequest.objects.filter(
            requested_by__isnull=True, kind="quarterly", inputs_key=inputs_key(inputs)
        ).exists()
        if not exists:
            queued.append(request_report(None, "quarterly", **inputs))
    return queued
