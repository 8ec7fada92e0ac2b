from .applications import (
    Application,
    ApplicationBudgetLine,
    ApplicationDocument,
    OrganisationType,
    Stage,
    StageChange,
)
from .assessment import Assessment, Criterion, Decision, Score
from .awards import Award, ChangeRequest, Milestone, MonitoringReturn, Tranche
from .ledger import Balances, Fund, LedgerEntry, balances, balances_by_fund
from .rounds import BudgetCategory, EligibilityQuestion, FundingRound, KeyTheme, PriorityArea

__all__ = [
    "Application",
    "ApplicationBudgetLine",
    "ApplicationDocument",
    "Assessment",
    "Award",
    "Balances",
    "BudgetCategory",
    "ChangeRequest",
    "Criterion",
    "Decision",
    "EligibilityQuestion",
    "Fund",
    "FundingRound",
    "KeyTheme",
    "LedgerEntry",
    "Milestone",
    "MonitoringReturn",
    "OrganisationType",
    "PriorityArea",
    "Score",
    "Stage",
    "StageChange",
    "Tranche",
    "balances",
    "balances_by_fund",
]
