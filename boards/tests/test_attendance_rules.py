"""Recording attendance: deputies, quorum from saved rows, refusals, corrections with history."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from boards.models import Attendance, Board, Meeting, Membership
from boards.services import AttendanceEntry, record_attendance, saved_quorum
from boards.tests.factories import (
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    at,
    board_with_members,
)

pytestmark = pytest.mark.django_db
PAST = dt.date(2025, 12, 4)


def everyone(members, status, overrides=None):
    overrides = overrides or {}
    return [AttendanceEntry(m.pk, overrides.get(m.pk, status)) for m in members]


def test_attendance_of_enough_members_and_the_chair_makes_the_meeting_held():
    board, members = board_with_members(8)  # a quarter of 8 is 2
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    entries = everyone(members, "absent")
    entries[0] = AttendanceEntry(members[0].pk, "attended")  # the Chair
    entries[1] = AttendanceEntry(members[1].pk, "attended")

    result = record_attendance(meeting, entries)

    assert result.quorate
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert saved_quorum(meeting).present == 2


def test_absent_chair_breaks_quorum_and_marks_the_meeting_inquorate():
    board, members = board_with_members(8)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    result = record_attendance(meeting, everyone(members, "attended", {members[0].pk: "apologies"}))
    assert not result.quorate
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.INQUORATE


def test_deputy_chair_attending_meets_the_chair_rule():
    board, members = board_with_members(4)
    members[1].role = Membership.Role.DEPUTY_CHAIR
    members[1].save()
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    result = record_attendance(
        meeting,
        [AttendanceEntry(members[0].pk, "apologies"), AttendanceEntry(members[1].pk, "attended")],
    )
    assert result.quorate


def test_a_deputy_counts_towards_the_quorum():
    board, members = board_with_members(8)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    deputy = PersonFactory(organisation=members[1].organisation)
    result = record_attendance(
        meeting,
        [
            AttendanceEntry(members[0].pk, "attended"),
            AttendanceEntry(members[1].pk, "deputy", deputy.pk),
        ],
    )
    assert result.present == 2
    assert Attendance.objects.get(membership=members[1]).deputy == deputy


def test_non_voting_members_do_not_count():
    board, members = board_with_members(4)
    adviser = MembershipFactory(board=board, role=Membership.Role.ADVISER, voting=False)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    result = record_attendance(meeting, [AttendanceEntry(adviser.pk, "attended")])
    assert result.voting_members == 4
    assert result.present == 0


def test_a_deputy_from_another_organisation_is_refused_next_to_the_field():
    board, members = board_with_members(3)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    outsider = PersonFactory()
    with pytest.raises(ValidationError) as refused:
        record_attendance(meeting, [AttendanceEntry(members[1].pk, "deputy", outsider.pk)])
    assert f"deputy_{members[1].pk}" in refused.value.message_dict
    assert "must work for" in str(refused.value)
    assert not Attendance.objects.exists()


def test_a_board_may_accept_deputies_from_other_organisations():
    board, members = board_with_members(3, deputies_from_other_organisations=True)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    record_attendance(meeting, [AttendanceEntry(members[1].pk, "deputy", PersonFactory().pk)])
    assert Attendance.objects.get().status == "deputy"


def test_deputy_status_without_a_deputy_is_refused():
    board, members = board_with_members(3)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    with pytest.raises(ValidationError, match="Choose who attended as deputy"):
        record_attendance(meeting, [AttendanceEntry(members[1].pk, "deputy")])


def test_a_member_cannot_deputise_for_themselves():
    board, members = board_with_members(3)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    with pytest.raises(ValidationError, match="cannot be their own deputy"):
        record_attendance(meeting, [AttendanceEntry(members[1].pk, "deputy", members[1].person_id)])


def test_attendance_for_someone_not_a_member_on_that_date_is_refused_and_nothing_saved():
    board, members = board_with_members(3)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    former = MembershipFactory(
        board=board, start_date=dt.date(2020, 4, 1), end_date=dt.date(2025, 3, 31)
    )
    with pytest.raises(ValidationError, match="not a member of the board on the meeting date"):
        record_attendance(
            meeting,
            [AttendanceEntry(members[0].pk, "attended"), AttendanceEntry(former.pk, "attended")],
        )
    assert not Attendance.objects.exists()  # the valid first row was rolled back too
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


def test_cancelled_meeting_takes_no_attendance():
    board, members = board_with_members(3)
    meeting = MeetingFactory(board=board, starts_at=at(PAST), status=Meeting.Status.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        record_attendance(meeting, everyone(members, "attended"))


def test_apologies_before_a_future_meeting_leave_it_scheduled():
    board, members = board_with_members(3)
    meeting = MeetingFactory(board=board)  # a fortnight ahead
    record_attendance(meeting, [AttendanceEntry(members[2].pk, "apologies")])
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


def test_correcting_past_attendance_keeps_the_earlier_value_in_history():
    board, members = board_with_members(4)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    record_attendance(meeting, everyone(members, "attended", {members[3].pk: "absent"}))
    record_attendance(meeting, [AttendanceEntry(members[3].pk, "apologies")])
    row = Attendance.objects.get(membership=members[3])
    assert row.status == "apologies"
    assert [h.status for h in row.history.order_by("history_date")] == ["absent", "apologies"]


def test_membership_on_a_date_is_what_counts():
    board, members = board_with_members(4)
    MembershipFactory(board=board, start_date=dt.date(2026, 1, 1))  # joins after the meeting
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    result = record_attendance(meeting, everyone(members, "attended"))
    assert result.voting_members == 4


def test_board_quorum_settings_are_validated():
    board = Board(name="Test", kind="strategic", quorum_numerator=5, quorum_denominator=4)
    with pytest.raises(ValidationError) as refused:
        board.full_clean()
    assert "quorum_numerator" in refused.value.message_dict
    board = Board(name="Test", kind="strategic", quorum_kind="fixed")
    with pytest.raises(ValidationError) as refused:
        board.full_clean()
    assert "quorum_fixed" in refused.value.message_dict


def test_membership_rules_are_refused_next_to_their_fields():
    membership = MembershipFactory.build(
        board=MembershipFactory().board,
        person=PersonFactory(),
        start_date=dt.date(2025, 4, 1),
        end_date=dt.date(2025, 3, 1),
    )
    membership.organisation = membership.person.organisation
    membership.deputy = membership.person
    with pytest.raises(ValidationError) as refused:
        membership.full_clean()
    assert set(refused.value.message_dict) >= {"end_date", "deputy"}
