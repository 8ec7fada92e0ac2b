"""The attendance grid: quarters, deputies counting, cancelled meetings, mid-year joiners."""

import datetime as dt

import pytest

from boards.grid import ABSENT, DEPUTY, MEMBER, attendance_grid
from boards.models import Attendance, Meeting
from boards.tests.factories import (
    BoardFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    at,
)
from partnership.periods import FinancialYear

pytestmark = pytest.mark.django_db
YEAR = FinancialYear(2025)
QUARTER_DAYS = [
    dt.date(2025, 6, 12),
    dt.date(2025, 9, 11),
    dt.date(2025, 12, 4),
    dt.date(2026, 3, 5),
]


def held(board, day, status=Meeting.Status.HELD):
    return MeetingFactory(board=board, starts_at=at(day), status=status)


def mark(meeting, membership, status, deputy=None):
    return Attendance.objects.create(
        meeting=meeting, membership=membership, status=status, deputy=deputy
    )


def test_deputy_deputy_absent_member_is_75_percent():
    board = BoardFactory()
    police = MembershipFactory(board=board)
    deputy = PersonFactory(organisation=police.organisation)
    meetings = [held(board, day) for day in QUARTER_DAYS]
    mark(meetings[0], police, "deputy", deputy)
    mark(meetings[1], police, "deputy", deputy)
    mark(meetings[2], police, "apologies")
    mark(meetings[3], police, "attended")

    grid = attendance_grid(board, YEAR)

    assert [c.quarter for c in grid.columns] == [1, 2, 3, 4]
    (row,) = grid.rows
    assert row.cells == [DEPUTY, DEPUTY, ABSENT, MEMBER]
    assert row.percentage == 75.0


def test_cancelled_and_future_meetings_are_not_columns():
    board = BoardFactory()
    MembershipFactory(board=board)
    held(board, QUARTER_DAYS[0])
    held(board, QUARTER_DAYS[1], status=Meeting.Status.CANCELLED)
    held(board, QUARTER_DAYS[2], status=Meeting.Status.SCHEDULED)
    held(board, QUARTER_DAYS[3], status=Meeting.Status.INQUORATE)  # it met, without a quorum
    grid = attendance_grid(board, YEAR)
    assert [c.date for c in grid.columns] == [QUARTER_DAYS[0], QUARTER_DAYS[3]]
    assert grid.quarters() == [(1, 1), (2, 0), (3, 0), (4, 1)]


def test_a_member_joining_mid_year_counts_only_meetings_while_a_member():
    board = BoardFactory()
    joiner = MembershipFactory(board=board, start_date=dt.date(2025, 10, 1))
    meetings = [held(board, day) for day in QUARTER_DAYS]
    mark(meetings[2], joiner, "attended")
    mark(meetings[3], joiner, "absent")
    (row,) = attendance_grid(board, YEAR).rows
    assert row.cells == [None, None, MEMBER, ABSENT]
    assert (row.attended, row.expected, row.percentage) == (1, 2, 50.0)


def test_meetings_of_other_years_and_boards_are_left_out():
    board = BoardFactory()
    MembershipFactory(board=board)
    held(board, dt.date(2025, 3, 31))  # the last day of 2024/25
    held(BoardFactory(), QUARTER_DAYS[0])
    assert attendance_grid(board, YEAR).columns == []


def test_an_organisation_with_two_members_attended_if_either_did():
    board = BoardFactory()
    council = OrganisationFactory(name="Riverside Borough Council")
    first = MembershipFactory(board=board, person=PersonFactory(organisation=council))
    second = MembershipFactory(board=board, person=PersonFactory(organisation=council))
    meeting = held(board, QUARTER_DAYS[0])
    mark(meeting, first, "apologies")
    mark(meeting, second, "attended")
    by_org = attendance_grid(board, YEAR)
    assert [(r.label, r.cells) for r in by_org.rows] == [("Riverside Borough Council", [MEMBER])]
    by_person = attendance_grid(board, YEAR, by="person")
    assert sorted(r.cells[0] for r in by_person.rows) == [ABSENT, MEMBER]


def test_a_member_with_no_record_for_a_meeting_did_not_attend():
    board = BoardFactory()
    MembershipFactory(board=board)
    held(board, QUARTER_DAYS[0])
    assert attendance_grid(board, YEAR).rows[0].cells == [ABSENT]


def test_officers_in_attendance_are_not_rows():
    board = BoardFactory()
    MembershipFactory(board=board, role="officer", voting=False)
    held(board, QUARTER_DAYS[0])
    assert attendance_grid(board, YEAR).rows == []


def test_table_has_a_header_and_text_cells_for_exports():
    board = BoardFactory()
    member = MembershipFactory(board=board, organisation=OrganisationFactory(name="Fire"))
    member.person.organisation = member.organisation
    member.person.save()
    mark(held(board, QUARTER_DAYS[0]), member, "attended")
    header, row = attendance_grid(board, YEAR).table()
    assert header == ["Organisation", "Q1 12/06/2025", "Attendance %"]
    assert row == ["Fire", "Member attended", "100"]


@pytest.mark.parametrize("members", [5, 50])
def test_grid_takes_three_queries_whatever_its_size(members, django_assert_num_queries):
    board = BoardFactory()
    memberships = [MembershipFactory(board=board) for _ in range(members)]
    for day in QUARTER_DAYS:
        meeting = held(board, day)
        for membership in memberships:
            mark(meeting, membership, "attended")
    with django_assert_num_queries(3):
        grid = attendance_grid(board, YEAR)
    assert len(grid.rows) == members
