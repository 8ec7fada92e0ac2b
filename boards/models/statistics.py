"""Key statistics (indicators with values per year or quarter) and board budgets."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from partnership.periods import FinancialYear

from .boards import Board, Organisation


class Indicator(models.Model):
    class Better(models.TextChoices):
        LOWER = "lower", "A fall is good"
        HIGHER = "higher", "A rise is good"
        NEITHER = "neither", "Neither (context only)"

    name = models.CharField(max_length=200, unique=True)
    unit = models.CharField(
        max_length=40, default="count", help_text='e.g. "count", "%", "rate per 1,000".'
    )
    category = models.CharField(max_length=100, blank=True)
    better = models.CharField(
        "which change is good", max_length=8, choices=Better.choices, default=Better.LOWER
    )
    source = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "name"]

    def __str__(self):
        return self.name


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(help_text="Financial year start: 2025 means 2025/26.")
    quarter = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)],
        help_text="Blank for a whole-year figure.",
    )
    value = models.DecimalField(max_digits=14, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "quarter"], name="indicator_value_unique_period"
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=models.Q(quarter__isnull=True),
                name="indicator_value_unique_year",
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.period_label} = {self.value}"

    @property
    def period_label(self) -> str:
        label = FinancialYear(self.year).label
        return f"{label} Q{self.quarter}" if self.quarter else label


class BudgetLine(models.Model):
    class Kind(models.TextChoices):
        INCOME = "income", "Income"
        EXPENDITURE = "expenditure", "Expenditure"

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(help_text="Financial year start: 2025 means 2025/26.")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_contributions",
        help_text="For income: the contributing organisation.",
    )
    category = models.CharField(
        max_length=100,
        blank=True,
        help_text="For expenditure: e.g. staffing, commissioned services.",
    )
    description = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "year", "kind", "category", "pk"]

    def __str__(self):
        return (
            f"{self.board.display_name} {FinancialYear(self.year).label} {self.kind}: {self.amount}"
        )

    def clean(self):
        if self.kind == self.Kind.INCOME and not self.organisation_id:
            raise ValidationError(
                {"organisation": "Say which organisation contributes this income."}
            )
        if self.kind == self.Kind.EXPENDITURE and not self.category.strip():
            raise ValidationError({"category": "Give the expenditure a category."})
