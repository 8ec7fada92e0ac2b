"""The actions register: what a board asked someone to do, and how it went."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, Case, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .boards import Board, Organisation, Person
from .meetings import AgendaItem, Meeting

# What every row of the register shows without a further query.
REGISTER_RELATIONS = (
    "board",
    "owner_person__organisation",
    "owner_organisation",
    "meeting",
    "item__meeting",
)


class ActionQuerySet(models.QuerySet):
    def for_register(self, boards, today: date | None = None):
        """The actions of ``boards`` as the register lists them: overdue first, then by due date.

        The latest update comes from subqueries in the same SQL, so a page costs the same number
        of queries for 5 rows as for 50.
        """
        today = today or timezone.localdate()
        latest = ActionUpdate.objects.filter(action=OuterRef("pk")).order_by("-on", "-pk")
        return (
            self.filter(board__in=boards)
            .select_related(*REGISTER_RELATIONS)
            .annotate(
                latest_update_on=Subquery(latest.values("on")[:1]),
                latest_update_note=Subquery(latest.values("note")[:1]),
                overdue_flag=Case(
                    When(status=Action.Status.ONGOING, due_date__lt=today, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
            )
            .order_by("-overdue_flag", "due_date", "board__name", "number")
        )

    def open(self):
        return self.filter(status=Action.Status.ONGOING)

    def overdue(self, today: date | None = None):
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def due_within(self, days: int, today: date | None = None):
        today = today or timezone.localdate()
        return self.open().filter(due_date__gte=today, due_date__lte=today + timedelta(days=days))

    def outstanding_at(self, meeting: Meeting):
        """Actions of the meeting's board, raised before it and not completed before it."""
        day = meeting.date
        return self.filter(board_id=meeting.board_id, raised_on__lt=day).filter(
            Q(status=Action.Status.ONGOING) | Q(completed_on__gte=day)
        )


class Action(models.Model):
    class Status(models.TextChoices):
        ONGOING = "ongoing", "Ongoing"
        COMPLETE = "complete", "Complete"

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="actions")
    number = models.PositiveIntegerField(editable=False)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    title = models.CharField(max_length=200)
    description = models.TextField("the action", blank=True)
    owner_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    owner_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    raised_on = models.DateField(default=timezone.localdate)
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ONGOING)
    completed_on = models.DateField(null=True, blank=True)
    # The day the owner was last e-mailed about it, so a rerun of the daily job sends nothing twice.
    last_reminded_on = models.DateField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["board", "number"]
        constraints = [
            models.UniqueConstraint(fields=["board", "number"], name="action_unique_number"),
            models.CheckConstraint(
                condition=Q(owner_person__isnull=False) | Q(owner_organisation__isnull=False),
                name="action_has_an_owner",
            ),
        ]

    def __str__(self):
        return f"{self.board.display_name} action {self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("boards:action_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """Where the action was raised, e.g. "04.12.20 Item 6"."""
        if self.item_id:
            return self.item.reference
        if self.meeting_id:
            return self.meeting.reference_date
        return ""

    @property
    def owner_display(self) -> str:
        parts = [p for p in (self.owner_person, self.owner_organisation) if p]
        if self.owner_person and self.owner_organisation:
            return f"{self.owner_person.full_name} ({self.owner_organisation.display_name})"
        return str(parts[0]) if parts else ""

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status == self.Status.ONGOING and self.due_date < (
            today or timezone.localdate()
        )

    def clean(self):
        errors = {}
        if not self.owner_person_id and not self.owner_organisation_id:
            errors["owner_person"] = "Name an owner: a person, an organisation or both."
        if self.item_id and self.meeting_id and self.item.meeting_id != self.meeting_id:
            errors["item"] = "Choose an item on the chosen meeting's agenda."
        if self.meeting_id and self.board_id and self.meeting.board_id != self.board_id:
            errors["meeting"] = "Choose a meeting of this board."
        if self.due_date and self.raised_on and self.due_date < self.raised_on:
            errors["due_date"] = "The action cannot be due before it was raised."
        if errors:
            raise ValidationError(errors)


class ActionUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(default=timezone.localdate)
    note = models.TextField()
    status = models.CharField(max_length=10, choices=Action.Status.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "-on", "-pk"]

    def __str__(self):
        return f"{self.on}: {self.get_status_display()}"
