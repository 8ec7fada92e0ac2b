"""The attendance grid of a board for a financial year.

Columns are the meetings that took place (cancelled ones are left out), grouped by quarter;
rows are organisations (or people); each cell says whether the member attended, a deputy
attended, or nobody did. A deputy counts as attendance. A cell where the organisation or
person was not a member on that date is blank and does not count either way. The annual
report reuses ``attendance_grid``.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from partnership.periods import FinancialYear

from .models import Attendance, Board, Meeting, Membership

MEMBER, DEPUTY, ABSENT = "member", "deputy", "absent"
CELL_LABELS = {MEMBER: "Member attended", DEPUTY: "Deputy attended", ABSENT: "Did not attend"}


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
        return round(100 * self.attended / self.expected, 1) if self.expected else None


@dataclass
class AttendanceGrid:
    board: Board
    year: FinancialYear
    by: str
    columns: list[GridColumn]
    rows: list[GridRow]

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


def _cell(attendances: list[Attendance]) -> str:
    statuses = {a.status for a in attendances}
    if Attendance.Status.ATTENDED in statuses:
        return MEMBER
    if Attendance.Status.DEPUTY in statuses:
        return DEPUTY
    return ABSENT


def attendance_grid(board: Board, year: FinancialYear, by: str = "organisation"):
    """Build the grid in three queries, whatever the number of members or meetings."""
    if by not in ("organisation", "person"):
        raise ValueError("by is 'organisation' or 'person'")
    meetings = list(
        Meeting.objects.filter(board=board)
        .took_place()
        .in_financial_year(year)
        .order_by("starts_at")
    )
    columns = [GridColumn(m.pk, m.date, year.quarter_of(m.date)) for m in meetings]
    memberships = list(
        Membership.objects.filter(board=board)
        .exclude(role=Membership.Role.OFFICER)
        .overlapping(year.start, year.end)
        .select_related("person", "organisation")
        .order_by("organisation__name", "person__full_name", "start_date")
    )
    marks = defaultdict(list)  # (meeting id, membership id) -> attendance rows
    for row in Attendance.objects.filter(meeting__in=meetings, membership__in=memberships):
        marks[(row.meeting_id, row.membership_id)].append(row)

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
        for meeting, column in zip(meetings, columns, strict=True):
            active = [m for m in group if m.active_on(column.date)]
            if not active:
                row.cells.append(None)
                continue
            row.cells.append(_cell([a for m in active for a in marks[(meeting.pk, m.pk)]]))
        rows.append(row)
    return AttendanceGrid(board=board, year=year, by=by, columns=columns, rows=rows)
