"""Demo budget for the fictional Riverside partnership's strategic board.

Two years: the last complete financial year, which balances to the penny, and the current
one, still being agreed, where planned spending runs slightly ahead of income so the page's
warning shows. All figures are invented. Loading again leaves an existing budget alone.
"""

from decimal import Decimal

from django.utils import timezone

from partnership.periods import FinancialYear

from .demo import STRATEGIC
from .models import Board, BudgetLine, Organisation

HOME_OFFICE = "Home Office (Serious Violence Duty grant)"

# Income: organisation short name (as in boards/demo.py), description, last year, this year.
INCOME = [
    ("Council", "Core contribution to the partnership", "118,000.00", "121,500.00"),
    ("Council", "Public health contribution (drugs and alcohol)", "12,000.00", "12,000.00"),
    ("OPCC", "Community safety grant", "85,000.00", "85,000.00"),
    ("Police", "Partnership contribution", "25,000.00", "25,000.00"),
    ("Probation", "Contribution (nationally agreed)", "5,000.00", "5,000.00"),
    ("ICB", "Contribution to violence prevention", "20,000.00", "22,000.00"),
    ("Home Office", "Serious Violence Duty allocation", "42,500.00", "38,750.00"),
]

# Expenditure: category, description, last year, this year.
EXPENDITURE = [
    (
        "Staffing",
        "Community safety partnership manager (salary and on-costs)",
        "62,400.00",
        "64,300.00",
    ),
    ("Staffing", "Partnership and Serious Violence Duty officer", "41,800.00", "43,100.00"),
    ("Commissioned services", "Independent domestic violence advocacy", "58,000.00", "60,000.00"),
    ("Commissioned services", "Detached youth work in the town centre", "36,500.00", "37,500.00"),
    (
        "Commissioned services",
        "Hospital-based youth violence intervention",
        "22,800.00",
        "23,500.00",
    ),
    (
        "Community fund projects",
        "Small grants round for community groups",
        "40,000.00",
        "35,000.00",
    ),
    ("Training and events", "Annual partnership conference", "6,500.00", "6,800.00"),
    (
        "Training and events",
        "Serious Violence Duty training for frontline staff",
        "9,800.00",
        "8,500.00",
    ),
    ("Communications", "Campaigns, printing and social media", "7,500.00", "8,150.00"),
    (
        "Analysis",
        "Strategic assessment and serious violence needs assessment",
        "17,887.50",
        "18,500.00",
    ),
    ("Analysis", "Data licences and mapping software", "4,312.50", "4,400.00"),
]


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def load(log) -> None:
    board = Board.objects.filter(name=STRATEGIC).first()
    if board is None:
        log(f"skipped the demo budget: there is no board named {STRATEGIC}")
        return
    if board.budget_lines.exists():
        log(f"kept the budget of {board.name} (already loaded)")
        return

    organisations = {}
    for short_name in {row[0] for row in INCOME} - {"Home Office"}:
        organisation = Organisation.objects.filter(short_name=short_name).first()
        if organisation is None:
            log(f"skipped the demo budget: no organisation with the short name {short_name}")
            return
        organisations[short_name] = organisation
    organisations["Home Office"], _ = Organisation.objects.get_or_create(
        name=HOME_OFFICE,
        defaults={"short_name": "Home Office", "sector": Organisation.Sector.OTHER},
    )

    this_year = FinancialYear.containing(timezone.localdate())
    last_year = this_year.previous()
    for column, year in ((2, last_year), (3, this_year)):
        lines = [
            BudgetLine(
                board=board,
                year=year.start_year,
                kind=BudgetLine.Kind.INCOME,
                organisation=organisations[row[0]],
                description=row[1],
                amount=_amount(row[column]),
            )
            for row in INCOME
        ] + [
            BudgetLine(
                board=board,
                year=year.start_year,
                kind=BudgetLine.Kind.EXPENDITURE,
                category=row[0],
                description=row[1],
                amount=_amount(row[column]),
            )
            for row in EXPENDITURE
        ]
        for line in lines:
            line.save()  # one at a time, so each line starts its audit history
        income = sum(line.amount for line in lines if line.kind == BudgetLine.Kind.INCOME)
        spending = sum(line.amount for line in lines if line.kind == BudgetLine.Kind.EXPENDITURE)
        log(
            f"set the {year} budget of {board.name}: income £{income:,.2f}, "
            f"expenditure £{spending:,.2f}"
        )
