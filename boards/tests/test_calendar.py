"""Calendar downloads: one meeting's .ics, and a board's subscription feed."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from boards.models import AgendaItem, Meeting
from boards.tests.factories import BoardFactory, MeetingFactory, MembershipFactory, PersonFactory
from partnership.tests.factories import persona

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def london(*args):
    return timezone.make_aware(dt.datetime(*args))


def events(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return calendar, calendar.walk("VEVENT")


def ics_url(meeting):
    return reverse("boards:meeting_ics", args=[meeting.pk])


def feed_url(board):
    return reverse("boards:board_feed", args=[board.calendar_token])


def test_a_meeting_download_holds_one_event_with_its_details(client, board_officer):
    meeting = MeetingFactory(
        board=BoardFactory(name="Safer Riverside Partnership Board"),
        starts_at=london(2025, 6, 12, 14, 0),  # British Summer Time: 13:00 UTC
        ends_at=london(2025, 6, 12, 16, 30),
        venue="Riverside Civic Centre, Committee Room 2",
        online_link="https://meet.example.org/riverside",
    )
    client.force_login(board_officer)
    response = client.get(ics_url(meeting))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith('.ics"')
    _, (event,) = events(response)
    assert str(event["uid"]) == f"meeting-{meeting.pk}@csp-board"
    assert str(event["summary"]) == "Safer Riverside Partnership Board meeting"
    assert event.decoded("dtstart") == dt.datetime(2025, 6, 12, 13, 0, tzinfo=UTC)
    assert event.decoded("dtend") == dt.datetime(2025, 6, 12, 15, 30, tzinfo=UTC)
    assert str(event["location"]) == "Riverside Civic Centre, Committee Room 2"
    assert str(event["url"]) == "https://meet.example.org/riverside"
    assert str(event["status"]) == "CONFIRMED"
    assert "dtstamp" in event and "sequence" in event
    assert "http://testserver/boards/" in str(event["description"])


def test_a_meeting_without_a_finishing_time_lasts_two_hours(client, board_officer):
    meeting = MeetingFactory(starts_at=london(2026, 1, 15, 10, 0))  # GMT: same as UTC
    client.force_login(board_officer)
    _, (event,) = events(client.get(ics_url(meeting)))
    assert event.decoded("dtstart") == dt.datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
    assert event.decoded("dtend") == dt.datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    assert "url" not in event


def test_a_cancelled_meeting_is_marked_cancelled(client, board_officer):
    meeting = MeetingFactory(status=Meeting.Status.CANCELLED)
    client.force_login(board_officer)
    _, (event,) = events(client.get(ics_url(meeting)))
    assert str(event["status"]) == "CANCELLED"


def test_changing_a_meeting_raises_its_sequence(client, board_officer):
    meeting = MeetingFactory()
    client.force_login(board_officer)
    _, (before,) = events(client.get(ics_url(meeting)))
    meeting.venue = "Town Hall"
    meeting.save()
    _, (after,) = events(client.get(ics_url(meeting)))
    assert int(after["sequence"]) == int(before["sequence"]) + 1


def test_a_member_of_the_board_may_download_its_meeting(client):
    meeting = MeetingFactory()
    user = persona(None, username="member")
    MembershipFactory(board=meeting.board, person=PersonFactory(user=user))
    client.force_login(user)
    assert client.get(ics_url(meeting)).status_code == 200


def test_a_meeting_download_is_404_for_someone_not_on_the_board(client, outsider):
    client.force_login(outsider)
    assert client.get(ics_url(MeetingFactory())).status_code == 404


def test_a_meeting_download_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get(ics_url(MeetingFactory()))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_feed_lists_the_boards_meetings_from_a_year_ago_without_signing_in(client):
    board = BoardFactory(name="Riverside Reducing Reoffending Group")
    now = timezone.now()
    recent = MeetingFactory(board=board, starts_at=now - dt.timedelta(days=300))
    coming = MeetingFactory(board=board, starts_at=now + dt.timedelta(days=30))
    cancelled = MeetingFactory(
        board=board, starts_at=now + dt.timedelta(days=60), status=Meeting.Status.CANCELLED
    )
    MeetingFactory(board=board, starts_at=now - dt.timedelta(days=400))  # too old
    MeetingFactory(starts_at=now + dt.timedelta(days=30))  # another board's

    response = client.get(feed_url(board))

    assert response.status_code == 200
    calendar, listed = events(response)
    assert str(calendar["x-wr-calname"]) == "Riverside Reducing Reoffending Group"
    assert [str(e["uid"]) for e in listed] == [
        f"meeting-{m.pk}@csp-board" for m in (recent, coming, cancelled)
    ]
    assert [str(e["status"]) for e in listed] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]


def test_the_feed_carries_no_agenda_content(client):
    meeting = MeetingFactory(online_link="https://meet.example.org/riverside")
    AgendaItem.objects.create(
        meeting=meeting,
        number=5,
        title="Exempt: named offender case review",
        purpose=AgendaItem.Purpose.DECISION,
        exempt=True,
    )
    response = client.get(feed_url(meeting.board))
    _, (event,) = events(response)
    assert b"offender" not in response.content
    assert str(event["url"]) == "https://meet.example.org/riverside"
    assert str(event["location"]) == meeting.venue


def test_an_unknown_feed_token_is_404(client):
    BoardFactory()
    assert client.get(reverse("boards:board_feed", args=[uuid.uuid4()])).status_code == 404
