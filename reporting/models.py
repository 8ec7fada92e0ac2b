"""Generated reports: one row per request, filled in by the background job that builds it."""

import uuid
from datetime import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class ReportRequestQuerySet(models.QuerySet):
    def live(self):
        """Waiting for a worker or being built: a new request for the same report reuses these."""
        return self.filter(status__in=ReportRequest.LIVE)

    def files_older_than(self, cutoff: datetime):
        """Built files past their keeping time; a report marked final is kept."""
        return self.filter(
            status=ReportRequest.Status.DONE, finished_at__lt=cutoff, final=False
        ).exclude(file="")


class ReportRequest(models.Model):
    """Someone (or the scheduler) asked for a report; the job builds it and stores the file.

    The primary key is a random UUID: it names the stored file and appears in download links,
    so knowing one report's address says nothing about another's.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being built"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    LIVE = (Status.QUEUED, Status.RUNNING)
    FINISHED = (Status.DONE, Status.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40, help_text="The report's identifier in the registry.")
    inputs = models.JSONField(default=dict, help_text="What the report covers (board, period).")
    # The inputs as canonical JSON (sorted keys), so equal requests compare equal in SQL on
    # every database; JSON equality differs between SQLite and PostgreSQL.
    inputs_key = models.CharField(max_length=300, editable=False)
    title = models.CharField(max_length=300)
    board = models.ForeignKey(
        "boards.Board",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The board the report is about, for deciding who may see it.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_requests",
        help_text="Blank when the scheduler asked for it (a draft for the board).",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    stage = models.CharField(max_length=100, blank=True, help_text="What the job is doing now.")
    file = models.FileField(upload_to="reports/", max_length=200, blank=True)
    filename = models.CharField("download name", max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    error = models.CharField(
        max_length=300, blank=True, help_text="Why it failed, in words safe to show anyone."
    )
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    # Each run of the job takes a fresh token; only the run holding the current token may store
    # the file, so a redelivered job running beside a stale one still leaves exactly one file.
    run_token = models.UUIDField(null=True, blank=True, editable=False)
    final = models.BooleanField(
        default=False, help_text="Marked by the chair as the version signed off; kept for good."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = ReportRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Two clicks (or two tabs) asking for the same report cannot start two jobs.
            models.UniqueConstraint(
                fields=["requested_by", "kind", "inputs_key"],
                condition=Q(status__in=["queued", "running"]),
                name="report_request_one_live_per_requester",
            ),
            # One signed-off annual report per board and year (the inputs name both).
            models.UniqueConstraint(
                fields=["kind", "inputs_key"],
                condition=Q(final=True, kind="annual"),
                name="report_request_one_final_annual",
            ),
        ]
        indexes = [models.Index(fields=["kind", "inputs_key"], name="report_request_lookup")]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("reporting:download", args=[self.pk])

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    @property
    def by_scheduler(self) -> bool:
        return self.requested_by_id is None

    @property
    def downloadable(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)

    @property
    def file_removed(self) -> bool:
        return self.status == self.Status.DONE and not self.file

    def storage_name(self, filename: str) -> str:
        """Where the built file goes: fixed per request, so a rerun overwrites, never adds."""
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
        return f"reports/{self.created_at:%Y/%m}/{self.pk.hex}.{extension}"


# --- The annual report's narrative ------------------------------------------------------------

NARRATIVE_LIMIT = 20_000


def narrative_field(label: str, help_text: str):
    return models.TextField(
        label, blank=True, validators=[MaxLengthValidator(NARRATIVE_LIMIT)], help_text=help_text
    )


class AnnualNarrative(models.Model):
    """What officers write for a board's annual report: the parts no query can produce.

    Plain text with blank lines between paragraphs, or Markdown; ``reporting.narrative`` turns it
    into safe HTML for the preview and the PDF.
    """

    board = models.ForeignKey("boards.Board", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(help_text="Financial year start: 2025 means 2025/26.")
    chair_message = narrative_field(
        "message from the Chair", "The Chair's own words on the year, in the first person."
    )
    introduction = narrative_field(
        "introduction and purpose", "What the partnership is for and what this report covers."
    )
    area = narrative_field(
        "the area", "The place and its people: population, the picture of crime and safety."
    )
    whats_next = narrative_field(
        "what's next", "The board's plans and priorities for the coming year."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    TEXT_FIELDS = ("chair_message", "introduction", "area", "whats_next")

    class Meta:
        ordering = ["board", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["board", "year"], name="annual_narrative_unique")
        ]

    def __str__(self):
        return f"Annual report narrative: {self.board}, {self.year}"


class PriorityNarrative(models.Model):
    """The aims, achievements and impact officers write for one priority of the board's plan."""

    narrative = models.ForeignKey(
        AnnualNarrative, on_delete=models.CASCADE, related_name="priorities"
    )
    priority = models.ForeignKey("boards.Priority", on_delete=models.CASCADE, related_name="+")
    aims = narrative_field("aims", "What the priority set out to do this year.")
    achievements = narrative_field("key achievements", "What was done: one point per line.")
    impact = narrative_field("impact", "The difference it made, with figures where there are any.")
    history = HistoricalRecords()

    TEXT_FIELDS = ("aims", "achievements", "impact")

    class Meta:
        ordering = ["narrative", "priority__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["narrative", "priority"], name="priority_narrative_unique"
            )
        ]

    def __str__(self):
        return f"{self.narrative}: priority {self.priority_id}"

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name).strip() for name in self.TEXT_FIELDS)
