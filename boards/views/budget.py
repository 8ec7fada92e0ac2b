"""A board's budget page and spreadsheet, its lines, and the partnership's combined budget."""

import contextlib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from partnership.forms import FIRST_YEAR, YEARS_AHEAD
from partnership.periods import FinancialYear

from ..budget import budget_summary, budget_xlsx, money, partnership_budget
from ..forms_budget import BudgetLineForm, BudgetYearForm, current_year
from ..models import Board, BudgetLine
from ..permissions import can_manage_boards, get_board_for_user
from .common import managed_board, require_manager


def budget_url(board: Board, year: FinancialYear) -> str:
    return f"{reverse('boards:budget', args=[board.pk])}?{urlencode({'year': year.label})}"


def _years_with_lines(board: Board) -> list[int]:
    return list(board.budget_lines.order_by("year").values_list("year", flat=True).distinct())


def _crumbs(board: Board, year: FinancialYear) -> list[tuple[str, str]]:
    return [
        ("Boards", reverse("boards:index")),
        (board.display_name, board.get_absolute_url()),
        ("Budget", budget_url(board, year)),
    ]


def _line_label(line: BudgetLine) -> str:
    what = line.organisation.name if line.organisation_id else line.category
    detail = f" ({line.description})" if line.description else ""
    return f"{line.get_kind_display().lower()} line for {what}{detail}, {money(line.amount)}"


@login_required
@require_GET
def budget_page(request, pk):
    board = get_board_for_user(request.user, pk)
    form = BudgetYearForm(request.GET, years=_years_with_lines(board))
    year = form.resolved()
    can_manage = can_manage_boards(request.user)
    deleted = []
    if can_manage:
        # Deleted lines live on in the audit history; showing them keeps the trail visible.
        deleted = (
            BudgetLine.history.filter(board_id=board.pk, year=year.start_year, history_type="-")
            .select_related("history_user", "organisation")
            .order_by("-history_date")[:20]
        )
    return render(
        request,
        "boards/budget/budget.html",
        {
            "board": board,
            "form": form,
            "year": year,
            "summary": budget_summary(board, year),
            "can_manage": can_manage,
            "deleted": deleted,
            "export_query": urlencode({"year": year.label}),
            "add_query": {
                kind: urlencode({"year": year.start_year, "kind": kind})
                for kind in BudgetLine.Kind.values
            },
        },
    )


@login_required
@require_GET
def budget_export(request, pk):
    board = get_board_for_user(request.user, pk)
    form = BudgetYearForm(request.GET)
    if not form.is_valid():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    filename, content_type, content = budget_xlsx(budget_summary(board, form.cleaned_data["year"]))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _initial_from_query(query) -> dict:
    """Preselect the year and kind from "?year=2025&kind=income" (the budget page's buttons)."""
    initial = {}
    with contextlib.suppress(ValueError):
        year = FinancialYear.parse(query.get("year", "")).start_year
        if FIRST_YEAR <= year <= current_year().start_year + YEARS_AHEAD:
            initial["year"] = year
    if query.get("kind") in BudgetLine.Kind.values:
        initial["kind"] = query["kind"]
    return initial


def _line_page(request, form, *, board, line, title):
    # Back to the year the line belongs to (a new line: the year it was started for).
    year = FinancialYear(line.year or form.initial["year"])
    history = []
    if line.pk:
        history = line.history.select_related("history_user", "organisation").order_by(
            "-history_date"
        )
    return render(
        request,
        "boards/budget/line_form.html",
        {
            "board": board,
            "form": form,
            "line": line,
            "title": title,
            "crumbs": _crumbs(board, year),
            "cancel_url": budget_url(board, year),
            "history": history,
        },
    )


def _save_line(request, form, board):
    line = form.save()
    messages.success(request, f"Saved the {_line_label(line)}.")
    return redirect(budget_url(board, FinancialYear(line.year)))


@login_required
def line_create(request, pk):
    board = managed_board(request.user, pk)
    line = BudgetLine(board=board)
    form = BudgetLineForm(
        request.POST or None,
        instance=line,
        initial={"year": current_year().start_year} | _initial_from_query(request.GET),
    )
    if request.method == "POST" and form.is_valid():
        return _save_line(request, form, board)
    return _line_page(request, form, board=board, line=line, title="Add a budget line")


@login_required
def line_edit(request, pk):
    line = get_object_or_404(BudgetLine.objects.select_related("organisation"), pk=pk)
    board = managed_board(request.user, line.board_id)
    form = BudgetLineForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        return _save_line(request, form, board)
    return _line_page(request, form, board=board, line=line, title="Edit a budget line")


@login_required
@require_POST
def line_delete(request, pk):
    line = get_object_or_404(BudgetLine.objects.select_related("organisation"), pk=pk)
    board = managed_board(request.user, line.board_id)
    label = _line_label(line)
    year = FinancialYear(line.year)
    line.delete()
    messages.success(
        request, f"Deleted the {label}. The audit history keeps a record of the deleted line."
    )
    return redirect(budget_url(board, year))


@login_required
@require_GET
def partnership_page(request):
    require_manager(request.user)
    years = BudgetLine.objects.order_by("year").values_list("year", flat=True).distinct()
    form = BudgetYearForm(request.GET, years=list(years))
    year = form.resolved()
    boards = Board.objects.filter(active=True).order_by("kind", "name")
    return render(
        request,
        "boards/budget/partnership.html",
        {
            "form": form,
            "year": year,
            "table": partnership_budget(boards, year, skip_empty=True),
        },
    )


urlpatterns = [
    path("<int:pk>/budget/", budget_page, name="budget"),
    path("<int:pk>/budget/export.xlsx", budget_export, name="budget_xlsx"),
    path("<int:pk>/budget/lines/new/", line_create, name="budget_line_create"),
    path("budget/lines/<int:pk>/", line_edit, name="budget_line_edit"),
    path("budget/lines/<int:pk>/delete/", line_delete, name="budget_line_delete"),
    path("budget/partnership/", partnership_page, name="partnership_budget"),
]
