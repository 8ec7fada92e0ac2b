"""Funding rounds and the lists a partnership configures for them."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .ledger import Fund


class PriorityArea(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class KeyTheme(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class BudgetCategory(models.Model):
    """A kind of cost an applicant may list; excluded ones are refused with the explanation."""

    name = models.CharField(max_length=100, unique=True)
    excluded = models.BooleanField(default=False)
    explanation = models.CharField(
        max_length=300, blank=True, help_text="Shown to the applicant when the cost is refused."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["excluded", "name"]
        verbose_name_plural = "budget categories"

    def __str__(self):
        return self.name


class RoundQuerySet(models.QuerySet):
    def open_on(self, day: date | None = None):
        day = day or timezone.localdate()
        return self.filter(opens_on__lte=day, closes_on__gte=day, fund__active=True)


class FundingRound(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True, help_text="Used in the public address of the round.")
    opens_on = models.DateField()
    closes_on = models.DateField()
    min_grant = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("1000"))
    max_grant = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("50000"))
    max_months = models.PositiveSmallIntegerField("longest grant (months)", default=12)
    guidance = models.TextField(blank=True, help_text="Shown on the public page of the round.")
    priority_areas = models.ManyToManyField(PriorityArea, related_name="rounds")
    key_themes = models.ManyToManyField(KeyTheme, related_name="rounds", blank=True)
    history = HistoricalRecords(m2m_fields=[priority_areas, key_themes])

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("funding:round_public", args=[self.slug])

    def is_open(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.opens_on <= day <= self.closes_on and self.fund.active

    def clean(self):
        errors = {}
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = "The round cannot close before it opens."
        if self.min_grant is not None and self.max_grant is not None:
            if self.min_grant <= 0:
                errors["min_grant"] = "The smallest grant must be more than nothing."
            elif self.max_grant < self.min_grant:
                errors["max_grant"] = "The largest grant cannot be below the smallest."
        if errors:
            raise ValidationError(errors)


class EligibilityQuestion(models.Model):
    """A yes/no question of the eligibility checker; the wrong answer is explained."""

    round = models.ForeignKey(FundingRound, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    question = models.CharField(max_length=300)
    eligible_answer = models.BooleanField(
        default=True, help_text="The answer an eligible applicant gives."
    )
    explanation = models.CharField(
        max_length=400, help_text="Shown when the other answer is given: why it rules them out."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "order"]

    def __str__(self):
        return self.question
