"""The rules each case panel works by: configuration, so a new kind of panel needs no code."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from boards.models import Board


class PanelRules(models.Model):
    class PanelType(models.TextChoices):
        MARAC = "marac", "MARAC (domestic abuse)"
        CCM = "ccm", "Community MARAC (anti-social behaviour)"
        OTHER = "other", "Other case panel"

    panel = models.OneToOneField(
        Board,
        on_delete=models.CASCADE,
        related_name="panel_rules",
        limit_choices_to={"kind": Board.Kind.PANEL},
        help_text="A board of kind panel.",
    )
    panel_type = models.CharField(max_length=10, choices=PanelType.choices)
    reference_prefix = models.CharField(
        max_length=12,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z][A-Z0-9]{1,11}$",
                "Use 2 to 12 capital letters or digits, starting with a letter.",
            )
        ],
        help_text='Starts every case reference, e.g. "MARAC" gives MARAC-2026-014.',
    )
    risk_measure = models.CharField(
        max_length=100,
        help_text='What the risk score is, e.g. "DASH risk checklist" or "Risk matrix".',
    )
    risk_score_min = models.PositiveSmallIntegerField("lowest score", default=0)
    risk_score_max = models.PositiveSmallIntegerField(
        "highest score", default=24, help_text="24 for the DASH checklist; 25 for a 5 × 5 matrix."
    )
    high_risk_threshold = models.PositiveSmallIntegerField(
        default=14, help_text="A score at or above this marks visible high risk (DASH: 14)."
    )
    escalation_incidents = models.PositiveSmallIntegerField(
        "police incidents for potential escalation",
        null=True,
        blank=True,
        default=3,
        help_text="This many police incidents in the last 12 months mark potential escalation. "
        "Leave blank if the panel does not use this criterion.",
    )
    repeat_window_days = models.PositiveSmallIntegerField(
        "repeat window (days)",
        default=365,
        help_text="A new referral this many days or fewer after the same person's previous "
        "referral is a repeat.",
    )
    minutes_per_case = models.PositiveSmallIntegerField(
        default=15, help_text="Time given to each case on a meeting's list unless changed."
    )
    retention_months = models.PositiveSmallIntegerField(
        default=12, help_text="Months after closure before a case's personal data is erased."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["panel__name"]
        verbose_name = "panel rules"
        verbose_name_plural = "panel rules"
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_score_min__lt=models.F("risk_score_max")),
                name="panel_rules_score_range",
                violation_error_message="The lowest score must be below the highest.",
            ),
        ]

    # What a new panel of each type starts with; the administrator can change any of it.
    PRESETS = {
        PanelType.MARAC: {
            "reference_prefix": "MARAC",
            "risk_measure": "DASH risk checklist",
            "risk_score_min": 0,
            "risk_score_max": 24,
            "high_risk_threshold": 14,
            "escalation_incidents": 3,
        },
        PanelType.CCM: {
            "reference_prefix": "CCM",
            "risk_measure": "Risk matrix (harm 1-5 × likelihood 1-5)",
            "risk_score_min": 1,
            "risk_score_max": 25,
            "high_risk_threshold": 15,
            "escalation_incidents": 3,
        },
        PanelType.OTHER: {
            "risk_measure": "Risk score",
            "risk_score_min": 0,
            "risk_score_max": 10,
            "high_risk_threshold": 7,
            "escalation_incidents": None,
        },
    }

    def __str__(self):
        return f"Rules of {self.panel.display_name}"

    def clean(self):
        errors = {}
        if self.panel_id and self.panel.kind != Board.Kind.PANEL:
            errors["panel"] = "Case panel rules belong to a board of kind panel."
        if (
            self.risk_score_min is not None
            and self.risk_score_max is not None
            and self.high_risk_threshold is not None
        ):
            if self.risk_score_min >= self.risk_score_max:
                errors["risk_score_max"] = "The highest score must be above the lowest."
            elif not self.risk_score_min <= self.high_risk_threshold <= self.risk_score_max:
                errors["high_risk_threshold"] = (
                    f"The threshold must lie within the scale, {self.risk_score_min} to "
                    f"{self.risk_score_max}."
                )
        if self.repeat_window_days == 0:
            errors["repeat_window_days"] = "The repeat window must be at least one day."
        if self.minutes_per_case == 0:
            errors["minutes_per_case"] = "Give each case at least a minute."
        if self.retention_months == 0:
            errors["retention_months"] = "Keep a closed case for at least a month."
        if errors:
            raise ValidationError(errors)

    @property
    def score_range_text(self) -> str:
        return f"{self.risk_score_min} to {self.risk_score_max}"
