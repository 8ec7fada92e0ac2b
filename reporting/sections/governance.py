"""Governance and membership for the year: who sat on the board, the groups reporting to it, and
the attendance grid with a column per quarter (Q1-Q4), as annual reports print it.

The grid is ``boards.grid.attendance_grid``, the attendance page's own, so a deputy counts as
attendance and a date when an organisation was not a member counts neither way. A quarter with
more than one meeting lists each meeting's mark in date order in its cell (a count, "5 of 6",
beyond three meetings); one without a meeting
says "No meeting", or "Not yet" while it is still running. Six queries: the grid (three), the
meetings that did not take place, the memberships and the sub-groups.
"""

from dataclasses import dataclass, field
from datetime import date

from boards.grid import DEPUTY, MEMBER, SHORT_LABELS, attendance_grid, attendance_percentage
from boards.models import Board, Meeting, Membership

from . import Period

NO_MEETING = "No meeting"
NOT_YET = "Not yet"  # a quarter still running (or to come) when the report was produced
# A quarter with more meetings than this gives each organisation's attendance as a count.
LISTED = 3


@dataclass(frozen=True)
class QuarterColumn:
    quarter: int
    dates: tuple[date, ...]  # the meetings that took place in it, in order
    unfinished: bool = False  # had not ended on the report's day

    @property
    def label(self) -> str:
        return f"Q{self.quarter}"


@dataclass(frozen=True)
class GridLine:
    label: str  # the organisation
    cells: tuple[str, ...]  # per quarter: "Member", "Deputy, Member", "No meeting", "Not yet", "–"
    attended: int
    expected: int

    @property
    def percentage(self) -> float | None:
        return attendance_percentage(self.attended, self.expected)


@dataclass(frozen=True)
class MemberLine:
    organisation: str
    name: str
    job_title: str
    role: str
    voting: bool
    deputy: str
    start_date: date
    end_date: date | None


@dataclass(frozen=True)
class SubGroup:
    name: str
    kind: str
    frequency: str


@dataclass
class GovernanceData:
    year_label: str
    quarters: list[QuarterColumn] = field(default_factory=list)
    grid: list[GridLine] = field(default_factory=list)
    members: list[MemberLine] = field(default_factory=list)
    officers: list[MemberLine] = field(default_factory=list)
    sub_groups: list[SubGroup] = field(default_factory=list)
    cancelled: int = 0
    scheduled: int = 0  # not (yet) recorded as held

    @property
    def held(self) -> int:
        return sum(len(column.dates) for column in self.quarters)

    @property
    def attended(self) -> int:
        return sum(line.attended for line in self.grid)

    @property
    def expected(self) -> int:
        return sum(line.expected for line in self.grid)

    @property
    def percentage(self) -> float | None:
        return attendance_percentage(self.attended, self.expected)

    @property
    def organisations(self) -> int:
        return len({line.organisation for line in self.members})

    def grid_row(self, label: str) -> GridLine | None:
        return next((line for line in self.grid if line.label == label), None)


def _cell(marks: list[str | None], column: QuarterColumn) -> str:
    if not marks:
        return NOT_YET if column.unfinished else NO_MEETING
    if all(mark is None for mark in marks):
        return SHORT_LABELS[None]
    if len(marks) <= LISTED:
        return ", ".join(SHORT_LABELS[mark] for mark in marks)
    # A board meeting often in a quarter (a task group, say): a count reads better than a list.
    member = [mark for mark in marks if mark is not None]
    deputies = member.count(DEPUTY)
    present = member.count(MEMBER) + deputies
    by_deputy = f" ({deputies} by deputy)" if deputies else ""
    return f"{present} of {len(member)}{by_deputy}"


def build_governance(period: Period) -> GovernanceData:
    board = period.board
    grid = attendance_grid(board, period.year)  # three queries
    data = GovernanceData(year_label=period.year.label)
    data.quarters = [
        QuarterColumn(
            q,
            tuple(c.date for c in grid.columns if c.quarter == q),
            unfinished=period.year.quarter_bounds(q)[1] > period.produced_on,
        )
        for q in (1, 2, 3, 4)
    ]
    for row in grid.rows:
        if not row.expected:
            continue  # not a member at any meeting of the year
        by_quarter = {q: [] for q in (1, 2, 3, 4)}
        for column, mark in zip(grid.columns, row.cells, strict=True):
            by_quarter[column.quarter].append(mark)
        data.grid.append(
            GridLine(
                label=row.label,
                cells=tuple(_cell(by_quarter[c.quarter], c) for c in data.quarters),
                attended=row.attended,
                expected=row.expected,
            )
        )

    for status in (
        Meeting.objects.filter(board=board)
        .in_financial_year(period.year)
        .filter(status__in=[Meeting.Status.CANCELLED, Meeting.Status.SCHEDULED])
        .values_list("status", flat=True)
    ):
        if status == Meeting.Status.CANCELLED:
            data.cancelled += 1
        else:
            data.scheduled += 1

    memberships = (
        Membership.objects.filter(board=board)
        .overlapping(period.start, period.end)
        .select_related("person", "organisation", "deputy")
        .order_by("organisation__name", "person__full_name", "start_date")
    )
    for membership in memberships:
        line = MemberLine(
            organisation=membership.organisation.name,
            name=membership.person.full_name,
            job_title=membership.person.job_title,
            role=membership.get_role_display(),
            voting=membership.voting,
            deputy=membership.deputy.full_name if membership.deputy else "",
            start_date=membership.start_date,
            end_date=membership.end_date,
        )
        if membership.role == Membership.Role.OFFICER:
            data.officers.append(line)
        else:
            data.members.append(line)

    data.sub_groups = [
        SubGroup(name, Board.Kind(kind).label, Board.Frequency(frequency).label)
        for name, kind, frequency in Board.objects.filter(parent=board, active=True)
        .order_by("name")
        .values_list("name", "kind", "meeting_frequency")
    ]
    return data
