"""Meetings held in the period: each with its attendance and quorum, and the attendance grid.

Attendance counts organisations, as the annual report's grid does (a deputy counts as
attendance; an organisation that was not a member on the day counts neither way), so the
quarterly and annual figures agree. Quorum is the board's own rule applied to who was there,
through the same function the attendance screen uses. Six queries, whatever the size.

Every count here is the year's ``boards.grid`` cut to the period: a meeting's figures are its
column's totals, an organisation's are its row's, so nothing is counted twice over.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from boards.grid import (
    ABSENT,
    CELL_LABELS,
    DEPUTY,
    MEMBER,
    SHORT_LABELS,
    attendance_grid,
    attendance_percentage,
)
from boards.models import Attendance, Meeting, Membership
from boards.quorum import QuorumResult
from boards.services import quorum_for

from . import Period


@dataclass(frozen=True)
class MeetingRow:
    date: date
    status: str  # "Held" or "Inquorate", as the meeting was recorded
    attended: int  # organisations present in person or by deputy
    expected: int  # organisations that were members on the day
    quorum: QuorumResult

    @property
    def percentage(self) -> float | None:
        return attendance_percentage(self.attended, self.expected)


@dataclass(frozen=True)
class GridLine:
    label: str
    cells: tuple[str, ...]  # "Member", "Deputy", "Absent" or "–" (not a member that day)
    attended: int
    expected: int

    @property
    def percentage(self) -> float | None:
        return attendance_percentage(self.attended, self.expected)


@dataclass
class MeetingsData:
    meetings: list[MeetingRow] = field(default_factory=list)
    grid: list[GridLine] = field(default_factory=list)
    cancelled: int = 0
    scheduled: int = 0  # still to come (a period in progress) or never written up

    @property
    def held(self) -> int:
        return len(self.meetings)

    @property
    def attended(self) -> int:
        return sum(m.attended for m in self.meetings)

    @property
    def expected(self) -> int:
        return sum(m.expected for m in self.meetings)

    @property
    def percentage(self) -> float | None:
        """Attendance over the period: every organisation-meeting counted once."""
        return attendance_percentage(self.attended, self.expected)

    @property
    def quorate(self) -> int:
        return sum(1 for m in self.meetings if m.quorum.quorate)

    @property
    def cell_key(self) -> list[tuple[str, str]]:
        return [(SHORT_LABELS[k], CELL_LABELS[k]) for k in (MEMBER, DEPUTY, ABSENT)]


def build_meetings(period: Period) -> MeetingsData:
    board = period.board
    # The year's grid (three queries) cut to the period's meetings.
    grid = attendance_grid(board, period.year).between(period.start, period.end)
    in_period = list(
        Meeting.objects.filter(
            board=board, starts_at__date__gte=period.start, starts_at__date__lte=period.end
        ).only("pk", "status", "starts_at")
    )
    data = MeetingsData(
        cancelled=sum(1 for m in in_period if m.status == Meeting.Status.CANCELLED),
        scheduled=sum(1 for m in in_period if m.status == Meeting.Status.SCHEDULED),
    )
    if not grid.columns:
        return data

    meetings = {m.pk: m for m in in_period}
    memberships = list(
        Membership.objects.filter(board=board)
        .overlapping(period.start, period.end)
        .only("pk", "role", "voting", "start_date", "end_date")
    )
    statuses: dict[int, dict[int, str]] = defaultdict(dict)
    for meeting_id, membership_id, status in Attendance.objects.filter(
        meeting_id__in=[column.meeting_id for column in grid.columns]
    ).values_list("meeting_id", "membership_id", "status"):
        statuses[meeting_id][membership_id] = status

    for column, (attended, expected) in zip(grid.columns, grid.column_totals(), strict=True):
        meeting = meetings[column.meeting_id]
        meeting.board = board  # the rule is the board's; no need to load it again
        active = [m for m in memberships if m.active_on(column.date)]
        data.meetings.append(
            MeetingRow(
                date=column.date,
                status=meeting.get_status_display(),
                attended=attended,
                expected=expected,
                quorum=quorum_for(meeting, statuses[column.meeting_id], active),
            )
        )

    for row in grid.rows:
        expected = row.expected
        if not expected:
            continue  # not a member at any of the period's meetings
        data.grid.append(
            GridLine(
                label=row.label,
                cells=tuple(SHORT_LABELS[cell] for cell in row.cells),
                attended=row.attended,
                expected=expected,
            )
        )
    return data
