"""Asking for a report and the job that builds it: reuse, idempotence, failure and retry."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from boards.tests.factories import BoardFactory
from partnership.celery import app
from reporting import services
from reporting.models import ReportRequest
from reporting.quarterly import SECTIONS
from reporting.registry import ReportError
from reporting.tasks import build_report, delete_old_report_files, queue_quarterly_reports
from reviews.tests.factories import marac

from .people import chair_of

pytestmark = pytest.mark.django_db
S = ReportRequest.Status


@pytest.fixture
def chair(quarter):
    return chair_of(quarter.board)


def ask(chair, known, run=True, capture=None, **overrides):
    inputs = {**known.inputs, **overrides}
    if not run:
        return services.request_report(chair, "quarterly", **inputs)
    with capture(execute=True):
        return services.request_report(chair, "quarterly", **inputs)


def files_of(report) -> list[str]:
    folder = f"reports/{report.created_at:%Y/%m}"
    if not default_storage.exists(folder):
        return []
    return [name for name in default_storage.listdir(folder)[1] if name.startswith(report.pk.hex)]


@pytest.fixture
def failing_section(monkeypatch):
    """Make the key statistics section raise, as a bug would (with data in its message)."""
    section = next(s for s in SECTIONS if s.key == "statistics")

    def broken(period):
        raise RuntimeError("Jane Example, 12 Acacia Avenue")

    monkeypatch.setattr(SECTIONS, "_sections", [
        s if s is not section else type(s)(s.key, s.heading, s.template, broken) for s in SECTIONS
    ])  # fmt: skip


# --- Asking ----------------------------------------------------------------------------------


def test_asking_creates_the_row_and_the_job_builds_it_after_commit(
    chair, quarter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        report = services.request_report(chair, "quarterly", **quarter.inputs)
        assert report.status == S.QUEUED  # nothing runs before the commit
    assert len(callbacks) == 1
    assert report.title == "Quarterly report: Safer Riverside Partnership Board, 2025/26 Q3"
    assert report.inputs == {"board": quarter.board.pk, "year": "2025/26", "quarter": 3}
    assert report.board == quarter.board and report.requested_by == chair

    callbacks[0]()  # the commit: the (eager) task runs
    report.refresh_from_db()
    assert report.status == S.DONE and report.progress == 100
    assert report.filename == "partnership-board-quarterly-report-2025-26-q3.pdf"
    assert report.file.read().startswith(b"%PDF-")
    assert report.started_at <= report.finished_at
    assert len(files_of(report)) == 1


def test_the_requester_is_emailed_a_link_not_the_file(
    chair, quarter, django_capture_on_commit_callbacks
):
    report = ask(chair, quarter, capture=django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.to == [chair.email]
    assert "Your report is ready" in message.subject
    assert f"{django_settings.SITE_URL}/reports/{report.pk}/download/" in message.body
    assert message.attachments == []


def test_asking_again_while_it_is_queued_or_running_reuses_the_job(chair, quarter):
    first = ask(chair, quarter, run=False)
    again = ask(chair, quarter, run=False)
    assert again.pk == first.pk and again.reused
    ReportRequest.objects.filter(pk=first.pk).update(status=S.RUNNING, progress=40)
    assert ask(chair, quarter, run=False).pk == first.pk
    assert ReportRequest.objects.count() == 1


def test_another_quarter_or_a_finished_report_makes_a_new_request(chair, quarter):
    first = ask(chair, quarter, run=False)
    other = ask(chair, quarter, run=False, quarter=2)
    assert other.pk != first.pk and not other.reused
    ReportRequest.objects.filter(pk=first.pk).update(status=S.DONE)
    assert ask(chair, quarter, run=False).pk not in (first.pk, other.pk)


def test_the_same_report_for_two_people_is_two_requests(chair, quarter, board_officer):
    mine = ask(chair, quarter, run=False)
    theirs = ask(board_officer, quarter, run=False)
    assert mine.pk != theirs.pk


def test_the_database_refuses_a_second_live_twin(chair, quarter):
    from django.db import IntegrityError, transaction

    first = ask(chair, quarter, run=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRequest.objects.create(
            kind=first.kind, inputs=first.inputs, inputs_key=first.inputs_key,
            title=first.title, requested_by=chair,
        )  # fmt: skip


def test_a_chair_cannot_ask_about_a_board_they_do_not_sit_on(quarter):
    elsewhere = chair_of(BoardFactory(name="Northbank Board"), username="other_chair")
    with pytest.raises(PermissionDenied):
        services.request_report(elsewhere, "quarterly", **quarter.inputs)


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"board": 999999}, "board"),
        ({"year": "2025-26"}, "year"),
        ({"quarter": 5}, "quarter"),
        ({"year": "2099/00", "quarter": 1}, "quarter"),  # not started yet
    ],
)
def test_bad_inputs_are_refused_with_the_field_named(chair, quarter, bad, field):
    with pytest.raises(ValidationError) as raised:
        services.request_report(chair, "quarterly", **{**quarter.inputs, **bad})
    assert field in raised.value.message_dict


def test_an_unknown_kind_of_report_is_refused(chair):
    with pytest.raises(ReportError):
        services.request_report(chair, "horoscope")


def test_a_panel_cannot_be_reported_on_directly(quarter, board_officer):
    with pytest.raises(PermissionDenied):
        panel = marac(name="Riverside CCM", prefix="CCM")
        services.request_report(board_officer, "quarterly", **{**quarter.inputs, "board": panel.pk})


# --- The job ---------------------------------------------------------------------------------


def test_running_the_task_twice_leaves_one_file_and_one_email(
    chair, quarter, django_capture_on_commit_callbacks
):
    report = ask(chair, quarter, capture=django_capture_on_commit_callbacks)
    name = ReportRequest.objects.get(pk=report.pk).file.name

    with django_capture_on_commit_callbacks(execute=True):
        assert build_report.delay(str(report.pk)).get() == S.DONE  # a redelivery

    report.refresh_from_db()
    assert report.file.name == name and report.attempts == 1
    assert len(files_of(report)) == 1
    assert len(mail.outbox) == 1


def test_a_job_found_running_starts_again_and_stores_one_file(
    chair, quarter, django_capture_on_commit_callbacks
):
    report = ask(chair, quarter, run=False)
    # The worker died half-way, after writing a file but before marking the row done.
    ReportRequest.objects.filter(pk=report.pk).update(
        status=S.RUNNING, progress=60, attempts=1, run_token="00000000-0000-0000-0000-000000000001"
    )
    default_storage.save(report.storage_name("x.pdf"), ContentFile(b"half a file"))

    with django_capture_on_commit_callbacks(execute=True):
        assert build_report.delay(str(report.pk)).get() == S.DONE

    report.refresh_from_db()
    assert report.status == S.DONE and report.attempts == 2
    assert files_of(report) == [f"{report.pk.hex}.pdf"]
    assert report.file.read().startswith(b"%PDF-")


def test_a_stale_run_cannot_store_over_the_current_one(chair, quarter):
    report = ask(chair, quarter, run=False)
    _, stale_token = services._start(report.pk)
    assert services.run_report(report.pk) == S.DONE  # a redelivery takes over and finishes
    stored = ReportRequest.objects.get(pk=report.pk).file.name

    rendered = ("stale.pdf", "application/pdf", b"%PDF-stale")
    from reporting.registry import Rendered

    assert services._store(report.pk, stale_token, Rendered(*rendered), None) == "superseded"
    assert ReportRequest.objects.get(pk=report.pk).file.name == stored
    assert len(files_of(report)) == 1


def test_progress_is_recorded_on_the_row_while_it_builds(chair, quarter, monkeypatch):
    report = ask(chair, quarter, run=False)
    seen = []
    section = next(s for s in SECTIONS if s.key == "funding")
    original = section.build

    def watching(period):
        row = ReportRequest.objects.get(pk=report.pk)
        seen.append((row.status, row.progress, row.stage))
        return original(period)

    monkeypatch.setattr(SECTIONS, "_sections", [
        s if s is not section else type(s)(s.key, s.heading, s.template, watching) for s in SECTIONS
    ])  # fmt: skip
    services.run_report(report.pk)
    ((status, progress, stage),) = seen
    assert status == S.RUNNING and 0 < progress < 80 and stage == "Gathering community fund"


def test_a_failure_is_recorded_without_the_data_in_its_message(
    chair, quarter, failing_section, django_capture_on_commit_callbacks
):
    report = ask(chair, quarter, capture=django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert report.status == S.FAILED
    assert report.error == services.GENERIC_FAILURE
    assert "Jane" not in report.error and not report.file
    assert mail.outbox == []


def test_a_failed_report_can_be_retried(
    chair, quarter, monkeypatch, failing_section, django_capture_on_commit_callbacks
):
    report = ask(chair, quarter, capture=django_capture_on_commit_callbacks)
    monkeypatch.undo()  # the fault is fixed

    with django_capture_on_commit_callbacks(execute=True):
        again = services.retry_report(report)

    assert again.pk == report.pk
    report.refresh_from_db()
    assert report.status == S.DONE and report.error == "" and report.downloadable


def test_only_a_failed_report_is_retried(chair, quarter):
    report = ask(chair, quarter, run=False)
    with pytest.raises(ValidationError):
        services.retry_report(report)


def test_a_report_error_is_shown_as_written(chair, quarter):
    report = ask(chair, quarter, run=False)
    ReportRequest.objects.filter(pk=report.pk).update(inputs={**report.inputs, "board": 999999})
    assert services.run_report(report.pk) == S.FAILED
    assert ReportRequest.objects.get(pk=report.pk).error == (
        "The board this report was for no longer exists."
    )


def test_a_job_interrupted_too_often_is_failed_not_run_again(chair, quarter):
    report = ask(chair, quarter, run=False)
    ReportRequest.objects.filter(pk=report.pk).update(
        status=S.RUNNING, attempts=services.MAX_ATTEMPTS
    )
    assert services.run_report(report.pk) == S.FAILED
    report.refresh_from_db()
    assert (
        report.error
        == "The report was interrupted 3 times while it was being built. Try again later."
    )


def test_a_missing_request_is_nothing_to_do():
    assert services.run_report("00000000-0000-0000-0000-000000000000") == "missing"


# --- Housekeeping and the scheduler ---------------------------------------------------------


def test_old_files_are_removed_but_final_reports_and_the_rows_are_kept(
    chair, quarter, django_capture_on_commit_callbacks
):
    old = ask(chair, quarter, capture=django_capture_on_commit_callbacks)
    final = ask(chair, quarter, capture=django_capture_on_commit_callbacks, quarter=2)
    recent = ask(chair, quarter, capture=django_capture_on_commit_callbacks, quarter=1)
    services.mark_final(ReportRequest.objects.get(pk=final.pk))
    long_ago = timezone.now() - dt.timedelta(days=31)
    ReportRequest.objects.filter(pk__in=[old.pk, final.pk]).update(finished_at=long_ago)
    old_name = ReportRequest.objects.get(pk=old.pk).file.name

    assert delete_old_report_files.delay().get() == 1

    old.refresh_from_db()
    assert old.status == S.DONE and old.file_removed and not default_storage.exists(old_name)
    assert ReportRequest.objects.get(pk=final.pk).downloadable
    assert ReportRequest.objects.get(pk=recent.pk).downloadable


def test_only_a_ready_report_can_be_marked_final(chair, quarter):
    with pytest.raises(ValidationError):
        services.mark_final(ask(chair, quarter, run=False))


@pytest.mark.parametrize(
    "today, expected",
    [
        (dt.date(2026, 1, 8), ("2025/26", 3)),
        (dt.date(2026, 4, 8), ("2025/26", 4)),
        (dt.date(2025, 7, 8), ("2025/26", 1)),
        (dt.date(2025, 10, 8), ("2025/26", 2)),
    ],
)
def test_the_scheduler_reports_on_the_quarter_just_ended(today, expected):
    year, quarter = services.last_finished_quarter(today)
    assert (year.label, quarter) == expected


def test_the_scheduler_queues_a_draft_for_each_board_once(
    quarter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        drafts = services.queue_quarterly_drafts(today=dt.date(2026, 1, 8))
    # The board and its VAWG forum; panels report through them, not on their own.
    assert {d.board.name for d in drafts} == {"Safer Riverside Partnership Board", "VAWG Forum"}
    assert all(d.requested_by is None and not d.final for d in drafts)
    assert all(d.inputs["year"] == "2025/26" and d.inputs["quarter"] == 3 for d in drafts)
    assert len(callbacks) == 2
    assert services.queue_quarterly_drafts(today=dt.date(2026, 1, 8)) == []


def test_the_scheduled_task_runs(quarter, time_machine):
    time_machine.move_to(dt.datetime(2026, 1, 8, 6, 0, tzinfo=dt.UTC))
    assert len(queue_quarterly_reports.delay().get()) == 2


def test_the_beat_schedule_names_the_reporting_tasks():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    tasks = {entry["task"] for entry in schedule.values()}
    assert {
        "reporting.tasks.delete_old_report_files",
        "reporting.tasks.queue_quarterly_reports",
    } <= tasks
    assert {t for t in tasks if t.startswith("reporting.")} <= set(app.tasks)
    quarterly = schedule["reporting-quarterly-drafts"]["schedule"]
    assert quarterly.month_of_year == {1, 4, 7, 10} and quarterly.day_of_month == {8}


def test_a_fault_while_storing_the_file_fails_the_job_cleanly(chair, quarter, monkeypatch):
    report = ask(chair, quarter, run=False)

    def full_disk(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(default_storage, "save", full_disk)
    assert services.run_report(report.pk) == S.FAILED
    report.refresh_from_db()
    assert report.status == S.FAILED and report.error == services.GENERIC_FAILURE
