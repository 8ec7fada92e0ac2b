"""Awards paid in tranches, and how the grant is monitored until it closes."""

from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .applications import Application
from .assessment import Decision


class Award(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ENDED_EARLY = "ended", "Ended early"

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="award")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    starts_on = models.DateField()
    ends_on = models.DateField()
    conditions = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    return_every_months = models.PositiveSmallIntegerField(
        "months between progress returns", default=3
    )
    closed_on = models.DateField(null=True, blank=True)
    closing_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self):
        return f"{self.application.reference}: £{self.amount:,.2f}"

    def get_absolute_url(self):
        return reverse("funding:award_detail", args=[self.pk])


class Tranche(models.Model):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField()
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    release_on = models.DateField(help_text="When it may be paid.")
    review_on = models.DateField(
        null=True, blank=True, help_text="A review that must happen before it is paid."
    )
    reviewed_on = models.DateField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    released_on = models.DateField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["award", "number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="tranche_unique_number")
        ]

    def __str__(self):
        return f"Tranche {self.number}: £{self.amount:,.2f}"


class Milestone(models.Model):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    achieved_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["award", "due_on"]

    def __str__(self):
        return self.title

    def is_late(self, today: date) -> bool:
        return self.achieved_on is None and self.due_on < today


class MonitoringReturnQuerySet(models.QuerySet):
    def waiting(self):
        """Waiting for the grantee: not yet sent, or sent back for more."""
        return self.filter(status__in=MonitoringReturn.WAITING)

    def overdue(self, today: date | None = None):
        """Waiting past its due date on a grant still running (a closed grant chases nothing)."""
        return self.waiting().filter(
            due_on__lt=today or timezone.localdate(), award__status=Award.Status.ACTIVE
        )


class MonitoringReturn(models.Model):
    class Status(models.TextChoices):
        DUE = "due", "Due"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        MORE_INFO = "more_info", "More information asked for"

    WAITING = (Status.DUE, Status.MORE_INFO)

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="returns")
    due_on = models.DateField()
    final = models.BooleanField(
        default=False, help_text="The end-of-grant evaluation rather than a progress return."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    progress = models.TextField(blank=True)
    spend_to_date = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    people_reached = models.PositiveIntegerField(null=True, blank=True)
    difficulties = models.TextField(blank=True)
    # The end-of-grant evaluation only.
    outcomes = models.TextField(blank=True)
    unspent = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    officer_note = models.TextField(blank=True)
    last_reminded_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = MonitoringReturnQuerySet.as_manager()

    class Meta:
        ordering = ["award", "due_on"]

    def __str__(self):
        kind = "Evaluation" if self.final else "Return"
        return f"{kind} due {self.due_on:%d/%m/%Y}"

    @property
    def open(self) -> bool:
        """Waiting for the grantee: not yet sent, or sent back for more."""
        return self.status in self.WAITING

    def is_overdue(self, today: date) -> bool:
        return self.open and self.due_on < today


class ChangeRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    class Kind(models.TextChoices):
        BUDGET = "budget", "Moving money between budget lines"
        TIMETABLE = "timetable", "More time (a later end date)"
        ACTIVITIES = "activities", "Changing what the project does"
        OTHER = "other", "Something else"

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="change_requests")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField("the change asked for")
    new_ends_on = models.DateField(
        "new end date", null=True, blank=True, help_text="For a request for more time."
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["award", "submitted_at"]

    def __str__(self):
        return f"Change request {self.get_status_display().lower()}"
