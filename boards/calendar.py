"""Calendar (iCalendar, RFC 5545) files for meetings: one meeting, or a board's feed.

Times are written in UTC so that every calendar application reads them the same way without
needing a VTIMEZONE block; the application shows them in the reader's own time zone.
"""

from datetime import UTC, datetime, timedelta

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Board, Meeting

PRODID = "-//Community Safety Partnership//Board calendar//EN"
UID_DOMAIN = "csp-board"
DEFAULT_LENGTH = timedelta(hours=2)  # when the finishing time is not known yet

# RFC 5545 knows only tentative, confirmed and cancelled; a held or inquorate meeting did go
# ahead, so it stays on the calendar as confirmed.
ICAL_STATUS = {
    Meeting.Status.SCHEDULED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.INQUORATE: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def with_revisions(meetings: QuerySet) -> QuerySet:
    """Annotate each meeting with how often it was saved and when it last changed.

    Calendar applications replace an event they already hold only when its SEQUENCE goes up,
    so the number of saved versions (kept by django-simple-history) serves as the sequence.
    Done as subqueries, so a feed of any length still takes one query.
    """
    versions = Meeting.history.model.objects.filter(id=OuterRef("pk")).order_by().values("id")
    return meetings.annotate(
        revisions=Subquery(versions.annotate(n=Count("history_id")).values("n")[:1]),
        last_changed=Subquery(versions.annotate(at=Max("history_date")).values("at")[:1]),
    )


def uid_for(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def meeting_event(
    meeting: Meeting, *, page_url: str | None = None, now: datetime | None = None
) -> Event:
    """The VEVENT for one meeting: when, where, how to join, and whether it is cancelled.

    Only logistics go in; agenda content is never written here, because a feed is read by
    calendar applications that cannot sign in. ``page_url`` (the meeting's page, which does
    need signing in) is added to the description when given.
    """
    now = now or timezone.now()
    ends_at = meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH
    event = Event()
    event.add("uid", uid_for(meeting))
    event.add("summary", f"{meeting.board.name} meeting")
    event.add("dtstamp", _utc(now))
    event.add("dtstart", _utc(meeting.starts_at))
    event.add("dtend", _utc(ends_at))
    location = meeting.venue or ("Online" if meeting.online_link else "")
    if location:
        event.add("location", location)
    if meeting.online_link:
        event.add("url", meeting.online_link)
    event.add("status", ICAL_STATUS.get(meeting.status, "CONFIRMED"))
    revisions = getattr(meeting, "revisions", None) or 1
    event.add("sequence", revisions - 1)
    last_changed = getattr(meeting, "last_changed", None)
    if last_changed:
        event.add("last-modified", _utc(last_changed))

    lines = [f"Status: {meeting.get_status_display()}"]
    if meeting.online_link:
        lines.append(f"Join online: {meeting.online_link}")
    if page_url:
        lines.append(f"Meeting page: {page_url}")
    event.add("description", "\n".join(lines))
    return event


def _calendar(name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def meeting_calendar(meeting: Meeting, *, page_url: str | None = None) -> Calendar:
    """A calendar holding the one meeting, for a single download."""
    calendar = _calendar()
    calendar.add_component(meeting_event(meeting, page_url=page_url))
    return calendar


def feed_meetings(board: Board, now: datetime | None = None) -> QuerySet:
    """The meetings a board's feed lists: everything from a year ago onwards."""
    since = (now or timezone.now()) - timedelta(days=365)
    return with_revisions(
        board.meetings.filter(starts_at__gte=since).select_related("board").order_by("starts_at")
    )


def board_feed(board: Board, meetings, now: datetime | None = None) -> Calendar:
    """A subscription calendar for a board, named after it."""
    now = now or timezone.now()
    calendar = _calendar(board.name)
    calendar.add("x-wr-caldesc", f"Meetings of {board.name}")
    # Ask subscribing applications to look for changes twice a day.
    calendar.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, now=now))
    return calendar
