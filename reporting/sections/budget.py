"""Funding for the annual report: the board's budget for the year (income by contributing
organisation, expenditure by category) and the community fund (POCA) awards made at the board's
meetings in the year, with the fund's position.

The budget is ``boards.budget.budget_summary`` (the budget page's own, one query); the fund is
the quarterly report's ``build_funding`` run over the whole year (three queries however many
funds), so its position is as at the year's last day, or the build day while the year runs.
"""

from dataclasses import dataclass
from decimal import Decimal

from boards.budget import BudgetSummary, budget_summary

from . import Period
from .funding import ZERO, DecisionRow, FundingData, build_funding


@dataclass
class AnnualFundingData:
    budget: BudgetSummary
    fund: FundingData

    @property
    def awards(self) -> list[DecisionRow]:
        """Bids approved at the year's meetings with the award made."""
        return [row for row in self.fund.decisions if row.approved and row.amount_is_award]

    @property
    def awarded(self) -> Decimal:
        return sum((row.amount for row in self.awards), ZERO)

    @property
    def not_approved(self) -> int:
        return sum(1 for row in self.fund.decisions if not row.approved)


def build_annual_funding(period: Period) -> AnnualFundingData:
    return AnnualFundingData(
        budget=budget_summary(period.board, period.year), fund=build_funding(period)
    )
