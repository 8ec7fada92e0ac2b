"""The attendance grid page and its CSV and XLSX exports."""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from boards.grid import ABSENT, DEPUTY, MEMBER
from boards.models import Attendance, Meeting
from boards.tests.factories import (
    BoardFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    at,
)
from boards.views.exports import CELL_STYLES
from partnership.periods import FinancialYear
from partnership.tests.factories import persona

pytestmark = pytest.mark.django_db
YEAR = "2025/26"
QUARTER_DAYS = [
    dt.date(2025, 6, 12),
    dt.date(2025, 9, 11),
    dt.date(2025, 12, 4),
    dt.date(2026, 3, 5),
]


def held(board, day):
    return MeetingFactory(board=board, starts_at=at(day), status=Meeting.Status.HELD)


def mark(meeting, membership, status, deputy=None):
    Attendance.objects.create(meeting=meeting, membership=membership, status=status, deputy=deputy)


@pytest.fixture
def police_board():
    """One organisation: a deputy twice, apologies once, the member once (75%)."""
    board = BoardFactory(name="Safer Riverside Partnership Board")
    police = OrganisationFactory(name="Riverside Police")
    member = MembershipFactory(
        board=board, person=PersonFactory(full_name="Dana Whitfield", organisation=police)
    )
    deputy = PersonFactory(organisation=police)
    meetings = [held(board, day) for day in QUARTER_DAYS]
    for meeting, status in zip(
        meetings, ["deputy", "deputy", "apologies", "attended"], strict=True
    ):
        mark(meeting, member, status, deputy if status == "deputy" else None)
    return board


def grid_url(board, name="attendance_grid", **params):
    url = reverse(f"boards:{name}", args=[board.pk])
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{url}?{query}" if query else url


def page(client, user, board, **params):
    client.force_login(user)
    response = client.get(grid_url(board, **params))
    assert response.status_code == 200
    return response, response.content.decode()


def tbody(html):
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_page_shows_quarters_dates_labels_and_percentage(client, board_officer, police_board):
    response, html = page(client, board_officer, police_board, year=YEAR)

    for quarter in ("Q1 (Apr-Jun)", "Q2 (Jul-Sep)", "Q3 (Oct-Dec)", "Q4 (Jan-Mar)"):
        assert quarter in html
    for date in ("12 Jun 2025", "11 Sep 2025", "4 Dec 2025", "5 Mar 2026"):
        assert date in html
    body = tbody(html)
    assert '<th scope="row">Riverside Police</th>' in body
    assert body.count("grid-deputy") == 2
    assert body.count("grid-absent") == 1
    assert body.count("grid-member") == 1
    assert "Deputy" in body and "Did not attend" in body and "Member" in body
    assert "75%" in body
    assert "<caption>" in html and 'scope="colgroup"' in html
    assert response.context["year"] == FinancialYear(2025)


def test_a_quarter_without_a_meeting_keeps_one_column_saying_so(client, board_officer):
    board = BoardFactory()
    member = MembershipFactory(board=board)
    mark(held(board, QUARTER_DAYS[0]), member, "attended")
    mark(held(board, QUARTER_DAYS[0] + dt.timedelta(days=14)), member, "absent")
    _, html = page(client, board_officer, board, year=YEAR)
    thead = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert re.search(r'colspan="2"[^>]*>Q1 \(Apr-Jun\)', thead)
    assert re.search(r'colspan="1"[^>]*>Q2 \(Jul-Sep\)', thead)
    assert thead.count("No meeting") == 3
    assert "50%" in tbody(html)


def test_a_cell_before_joining_reads_not_a_member(client, board_officer):
    board = BoardFactory()
    joiner = MembershipFactory(board=board, start_date=dt.date(2025, 10, 1))
    meetings = [held(board, day) for day in QUARTER_DAYS]
    mark(meetings[2], joiner, "attended")
    mark(meetings[3], joiner, "attended")
    _, html = page(client, board_officer, board, year=YEAR)
    body = tbody(html)
    assert body.count('<span class="visually-hidden">not a member</span>') == 2
    assert "100%" in body


def test_rows_by_person_name_each_member(client, board_officer, police_board):
    _, html = page(client, board_officer, police_board, year=YEAR, by="person")
    assert '<th scope="row">Dana Whitfield (Riverside Police)</th>' in html
    assert '<th scope="col" rowspan="2">Member</th>' in html
    assert "75%" in tbody(html)


def test_an_invalid_year_is_explained_next_to_the_field(client, board_officer, police_board):
    response, html = page(client, board_officer, police_board, year="2025-26")
    error = re.search(r'<div[^>]*id="year-error"[^>]*>(.*?)</div>', html, re.S)
    assert error is not None
    assert "is not a financial year like 2025/26" in error.group(1)
    assert 'aria-describedby="year-error"' in html
    assert response.context["year"] == FinancialYear.containing(timezone.localdate())


def test_an_invalid_row_choice_is_explained_and_rows_are_by_organisation(
    client, board_officer, police_board
):
    response, html = page(client, board_officer, police_board, year=YEAR, by="agency")
    assert 'id="by-error"' in html
    assert "Choose rows by organisation or by person." in html
    assert response.context["by"] == "organisation"
    assert "75%" in tbody(html)


def test_the_year_select_offers_years_with_meetings_and_this_year(
    client, board_officer, police_board
):
    held(police_board, dt.date(2023, 5, 1))
    response, _ = page(client, board_officer, police_board)
    offered = [value for value, _ in response.context["form"].fields["year"].widget.choices]
    this_year = FinancialYear.containing(timezone.localdate()).label
    assert set(offered) == {"2023/24", "2025/26", this_year}
    assert offered == sorted(offered, reverse=True)


def test_export_links_keep_the_year_and_rows(client, board_officer, police_board):
    _, html = page(client, board_officer, police_board, year="2024/25", by="person")
    for name in ("attendance_grid_csv", "attendance_grid_xlsx"):
        assert (
            f"{reverse(f'boards:{name}', args=[police_board.pk])}?year=2024%2F25&amp;by=person"
            in html
        )


def test_the_key_explains_every_colour(client, board_officer, police_board):
    _, html = page(client, board_officer, police_board, year=YEAR)
    legend = html.split('id="grid-key"', 1)[1]
    for style in CELL_STYLES.values():
        assert f"grid-swatch {style['css']}" in legend
    assert "counts as attendance" in legend


def test_csv_export_reads_back_as_the_grid(client, board_officer, police_board):
    client.force_login(board_officer)
    response = client.get(grid_url(police_board, "attendance_grid_csv", year=YEAR))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="safer-riverside-partnership-board-attendance-2025-26.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Organisation",
        "Q1 12/06/2025",
        "Q2 11/09/2025",
        "Q3 04/12/2025",
        "Q4 05/03/2026",
        "Attendance %",
    ]
    assert rows[1] == [
        "Riverside Police",
        "Deputy attended",
        "Deputy attended",
        "Did not attend",
        "Member attended",
        "75",
    ]


def test_xlsx_export_has_title_header_colours_and_frozen_panes(client, board_officer, police_board):
    client.force_login(board_officer)
    response = client.get(grid_url(police_board, "attendance_grid_xlsx", year=YEAR))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-attendance-2025-26.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active

    assert sheet["A1"].value == "Safer Riverside Partnership Board"
    assert sheet["B1"].value == "Attendance 2025/26"
    header = [cell.value for cell in sheet[2]]
    assert header[0] == "Organisation" and header[-1] == "Attendance %"
    assert all(cell.font.bold for cell in sheet[2])
    assert sheet["A3"].value == "Riverside Police"
    assert sheet["B3"].value == "Deputy attended"
    assert sheet["B3"].fill.fgColor.rgb.endswith(CELL_STYLES[DEPUTY]["fill"])
    assert sheet["D3"].fill.fgColor.rgb.endswith(CELL_STYLES[ABSENT]["fill"])
    assert sheet["E3"].fill.fgColor.rgb.endswith(CELL_STYLES[MEMBER]["fill"])
    assert sheet["F3"].value == pytest.approx(0.75)
    assert "%" in sheet["F3"].number_format
    assert sheet.freeze_panes == "B3"
    assert sheet.column_dimensions["A"].width >= 30


@pytest.mark.parametrize("name", ["attendance_grid_csv", "attendance_grid_xlsx"])
def test_exports_refuse_an_invalid_year_plainly(client, board_officer, police_board, name):
    client.force_login(board_officer)
    response = client.get(grid_url(police_board, name, year="next year"))
    assert response.status_code == 400
    assert "is not a financial year like 2025/26" in response.content.decode()


def test_the_page_colours_match_the_spreadsheet_and_keep_aa_contrast():
    stylesheet = Path(settings.BASE_DIR, "static", "css", "grid.css").read_text()
    for style in CELL_STYLES.values():
        rule = re.search(rf"\.{style['css']} \{{(.*?)\}}", stylesheet, re.S).group(1)
        assert f"background-color: #{style['fill'].lower()};" in rule
        assert f"color: #{style['text'].lower()};" in rule
        assert contrast(style["fill"], style["text"]) >= 4.5


def contrast(first: str, second: str) -> float:
    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --- Who may see it ------------------------------------------------------------------------


def board_member(board):
    user = persona(None, username="board_member")
    MembershipFactory(board=board, person=PersonFactory(user=user))
    return user


def member_of_another_board():
    user = persona(None, username="other_member")
    MembershipFactory(board=BoardFactory(), person=PersonFactory(user=user))
    return user


@pytest.mark.parametrize(
    "viewer, expected",
    [
        ("board_officer", 200),
        ("administrator", 200),
        ("board_member", 200),
        ("outsider", 404),
        ("member_of_another_board", 404),
        ("anonymous", 302),
    ],
)
@pytest.mark.parametrize("name", ["attendance_grid", "attendance_grid_csv", "attendance_grid_xlsx"])
def test_permission_matrix(client, request, police_board, viewer, expected, name):
    if viewer in ("board_officer", "administrator", "outsider"):
        client.force_login(request.getfixturevalue(viewer))
    elif viewer == "board_member":
        client.force_login(board_member(police_board))
    elif viewer == "member_of_another_board":
        client.force_login(member_of_another_board())
    response = client.get(grid_url(police_board, name, year=YEAR))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


# --- Queries -------------------------------------------------------------------------------

# Session, user, roles, board, years with meetings, then the grid's three (meetings,
# memberships, attendance); the navigation reuses the roles already read.
GRID_PAGE_QUERIES = 8


@pytest.mark.parametrize("members", [5, 50])
def test_the_page_takes_the_same_queries_for_5_or_50_members(
    client, board_officer, django_assert_num_queries, members
):
    board = BoardFactory()
    memberships = [MembershipFactory(board=board) for _ in range(members)]
    for day in QUARTER_DAYS:
        meeting = held(board, day)
        for membership in memberships:
            mark(meeting, membership, "attended")
    client.force_login(board_officer)
    with django_assert_num_queries(GRID_PAGE_QUERIES):
        response = client.get(grid_url(board, year=YEAR, by="person"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == members


def test_a_year_without_meetings_says_so_instead_of_an_empty_table(
    client, board_officer, police_board
):
    _, html = page(client, board_officer, police_board, year="2022/23")
    assert "No meetings of this board took place in 2022/23." in html
    assert "<tbody>" not in html


@pytest.mark.parametrize("year", ["0000", "9999/00", "1850/51"])
def test_a_year_out_of_range_is_explained_not_a_server_error(
    client, board_officer, police_board, year
):
    _, html = page(client, board_officer, police_board, year=year)
    assert 'id="year-error"' in html
    client.force_login(board_officer)
    assert client.get(grid_url(police_board, "attendance_grid_csv", year=year)).status_code == 400
