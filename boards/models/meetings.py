"""Meetings, their agendas, who attended and what was declared."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partnership.periods import FinancialYear

from ..storage import keep_original_name, paper_path
from ..validators import validate_document
from .boards import Board, Membership, Person


class MeetingQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).exclude(status=Meeting.Status.CANCELLED)

    def took_place(self):
        """Meetings that happened, quorate or not; cancelled and future ones are left out."""
        return self.filter(status__in=[Meeting.Status.HELD, Meeting.Status.INQUORATE])

    def in_financial_year(self, year: FinancialYear):
        return self.filter(starts_at__date__gte=year.start, starts_at__date__lte=year.end)


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        INQUORATE = "inquorate", "Inquorate"

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField("date and time")
    ends_at = models.DateTimeField("finishes", null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    online_link = models.URLField("online meeting link", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    others_present = models.TextField(
        blank=True, help_text="Guests and speakers who are not members, one per line."
    )
    minutes_approved_at = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approved_minutes_of",
        help_text="The later meeting that approved these minutes as a correct record.",
    )
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self):
        return f"{self.board.display_name}, {timezone.localtime(self.starts_at):%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("boards:meeting_detail", args=[self.pk])

    @property
    def date(self):
        return timezone.localtime(self.starts_at).date()

    @property
    def reference_date(self) -> str:
        """The short date used in action references, e.g. 04.12.20."""
        return f"{self.date:%d.%m.%y}"

    def clean(self):
        errors = {}
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The meeting must finish after it starts."
        if not self.venue and not self.online_link and self.status != self.Status.CANCELLED:
            errors["venue"] = "Give a venue, an online link, or both."
        if errors:
            raise ValidationError(errors)

    def previous(self):
        return (
            Meeting.objects.filter(board_id=self.board_id, starts_at__lt=self.starts_at)
            .exclude(status=self.Status.CANCELLED)
            .order_by("-starts_at")
            .first()
        )


class AgendaItem(models.Model):
    class Purpose(models.TextChoices):
        DECISION = "decision", "For Decision"
        INFORMATION = "information", "For Information"
        STANDARD = "standard", "Standard item"

    class Standard(models.TextChoices):
        APOLOGIES = "apologies", "Apologies"
        DECLARATIONS = "declarations", "Declarations of interest"
        MINUTES = "minutes", "Minutes of the last meeting"
        ACTIONS = "actions", "Outstanding actions"
        QUESTIONS = "questions", "Questions"
        AOB = "aob", "Any other business"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    report_of = models.CharField("report of", max_length=200, blank=True)
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    standard = models.CharField(max_length=12, choices=Standard.choices, blank=True)
    exempt = models.BooleanField(
        "exempt from publication", default=False, help_text="Discussed in private session."
    )
    outcome = models.TextField(
        blank=True, help_text='What was decided: "Resolved, that ..." or "Noted".'
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agenda_unique_number"),
        ]

    def __str__(self):
        return f"Item {self.number}: {self.title}"

    @property
    def reference(self) -> str:
        return f"{self.meeting.reference_date} Item {self.number}"


class Paper(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=paper_path, validators=[validate_document])
    # The uploader's file name, as text only: the stored name is generated (boards.storage).
    original_name = models.CharField(max_length=200, blank=True, editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "uploaded_at"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        keep_original_name(self, self.file)
        super().save(*args, **kwargs)

    @property
    def is_pdf(self) -> bool:
        """A PDF paper is merged into the agenda pack; other documents are listed there."""
        return self.file.name.lower().endswith(".pdf")


class Attendance(models.Model):
    class Status(models.TextChoices):
        ATTENDED = "attended", "Attended"
        DEPUTY = "deputy", "Deputy attended"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    PRESENT = (Status.ATTENDED, Status.DEPUTY)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=10, choices=Status.choices)
    deputy = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deputy_attendance",
        help_text="Who attended in the member's place.",
    )
    # Corrections to a past meeting's attendance are kept here, with who made them.
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "membership__organisation__name", "membership__person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership"], name="attendance_once_per_member"
            ),
        ]
        verbose_name_plural = "attendance"

    def __str__(self):
        return f"{self.membership.person.full_name}: {self.get_status_display()}"

    @property
    def present(self) -> bool:
        return self.status in self.PRESENT


class Declaration(models.Model):
    class Kind(models.TextChoices):
        PECUNIARY = "pecuniary", "Pecuniary"
        OTHER = "other", "Other registrable or non-registrable"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="declarations")
    item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="declarations",
        help_text="Leave blank for an interest in the meeting's business generally.",
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declarations")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    interest = models.TextField("the interest declared")
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "item__number", "pk"]

    def __str__(self):
        return f"{self.person.full_name}: {self.interest[:60]}"

    def clean(self):
        if self.item_id and self.meeting_id and self.item.meeting_id != self.meeting_id:
            raise ValidationError({"item": "Choose an item on this meeting's agenda."})
