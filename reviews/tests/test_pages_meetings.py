"""A panel meeting's case list: the confidentiality agreement, agenda order and times, hearing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import AccessLog, Case, CaseListing, ConfidentialityAgreement
from reviews.tests.factories import refer
from reviews.tests.pages import assert_error_by_field, build_world, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def url(name, *args):
    return reverse(f"reviews:{name}", args=args)


def three_cases_on(world, meeting):
    """Three more cases on ``meeting``'s list, of 10, 20 and 15 minutes."""
    cases = []
    for n, minutes in enumerate((10, 20, 15)):
        case = refer(world.panel, world.coordinator, person_key=f"Person {n} 1990")
        services.list_for_meeting(case, meeting, by=world.coordinator, minutes=minutes)
        cases.append(case)
    return cases


# --- The agreement --------------------------------------------------------------------------


def test_the_list_stays_closed_until_the_member_agrees(client, world):
    client.force_login(world.coordinator)
    response = client.get(url("meeting", world.later.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "record your agreement to keep its information confidential" in html
    assert 'data-testid="meeting-cases"' not in html
    assert not AccessLog.objects.filter(detail__startswith="meeting case list").exists()


def test_the_agreement_needs_the_box_ticked(client, world):
    client.force_login(world.coordinator)
    before = AccessLog.objects.count()
    response = client.post(url("meeting_agreement", world.later.pk), {})
    assert_error_by_field(response, "agree", "Tick the box to record your agreement.")
    assert not ConfidentialityAgreement.objects.filter(meeting=world.later).exists()
    assert AccessLog.objects.count() == before


def test_agreeing_opens_the_list_and_is_recorded_once(client, world):
    agreements = AccessLog.objects.filter(action=AccessLog.Action.AGREEMENT)
    before = agreements.count()
    client.force_login(world.coordinator)
    response = client.post(url("meeting_agreement", world.later.pk), {"agree": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == url("meeting", world.later.pk)
    assert messages_of(response) == ["Your confidentiality agreement for this meeting is recorded."]
    assert "No case is listed for this meeting yet." in response.content.decode()
    client.post(url("meeting_agreement", world.later.pk), {"agree": "on"})
    mine = ConfidentialityAgreement.objects.filter(meeting=world.later, user=world.coordinator)
    assert mine.count() == 1
    assert agreements.count() == before + 1


# --- The list -------------------------------------------------------------------------------


def test_the_list_runs_in_agenda_order_with_start_times(client, world):
    a, b, c = three_cases_on(world, world.future)
    client.force_login(world.coordinator)
    response = client.get(url("meeting", world.future.pk))
    listings = response.context["listings"]
    assert [row.case for row in listings] == [world.case, a, b, c]
    start = timezone.localtime(world.future.starts_at)
    assert [f"{row.starts:%H:%M}" for row in listings] == ["14:00", "14:15", "14:25", "14:45"]
    assert start.hour == 14
    assert f"{response.context['ends']:%H:%M}" == "15:00"
    html = response.content.decode()
    assert "60 minutes" in html
    assert "Client Alpha" not in html  # the list shows references only


def test_each_showing_of_the_list_writes_one_log_row(client, world):
    client.force_login(world.coordinator)
    before = AccessLog.objects.count()
    client.get(url("meeting", world.future.pk))
    (row,) = AccessLog.objects.order_by("pk")[before:]
    assert (row.action, row.panel, row.case) == (AccessLog.Action.LIST, world.panel, None)
    assert row.detail == f"meeting case list for {world.future.date}"


def test_a_case_is_moved_and_given_more_time(client, world):
    a, b, c = three_cases_on(world, world.future)
    moving = CaseListing.objects.get(case=c, meeting=world.future)
    client.force_login(world.coordinator)
    response = client.post(
        url("listing_change", moving.pk),
        {f"listing-{moving.pk}-order": "1", f"listing-{moving.pk}-minutes": "30"},
        follow=True,
    )
    assert messages_of(response) == [f"{c.reference}: place and time saved."]
    rows = CaseListing.objects.for_meeting(world.future)
    assert [(row.case, row.order) for row in rows] == [(c, 1), (world.case, 2), (a, 3), (b, 4)]
    assert rows[0].minutes == 30


@pytest.mark.parametrize(
    "order, minutes, field, message",
    [
        ("1", "0", "minutes", "Give a whole number from 1 to 240."),
        ("1", "", "minutes", "This field is required."),
        ("9", "15", "order", "Choose a place from 1 to 1."),
        ("x", "15", "order", "Give a whole number from 1 to 999."),
    ],
)
def test_a_bad_place_or_time_is_refused_by_field(client, world, order, minutes, field, message):
    listing = world.future_listing
    client.force_login(world.coordinator)
    response = client.post(
        url("listing_change", listing.pk),
        {f"listing-{listing.pk}-order": order, f"listing-{listing.pk}-minutes": minutes},
    )
    assert_error_by_field(response, f"listing-{listing.pk}-{field}", message)
    listing.refresh_from_db()
    assert (listing.order, listing.minutes) == (1, 15)


def test_a_case_is_marked_heard_at_a_meeting_that_took_place(client, world):
    client.force_login(world.coordinator)
    page = client.get(url("meeting", world.past.pk)).content.decode()
    assert url("listing_heard", world.past_listing.pk) in page
    response = client.post(url("listing_heard", world.past_listing.pk), follow=True)
    world.past_listing.refresh_from_db()
    assert world.past_listing.heard
    assert messages_of(response) == [f"{world.case.reference} recorded as heard."]


def test_a_case_cannot_be_heard_before_its_meeting(client, world):
    client.force_login(world.coordinator)
    page = client.get(url("meeting", world.future.pk)).content.decode()
    assert url("listing_heard", world.future_listing.pk) not in page
    response = client.post(url("listing_heard", world.future_listing.pk), follow=True)
    assert messages_of(response) == ["The meeting has not started yet."]
    world.future_listing.refresh_from_db()
    assert not world.future_listing.heard


def test_a_case_is_taken_off_the_list(client, world):
    client.force_login(world.coordinator)
    client.post(url("listing_remove", world.future_listing.pk))
    assert not CaseListing.objects.filter(pk=world.future_listing.pk).exists()
    world.case.refresh_from_db()
    assert world.case.status == Case.Status.LISTED  # still on the held meeting's list


def test_changing_the_list_needs_the_agreement_first(client, world):
    listing = services.list_for_meeting(world.case, world.later, by=world.coordinator)
    client.force_login(world.coordinator)
    response = client.post(
        url("listing_change", listing.pk),
        {f"listing-{listing.pk}-order": "1", f"listing-{listing.pk}-minutes": "40"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("meeting", world.later.pk)
    assert "Record your confidentiality agreement for this meeting first." in messages_of(response)
    listing.refresh_from_db()
    assert listing.minutes == 15
    assert client.post(url("listing_remove", listing.pk)).status_code == 302
    assert CaseListing.objects.filter(pk=listing.pk).exists()


def test_the_list_pages_answer_only_to_posts(client, world):
    client.force_login(world.coordinator)
    assert client.get(url("listing_heard", world.past_listing.pk)).status_code == 405
    assert client.get(url("meeting_agreement", world.later.pk)).status_code == 405
