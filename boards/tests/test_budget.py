"""Board budgets: the summary and partnership table, the page, its spreadsheet and the line form."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from boards import demo_budget
from boards.budget import budget_summary, budget_xlsx, money, partnership_budget
from boards.demo import STRATEGIC
from boards.models import BudgetLine, Organisation
from boards.tests.factories import (
    BoardFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)
from partnership.periods import FinancialYear
from partnership.tests.factories import persona

pytestmark = pytest.mark.django_db

YEAR = FinancialYear(2025)


def income(board, organisation, amount, description="", year=YEAR):
    return BudgetLine.objects.create(
        board=board,
        year=year.start_year,
        kind=BudgetLine.Kind.INCOME,
        organisation=organisation,
        description=description,
        amount=Decimal(amount),
    )


def spend(board, category, amount, description="", year=YEAR):
    return BudgetLine.objects.create(
        board=board,
        year=year.start_year,
        kind=BudgetLine.Kind.EXPENDITURE,
        category=category,
        description=description,
        amount=Decimal(amount),
    )


@pytest.fixture
def board():
    return BoardFactory(name="Safer Riverside Partnership Board", short_name="Partnership Board")


@pytest.fixture
def council():
    return OrganisationFactory(name="Riverside Borough Council", short_name="Council")


@pytest.fixture
def police():
    return OrganisationFactory(
        name="Vale Police", short_name="Police", sector=Organisation.Sector.POLICE
    )


@pytest.fixture
def member_user(board):
    """Signed in and sitting on the board, with no officer role."""
    user = persona(None, username="board_member")
    MembershipFactory(board=board, person=PersonFactory(user=user))
    return user


@pytest.fixture
def line(board, council):
    return income(board, council, "1000.00", "Core contribution")


def budget_page(board, year=YEAR):
    return f"{reverse('boards:budget', args=[board.pk])}?year={year.label}"


# --- The summary -----------------------------------------------------------------------------


def test_money_writes_pounds_with_separators_and_pence():
    assert money(Decimal("12345.67")) == "£12,345.67"
    assert money(Decimal("1234")) == "£1,234.00"
    assert money(Decimal("-1234.5")) == "-£1,234.50"
    assert money(Decimal("0")) == "£0.00"


def test_summary_groups_income_by_organisation_and_spending_by_category(board, council, police):
    income(board, council, "120000.00", "Core contribution")
    income(board, police, "25000.00")
    income(board, council, "12000.50", "Public health contribution")
    spend(board, "Staffing", "90000.00", "Partnership manager")
    spend(board, " staffing ", "40000.00", "Analyst")  # typed differently, same category
    spend(board, "Analysis", "27000.50")

    summary = budget_summary(board, YEAR)

    assert [(g.name, g.total) for g in summary.income] == [
        ("Riverside Borough Council", Decimal("132000.50")),
        ("Vale Police", Decimal("25000.00")),
    ]
    assert [line.description for line in summary.income[0].lines] == [
        "Core contribution",
        "Public health contribution",
    ]
    assert [(g.category, g.total, len(g.lines)) for g in summary.expenditure] == [
        ("Analysis", Decimal("27000.50"), 1),
        ("Staffing", Decimal("130000.00"), 2),
    ]
    assert summary.total_income == Decimal("157000.50")
    assert summary.total_expenditure == Decimal("157000.50")
    assert summary.balance == 0
    assert summary.balanced
    assert summary.warning == ""


def test_summary_warns_when_expenditure_exceeds_income(board, council):
    income(board, council, "1000.00")
    spend(board, "Staffing", "2234.00")
    summary = budget_summary(board, YEAR)
    assert summary.balance == Decimal("-1234.00")
    assert not summary.balanced
    assert summary.warning == "Expenditure exceeds income by £1,234.00"


def test_summary_warns_when_income_exceeds_planned_expenditure(board, council):
    income(board, council, "15000.25")
    spend(board, "Staffing", "2000.00")
    summary = budget_summary(board, YEAR)
    assert summary.balance == Decimal("13000.25")
    assert summary.warning == "Income exceeds planned expenditure by £13,000.25"


def test_summary_counts_only_the_board_and_year_asked_for(board, council):
    income(board, council, "100.00")
    income(board, council, "999.00", year=YEAR.previous())
    income(BoardFactory(), council, "555.00")
    summary = budget_summary(board, YEAR)
    assert summary.total_income == Decimal("100.00")
    assert summary.total_expenditure == Decimal("0.00")
    assert summary.warning == "Income exceeds planned expenditure by £100.00"


def test_an_empty_year_is_balanced_and_empty(board):
    summary = budget_summary(board, YEAR)
    assert summary.is_empty
    assert summary.balanced


# --- Several boards ------------------------------------------------------------------------


def test_partnership_budget_puts_each_board_in_a_column_with_a_total(board, council, police):
    other = BoardFactory(name="Safeguarding Adults Board")
    income(board, council, "100000.00")
    income(board, council, "5000.00")
    income(board, police, "20000.00")
    income(other, council, "40000.00")
    spend(board, "Staffing", "125000.00")
    spend(other, "staffing", "30000.00")
    spend(other, "Statutory reviews", "11500.00")

    table = partnership_budget([board, other], YEAR)

    assert table.boards == (board, other)
    assert [(r.label, r.amounts, r.total) for r in table.income] == [
        ("Riverside Borough Council", (Decimal("105000.00"), Decimal("40000.00")), 145000),
        ("Vale Police", (Decimal("20000.00"), Decimal("0.00")), 20000),
    ]
    assert [(r.label, r.cells) for r in table.expenditure] == [
        ("Staffing", (Decimal("125000.00"), Decimal("30000.00"), Decimal("155000.00"))),
        ("Statutory reviews", (Decimal("0.00"), Decimal("11500.00"), Decimal("11500.00"))),
    ]
    assert table.income_totals.cells == (125000, 40000, 165000)
    assert table.expenditure_totals.cells == (125000, 41500, 166500)
    assert table.balances == (0, Decimal("-1500.00"), Decimal("-1500.00"))
    assert table.balance_texts == ("£0.00", "-£1,500.00", "-£1,500.00")
    assert not table.balanced
    assert table.unbalanced_boards == (other,)


def test_partnership_budget_can_leave_out_boards_without_a_budget(board, council):
    empty = BoardFactory(name="Reducing Reoffending Group")
    income(board, council, "10.00")
    spend(board, "Staffing", "10.00")
    table = partnership_budget([board, empty], YEAR, skip_empty=True)
    assert table.boards == (board,)
    assert table.left_out == (empty,)
    assert table.balanced


# --- The spreadsheet -------------------------------------------------------------------------


def test_spreadsheet_has_both_tables_totals_and_currency_format(board, council, police):
    income(board, council, "120000.00", "Core contribution")
    income(board, police, "25000.50", "Partnership contribution")
    spend(board, "Staffing", "100000.00", "Partnership manager")
    spend(board, "Analysis", "46234.50", "Strategic assessment")

    filename, content_type, content = budget_xlsx(budget_summary(board, YEAR))

    assert filename == "safer-riverside-partnership-board-budget-2025-26.xlsx"
    assert content_type.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(content)).active
    rows = {row[0].value: row for row in sheet.iter_rows() if row[0].value}
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][:2] == ["Safer Riverside Partnership Board", "Budget 2025/26"]
    assert ["Organisation", "Line", "Amount", "Organisation total"] in cells
    assert ["Category", "Line", "Amount", "Category total"] in cells
    assert rows["Riverside Borough Council"][3].value == 120000
    assert [None, "Core contribution", 120000, None] in cells
    assert rows["Total income"][3].value == pytest.approx(145000.50)
    assert rows["Total expenditure"][3].value == pytest.approx(146234.50)
    assert rows["Balance (income less expenditure)"][3].value == pytest.approx(-1234)
    assert "Expenditure exceeds income by £1,234.00" in next(
        value for value in rows if value.startswith("The budget does not balance")
    )
    assert "£" in rows["Total income"][3].number_format
    assert rows["Total income"][3].number_format == rows["Analysis"][3].number_format
    header = next(row for row in sheet.iter_rows() if row[0].value == "Organisation")
    assert all(cell.font.bold for cell in header)
    assert rows["Total expenditure"][0].font.bold


def test_spreadsheet_download_follows_the_year_asked_for(client, board_officer, board, council):
    income(board, council, "10.00", year=YEAR.previous())
    client.force_login(board_officer)
    url = reverse("boards:budget_xlsx", args=[board.pk])
    response = client.get(url, {"year": "2024/25"})
    assert response.status_code == 200
    assert "2024-25.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["B1"].value == "Budget 2024/25"
    assert client.get(url, {"year": "last year"}).status_code == 400


# --- Who may see and change it ---------------------------------------------------------------


def urls(board, line):
    return {
        "page": ("get", budget_page(board)),
        "xlsx": ("get", reverse("boards:budget_xlsx", args=[board.pk])),
        "create": ("get", reverse("boards:budget_line_create", args=[board.pk])),
        "edit": ("get", reverse("boards:budget_line_edit", args=[line.pk])),
        "delete": ("post", reverse("boards:budget_line_delete", args=[line.pk])),
        "partnership": ("get", reverse("boards:partnership_budget")),
    }


SEEN_BY_MEMBERS = {"page", "xlsx"}
BOARD_PAGES = {"page", "xlsx", "create", "edit", "delete"}


@pytest.mark.parametrize(
    "who", ["board_officer", "administrator", "member_user", "outsider", "chair", "anonymous"]
)
def test_permission_matrix(client, request, board, line, who):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    if user:
        client.force_login(user)
    for name, (method, url) in urls(board, line).items():
        response = getattr(client, method)(url)
        if who in ("board_officer", "administrator"):
            expected = 302 if name == "delete" else 200  # deleting returns to the budget
        elif who == "anonymous":
            expected = 302
        elif who == "member_user":
            expected = 200 if name in SEEN_BY_MEMBERS else 403
        else:  # signed in but not on the board: the board does not exist for them
            expected = 404 if name in BOARD_PAGES else 403
        assert response.status_code == expected, (who, name, response.status_code)
        if who == "anonymous":
            assert response["Location"].startswith(reverse("login")), name
    if who in ("board_officer", "administrator"):
        assert not BudgetLine.objects.exists()
    else:
        assert BudgetLine.objects.filter(pk=line.pk).exists()


def test_deleting_needs_a_post(client, board_officer, line):
    client.force_login(board_officer)
    response = client.get(reverse("boards:budget_line_delete", args=[line.pk]))
    assert response.status_code == 405
    assert BudgetLine.objects.filter(pk=line.pk).exists()


def test_members_see_the_budget_without_controls(client, member_user, board, line):
    client.force_login(member_user)
    page = client.get(budget_page(board)).content.decode()
    assert "Core contribution" in page
    assert reverse("boards:budget_line_edit", args=[line.pk]) not in page
    assert reverse("boards:budget_line_delete", args=[line.pk]) not in page
    assert 'data-testid="add-income"' not in page


# --- The page ----------------------------------------------------------------------------


def test_page_shows_both_tables_totals_and_the_warning(client, board_officer, board, council):
    line = income(board, council, "12345.67", "Core contribution")
    spend(board, "Staffing", "10000.00", "Partnership manager")
    client.force_login(board_officer)
    response = client.get(budget_page(board))
    page = response.content.decode()
    assert response.context["year"] == YEAR
    assert 'data-testid="income-table"' in page
    assert 'data-testid="expenditure-table"' in page
    assert "£12,345.67" in page
    assert "£10,000.00" in page
    assert 'data-testid="budget-warning"' in page
    assert "Income exceeds planned expenditure by £2,345.67" in page
    assert "£2,345.67" in page
    assert reverse("boards:budget_line_edit", args=[line.pk]) in page
    assert reverse("boards:budget_line_delete", args=[line.pk]) in page
    assert f"{reverse('boards:budget_xlsx', args=[board.pk])}?year=2025%2F26" in page
    assert "?year=2025&amp;kind=income" in page


def test_a_balanced_budget_shows_no_warning(client, board_officer, board, council):
    income(board, council, "500.00")
    spend(board, "Staffing", "500.00")
    client.force_login(board_officer)
    page = client.get(budget_page(board)).content.decode()
    assert 'data-testid="budget-warning"' not in page
    assert 'data-testid="budget-balanced"' in page


def test_page_defaults_to_the_current_year(client, board_officer, board):
    client.force_login(board_officer)
    response = client.get(reverse("boards:budget", args=[board.pk]))
    assert response.context["year"] == FinancialYear.containing(timezone.localdate())


def test_an_unreadable_year_is_explained_next_to_the_field(client, board_officer, board):
    client.force_login(board_officer)
    response = client.get(reverse("boards:budget", args=[board.pk]), {"year": "next year"})
    assert response.status_code == 200
    current = FinancialYear.containing(timezone.localdate())
    assert response.context["year"] == current
    page = response.content.decode()
    assert 'data-testid="year-error"' in page
    assert "is not a financial year like 2025/26" in page
    assert f"Showing {current} instead." in page
    assert 'aria-describedby="year-error"' in page


def test_year_select_offers_each_year_with_a_budget_once(client, board_officer, board, council):
    income(board, council, "10.00", year=FinancialYear(2019))
    income(board, council, "20.00", year=FinancialYear(2019))
    client.force_login(board_officer)
    form = client.get(budget_page(board)).context["form"]
    labels = [label for _, label in form.fields["year"].widget.choices]
    assert labels.count("2019/20") == 1
    assert "2025/26" in labels
    assert labels == sorted(labels, reverse=True)


def test_deleted_lines_stay_listed_for_officers(client, board_officer, board, line):
    client.force_login(board_officer)
    client.post(reverse("boards:budget_line_delete", args=[line.pk]))
    page = client.get(budget_page(board)).content.decode()
    assert 'data-testid="deleted-lines"' in page
    assert "Core contribution" in page


# --- The line form -------------------------------------------------------------------------


def test_new_line_preselects_the_year_and_kind_from_the_address(client, board_officer, board):
    client.force_login(board_officer)
    url = reverse("boards:budget_line_create", args=[board.pk])
    form = client.get(url, {"year": "2024", "kind": "expenditure"}).context["form"]
    assert form.initial["year"] == 2024
    assert form.initial["kind"] == "expenditure"
    assert (2024, "2024/25") in form.fields["year"].choices


def test_category_suggests_those_already_used(client, board_officer, board):
    spend(BoardFactory(), "Commissioned services", "10.00")
    spend(board, "Staffing", "10.00")
    client.force_login(board_officer)
    page = client.get(reverse("boards:budget_line_create", args=[board.pk])).content.decode()
    assert 'list="id_category-suggestions"' in page
    assert '<option value="Commissioned services"></option>' in page
    assert '<option value="Staffing"></option>' in page


def test_officer_adds_income_and_returns_to_that_year(client, board_officer, board, council):
    client.force_login(board_officer)
    response = client.post(
        reverse("boards:budget_line_create", args=[board.pk]),
        {
            "kind": "income",
            "year": "2024",
            "organisation": council.pk,
            "category": "ignored for income",
            "description": "Core contribution",
            "amount": "£12,500.50",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?year=2024%2F25")
    line = BudgetLine.objects.get()
    assert (line.board, line.year, line.organisation, line.category, line.amount) == (
        board,
        2024,
        council,
        "",
        Decimal("12500.50"),
    )
    assert line.history.get().history_user == board_officer


def test_officer_edits_a_line_and_history_records_it(client, board_officer, line):
    client.force_login(board_officer)
    url = reverse("boards:budget_line_edit", args=[line.pk])
    response = client.post(
        url,
        {
            "kind": "income",
            "year": "2025",
            "organisation": line.organisation_id,
            "description": "Core contribution (revised)",
            "amount": "1500",
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.amount == Decimal("1500.00")
    assert line.history.count() == 2
    page = client.get(url).content.decode()
    assert 'data-testid="line-history"' in page
    assert "2025/26: Income" in page


GOOD_EXPENDITURE = {
    "kind": "expenditure",
    "year": "2025",
    "category": "Staffing",
    "description": "Partnership analyst",
    "amount": "30000.00",
}


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"kind": "income", "category": ""}, "organisation", "Say which organisation"),
        ({"category": "  "}, "category", "Give the expenditure a category"),
        ({"amount": "0"}, "amount", "Enter an amount of more than £0.00"),
        ({"amount": "-250.00"}, "amount", "Enter an amount of more than £0.00"),
        ({"amount": "thirty thousand"}, "amount", "Enter the amount as a number of pounds"),
        ({"amount": "100.555"}, "amount", "at most two decimal places"),
        ({"amount": ""}, "amount", "Enter the amount."),
        ({"year": "1900"}, "year", "Choose a financial year from the list"),
        ({"kind": "gift"}, "kind", "Select a valid choice"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_saved(
    client, board_officer, board, changes, field, message
):
    client.force_login(board_officer)
    response = client.post(
        reverse("boards:budget_line_create", args=[board.pk]), GOOD_EXPENDITURE | changes
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert f'id="error_1_id_{field}"' in page  # crispy puts the message under the field
    assert "Nothing was saved." in page
    assert not BudgetLine.objects.exists()


def test_delete_keeps_the_line_in_the_audit_history(client, board_officer, board, line):
    client.force_login(board_officer)
    response = client.post(reverse("boards:budget_line_delete", args=[line.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('boards:budget', args=[board.pk])}?year=2025%2F26"
    assert not BudgetLine.objects.filter(pk=line.pk).exists()
    deleted = BudgetLine.history.get(id=line.pk, history_type="-")
    assert deleted.amount == Decimal("1000.00")
    assert deleted.description == "Core contribution"
    assert deleted.history_user == board_officer


# --- The partnership page --------------------------------------------------------------------


def test_partnership_page_combines_active_boards(client, board_officer, board, council):
    other = BoardFactory(name="Safeguarding Children Partnership", short_name="Children")
    retired = BoardFactory(name="Old Board", active=False)
    income(board, council, "1000.00")
    spend(board, "Staffing", "1000.00")
    income(other, council, "300.00")
    income(retired, council, "99.00")
    client.force_login(board_officer)
    response = client.get(reverse("boards:partnership_budget"), {"year": "2025/26"})
    table = response.context["table"]
    assert set(table.boards) == {board, other}
    assert table.income_totals.total == Decimal("1300.00")
    page = response.content.decode()
    assert "£1,300.00" in page
    assert 'data-testid="budget-warning"' in page  # the second board has no spending yet


# --- Queries -------------------------------------------------------------------------------


def _fill(board, organisations, count):
    for index in range(count):
        if index % 2:
            income(board, organisations[index % len(organisations)], "100.00", f"Line {index}")
        else:
            spend(board, f"Category {index % 4}", "100.00", f"Line {index}")


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


SUMMARY_QUERIES = 1  # the lines, with their organisations
BUDGET_PAGE_QUERIES = 7
PARTNERSHIP_PAGE_QUERIES = 6


@pytest.mark.parametrize("count", [5, 50])
def test_query_counts_do_not_grow_with_the_lines(
    client, board_officer, django_assert_num_queries, count
):
    organisations = OrganisationFactory.create_batch(3)
    board, other = BoardFactory(), BoardFactory()
    _fill(board, organisations, count)
    _fill(other, organisations, count)
    with django_assert_num_queries(SUMMARY_QUERIES):
        budget_summary(board, YEAR)
    with django_assert_num_queries(SUMMARY_QUERIES):
        partnership_budget([board, other], YEAR)

    client.force_login(board_officer)
    # A deleted line adds to the page's list of deleted lines, not to its queries.
    client.post(reverse("boards:budget_line_delete", args=[board.budget_lines.first().pk]))
    assert _page_queries(client, budget_page(board)) == BUDGET_PAGE_QUERIES
    url = f"{reverse('boards:partnership_budget')}?year=2025/26"
    assert _page_queries(client, url) == PARTNERSHIP_PAGE_QUERIES


# --- Demo ------------------------------------------------------------------------------------


def test_demo_budget_balances_last_year_and_leaves_a_gap_this_year():
    board = BoardFactory(name=STRATEGIC)
    for short_name in ("Council", "OPCC", "Police", "Probation", "ICB"):
        OrganisationFactory(short_name=short_name)
    messages = []
    demo_budget.load(messages.append)

    this_year = FinancialYear.containing(timezone.localdate())
    last = budget_summary(board, this_year.previous())
    current = budget_summary(board, this_year)
    assert last.balanced and last.total_income > 0
    assert not current.balanced
    assert abs(current.balance) < Decimal("2000")
    assert Organisation.objects.get(name=demo_budget.HOME_OFFICE).sector == "other"
    assert len(last.income) == 6
    assert len(current.expenditure) == 6

    count = BudgetLine.objects.count()
    demo_budget.load(messages.append)
    assert BudgetLine.objects.count() == count
    assert "already loaded" in messages[-1]


def test_demo_budget_without_the_board_does_nothing():
    messages = []
    demo_budget.load(messages.append)
    assert not BudgetLine.objects.exists()
    assert "skipped" in messages[0]
