"""Meetings: scheduling, the agenda, papers, the attendance screen, declarations and minutes."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from boards.models import AgendaItem, Attendance, Declaration, Meeting, Membership, Paper
from boards.services import add_standard_items, raise_action
from boards.tests.factories import (
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    at,
    board_with_members,
)

pytestmark = pytest.mark.django_db
PAST = dt.date(2025, 12, 4)


@pytest.fixture
def signed_in(client, board_officer):
    client.force_login(board_officer)
    return client


def test_officer_schedules_a_meeting(signed_in):
    board, _ = board_with_members(3)
    response = signed_in.post(
        reverse("boards:meeting_create", args=[board.pk]),
        {"starts_at": "2026-12-10T14:00", "venue": "Civic Centre", "online_link": "meet.example/x"},
    )
    meeting = Meeting.objects.get(board=board)
    assert response.status_code == 302
    assert meeting.online_link == "https://meet.example/x"
    assert meeting.status == Meeting.Status.SCHEDULED


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"starts_at": "2026-12-10T14:00"}, "venue", "Give a venue, an online link, or both."),
        (
            {"starts_at": "2026-12-10T14:00", "ends_at": "2026-12-10T13:00", "venue": "Hall"},
            "ends_at",
            "must finish after it starts",
        ),
        ({"starts_at": "10th December", "venue": "Hall"}, "starts_at", "Enter a valid date/time."),
    ],
)
def test_bad_meeting_details_are_refused_next_to_the_field(signed_in, data, field, message):
    board, _ = board_with_members(1)
    response = signed_in.post(reverse("boards:meeting_create", args=[board.pk]), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Meeting.objects.exists()


def test_standard_items_arrive_in_their_usual_places_around_reports(signed_in):
    board, _ = board_with_members(1)
    MeetingFactory(board=board, starts_at=at(dt.date(2025, 9, 4)))
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    AgendaItem.objects.create(
        meeting=meeting, number=1, title="Police update", purpose="information"
    )

    signed_in.post(reverse("boards:standard_items", args=[meeting.pk]))

    titles = list(meeting.items.order_by("number").values_list("number", "title"))
    assert titles == [
        (1, "Apologies"),
        (2, "Declarations of interest"),
        (3, "Minutes of the meeting held on 4 September 2025"),
        (4, "Outstanding actions"),
        (5, "Police update"),
        (6, "Questions"),
        (7, "Any other business"),
    ]
    again = signed_in.post(reverse("boards:standard_items", args=[meeting.pk]), follow=True)
    assert b"already has every standard item" in again.content
    assert meeting.items.count() == 7


def test_agenda_item_number_must_be_free(signed_in):
    meeting = MeetingFactory()
    add_standard_items(meeting)
    response = signed_in.post(
        reverse("boards:item_create", args=[meeting.pk]),
        {"number": "3", "title": "Fire update", "purpose": "information"},
    )
    assert "Item 3 is already on this agenda." in response.context["form"].errors["number"]
    assert meeting.items.count() == 6


def test_outcome_is_recorded_on_an_item(signed_in):
    meeting = MeetingFactory()
    item = AgendaItem.objects.create(meeting=meeting, number=1, title="Budget", purpose="decision")
    signed_in.post(
        reverse("boards:item_edit", args=[item.pk]),
        {
            "number": "1",
            "title": "Budget",
            "purpose": "decision",
            "outcome": "Resolved, that the budget be agreed.",
        },
    )
    item.refresh_from_db()
    assert item.outcome == "Resolved, that the budget be agreed."


def test_paper_upload_accepts_a_pdf_and_refuses_other_files(signed_in):
    meeting = MeetingFactory()
    item = AgendaItem.objects.create(meeting=meeting, number=1, title="Budget", purpose="decision")
    url = reverse("boards:paper_upload", args=[item.pk])
    good = SimpleUploadedFile("budget.pdf", b"%PDF-1.7 budget")
    assert signed_in.post(url, {"title": "Budget report", "file": good}).status_code == 302
    bad = SimpleUploadedFile("budget.html", b"<script>alert(1)</script>")
    response = signed_in.post(url, {"title": "Script", "file": bad})
    assert "Upload a document" in " ".join(response.context["form"].errors["file"])
    assert list(Paper.objects.values_list("title", flat=True)) == ["Budget report"]
    page = signed_in.get(meeting.get_absolute_url())
    assert b"Budget report" in page.content


def attendance_post(members, statuses, deputies=None):
    data = {}
    for membership, status in zip(members, statuses, strict=True):
        if status:
            data[f"status_{membership.pk}"] = status
    for membership, deputy in (deputies or {}).items():
        data[f"deputy_{membership.pk}"] = str(deputy.pk)
    return data


def test_attendance_screen_lists_members_on_the_meeting_date(signed_in):
    board, members = board_with_members(3)
    MembershipFactory(board=board, start_date=dt.date(2026, 1, 1))  # joined later
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    response = signed_in.get(reverse("boards:attendance", args=[meeting.pk]))
    assert {m.pk for m, _, _ in response.context["form"].rows} == {m.pk for m in members}
    assert b"Not quorate" in response.content


def test_officer_records_attendance_with_a_deputy_and_sees_the_quorum(signed_in):
    board, members = board_with_members(4)  # a quarter of 4 is 1, plus the Chair
    deputy = PersonFactory(organisation=members[1].organisation)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    response = signed_in.post(
        reverse("boards:attendance", args=[meeting.pk]),
        attendance_post(
            members, ["attended", "deputy", "apologies", "absent"], {members[1]: deputy}
        ),
        follow=True,
    )
    assert (
        b"Attendance saved. Quorate: 2 of 4 voting members present; 1 needed plus the Chair"
        in response.content
    )
    assert Attendance.objects.get(membership=members[1]).deputy == deputy
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_deputy_without_a_name_is_refused_on_its_row_and_nothing_saved(signed_in):
    board, members = board_with_members(2)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    # No deputy chosen, and the member has no named deputy to fall back on.
    response = signed_in.post(
        reverse("boards:attendance", args=[meeting.pk]),
        attendance_post(members, ["attended", "deputy"]),
    )
    assert response.status_code == 200
    assert (
        "Choose who attended as deputy."
        in response.context["form"].errors[f"deputy_{members[1].pk}"]
    )
    assert b"Nothing was saved." in response.content
    assert not Attendance.objects.exists()


def test_a_deputy_outside_the_list_is_refused(signed_in):
    board, members = board_with_members(2)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    stranger = PersonFactory()
    data = attendance_post(members, ["attended", "deputy"])
    data[f"deputy_{members[1].pk}"] = str(stranger.pk)
    response = signed_in.post(reverse("boards:attendance", args=[meeting.pk]), data)
    assert response.context["form"].errors[f"deputy_{members[1].pk}"]
    assert not Attendance.objects.exists()


def test_live_quorum_indicator_follows_the_choices_on_screen(signed_in):
    board, members = board_with_members(4)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    url = reverse("boards:attendance_quorum", args=[meeting.pk])
    without_chair = signed_in.post(url, attendance_post(members, [None, "attended", None, None]))
    assert b"Not quorate" in without_chair.content
    assert b"the Chair and Deputy Chair are not present" in without_chair.content
    with_chair = signed_in.post(url, attendance_post(members, ["attended", None, None, None]))
    assert b"Quorate" in with_chair.content and b"Not quorate" not in with_chair.content
    assert not Attendance.objects.exists()  # a preview saves nothing


@pytest.mark.parametrize("size", [5, 50])
def test_attendance_screen_query_count_does_not_grow_with_the_board(
    signed_in, size, django_assert_num_queries
):
    board, members = board_with_members(size)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    url = reverse("boards:attendance", args=[meeting.pk])
    signed_in.get(url)  # warm the session and role caches
    with django_assert_num_queries(7):
        signed_in.get(url)


@pytest.mark.parametrize("size", [5, 50])
def test_saving_attendance_query_count_is_pinned(signed_in, size, django_assert_max_num_queries):
    board, members = board_with_members(size)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    url = reverse("boards:attendance", args=[meeting.pk])
    # One insert per member plus its history row; everything else is fixed.
    with django_assert_max_num_queries(2 * size + 20):
        signed_in.post(url, attendance_post(members, ["attended"] * size))


def test_declaration_is_recorded_for_a_member_and_refused_when_blank(signed_in):
    board, members = board_with_members(2)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    url = reverse("boards:declaration_add", args=[meeting.pk])
    blank = signed_in.post(url, {"person": members[1].person_id, "kind": "other", "interest": ""})
    assert blank.context["form"].errors["interest"]
    stranger = signed_in.post(url, {"person": PersonFactory().pk, "kind": "other", "interest": "x"})
    assert "Select a valid choice" in " ".join(stranger.context["form"].errors["person"])
    ok = signed_in.post(
        url,
        {
            "person": members[1].person_id,
            "kind": "pecuniary",
            "interest": "Trustee of an applicant",
        },
    )
    assert ok.status_code == 302
    assert Declaration.objects.get().person == members[1].person


def test_minutes_show_who_attended_and_each_outcome_but_not_exempt_items(signed_in):
    board, members = board_with_members(3)
    officer = MembershipFactory(board=board, role=Membership.Role.OFFICER, voting=False)
    meeting = MeetingFactory(board=board, starts_at=at(PAST), others_present="Guest Speaker, Fire")
    add_standard_items(meeting)
    AgendaItem.objects.create(
        meeting=meeting,
        number=7,
        title="Budget",
        purpose="decision",
        outcome="Resolved, that the budget be agreed.",
    )
    AgendaItem.objects.create(
        meeting=meeting,
        number=8,
        title="Sensitive contract",
        purpose="decision",
        exempt=True,
        outcome="Secret outcome",
    )
    signed_in.post(
        reverse("boards:attendance", args=[meeting.pk]),
        {
            f"status_{members[0].pk}": "attended",
            f"status_{members[1].pk}": "apologies",
            f"status_{officer.pk}": "attended",
        },
    )
    page = signed_in.get(reverse("boards:minutes", args=[meeting.pk])).content.decode()
    # Names are HTML-escaped on the page (O'Neill arrives as O&#x27;Neill).
    assert escape(members[0].person.full_name) in page
    assert "Officers in attendance" in page and escape(officer.person.full_name) in page
    assert "Apologies were received from " + escape(members[1].person.full_name) in page
    assert "Guest Speaker, Fire" in page
    assert "Resolved, that the budget be agreed." in page
    assert "Secret outcome" not in page


def test_approving_the_previous_minutes_is_an_outcome_and_marks_them_approved(signed_in):
    board, _ = board_with_members(1)
    earlier = MeetingFactory(board=board, starts_at=at(dt.date(2025, 9, 4)))
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    add_standard_items(meeting)
    signed_in.post(reverse("boards:approve_minutes", args=[meeting.pk]))
    earlier.refresh_from_db()
    assert earlier.minutes_approved_at == meeting
    item = meeting.items.get(standard="minutes")
    assert item.outcome.startswith(
        "Resolved, that the minutes of the meeting held on 4 September 2025"
    )


def test_first_meeting_has_no_minutes_to_approve(signed_in):
    meeting = MeetingFactory()
    add_standard_items(meeting)
    response = signed_in.post(reverse("boards:approve_minutes", args=[meeting.pk]), follow=True)
    assert b"no earlier meeting" in response.content


def test_cancelled_meeting_cannot_take_attendance_and_held_one_cannot_be_cancelled(signed_in):
    board, members = board_with_members(2)
    meeting = MeetingFactory(board=board)
    signed_in.post(reverse("boards:meeting_cancel", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    response = signed_in.post(
        reverse("boards:attendance", args=[meeting.pk]),
        attendance_post(members, ["attended", None]),
    )
    assert "cancelled" in " ".join(response.context["form"].non_field_errors())
    held = MeetingFactory(board=board, starts_at=at(PAST), status=Meeting.Status.HELD)
    signed_in.post(reverse("boards:meeting_cancel", args=[held.pk]))
    held.refresh_from_db()
    assert held.status == Meeting.Status.HELD


def test_open_actions_appear_under_the_next_meetings_outstanding_actions_item(signed_in):
    board, members = board_with_members(1)
    earlier = MeetingFactory(board=board, starts_at=at(dt.date(2025, 9, 4)))
    action = raise_action(
        board=board,
        title="Map youth diversion provision",
        due_date=dt.date(2025, 11, 1),
        owner_person=members[0].person,
        meeting=earlier,
    )
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    add_standard_items(meeting)
    response = signed_in.get(meeting.get_absolute_url())
    assert list(response.context["outstanding"]) == [action]
    assert b"Map youth diversion provision" in response.content


def test_a_correction_to_past_attendance_shows_who_made_it(signed_in, board_officer):
    board, members = board_with_members(2)
    meeting = MeetingFactory(board=board, starts_at=at(PAST))
    url = reverse("boards:attendance", args=[meeting.pk])
    signed_in.post(url, attendance_post(members, ["attended", "absent"]))
    signed_in.post(url, attendance_post(members, ["attended", "apologies"]))
    page = signed_in.get(meeting.get_absolute_url())
    changes = list(page.context["attendance_changes"])
    assert [(c.membership_id, c.status, c.history_user) for c in changes] == [
        (members[1].pk, "apologies", board_officer)
    ]
    assert f"{escape(members[1].person.full_name)} now apologies".encode() in page.content
