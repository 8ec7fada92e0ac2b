"""Grids for several boards at once, a grid cut to a quarter, and the one percentage formula."""

import datetime as dt

import pytest

from boards.grid import (
    ABSENT,
    DEPUTY,
    MEMBER,
    attendance_grid,
    attendance_grids,
    attendance_percentage,
)
from boards.models import Attendance, Meeting
from boards.tests.factories import BoardFactory, MeetingFactory, MembershipFactory, at
from partnership.periods import FinancialYear

YEAR = FinancialYear(2025)
DAYS = [dt.date(2025, 6, 12), dt.date(2025, 10, 9), dt.date(2025, 12, 4)]


def held(board, day):
    return MeetingFactory(board=board, starts_at=at(day), status=Meeting.Status.HELD)


def board_with(marks: list[str]):
    """A board with one member whose attendance at the DAYS meetings is ``marks``."""
    board = BoardFactory()
    membership = MembershipFactory(board=board, start_date=dt.date(2025, 1, 1))
    for day, status in zip(DAYS, marks, strict=True):
        Attendance.objects.create(meeting=held(board, day), membership=membership, status=status)
    return board


@pytest.mark.parametrize(
    ("attended", "expected", "percentage"),
    [(0, 0, None), (0, 3, 0.0), (2, 3, 66.7), (14, 20, 70.0), (3, 3, 100.0)],
)
def test_attendance_percentage_to_one_place_and_none_without_places(attended, expected, percentage):
    assert attendance_percentage(attended, expected) == percentage


@pytest.mark.django_db
@pytest.mark.parametrize("boards", [2, 8])
def test_grids_for_several_boards_take_three_queries(boards, django_assert_num_queries):
    made = [board_with(["attended", "deputy", "apologies"]) for _ in range(boards)]
    with django_assert_num_queries(3):
        grids = attendance_grids(made, YEAR)
    assert set(grids) == {board.pk for board in made}
    for board in made:
        assert grids[board.pk].rows[0].cells == [MEMBER, DEPUTY, ABSENT]


@pytest.mark.django_db
def test_each_board_keeps_its_own_meetings_and_members():
    first = board_with(["attended", "attended", "attended"])
    second = board_with(["absent", "absent", "deputy"])
    grids = attendance_grids([first, second], YEAR)
    assert grids[first.pk].rows == attendance_grid(first, YEAR).rows
    assert (grids[first.pk].attended, grids[first.pk].expected) == (3, 3)
    assert (grids[second.pk].attended, grids[second.pk].percentage) == (1, 33.3)


@pytest.mark.django_db
def test_a_grid_cut_to_a_quarter_keeps_its_meetings_and_totals_each_column():
    board = board_with(["attended", "deputy", "apologies"])
    late = MembershipFactory(board=board, start_date=dt.date(2025, 11, 1))
    Attendance.objects.create(
        meeting=board.meetings.get(starts_at=at(DAYS[2])), membership=late, status="attended"
    )
    quarter = attendance_grid(board, YEAR).between(dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert [column.date for column in quarter.columns] == DAYS[1:]
    assert {tuple(row.cells) for row in quarter.rows} == {(DEPUTY, ABSENT), (None, MEMBER)}
    # 9 October: one place, taken by a deputy; 4 December: two places, one taken.
    assert quarter.column_totals() == [(1, 1), (1, 2)]
    assert (quarter.attended, quarter.expected, quarter.percentage) == (2, 3, 66.7)
