"""The attendance grid page with its CSV and XLSX exports, and calendar (.ics) downloads."""

import csv
import io
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, path
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from partnership.forms import FinancialYearField
from partnership.periods import QUARTER_NAMES, FinancialYear

from ..calendar import board_feed, feed_meetings, meeting_calendar, with_revisions
from ..grid import ABSENT, CELL_LABELS, DEPUTY, MEMBER, AttendanceGrid, attendance_grid
from ..models import Board, Meeting
from ..permissions import get_board_for_user, get_meeting_for_user

BY_CHOICES = [("organisation", "By organisation"), ("person", "By person")]

# One place for the cell colours (background, text), shared by the page's stylesheet
# (static/css/grid.css, kept in step by a test) and the spreadsheet. Each text colour keeps
# at least 4.5:1 contrast on its background (WCAG 2.2 AA), and every cell also says in words
# what it means, so nothing depends on colour alone.
CELL_STYLES = {
    MEMBER: {
        "css": "grid-member",
        "label": "Member",
        "icon": "bi-check-circle",
        "fill": "D1E7DD",
        "text": "0A3622",
    },
    DEPUTY: {
        "css": "grid-deputy",
        "label": "Deputy",
        "icon": "bi-person-check",
        "fill": "CFE2FF",
        "text": "052C65",
    },
    ABSENT: {
        "css": "grid-absent",
        "label": "Did not attend",
        "icon": "bi-x-circle",
        "fill": "F8D7DA",
        "text": "58151C",
    },
    None: {
        "css": "grid-none",
        "label": "Not a member",
        "icon": "",
        "fill": "E9ECEF",
        "text": "495057",
    },
}
LEGEND = [
    (CELL_STYLES[MEMBER], "The member attended."),
    (CELL_STYLES[DEPUTY], "A deputy attended in the member's place; this counts as attendance."),
    (CELL_STYLES[ABSENT], "Nobody attended (apologies, absent, or not recorded)."),
    (
        CELL_STYLES[None],
        "Not a member on the date of that meeting, so it does not count either way.",
    ),
]


class GridForm(forms.Form):
    """The year and the kind of rows, read from the query string."""

    year = FinancialYearField(label="Financial year", required=False)
    by = forms.ChoiceField(
        label="Rows",
        choices=BY_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Choose rows by organisation or by person."},
    )

    def __init__(self, *args, years: list[FinancialYear] = (), **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
        self.default_year = FinancialYear.containing(timezone.localdate())
        self.years = sorted({self.default_year, *years}, reverse=True)

    def clean_year(self) -> FinancialYear:
        return self.cleaned_data["year"] or self.default_year

    def clean_by(self) -> str:
        return self.cleaned_data["by"] or "organisation"

    def resolved(self) -> tuple[FinancialYear, str]:
        """The year and rows to show: what was asked for, or the default for a bad value.

        The form keeps its error messages, but its selects are reset to what the page shows,
        so that the form and the table never disagree.
        """
        self.is_valid()
        year = self.cleaned_data.get("year", self.default_year)
        by = self.cleaned_data.get("by", "organisation")
        choices = sorted({year, *self.years}, reverse=True)
        self.fields["year"].widget.choices = [(y.label, y.label) for y in choices]
        self.data = {"year": year.label, "by": by}
        for name in self.errors:
            self.fields[name].widget.attrs.update(
                {
                    "class": "form-select is-invalid",
                    "aria-invalid": "true",
                    "aria-describedby": f"{name}-error",
                }
            )
        return year, by


def _years_with_meetings(board: Board) -> list[FinancialYear]:
    months = Meeting.objects.filter(board=board).datetimes("starts_at", "month")
    return [FinancialYear.containing(moment.date()) for moment in months]


def _percentage(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def _quarter_header(grid: AttendanceGrid) -> list[dict]:
    """The quarters in order, each with its meeting columns; an empty quarter keeps a column."""
    quarters = []
    for number, count in grid.quarters():
        columns = [c for c in grid.columns if c.quarter == number]
        quarters.append({"name": QUARTER_NAMES[number], "columns": columns, "span": max(count, 1)})
    return quarters


def _display_rows(grid: AttendanceGrid, quarters: list[dict]) -> list[dict]:
    rows = []
    for row in grid.rows:
        by_meeting = dict(zip((c.meeting_id for c in grid.columns), row.cells, strict=True))
        cells = []
        for quarter in quarters:
            if not quarter["columns"]:
                cells.append({"no_meeting": True})
            for column in quarter["columns"]:
                value = by_meeting[column.meeting_id]
                cells.append({"value": value, **CELL_STYLES[value]})
        rows.append({"label": row.label, "cells": cells, "percentage": _percentage(row.percentage)})
    return rows


@login_required
@require_GET
def attendance_grid_page(request, pk):
    board = get_board_for_user(request.user, pk)
    form = GridForm(request.GET, years=_years_with_meetings(board))
    year, by = form.resolved()
    grid = attendance_grid(board, year, by)
    quarters = _quarter_header(grid)
    query = urlencode({"year": year.label, "by": by})
    return render(
        request,
        "boards/exports/attendance_grid.html",
        {
            "board": board,
            "form": form,
            "grid": grid,
            "year": year,
            "by": by,
            "quarters": quarters,
            "rows": _display_rows(grid, quarters),
            "legend": LEGEND,
            "export_query": query,
        },
    )


# --- Exports -------------------------------------------------------------------------------


def _filename(grid: AttendanceGrid, extension: str) -> str:
    year = grid.year.label.replace("/", "-")
    suffix = "-by-person" if grid.by == "person" else ""
    return f"{slugify(grid.board.name)}-attendance-{year}{suffix}.{extension}"


def grid_csv(grid: AttendanceGrid) -> tuple[str, str, bytes]:
    """The grid as CSV: (filename, content type, content)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(grid.table())
    # The byte-order mark tells Excel the file is UTF-8, so accented names survive.
    content = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    return _filename(grid, "csv"), "text/csv; charset=utf-8", content


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CELL_BY_TEXT = {CELL_LABELS.get(value, "Not a member"): value for value in CELL_STYLES}


def grid_xlsx(grid: AttendanceGrid) -> tuple[str, str, bytes]:
    """The grid as a spreadsheet: a title row, then the table with the page's colours."""
    header, *body = grid.table()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Attendance {grid.year.label.replace('/', '-')}"
    sheet.append([grid.board.name, f"Attendance {grid.year.label}"])
    for cell in sheet[1]:
        cell.font = Font(bold=True, size=14)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    fills = {
        value: (PatternFill("solid", fgColor=style["fill"]), Font(color=style["text"]))
        for value, style in CELL_STYLES.items()
    }
    for values in body:
        label, *cells, percentage = values
        sheet.append([label, *cells, float(percentage) / 100 if percentage else None])
        row = sheet[sheet.max_row]
        for cell in row[1:-1]:
            cell.fill, cell.font = fills[CELL_BY_TEXT[cell.value]]
        row[-1].number_format = "0.0%"

    sheet.column_dimensions["A"].width = min(60, max([30, *(len(r[0]) + 2 for r in body)]))
    for index in range(2, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 16
    sheet.freeze_panes = "B3"  # below the header row, right of the names

    output = io.BytesIO()
    workbook.save(output)
    return _filename(grid, "xlsx"), XLSX_TYPE, output.getvalue()


def _download(filename: str, content_type: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export(request, pk, render_grid):
    board = get_board_for_user(request.user, pk)
    form = GridForm(request.GET)
    if not form.is_valid():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    grid = attendance_grid(board, form.cleaned_data["year"], form.cleaned_data["by"])
    return _download(*render_grid(grid))


@login_required
@require_GET
def attendance_grid_csv(request, pk):
    return _export(request, pk, grid_csv)


@login_required
@require_GET
def attendance_grid_xlsx(request, pk):
    return _export(request, pk, grid_xlsx)


# --- Calendars -----------------------------------------------------------------------------

ICS_TYPE = "text/calendar; charset=utf-8"


def _meeting_page(request, meeting: Meeting) -> str:
    try:
        url = meeting.get_absolute_url()
    except NoReverseMatch:  # the meeting page is not built yet; the board page will do
        url = meeting.board.get_absolute_url()
    return request.build_absolute_uri(url)


@login_required
@require_GET
def meeting_ics(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    meeting = with_revisions(Meeting.objects.filter(pk=meeting.pk)).select_related("board").get()
    calendar = meeting_calendar(meeting, page_url=_meeting_page(request, meeting))
    filename = f"{slugify(meeting.board.name)}-{meeting.date:%Y-%m-%d}.ics"
    return _download(filename, ICS_TYPE, calendar.to_ical())


@require_GET
def board_feed_view(request, token):
    """A board's meetings for calendar applications, which cannot sign in.

    The unguessable token in the address is the only key, so the feed carries logistics
    only: dates, times, venue, online link and status, never agenda content.
    """
    board = get_object_or_404(Board, calendar_token=token)
    response = HttpResponse(board_feed(board, feed_meetings(board)).to_ical(), ICS_TYPE)
    response["Content-Disposition"] = f'inline; filename="{slugify(board.name)}.ics"'
    return response


urlpatterns = [
    path("<int:pk>/attendance/", attendance_grid_page, name="attendance_grid"),
    path("<int:pk>/attendance/export.csv", attendance_grid_csv, name="attendance_grid_csv"),
    path("<int:pk>/attendance/export.xlsx", attendance_grid_xlsx, name="attendance_grid_xlsx"),
    path("meetings/<int:pk>.ics", meeting_ics, name="meeting_ics"),
    path("feeds/<uuid:token>.ics", board_feed_view, name="board_feed"),
]
