"""Reports for a past period show recommendation progress and the fund as at the period's end."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from boards.tests.factories import BoardFactory, OrganisationFactory
from funding import ledger
from funding.models import balances
from funding.tests.factories import FundFactory
from partnership.periods import FinancialYear
from reporting.sections import Period
from reporting.sections.budget import build_annual_funding
from reporting.sections.funding import build_funding
from reporting.sections.reviews import build_reviews
from reviews import statutory
from reviews.tests.statutory_factories import commission, one_panel, panel_member, refer_review

pytestmark = pytest.mark.django_db

YEAR = FinancialYear(2025)


def quarter_three(board, produced_on=dt.date(2026, 4, 20)) -> Period:
    """October to December 2025, built well after it ended."""
    return Period(board=board, year=YEAR, quarter=3, produced_on=produced_on)


def whole_year(board, produced_on=dt.date(2026, 4, 20)) -> Period:
    return Period(board=board, year=YEAR, quarter=None, produced_on=produced_on)


@pytest.fixture
def fund():
    fund = FundFactory(board=BoardFactory(name="Safer Riverside Partnership Board"))
    ledger.receive(fund, Decimal("40000"), note="Confiscation order", on=dt.date(2025, 11, 3))
    ledger.receive(fund, Decimal("15000"), note="Later receipts", on=dt.date(2026, 2, 9))
    return fund


def test_a_ledger_entry_after_the_quarters_end_is_not_in_its_fund_position(fund):
    data = build_funding(quarter_three(fund.board))
    (position,) = data.funds
    assert data.as_at == dt.date(2025, 12, 31)
    assert position.balances.received == Decimal("40000.00")
    assert position.balances.available == Decimal("40000.00")
    # The year to 31 March 2026 takes in February's receipt.
    (year_position,) = build_annual_funding(whole_year(fund.board)).fund.funds
    assert year_position.balances.received == Decimal("55000.00")


def test_a_reversal_after_the_period_does_not_reach_back_into_it(fund):
    entry = fund.entries.get(on=dt.date(2025, 11, 3))
    ledger.reverse(entry, reason="Entered against the wrong fund")  # dated today, 2026 or later
    (position,) = build_funding(quarter_three(fund.board)).funds
    assert position.balances.received == Decimal("40000.00")
    assert balances(fund.pk).received == Decimal("15000.00")  # the whole ledger has it


def test_a_period_still_running_counts_the_ledger_up_to_the_build_day(fund):
    data = build_funding(quarter_three(fund.board, produced_on=dt.date(2025, 11, 1)))
    assert data.as_at == dt.date(2025, 11, 1)
    assert data.funds[0].balances.received == Decimal("0.00")


def test_the_fund_table_says_which_day_it_is_as_at(fund):
    period = quarter_three(fund.board)
    html = render_to_string(
        "reporting/pdf/sections/funding.html",
        {"data": build_funding(period), "period": period, "number": 5},
    )
    assert "as at 31 December 2025" in html


@pytest.fixture
def review_with_recommendations():
    """A One Panel under the board with a DHR whose two recommendations were completed on
    10 December 2025 (inside Q3) and 10 February 2026 (after it), each with one action."""
    board = BoardFactory(name="Safer Riverside Partnership Board")
    panel = one_panel()
    panel.parent = board
    panel.save()
    by = panel_member(panel)
    review = refer_review(
        panel, by, code="DHR", notified_on=dt.date(2025, 6, 2), referred_on=dt.date(2025, 6, 2)
    )
    review = commission(review, by, decided_on=dt.date(2025, 6, 20))
    review = statutory.advance(
        review, by=by, to="reviewer_appointed", on=dt.date(2025, 7, 1),
        reviewer_name="R. Reviewer", terms_of_reference="Scope",
    )  # fmt: skip
    lead = OrganisationFactory(name="Riverside Adult Social Care")
    for n, completed_on in ((1, dt.date(2025, 12, 10)), (2, dt.date(2026, 2, 10))):
        recommendation = statutory.add_recommendation(
            review, by=by, text=f"Recommendation {n}", lead_organisations=[lead]
        )
        action = statutory.add_action(
            recommendation, by=by, description="Audit the referral route", organisation=lead,
            owner="Head of Service", due_on=dt.date(2025, 12, 1),
        )  # fmt: skip
        statutory.update_action(
            action, by=by, status="complete", evidence="Audit report", completed_on=completed_on
        )
        statutory.complete_recommendation(
            recommendation, by=by, evidence="Seen by the panel", completed_on=completed_on
        )
    return board


def test_a_recommendation_completed_after_the_quarter_shows_as_not_complete_in_it(
    review_with_recommendations,
):
    data = build_reviews(quarter_three(review_with_recommendations))
    (line,) = data.with_recommendations
    progress = line.progress
    assert (progress.recommendations, progress.recommendations_complete) == (2, 1)
    # The second action was due on 1 December and only done in February: overdue at the end.
    assert (progress.actions, progress.actions_complete, progress.actions_overdue) == (2, 1, 1)
    # By the year's end both were done.
    year = build_reviews(whole_year(review_with_recommendations)).recommendations
    assert (year.recommendations_complete, year.actions_complete, year.actions_overdue) == (2, 2, 0)


def test_the_recommendations_table_says_which_day_and_what_it_rests_on(
    review_with_recommendations,
):
    period = quarter_three(review_with_recommendations)
    html = render_to_string(
        "reporting/pdf/sections/reviews.html",
        {"data": build_reviews(period), "period": period, "number": 7},
    )
    assert "Progress on recommendations as at 31 December 2025" in html
    assert "its completion date, as recorded, falls on or before that day" in html
    annual = whole_year(review_with_recommendations)
    html = render_to_string(
        "reporting/pdf/sections/annual_reviews.html",
        {"data": build_reviews(annual), "period": annual, "number": 8},
    )
    assert "2 of 2 recommendations (100%) were complete as at 31 March 2026" in html
