"""The fund's ledger: arithmetic, refusals, reversals, and no over-commitment under load."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections

from funding import ledger
from funding.models import LedgerEntry, balances
from funding.tests.factories import FundFactory, award_of
from tests.support import need

pytestmark = pytest.mark.django_db
D = Decimal


def funded(amount="110000"):
    fund = FundFactory()
    ledger.receive(fund, D(amount), note="Share of confiscated assets")
    return fund


def test_balances_follow_receipts_commitments_releases_and_returns():
    fund = funded("110000")
    award = award_of(
        "71818",
        fund,
        tranches=[
            ("35713", dt.date(2026, 4, 1), None),
            ("36105", dt.date(2027, 4, 1), dt.date(2026, 12, 31)),
        ],
    )
    ledger.commit(award)
    first, second = award.tranches.all()
    ledger.release(first, on=dt.date(2026, 4, 2))

    b = balances(fund.pk)
    assert (b.received, b.committed, b.released, b.returned) == (
        D("110000"),
        D("71818"),
        D("35713"),
        D("0"),
    )
    assert b.outstanding_commitments == D("36105")
    assert b.cash == D("74287")
    assert b.available == D("38182")  # what the board could still commit

    ledger.return_funds(award, D("1000"), note="Unused equipment budget")
    assert balances(fund.pk).available == D("39182")


def test_an_award_bigger_than_what_is_available_is_refused():
    fund = funded("50000")
    ledger.commit(award_of("40000", fund))
    with pytest.raises(ValidationError, match="£10,000.00 available to commit"):
        ledger.commit(award_of("10000.01", fund))
    assert balances(fund.pk).committed == D("40000")


def test_a_tranche_is_released_once_not_early_and_not_before_its_review():
    fund = funded()
    award = award_of(
        "20000",
        fund,
        tranches=[
            ("10000", dt.date(2026, 4, 1), None),
            ("10000", dt.date(2026, 10, 1), dt.date(2026, 9, 1)),
        ],
    )
    ledger.commit(award)
    first, second = award.tranches.all()
    with pytest.raises(ValidationError, match="may be released from 01/04/2026"):
        ledger.release(first, on=dt.date(2026, 3, 1))
    ledger.release(first, on=dt.date(2026, 4, 1))
    with pytest.raises(ValidationError, match="was released on"):
        ledger.release(first, on=dt.date(2026, 4, 2))
    with pytest.raises(ValidationError, match="needs its review"):
        ledger.release(second, on=dt.date(2026, 10, 2))
    second.reviewed_on = dt.date(2026, 9, 3)
    second.save()
    ledger.release(second, on=dt.date(2026, 10, 2))
    assert balances(fund.pk).released == D("20000")


def test_returns_cannot_exceed_what_was_paid():
    fund = funded()
    award = award_of("5000", fund, tranches=[("5000", dt.date(2026, 4, 1), None)])
    ledger.commit(award)
    with pytest.raises(ValidationError, match="Only £0.00 has been paid"):
        ledger.return_funds(award, D("1"), note="x")
    ledger.release(award.tranches.get(), on=dt.date(2026, 4, 1))
    with pytest.raises(ValidationError, match="Only £5,000.00"):
        ledger.return_funds(award, D("5000.01"), note="x")


def test_unpaid_commitment_can_be_given_back_once():
    fund = funded("10000")
    award = award_of("8000", fund)
    ledger.commit(award)
    ledger.uncommit(award, D("3000"), reason="Grant ended early")
    assert balances(fund.pk).available == D("5000")
    with pytest.raises(ValidationError, match="Only £5,000.00 of this award is still unpaid"):
        ledger.uncommit(award, D("5000.01"), reason="again")


def test_entries_are_never_changed_or_deleted_only_reversed():
    fund = funded("1000")
    entry = LedgerEntry.objects.get(fund=fund)
    entry.amount = D("2000")
    with pytest.raises(ValidationError, match="never changed"):
        entry.save()
    with pytest.raises(ValidationError, match="never deleted"):
        entry.delete()
    reversal = ledger.reverse(entry, reason="Entered twice")
    assert balances(fund.pk).received == D("0")
    assert reversal.reverses == entry
    with pytest.raises(ValidationError, match="already been reversed"):
        ledger.reverse(entry, reason="again")
    with pytest.raises(ValidationError, match="cannot itself be reversed"):
        ledger.reverse(reversal, reason="again")


def test_reversing_a_receipt_the_fund_has_committed_is_refused_and_leaves_nothing():
    fund = funded("10000")
    ledger.commit(award_of("8000", fund))
    receipt = LedgerEntry.objects.get(fund=fund, kind="received")
    with pytest.raises(ValidationError, match="owing more than it holds"):
        ledger.reverse(receipt, reason="Wrong fund")
    assert LedgerEntry.objects.filter(fund=fund).count() == 2


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_amounts_must_be_positive(amount):
    with pytest.raises(ValidationError, match="above £0"):
        ledger.receive(FundFactory(), D(amount), note="x")


def test_adjustments_need_a_reason_and_cannot_take_committed_money():
    fund = funded("1000")
    with pytest.raises(ValidationError, match="Say why"):
        ledger.adjust(fund, D("10"), increase=True, reason=" ")
    ledger.commit(award_of("900", fund))
    with pytest.raises(ValidationError, match="does not hold that much"):
        ledger.adjust(fund, D("101"), increase=False, reason="Bank charge")
    ledger.adjust(fund, D("100"), increase=False, reason="Bank charge")
    assert balances(fund.pk).available == D("0")


def test_balances_take_one_query(django_assert_num_queries):
    fund = funded()
    for _ in range(5):
        ledger.receive(fund, D("10"), note="x")
    with django_assert_num_queries(1):
        balances(fund.pk)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_officers_approving_at_once_cannot_over_commit_the_fund():
    """Ten awards of £60,000 race for £100,000: exactly one gets through, on PostgreSQL."""
    need("SERVICES", connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    fund = funded("100000")
    awards = [award_of("60000", fund) for _ in range(10)]
    start = threading.Barrier(len(awards))
    outcomes = []

    def approve(award):
        try:
            start.wait()
            ledger.commit(award)
            outcomes.append("committed")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(a,)) for a in awards]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["committed"] + ["refused"] * 9
    assert balances(fund.pk).committed == D("60000")
    assert balances(fund.pk).available == D("40000")


@pytest.mark.django_db
def test_an_award_dated_at_a_past_meeting_must_fit_what_the_fund_held_that_day():
    from funding.models import balances_by_fund

    fund = FundFactory()
    award = award_of("5000", fund)
    ledger.receive(fund, Decimal("8000"), note="Arrived after the meeting", on=dt.date(2026, 5, 1))
    with pytest.raises(ValidationError) as refused:
        ledger.commit(award, on=dt.date(2026, 4, 20))
    assert "On 20 April 2026, the day of the decision" in str(refused.value)
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.COMMITTED).exists()
    entry = ledger.commit(award, on=dt.date(2026, 5, 2))
    assert entry.on == dt.date(2026, 5, 2)
    then = balances_by_fund([fund.pk], as_at=dt.date(2026, 5, 2))[fund.pk]
    assert then.committed == Decimal("5000")


@pytest.mark.django_db
def test_a_decision_whose_money_was_recorded_after_the_meeting_is_committed_on_the_day_typed():
    from funding.services import _commitment_day

    fund = FundFactory()
    award = award_of("5000", fund)  # decided at a meeting on 25 February 2026
    ledger.receive(fund, Decimal("8000"), note="Recorded late", on=dt.date(2026, 3, 2))
    with time_machine.travel(dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC), tick=False):
        assert _commitment_day(award, award.decision) == dt.date(2026, 3, 9)
        ledger.receive(fund, Decimal("9000"), note="Held before", on=dt.date(2026, 2, 1))
        assert _commitment_day(award, award.decision) == dt.date(2026, 2, 25)
