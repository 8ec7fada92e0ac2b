"""Need to know: a case is for the current members of its panel and nobody else."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from boards.models import Membership
from reviews import permissions
from reviews.models import Case, CaseAction
from reviews.tests.factories import (
    TODAY,
    CaseActionFactory,
    ccm,
    coordinator,
    future_meeting,
    member,
    refer,
)

pytestmark = pytest.mark.django_db


def other_panel_member():
    return member(ccm()).person.user


def expired_member(panel):
    return member(panel, end=TODAY() - dt.timedelta(days=1)).person.user


def future_member(panel):
    return member(panel, start=TODAY() + dt.timedelta(days=1)).person.user


def inactive_person(panel):
    membership = member(panel)
    membership.person.active = False
    membership.person.save()
    return membership.person.user


@pytest.mark.parametrize(
    "who",
    [
        "administrator",
        "board_officer",
        "grants_officer",
        "panel_coordinator",  # the role alone is not enough
        "chair",
        "outsider",
        "anonymous",
        "member of the other panel",
        "membership ended yesterday",
        "membership starts tomorrow",
        "person marked inactive",
    ],
)
def test_anyone_but_a_current_member_gets_404(request, panel, case, who):
    builders = {
        "anonymous": lambda: AnonymousUser(),
        "member of the other panel": other_panel_member,
        "membership ended yesterday": lambda: expired_member(panel),
        "membership starts tomorrow": lambda: future_member(panel),
        "person marked inactive": lambda: inactive_person(panel),
    }
    user = builders[who]() if who in builders else request.getfixturevalue(who)
    with pytest.raises(Http404):
        permissions.get_case_for_user(user, case.pk)
    assert not Case.objects.visible_to(user).exists()
    assert not permissions.is_panel_member(user, panel)
    with pytest.raises(Http404):
        permissions.get_panel_for_user(user, panel.pk)


def test_a_current_member_gets_the_case_whatever_their_role(panel, case):
    agency_rep = member(panel).person.user  # no role at all
    assert permissions.get_case_for_user(agency_rep, case.pk) == case
    assert list(permissions.panels_for(agency_rep)) == [panel]


def test_an_administrator_who_sits_on_the_panel_reads_its_cases(panel, case, administrator):
    member(panel, administrator)
    assert permissions.get_case_for_user(administrator, case.pk) == case


def test_a_member_sees_only_their_own_panels_cases(panel, case):
    other = ccm()
    theirs = refer(other, coordinator(other), risk_score=20)
    rep = member(panel).person.user
    assert list(Case.objects.visible_to(rep)) == [case]
    with pytest.raises(Http404):
        permissions.get_case_for_user(rep, theirs.pk)


def test_panel_meetings_and_actions_follow_the_same_rule(panel, case):
    meeting = future_meeting(panel)
    action = CaseActionFactory(case=case)
    rep = member(panel).person.user
    stranger = other_panel_member()
    assert permissions.get_panel_meeting_for_user(rep, meeting.pk) == meeting
    assert permissions.get_case_action_for_user(rep, action.pk) == action
    with pytest.raises(Http404):
        permissions.get_panel_meeting_for_user(stranger, meeting.pk)
    with pytest.raises(Http404):
        permissions.get_case_action_for_user(stranger, action.pk)
    assert not CaseAction.objects.visible_to(stranger).exists()


def test_only_the_chair_and_deputy_chair_read_the_access_log(panel):
    chair = member(panel, role=Membership.Role.CHAIR).person.user
    deputy = member(panel, role=Membership.Role.DEPUTY_CHAIR).person.user
    plain = member(panel).person.user
    assert permissions.can_read_access_log(chair, panel)
    assert permissions.can_read_access_log(deputy, panel)
    decision = permissions.can_read_access_log(plain, panel)
    assert not decision and "Chair" in decision.reason
    assert not permissions.is_panel_chair(AnonymousUser(), panel)


def test_a_coordinator_approves_disposal_only_on_a_panel_they_sit_on(panel, by, panel_coordinator):
    assert permissions.can_approve_disposal(by, panel)
    assert not permissions.can_approve_disposal(member(panel).person.user, panel)
    assert not permissions.can_approve_disposal(panel_coordinator, panel)


def test_a_listing_follows_its_case(panel, case):
    from reviews.models import CaseListing

    listing = CaseListing.objects.create(
        case=case, meeting=future_meeting(panel), order=1, minutes=15
    )
    rep = member(panel).person.user
    assert permissions.get_listing_for_user(rep, listing.pk) == listing
    with pytest.raises(Http404):
        permissions.get_listing_for_user(other_panel_member(), listing.pk)
    with pytest.raises(Http404):
        permissions.get_listing_for_user(AnonymousUser(), listing.pk)
