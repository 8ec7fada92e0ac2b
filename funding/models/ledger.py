"""The fund and its ledger: append-only entries from which every balance is derived."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, DecimalField, F, Sum, Value, When
from django.utils import timezone
from simple_history.models import HistoricalRecords

ZERO = Decimal("0.00")


class Fund(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    board = models.ForeignKey(
        "boards.Board",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funds",
        help_text="The board that decides awards from this fund.",
    )
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class Balances:
    received: Decimal  # confiscation receipts, plus or minus adjustments
    committed: Decimal  # awards approved, less commitments released back
    released: Decimal  # tranches paid out
    returned: Decimal  # money grantees paid back

    @property
    def outstanding_commitments(self) -> Decimal:
        """Approved but not yet paid."""
        return self.committed - self.released

    @property
    def cash(self) -> Decimal:
        """Money held: received and returned, less what was paid out."""
        return self.received + self.returned - self.released

    @property
    def available(self) -> Decimal:
        """What the board can still commit: money held less outstanding commitments."""
        return self.cash - self.outstanding_commitments


class LedgerEntry(models.Model):
    """One movement of the fund. Never edited or deleted: a mistake is reversed by a new entry."""

    class Kind(models.TextChoices):
        RECEIVED = "received", "Money received"
        COMMITTED = "committed", "Award committed"
        UNCOMMITTED = "uncommitted", "Commitment released back"
        RELEASED = "released", "Tranche released"
        RETURNED = "returned", "Funds returned"
        ADJUSTMENT_IN = "adjust_in", "Adjustment (increase)"
        ADJUSTMENT_OUT = "adjust_out", "Adjustment (decrease)"

    # Which balance each kind moves, and in which direction.
    EFFECTS = {
        Kind.RECEIVED: ("received", 1),
        Kind.ADJUSTMENT_IN: ("received", 1),
        Kind.ADJUSTMENT_OUT: ("received", -1),
        Kind.COMMITTED: ("committed", 1),
        Kind.UNCOMMITTED: ("committed", -1),
        Kind.RELEASED: ("released", 1),
        Kind.RETURNED: ("returned", 1),
    }

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    on = models.DateField("date", default=timezone.localdate)
    note = models.CharField(max_length=300, blank=True)
    award = models.ForeignKey(
        "funding.Award", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    tranche = models.ForeignKey(
        "funding.Tranche", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        help_text="The entry this one cancels out.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["fund", "on", "pk"]
        verbose_name_plural = "ledger entries"

    def __str__(self):
        return f"{self.get_kind_display()} £{self.amount:,.2f} on {self.on}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Ledger entries are never changed; add a reversing entry.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Ledger entries are never deleted; add a reversing entry.")

    @property
    def signed_amount(self) -> Decimal:
        """The amount with the direction it moves its balance (a reversal moves it back)."""
        _, direction = self.EFFECTS[self.kind]
        return self.amount * direction * (-1 if self.reverses_id else 1)


BALANCE_COLUMNS = ("received", "committed", "released", "returned")


def _balance_sums() -> dict:
    """The four balances as sums over ledger entries, each entry signed by its kind."""
    sign = Case(When(reverses__isnull=False, then=Value(-1)), default=Value(1))
    totals = {}
    for column in BALANCE_COLUMNS:
        kinds = [k for k, (col, _) in LedgerEntry.EFFECTS.items() if col == column]
        cases = [
            When(kind=k, then=F("amount") * Value(LedgerEntry.EFFECTS[k][1]) * sign) for k in kinds
        ]
        totals[column] = Sum(
            Case(
                *cases,
                default=Value(ZERO),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )
        )
    return totals


def balances_by_fund(fund_ids, *, as_at: date | None = None) -> dict[int, Balances]:
    """Each fund's four balances in one query; with ``as_at``, from the entries dated up to it.

    A report on a past period asks as at its end, so money received or paid out later, and a
    reversal recorded later, do not move that period's figures.
    """
    fund_ids = list(fund_ids)
    entries = LedgerEntry.objects.filter(fund_id__in=fund_ids)
    if as_at is not None:
        entries = entries.filter(on__lte=as_at)
    rows = entries.order_by().values("fund_id").annotate(**_balance_sums())
    found = {
        row["fund_id"]: Balances(**{k: row[k] or ZERO for k in BALANCE_COLUMNS}) for row in rows
    }
    empty = Balances(**dict.fromkeys(BALANCE_COLUMNS, ZERO))
    return {pk: found.get(pk, empty) for pk in fund_ids}


def balances(fund_id: int) -> Balances:
    """All four balances of a fund in one query."""
    return balances_by_fund([fund_id])[fund_id]
