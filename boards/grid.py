"""The attendance grid of a board for a financial year.

Columns are the meetings that took place (cancelled ones are left out), grouped by quarter;
rows are organisations (or people); each cell says whether the member attended, a deputy
attended, or nobody did. A deputy counts as attendance. A cell where the organisation or
person was not a member on that date is blank and does not count either way. The reports
and the dashboard reuse ``attendance_grid`` (``attendance_grids`` for several boards at once),
and every attendance percentage anywhere comes from ``attendance_percentage``.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from partnership.periods import FinancialYear

from .models import Attendance, Board, Meeting, Membership

MEMBER, DEPUTY, ABSENT = "member", "deputy", "absent"
CELL_LABELS = {MEMBER: "Member attended", DEPUTY: "Deputy attended", ABSENT: "Did not attend"}
# The words a printed grid uses in its cells; "–" where the organisation was not a member.
SHORT_LABELS = {MEMBER: "Member", DEPUTY: "Deputy", ABSENT: "Absent", None: "–"}


def attendance_percentage(attended: int, expected: int) -> float | None:
    """The share of places taken, as a percentage to one decimal place; None if none were open.

    The one formula behind every attendance figure: the grid's rows, the reports' meetings and
    totals, and the dashboard, so they always agree.
    """
    return round(100 * attended / expected, 1) if expected else None


@dataclass(frozen=True)
class GridColumn:
    meeting_id: int
    date: object
    quarter: int


@dataclass
class GridRow:
    label: str
    cells: list[str | None] = field(default_factory=list)

    @property
    def attended(self) -> int:
        return sum(1 for c in self.cells if c in (MEMBER, DEPUTY))

    @property
    def expected(self) -> int:
        return sum(1 for c in self.cells if c is not None)

    @property
    def percentage(self) -> float | None:
        return attendance_percentage(self.attended, self.expected)


@dataclass
class AttendanceGrid:
    board: Board
    year: FinancialYear
    by: str
    columns: list[GridColumn]
    rows: list[GridRow]

    @property
    def attended(self) -> int:
        return sum(row.attended for row in self.rows)

    @property
    def expected(self) -> int:
        return sum(row.expected for row in self.rows)

    @property
    def percentage(self) -> float | None:
        """Attendance over the whole grid: every organisation-meeting counted once."""
        return attendance_percentage(self.attended, self.expected)

    def between(self, start: date, end: date) -> "AttendanceGrid":
        """The same grid with only the meetings from ``start`` to ``end`` (a quarter, say)."""
        keep = [index for index, column in enumerate(self.columns) if start <= column.date <= end]
        return AttendanceGrid(
            board=self.board,
            year=self.year,
            by=self.by,
            columns=[self.columns[index] for index in keep],
            rows=[GridRow(row.label, [row.cells[index] for index in keep]) for row in self.rows],
        )

    def column_totals(self) -> list[tuple[int, int]]:
        """(attended, expected) for each meeting, in column order."""
        totals = [[0, 0] for _ in self.columns]
        for row in self.rows:
            for total, cell in zip(totals, row.cells, strict=True):
                if cell is not None:
                    total[1] += 1
                    if cell != ABSENT:
                        total[0] += 1
        return [(attended, expected) for attended, expected in totals]

    def quarters(self) -> list[tuple[int, int]]:
        """(quarter, number of meetings) for the header; quarters without meetings show too."""
        counts = defaultdict(int)
        for column in self.columns:
            counts[column.quarter] += 1
        return [(q, counts[q]) for q in (1, 2, 3, 4)]

    def table(self) -> list[list[str]]:
        """Header and rows as text, for CSV and spreadsheet exports."""
        header = ["Organisation" if self.by == "organisation" else "Member"]
        header += [f"Q{c.quarter} {c.date:%d/%m/%Y}" for c in self.columns]
        header.append("Attendance %")
        body = [
            [row.label]
            + [CELL_LABELS.get(cell, "Not a member") for cell in row.cells]
            + ["" if row.percentage is None else f"{row.percentage:g}"]
            for row in self.rows
        ]
        return [header, *body]


def _cell(statuses: set[str]) -> str:
    if Attendance.Status.ATTENDED in statuses:
        return MEMBER
    if Attendance.Status.DEPUTY in statuses:
        return DEPUTY
    return ABSENT


def attendance_grid(board: Board, year: FinancialYear, by: str = "organisation") -> AttendanceGrid:
    """Build the grid in three queries, whatever the number of members or meetings."""
    return attendance_grids([board], year, by)[board.pk]


def attendance_grids(
    boards: Iterable[Board], year: FinancialYear, by: str = "organisation"
) -> dict[int, AttendanceGrid]:
    """The grids of several boards by board id, in three queries whatever their number or size."""
    if by not in ("organisation", "person"):
        raise ValueError("by is 'organisation' or 'person'")
    boards = list(boards)
    meetings = list(
        Meeting.objects.filter(board__in=boards)
        .took_place()
        .in_financial_year(year)
        .order_by("starts_at")
    )
    memberships = list(
        Membership.objects.filter(board__in=boards)
        .exclude(role=Membership.Role.OFFICER)
        .overlapping(year.start, year.end)
        .select_related("person", "organisation")
        .order_by("organisation__name", "person__full_name", "start_date")
    )
    marks = defaultdict(set)  # (meeting id, membership id) -> the statuses recorded
    for meeting_id, membership_id, status in Attendance.objects.filter(
        meeting__in=meetings, membership__in=memberships
    ).values_list("meeting_id", "membership_id", "status"):
        marks[(meeting_id, membership_id)].add(status)

    meetings_of, memberships_of = defaultdict(list), defaultdict(list)
    for meeting in meetings:
        meetings_of[meeting.board_id].append(meeting)
    for membership in memberships:
        memberships_of[membership.board_id].append(membership)
    return {
        board.pk: _grid(board, year, by, meetings_of[board.pk], memberships_of[board.pk], marks)
        for board in boards
    }


def _grid(board, year, by, meetings, memberships, marks) -> AttendanceGrid:
    columns = [GridColumn(m.pk, m.date, year.quarter_of(m.date)) for m in meetings]
    groups: dict[object, tuple[str, list[Membership]]] = {}
    for membership in memberships:
        if by == "organisation":
            key, label = membership.organisation_id, membership.organisation.name
        else:
            key = membership.person_id
            label = f"{membership.person.full_name} ({membership.organisation.display_name})"
        groups.setdefault(key, (label, []))[1].append(membership)

    rows = []
    for label, group in groups.values():
        row = GridRow(label)
        for column in columns:
            active = [m for m in group if m.active_on(column.date)]
            if not active:
                row.cells.append(None)
                continue
            row.cells.append(
                _cell({s for m in active for s in marks.get((column.meeting_id, m.pk), ())})
            )
        rows.append(row)
    return AttendanceGrid(board=board, year=year, by=by, columns=columns, rows=rows)
