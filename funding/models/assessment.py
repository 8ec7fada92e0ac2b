"""Scoring applications against the eight criteria, and the board's decision."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from .applications import Application


class Criterion(models.TextChoices):
    PRIORITY = "priority", "Fits a priority area"
    THEME = "theme", "Considers a key theme"
    NEED = "need", "Need is evidenced"
    LOCAL_BENEFIT = "benefit", "Benefits local people or businesses"
    VALUE = "value", "Cost-effective, eligible budget"
    SAFETY = "safety", "Increases safety or reduces crime"
    IMPACT = "impact", "Positive long-term impact"
    EVALUATION = "evaluation", "Clear evaluation and monitoring"


class Assessment(models.Model):
    class Recommendation(models.TextChoices):
        FUND = "fund", "Fund in full"
        PART = "part", "Fund in part"
        DECLINE = "decline", "Decline"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assessments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    recommendation = models.CharField(max_length=8, choices=Recommendation.choices)
    recommended_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "assessor"], name="one_assessment_per_assessor"
            )
        ]

    def __str__(self):
        return f"Assessment of {self.application} by {self.assessor}"

    @property
    def total(self) -> int:
        return sum(score.score for score in self.scores.all())


class Score(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(max_length=12, choices=Criterion.choices)
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(5)])
    comment = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="one_score_each"),
            models.CheckConstraint(condition=models.Q(score__lte=5), name="score_at_most_5"),
        ]

    def __str__(self):
        return f"{self.get_criterion_display()}: {self.score}"


class Decision(models.Model):
    """The board's decision, minuted at a meeting: funding points at boards, not the reverse."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        DEFERRED = "deferred", "Deferred"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    meeting = models.ForeignKey("boards.Meeting", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        "boards.AgendaItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "recorded_at"]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.application}"
