"""The access log: every view, change, export and disclosure of a case, kept for good.

Append-only by design. The model refuses to change or delete a row, its QuerySet refuses bulk
updates and deletes, and on PostgreSQL a trigger (migration 0002) refuses them in the database
too. A row outlives the case's personal data: when a case is erased its reference stays here as
the tombstone. It keeps no copy of what was read or changed, only who, when, which case and
why, so it never holds personal data about the case's subject.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from boards.models import Board

from .cases import Case
from .statutory import Review

REFUSAL = "The access log is append-only: its rows are never changed or deleted."


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(REFUSAL)

    def delete(self):
        raise ValidationError(REFUSAL)

    def for_panel(self, panel):
        return self.filter(panel=panel)

    def for_case(self, case):
        return self.filter(case=case)


class AccessLog(models.Model):
    # No HistoricalRecords: rows never change, so a history table would only copy them.

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        LIST = "list", "Listed cases"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        EXPORT = "export", "Exported"
        DISCLOSE = "disclose", "Disclosed"
        ERASE = "erase", "Erased personal data"
        AGREEMENT = "agreement", "Agreed to confidentiality"

    # Actions that must say why they happened.
    NEEDS_JUSTIFICATION = (Action.EXPORT, Action.DISCLOSE)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Blank once the account is deleted; the username stays.",
    )
    username = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    panel = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="access_log"
    )
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.PROTECT, related_name="access_log"
    )
    # The case's or review's reference, kept when the record's personal data is erased.
    case_reference = models.CharField("reference", max_length=30, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    # What was touched, by name only (e.g. the fields changed, the meeting's date); never values.
    detail = models.CharField(max_length=300, blank=True)
    justification = models.TextField(blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["panel", "at"], name="accesslog_panel_at"),
            models.Index(fields=["case", "at"], name="accesslog_case_at"),
        ]
        verbose_name = "access log entry"
        verbose_name_plural = "access log"

    def __str__(self):
        what = self.case_reference or "panel"
        return f"{self.username}: {self.get_action_display()} {what}, {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(REFUSAL)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(REFUSAL)
