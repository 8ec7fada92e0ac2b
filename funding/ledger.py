"""Every movement of money in a fund goes through here, so the balances can be trusted.

Each operation locks the fund's row inside a transaction before it reads the balances, so two
officers approving at the same moment are served one after the other and the second sees the
first's commitment (PostgreSQL row lock; SQLite takes the whole database's write lock).
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from .models import Award, Fund, LedgerEntry, Tranche, balances, balances_by_fund

K = LedgerEntry.Kind


def _lock(fund_id: int) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund_id)


def _positive(amount: Decimal, field: str = "amount") -> Decimal:
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({field: "Give an amount above £0."})
    return amount.quantize(Decimal("0.01"))


def _entry(fund, kind, amount, *, by=None, on=None, note="", **links) -> LedgerEntry:
    return LedgerEntry.objects.create(
        fund=fund, kind=kind, amount=amount, on=on or timezone.localdate(), note=note,
        created_by=by, **links,
    )  # fmt: skip


@transaction.atomic
def receive(fund: Fund, amount, *, note: str, on: date | None = None, by=None) -> LedgerEntry:
    """Money arriving in the fund, e.g. a share of confiscated assets."""
    fund = _lock(fund.pk)
    return _entry(fund, K.RECEIVED, _positive(amount), by=by, on=on, note=note)


@transaction.atomic
def adjust(fund: Fund, amount, *, increase: bool, reason: str, by=None) -> LedgerEntry:
    """A correction to the money held, which must say why."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the fund is being adjusted."})
    fund = _lock(fund.pk)
    amount = _positive(amount)
    if not increase and amount > balances(fund.pk).available:
        raise ValidationError({"amount": "The fund does not hold that much uncommitted money."})
    kind = K.ADJUSTMENT_IN if increase else K.ADJUSTMENT_OUT
    return _entry(fund, kind, amount, by=by, note=reason.strip())


@transaction.atomic
def commit(award: Award, *, by=None, on: date | None = None) -> LedgerEntry:
    """Set aside an award's full amount; refused if the fund cannot cover it.

    ``on`` is the day the board decided it (the fund's position as at a past day counts the
    award from its decision, not from the day it was typed in).
    """
    fund = _lock(award.application.round.fund_id)
    available = balances(fund.pk).available
    if award.amount > available:
        raise ValidationError(
            {"amount": f"The fund has £{available:,.2f} available to commit; "
                       f"this award needs £{award.amount:,.2f}."}
        )  # fmt: skip
    if on is not None and on < timezone.localdate():
        # Dated in the past, the award must also fit what the fund held that day, or the
        # fund's position as at that day would show more committed than it had.
        then = balances_by_fund([fund.pk], as_at=on)[fund.pk].available
        if award.amount > then:
            raise ValidationError(
                {"amount": f"On {on:%-d %B %Y}, the day of the decision, the fund had "
                           f"£{then:,.2f} available to commit; this award needs "
                           f"£{award.amount:,.2f}."}
            )  # fmt: skip
    return _entry(fund, K.COMMITTED, award.amount, by=by, on=on, award=award,
                  note=f"Award to {award.application.reference}")  # fmt: skip


@transaction.atomic
def release(tranche: Tranche, *, by=None, on: date | None = None) -> LedgerEntry:
    """Pay a tranche: it moves from committed to released."""
    tranche = (
        Tranche.objects.select_for_update()
        .select_related("award__application__round")
        .get(pk=tranche.pk)
    )
    on = on or timezone.localdate()
    if tranche.released_on:
        raise ValidationError(
            f"Tranche {tranche.number} was released on {tranche.released_on:%d/%m/%Y}."
        )
    if on < tranche.release_on:
        raise ValidationError(
            f"Tranche {tranche.number} may be released from {tranche.release_on:%d/%m/%Y}."
        )
    if tranche.review_on and not tranche.reviewed_on:
        raise ValidationError(
            f"Tranche {tranche.number} needs its review (due {tranche.review_on:%d/%m/%Y}) "
            "recorded before it is released."
        )
    fund = _lock(tranche.award.application.round.fund_id)
    tranche.released_on, tranche.released_by = on, by
    tranche.save(update_fields=["released_on", "released_by"])
    return _entry(fund, K.RELEASED, tranche.amount, by=by, on=on, award=tranche.award,
                  tranche=tranche, note=f"Tranche {tranche.number} of {tranche.award}")  # fmt: skip


def _award_total(award: Award, kind: str) -> Decimal:
    rows = award.entries.filter(kind=kind)
    plain = rows.filter(reverses__isnull=True).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    reversed_ = rows.filter(reverses__isnull=False).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return plain - reversed_


@transaction.atomic
def return_funds(award: Award, amount, *, note: str, by=None, on: date | None = None):
    """Money a grantee pays back (unused or misused); it becomes available again."""
    fund = _lock(award.application.round.fund_id)
    amount = _positive(amount)
    paid = _award_total(award, K.RELEASED) - _award_total(award, K.RETURNED)
    if amount > paid:
        raise ValidationError({"amount": f"Only £{paid:,.2f} has been paid to this grantee."})
    return _entry(fund, K.RETURNED, amount, by=by, on=on, award=award, note=note)


def unpaid(award: Award) -> Decimal:
    """What is still committed to the award and not yet paid, reversals included."""
    return (
        _award_total(award, K.COMMITTED)
        - _award_total(award, K.UNCOMMITTED)
        - _award_total(award, K.RELEASED)
    )


@transaction.atomic
def uncommit(award: Award, amount, *, reason: str, by=None) -> LedgerEntry:
    """Give back commitment that will not be paid (a grant ended early or under budget)."""
    fund = _lock(award.application.round.fund_id)
    amount = _positive(amount)
    still_unpaid = unpaid(award)
    if amount > still_unpaid:
        raise ValidationError(
            {"amount": f"Only £{still_unpaid:,.2f} of this award is still unpaid."}
        )
    return _entry(fund, K.UNCOMMITTED, amount, by=by, award=award, note=reason)


@transaction.atomic
def reverse(entry: LedgerEntry, *, reason: str, by=None) -> LedgerEntry:
    """Cancel an entry made in error with an equal and opposite one."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the entry is being reversed."})
    fund = _lock(entry.fund_id)
    entry = LedgerEntry.objects.get(pk=entry.pk)
    if entry.reverses_id:
        raise ValidationError("A reversal cannot itself be reversed; add a new entry instead.")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError("This entry has already been reversed.")
    if entry.kind == K.COMMITTED and entry.award_id:
        # The award stands, so its commitment does too; money it will not need is given back
        # with uncommit(), which keeps the award's own arithmetic right.
        raise ValidationError(
            "An award's commitment is not reversed: release the unpaid part from the award's page."
        )
    reversal = _entry(fund, entry.kind, entry.amount, by=by, note=reason.strip(),
                      award=entry.award, tranche=entry.tranche, reverses=entry)  # fmt: skip
    if entry.kind == K.RELEASED and entry.tranche_id:
        _unpay(entry.tranche_id)
    after = balances(fund.pk)
    if after.available < 0 or after.cash < 0:
        raise ValidationError(
            "Reversing this would leave the fund owing more than it holds; "
            "release commitments first."
        )  # the atomic block rolls the reversal back
    if entry.award_id and _award_total(entry.award, K.RETURNED) > _award_total(
        entry.award, K.RELEASED
    ):
        raise ValidationError(
            "The grantee has returned more than would then have been paid; "
            "reverse the return first."
        )
    return reversal


def _unpay(tranche_id: int) -> None:
    """A payment reversed in the ledger was never made: the tranche is waiting to be paid again."""
    tranche = Tranche.objects.select_for_update().get(pk=tranche_id)
    tranche.released_on, tranche.released_by = None, None
    tranche.save(update_fields=["released_on", "released_by"])
