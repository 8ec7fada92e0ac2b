"""The demo's last complete year has community fund awards for its annual report to list."""

import datetime as dt
from decimal import Decimal

import pytest

from boards import demo as boards_demo
from boards.demo import STRATEGIC
from boards.models import Board
from funding import demo as funding_demo
from funding.demo_small_grants import SMALL_GRANTS
from funding.models import Award, LedgerEntry, balances
from partnership import demo as partnership_demo
from partnership.periods import FinancialYear
from reporting.sections import Period
from reporting.sections.budget import build_annual_funding

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 5)
LAST_YEAR = FinancialYear(2025)  # April 2025 to March 2026, the last complete year


@pytest.fixture
def demo(time_machine, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    time_machine.move_to(dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC), tick=False)
    lines = []
    for module in (partnership_demo, boards_demo, funding_demo):
        module.load(lines.append)
    return Board.objects.get(name=STRATEGIC), lines


def test_the_annual_report_of_the_last_complete_year_lists_the_demo_awards(demo):
    board, lines = demo
    data = build_annual_funding(Period(board, LAST_YEAR, None, produced_on=TODAY))
    awards = data.awards
    assert len(awards) == 3 + len(SMALL_GRANTS)  # the main round's three and the small grants
    assert all(LAST_YEAR.start <= row.meeting_date <= LAST_YEAR.end for row in awards)
    # Decided at three of the year's four board meetings: September, December and March.
    assert sorted({row.meeting_date.month for row in awards}) == [3, 9, 12]
    small = [row.amount for row in awards if row.amount < Decimal("5000")]
    assert len(small) == len(SMALL_GRANTS)
    assert all(Decimal("500") <= amount <= Decimal("5000") for amount in small)
    assert data.awarded == Decimal("71818") + Decimal("12000") + Decimal("24500") + sum(small)
    assert data.not_approved == 1  # the street pastors' bid, declined in September
    assert any(line.startswith("created Small grants 2025/26: 5 awards") for line in lines)


def test_the_demo_ledger_agrees_with_its_awards_as_at_the_years_end(demo):
    board, _ = demo
    (position,) = build_annual_funding(Period(board, LAST_YEAR, None, produced_on=TODAY)).fund.funds
    held = position.balances
    awards = Award.objects.filter(decision__meeting__starts_at__date__lte=LAST_YEAR.end)
    # Every award decided by 31 March 2026 was committed at its meeting, and no later one was.
    assert held.committed == sum(award.amount for award in awards)
    assert Decimal("0") <= held.released <= held.committed
    assert held.cash >= 0 and held.available >= 0
    # Every commitment is dated at the meeting that decided it.
    for entry in LedgerEntry.objects.filter(kind=LedgerEntry.Kind.COMMITTED).select_related(
        "award__decision__meeting"
    ):
        assert entry.on == entry.award.decision.meeting.date
    # Payments are the tranches marked paid; the whole ledger stays in credit.
    fund = board.funds.get()
    paid = sum(
        entry.amount
        for entry in LedgerEntry.objects.filter(fund=fund, kind=LedgerEntry.Kind.RELEASED)
    )
    assert paid == sum(
        tranche.amount
        for award in Award.objects.filter(application__round__fund=fund)
        for tranche in award.tranches.exclude(released_on=None)
    )
    assert balances(fund.pk).available >= 0


def test_loading_again_adds_no_second_set_of_small_grants(demo):
    board, _ = demo
    count = Award.objects.count()
    lines = []
    funding_demo.load(lines.append)
    assert Award.objects.count() == count
    assert "kept the small grants of 2025/26 (already loaded)" in lines
