"""The meeting case list: listing, order and time, hearing, confidentiality agreements."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from boards.models import Meeting
from reviews import permissions, services
from reviews.models import AccessLog, Case, CaseListing, ConfidentialityAgreement
from reviews.tests.factories import (
    ccm,
    coordinator,
    future_meeting,
    marac,
    member,
    past_meeting,
    refer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel():
    return marac(minutes_per_case=12)


@pytest.fixture
def by(panel):
    return coordinator(panel)


def keys(n):
    return [f"Person {chr(65 + i)} 1990" for i in range(n)]


def test_listing_puts_the_case_last_with_the_panels_default_time(panel, by):
    meeting = future_meeting(panel)
    first, second = (refer(panel, by, person_key=k) for k in keys(2))
    services.list_for_meeting(first, meeting, by=by)
    listing = services.list_for_meeting(second, meeting, by=by)
    assert (listing.order, listing.minutes) == (2, 12)
    first.refresh_from_db()
    assert first.status == Case.Status.LISTED


def test_a_case_can_be_placed_on_the_list_and_given_its_own_time(panel, by):
    meeting = future_meeting(panel)
    a, b, c = (refer(panel, by, person_key=k) for k in keys(3))
    services.list_for_meeting(a, meeting, by=by)
    services.list_for_meeting(b, meeting, by=by)
    services.list_for_meeting(c, meeting, by=by, order=1, minutes=20)
    rows = CaseListing.objects.for_meeting(meeting)
    assert [(r.case, r.order, r.minutes) for r in rows] == [(c, 1, 20), (a, 2, 12), (b, 3, 12)]
    services.update_listing(rows[0], by=by, order=3)
    assert [r.case for r in CaseListing.objects.for_meeting(meeting)] == [a, b, c]


def test_only_a_meeting_of_the_cases_own_panel_will_do(panel, by):
    case = refer(panel, by)
    other_meeting = future_meeting(ccm())
    with pytest.raises(ValidationError) as refused:
        services.list_for_meeting(case, other_meeting, by=by)
    assert refused.value.message_dict == {"meeting": ["Choose a meeting of MARAC."]}
    assert not CaseListing.objects.exists()


@pytest.mark.parametrize("kwargs, field", [({"order": 3}, "order"), ({"minutes": 0}, "minutes")])
def test_a_bad_place_or_time_is_refused(panel, by, kwargs, field):
    case = refer(panel, by)
    with pytest.raises(ValidationError) as refused:
        services.list_for_meeting(case, future_meeting(panel), by=by, **kwargs)
    assert field in refused.value.message_dict


def test_a_case_is_listed_once_per_meeting_and_not_for_a_cancelled_one(panel, by):
    case = refer(panel, by)
    meeting = future_meeting(panel)
    services.list_for_meeting(case, meeting, by=by)
    with pytest.raises(ValidationError, match="already on that meeting's list"):
        services.list_for_meeting(case, meeting, by=by)
    cancelled = future_meeting(panel, days_ahead=40, status=Meeting.Status.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        services.list_for_meeting(case, cancelled, by=by)


def test_hearing_a_case_moves_it_to_heard_or_actions_open(panel, by):
    meeting = past_meeting(panel)
    case = refer(panel, by)
    services.list_for_meeting(case, meeting, by=by)
    services.mark_heard(case, meeting, by=by)
    case.refresh_from_db()
    assert case.status == Case.Status.HEARD
    services.add_action(
        case,
        by=by,
        agency=case.referring_organisation,
        description="Safety plan",
        due_on=meeting.date,
    )
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIONS_OPEN


def test_a_case_cannot_be_heard_before_its_meeting_or_twice(panel, by):
    case = refer(panel, by)
    upcoming = future_meeting(panel)
    with pytest.raises(ValidationError, match="not on that meeting's list"):
        services.mark_heard(case, upcoming, by=by)
    services.list_for_meeting(case, upcoming, by=by)
    with pytest.raises(ValidationError, match="not started yet"):
        services.mark_heard(case, upcoming, by=by)
    held = past_meeting(panel)
    services.list_for_meeting(case, held, by=by)
    services.mark_heard(case, held, by=by)
    with pytest.raises(ValidationError, match="already recorded as heard"):
        services.mark_heard(case, held, by=by)


def test_taking_a_case_off_the_list_renumbers_it_and_restores_the_status(panel, by):
    meeting = future_meeting(panel)
    a, b = (refer(panel, by, person_key=k) for k in keys(2))
    first = services.list_for_meeting(a, meeting, by=by)
    services.list_for_meeting(b, meeting, by=by)
    services.remove_listing(first, by=by)
    assert [(r.case, r.order) for r in CaseListing.objects.for_meeting(meeting)] == [(b, 1)]
    a.refresh_from_db()
    assert a.status == Case.Status.REFERRED


def test_each_listing_change_writes_one_log_row_naming_no_one(panel, by):
    meeting = past_meeting(panel)
    case = refer(panel, by, subject_label="Client Alpha")
    services.list_for_meeting(case, meeting, by=by)
    services.mark_heard(case, meeting, by=by)
    rows = AccessLog.objects.filter(action=AccessLog.Action.CHANGE).order_by("pk")
    assert [r.detail for r in rows] == [
        f"listed for the meeting on {meeting.date}",
        f"heard at the meeting on {meeting.date}",
    ]


def test_a_member_agrees_to_confidentiality_once_per_meeting(panel, by):
    meeting = future_meeting(panel)
    assert not permissions.can_open_meeting_list(by, meeting)
    assert "confidentiality" in permissions.can_open_meeting_list(by, meeting).reason
    first = services.record_agreement(meeting, by)
    again = services.record_agreement(meeting, by)
    assert first == again
    assert ConfidentialityAgreement.objects.count() == 1
    assert permissions.can_open_meeting_list(by, meeting)
    (row,) = AccessLog.objects.all()
    assert (row.action, row.panel, row.case) == (AccessLog.Action.AGREEMENT, panel, None)


def test_a_non_member_can_neither_agree_nor_open_the_list(panel, board_officer):
    meeting = future_meeting(panel)
    with pytest.raises(PermissionDenied):
        services.record_agreement(meeting, board_officer)
    decision = permissions.can_open_meeting_list(board_officer, meeting)
    assert not decision and "members" in decision.reason


def test_a_member_whose_membership_ended_cannot_list_cases(panel, by):
    import datetime as dt

    case = refer(panel, by)
    leaver = member(panel, end=dt.date(2021, 3, 31)).person.user
    with pytest.raises(PermissionDenied):
        services.list_for_meeting(case, future_meeting(panel), by=leaver)
