"""Strategic plans, their priorities and key actions, progress updates and the status keys."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partnership.periods import FinancialYear

from .boards import Board, Organisation

HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Give a colour as # and six hex digits.")


class StatusKey(models.Model):
    """A partnership's set of delivery statuses, e.g. Blue/Green/Amber/Red or classic RAG."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def initial_option(self) -> "StatusOption":
        """The status a new key action starts in (the option marked so, else the first open one)."""
        options = self.options.order_by("-starts_here", "means_complete", "order")
        return options.first()


class StatusOption(models.Model):
    key = models.ForeignKey(StatusKey, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=40)
    colour_name = models.CharField(
        max_length=20, help_text='The name people use for it, e.g. "Blue" or "Amber".'
    )
    background = models.CharField(max_length=7, validators=[HEX_COLOUR])
    text_colour = models.CharField(max_length=7, validators=[HEX_COLOUR], default="#000000")
    means_complete = models.BooleanField(default=False)
    starts_here = models.BooleanField(
        "new key actions start here", default=False, help_text="One per key, e.g. Not started."
    )
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key", "order"]
        constraints = [
            models.UniqueConstraint(fields=["key", "label"], name="status_option_unique_label")
        ]

    def __str__(self):
        return f"{self.colour_name} = {self.label}"


class StrategicPlan(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(max_length=200)
    start_year = models.PositiveSmallIntegerField(
        help_text="The financial year it starts: 2025 means 2025/26."
    )
    end_year = models.PositiveSmallIntegerField(help_text="The last financial year it covers.")
    status_key = models.ForeignKey(StatusKey, on_delete=models.PROTECT, related_name="plans")
    summary = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_year", "title"]

    def __str__(self):
        return f"{self.title} ({self.period_label})"

    def get_absolute_url(self):
        return reverse("boards:plan_detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        return f"{FinancialYear(self.start_year).label} to {FinancialYear(self.end_year).label}"

    @property
    def start(self) -> date:
        return FinancialYear(self.start_year).start

    @property
    def end(self) -> date:
        return FinancialYear(self.end_year).end

    def clean(self):
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": "The plan cannot end before it starts."})


class Priority(models.Model):
    class Domain(models.TextChoices):
        CURTAIL = "curtail", "Curtail"
        TREAT = "treat", "Treat"
        SUPPORT = "support", "Support"
        STRENGTHEN = "strengthen", "Strengthen"

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    aim = models.TextField(blank=True)
    domain = models.CharField(
        "public-health domain", max_length=12, choices=Domain.choices, blank=True
    )
    lead_board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_priorities"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="priority_unique_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class KeyActionQuerySet(models.QuerySet):
    def overdue(self, today: date | None = None):
        return self.filter(deadline__lt=today or timezone.localdate(), status__means_complete=False)


class KeyAction(models.Model):
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="key_actions")
    sequence = models.PositiveSmallIntegerField(
        help_text="The number after the point: 3 makes action 1.3 under priority 1."
    )
    title = models.CharField(max_length=300)
    delivery = models.TextField("delivery points", blank=True)
    lead_organisations = models.ManyToManyField(
        Organisation, related_name="lead_key_actions", verbose_name="lead services"
    )
    deadline = models.DateField("delivery deadline", null=True, blank=True)
    # The latest progress update's status, kept here so the plan table can filter and count by
    # it in one query; only services.record_progress changes it.
    status = models.ForeignKey(StatusOption, on_delete=models.PROTECT, related_name="+")
    comments = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[lead_organisations])

    objects = KeyActionQuerySet.as_manager()

    class Meta:
        ordering = ["priority__number", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "sequence"], name="key_action_unique")
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("boards:key_action_detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"{self.priority.number}.{self.sequence}"

    def is_overdue(self, today: date | None = None) -> bool:
        return bool(
            self.deadline
            and not self.status.means_complete
            and self.deadline < (today or timezone.localdate())
        )


class ProgressUpdate(models.Model):
    key_action = models.ForeignKey(KeyAction, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField("date of the update", default=timezone.localdate)
    status = models.ForeignKey(StatusOption, on_delete=models.PROTECT, related_name="+")
    note = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key_action", "-on", "-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.on}: {self.status.label}"
