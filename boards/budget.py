"""Board budgets: income by contributing organisation, expenditure by category, and the balance.

The builders here read the database and return plain data; they know nothing of requests, so
the budget page, its spreadsheet and the annual report all share them. Each builder makes one
query for the lines, whatever their number, and groups them in Python.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from partnership.periods import FinancialYear

from .models import Board, BudgetLine, Organisation

ZERO = Decimal("0.00")
PENNY = Decimal("0.01")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Pounds with thousands separators; a negative balance shows with a minus sign, not brackets,
# so the sheet reads the same as the page.
CURRENCY_FORMAT = '"£"#,##0.00;-"£"#,##0.00'


def money(amount: Decimal) -> str:
    """An amount in pounds as people write it: £12,345.67, or -£1,234.00 below zero."""
    amount = Decimal(amount).quantize(PENNY, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def category_key(category: str) -> str:
    """Categories are typed by hand, so "Staffing" and " staffing" are one category."""
    return " ".join(category.split()).casefold()


def _tidy(category: str) -> str:
    return " ".join(category.split())


def _total(lines: Iterable[BudgetLine]) -> Decimal:
    return sum((line.amount for line in lines), ZERO)


# --- One board ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomeGroup:
    """What one organisation contributes, line by line."""

    organisation: Organisation
    total: Decimal
    lines: tuple[BudgetLine, ...]

    @property
    def name(self) -> str:
        return self.organisation.name


@dataclass(frozen=True)
class ExpenditureGroup:
    """What is spent under one category, line by line."""

    category: str
    total: Decimal
    lines: tuple[BudgetLine, ...]

    @property
    def name(self) -> str:
        return self.category


@dataclass(frozen=True)
class BudgetSummary:
    board: Board
    year: FinancialYear
    income: tuple[IncomeGroup, ...]
    expenditure: tuple[ExpenditureGroup, ...]
    total_income: Decimal
    total_expenditure: Decimal

    @property
    def balance(self) -> Decimal:
        """Income less expenditure: below zero when the board plans to spend more than it has."""
        return self.total_income - self.total_expenditure

    @property
    def balanced(self) -> bool:
        return self.balance == 0

    @property
    def is_empty(self) -> bool:
        return not self.income and not self.expenditure

    @property
    def warning(self) -> str:
        """The sentence to show when the budget does not balance; empty when it does."""
        if self.balance < 0:
            return f"Expenditure exceeds income by {money(-self.balance)}"
        if self.balance > 0:
            return f"Income exceeds planned expenditure by {money(self.balance)}"
        return ""

    @property
    def balance_text(self) -> str:
        return money(self.balance)


def _lines(boards, year: FinancialYear):
    return (
        BudgetLine.objects.filter(board__in=boards, year=year.start_year)
        .select_related("organisation")
        .order_by("pk")
    )


def _income_groups(lines: list[BudgetLine]) -> tuple[IncomeGroup, ...]:
    by_organisation: dict[int, list[BudgetLine]] = {}
    for line in lines:
        by_organisation.setdefault(line.organisation_id, []).append(line)
    groups = [
        IncomeGroup(organisation=items[0].organisation, total=_total(items), lines=tuple(items))
        for items in by_organisation.values()
    ]
    return tuple(sorted(groups, key=lambda g: g.organisation.name.casefold()))


def _expenditure_groups(lines: list[BudgetLine]) -> tuple[ExpenditureGroup, ...]:
    by_category: dict[str, list[BudgetLine]] = {}
    for line in lines:
        by_category.setdefault(category_key(line.category), []).append(line)
    groups = [
        ExpenditureGroup(category=_tidy(items[0].category), total=_total(items), lines=tuple(items))
        for items in by_category.values()
    ]
    return tuple(sorted(groups, key=lambda g: category_key(g.category)))


def budget_summary(board: Board, year: FinancialYear) -> BudgetSummary:
    """The board's budget for the year: one query, whatever the number of lines."""
    lines = list(_lines([board.pk], year))
    income = [line for line in lines if line.kind == BudgetLine.Kind.INCOME]
    expenditure = [line for line in lines if line.kind == BudgetLine.Kind.EXPENDITURE]
    return BudgetSummary(
        board=board,
        year=year,
        income=_income_groups(income),
        expenditure=_expenditure_groups(expenditure),
        total_income=_total(income),
        total_expenditure=_total(expenditure),
    )


# --- Several boards -------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnershipRow:
    """One organisation's (or category's) amounts, one per board, in the boards' order."""

    label: str
    amounts: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, ZERO)

    @property
    def cells(self) -> tuple[Decimal, ...]:
        """The board columns then the total column, as the table shows them."""
        return (*self.amounts, self.total)


@dataclass(frozen=True)
class PartnershipBudget:
    year: FinancialYear
    boards: tuple[Board, ...]
    income: tuple[PartnershipRow, ...]
    expenditure: tuple[PartnershipRow, ...]
    left_out: tuple[Board, ...] = ()

    @property
    def income_totals(self) -> PartnershipRow:
        return _column_totals("Total income", self.income, len(self.boards))

    @property
    def expenditure_totals(self) -> PartnershipRow:
        return _column_totals("Total expenditure", self.expenditure, len(self.boards))

    @property
    def total_income(self) -> Decimal:
        return self.income_totals.total

    @property
    def total_expenditure(self) -> Decimal:
        return self.expenditure_totals.total

    @property
    def balances(self) -> tuple[Decimal, ...]:
        """Income less expenditure for each board, then for the partnership."""
        return tuple(
            income - spent
            for income, spent in zip(
                self.income_totals.cells, self.expenditure_totals.cells, strict=True
            )
        )

    @property
    def balance_texts(self) -> tuple[str, ...]:
        return tuple(money(amount) for amount in self.balances)

    @property
    def balance(self) -> Decimal:
        return self.balances[-1]

    @property
    def balanced(self) -> bool:
        return all(amount == 0 for amount in self.balances)

    @property
    def unbalanced_boards(self) -> tuple[Board, ...]:
        return tuple(
            board for board, amount in zip(self.boards, self.balances, strict=False) if amount != 0
        )


def _column_totals(label: str, rows: tuple[PartnershipRow, ...], width: int) -> PartnershipRow:
    amounts = tuple(sum((row.amounts[i] for row in rows), ZERO) for i in range(width))
    return PartnershipRow(label=label, amounts=amounts)


def _rows(sums: dict[str, dict[int, Decimal]], labels: dict[str, str], columns: dict[int, int]):
    rows = []
    for key in sorted(sums, key=str.casefold):
        amounts = [ZERO] * len(columns)
        for board_id, amount in sums[key].items():
            amounts[columns[board_id]] = amount
        rows.append(PartnershipRow(label=labels[key], amounts=tuple(amounts)))
    return tuple(rows)


def partnership_budget(
    boards: Iterable[Board], year: FinancialYear, *, skip_empty: bool = False
) -> PartnershipBudget:
    """Several boards' budgets in one table: a column per board, in the order given.

    Income rows are contributing organisations, expenditure rows are categories. With
    ``skip_empty`` a board with no lines that year gets no column; it is listed in
    ``left_out`` instead. One query for the lines (plus one if ``boards`` is a queryset).
    """
    boards = list(boards)
    lines = list(_lines([board.pk for board in boards], year))
    if skip_empty:
        with_lines = {line.board_id for line in lines}
        left_out = tuple(board for board in boards if board.pk not in with_lines)
        boards = [board for board in boards if board.pk in with_lines]
    else:
        left_out = ()
    columns = {board.pk: index for index, board in enumerate(boards)}

    income: dict[str, dict[int, Decimal]] = {}
    spending: dict[str, dict[int, Decimal]] = {}
    labels: dict[str, str] = {}
    for line in lines:
        if line.kind == BudgetLine.Kind.INCOME:
            key, label, table = f"o{line.organisation.name}", line.organisation.name, income
        else:
            key, label, table = f"c{category_key(line.category)}", _tidy(line.category), spending
        labels.setdefault(key, label)
        cell = table.setdefault(key, {})
        cell[line.board_id] = cell.get(line.board_id, ZERO) + line.amount

    return PartnershipBudget(
        year=year,
        boards=tuple(boards),
        income=_rows(income, labels, columns),
        expenditure=_rows(spending, labels, columns),
        left_out=left_out,
    )


# --- Spreadsheet ----------------------------------------------------------------------------


def budget_xlsx(summary: BudgetSummary) -> tuple[str, str, bytes]:
    """The board's budget as a spreadsheet: (filename, content type, content).

    Each group has a row with its total in column D and its lines below with their amounts in
    column C, so either column adds up to the total without counting anything twice.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Budget {summary.year.label.replace('/', '-')}"
    bold = Font(bold=True)

    sheet.append([summary.board.name, f"Budget {summary.year.label}"])
    for cell in sheet[1]:
        cell.font = Font(bold=True, size=14)

    def money_cell(row, column: int) -> None:
        row[column].number_format = CURRENCY_FORMAT

    def table(heading: str, first_column: str, groups, total_label: str, total: Decimal):
        sheet.append([])
        sheet.append([heading])
        sheet[sheet.max_row][0].font = Font(bold=True, size=12)
        sheet.append([first_column, "Line", "Amount", f"{first_column} total"])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for group in groups:
            sheet.append([group.name, None, None, group.total])
            row = sheet[sheet.max_row]
            row[0].font = bold
            money_cell(row, 3)
            for line in group.lines:
                sheet.append([None, line.description or "(no description)", line.amount])
                row = sheet[sheet.max_row]
                row[1].alignment = Alignment(indent=1)
                money_cell(row, 2)
        sheet.append([total_label, None, None, total])
        row = sheet[sheet.max_row]
        for cell in row:
            cell.font = bold
        money_cell(row, 3)

    table("Income", "Organisation", summary.income, "Total income", summary.total_income)
    table(
        "Expenditure",
        "Category",
        summary.expenditure,
        "Total expenditure",
        summary.total_expenditure,
    )

    sheet.append([])
    sheet.append(["Balance (income less expenditure)", None, None, summary.balance])
    row = sheet[sheet.max_row]
    row[0].font = bold
    row[3].font = bold
    money_cell(row, 3)
    if not summary.balanced:
        sheet.append([f"The budget does not balance. {summary.warning}."])
        sheet[sheet.max_row][0].font = Font(bold=True, color="842029")

    sheet.column_dimensions["A"].width = 42
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 16
    sheet.column_dimensions["D"].width = 22

    output = io.BytesIO()
    workbook.save(output)
    year = summary.year.label.replace("/", "-")
    return f"{slugify(summary.board.name)}-budget-{year}.xlsx", XLSX_TYPE, output.getvalue()
