"""Actions on a case, and the overdue list the reminder e-mails link to."""

import pytest
from django.urls import reverse

from boards.tests.factories import OrganisationFactory
from reviews import services
from reviews.models import AccessLog, CaseAction, CaseActionUpdate
from reviews.paths import OVERDUE_ACTIONS_PATH
from reviews.tests.factories import CaseActionFactory, marac, member, refer
from reviews.tests.pages import (
    assert_error_by_field,
    build_world,
    days,
    messages_of,
    today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def url(name, *args):
    return reverse(f"reviews:{name}", args=args)


def action_data(world, **overrides):
    data = {
        "agency": world.agency.pk,
        "description": "Fit a door alarm",
        "owner": "Crime prevention officer",
        "due_on": days(14).isoformat(),
    }
    data.update(overrides)
    return data


# --- Adding ---------------------------------------------------------------------------------


def test_an_action_is_added_to_the_case(client, world):
    client.force_login(world.coordinator)
    response = client.post(url("action_add", world.case.pk), action_data(world), follow=True)
    action = CaseAction.objects.get(description="Fit a door alarm")
    assert (action.case, action.agency, action.due_on) == (world.case, world.agency, days(14))
    assert messages_of(response) == [
        f"Action for {world.agency.name} added to {world.case.reference}."
    ]
    assert "Fit a door alarm" in response.content.decode()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"agency": ""}, "agency", "Choose the agency that will act."),
        ({"description": "  "}, "description", "Describe the action."),
        ({"due_on": ""}, "due_on", "Give the due date."),
        ({"due_on": "2001-01-01"}, "due_on", "The due date cannot fall before the referral."),
    ],
)
def test_a_bad_action_is_refused_by_field(client, world, overrides, field, message):
    client.force_login(world.coordinator)
    before = CaseAction.objects.count(), AccessLog.objects.count()
    response = client.post(url("action_add", world.case.pk), action_data(world, **overrides))
    assert_error_by_field(response, field, message)
    assert (CaseAction.objects.count(), AccessLog.objects.count()) == before


def test_a_closed_case_takes_no_new_action(client, world):
    services.close_case(world.case, by=world.coordinator, reason="risk_reduced", note="Done")
    client.force_login(world.coordinator)
    before = CaseAction.objects.count()
    response = client.post(url("action_add", world.case.pk), action_data(world))
    assert response.status_code == 200
    assert f"{world.case.reference} is closed: it takes no new actions." in (
        response.content.decode()
    )
    assert CaseAction.objects.count() == before


# --- Updating, completing, cancelling -------------------------------------------------------


def test_the_update_form_shows_the_action_and_counts_as_a_view(client, world):
    client.force_login(world.coordinator)
    before = AccessLog.objects.filter(action=AccessLog.Action.VIEW).count()
    response = client.get(url("action_update", world.action.pk))
    assert "Safety plan visit" in response.content.decode()
    views = AccessLog.objects.filter(action=AccessLog.Action.VIEW)
    assert views.count() == before + 1
    assert views.latest("pk").detail == f"action {world.action.pk} edit form"


def test_a_progress_note_is_added(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("action_update", world.action.pk),
        {
            "agency": world.agency.pk,
            "description": "Safety plan visit",
            "owner": "",
            "due_on": world.action.due_on.isoformat(),
            "note": "Visit booked for Friday",
        },
        follow=True,
    )
    assert messages_of(response) == [f"Action on {world.case.reference} updated."]
    (update,) = CaseActionUpdate.objects.filter(action=world.action)
    assert (update.note, update.by) == ("Visit booked for Friday", world.coordinator)


def test_an_update_that_changes_nothing_asks_for_a_note(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("action_update", world.action.pk),
        {
            "agency": world.agency.pk,
            "description": "Safety plan visit",
            "owner": "",
            "due_on": world.action.due_on.isoformat(),
            "note": "",
        },
    )
    assert_error_by_field(response, "note", "Change something or add a note.")
    assert not CaseActionUpdate.objects.exists()


def test_an_action_is_marked_done(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("action_complete", world.action.pk),
        {"completed_on": today().isoformat(), "note": "Visit done"},
        follow=True,
    )
    world.action.refresh_from_db()
    assert (world.action.status, world.action.completed_on) == (CaseAction.Status.DONE, today())
    assert messages_of(response) == [f"Action on {world.case.reference} marked done."]


def test_an_action_cannot_be_done_in_the_future(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("action_complete", world.action.pk), {"completed_on": days(3).isoformat()}
    )
    assert_error_by_field(response, "completed_on", "The completion date cannot be in the future.")
    world.action.refresh_from_db()
    assert world.action.status == CaseAction.Status.OPEN


def test_cancelling_needs_a_reason(client, world):
    client.force_login(world.coordinator)
    response = client.post(url("action_cancel", world.action.pk), {"note": " "})
    assert_error_by_field(response, "note", "Say why the action is cancelled.")
    world.action.refresh_from_db()
    assert world.action.status == CaseAction.Status.OPEN
    client.post(url("action_cancel", world.action.pk), {"note": "Agency withdrew"})
    world.action.refresh_from_db()
    assert world.action.status == CaseAction.Status.CANCELLED
    assert world.action.updates.get().note == "Agency withdrew"


def test_a_finished_action_cannot_be_finished_again(client, world):
    services.complete_action(world.action, by=world.coordinator)
    client.force_login(world.coordinator)
    response = client.post(url("action_cancel", world.action.pk), {"note": "Oops"})
    assert response.status_code == 200
    assert "This action is already done." in response.content.decode()
    world.action.refresh_from_db()
    assert world.action.status == CaseAction.Status.DONE


# --- Overdue --------------------------------------------------------------------------------


def test_the_overdue_page_lives_where_the_reminders_point():
    assert reverse("reviews:overdue_actions") == OVERDUE_ACTIONS_PATH


def test_overdue_actions_are_grouped_by_agency_with_links_to_cases(client, world):
    council = OrganisationFactory(name="Riverside Council Housing")
    CaseActionFactory(case=world.case, agency=council, due_on=days(-10))
    CaseActionFactory(case=world.case, agency=council, due_on=days(5))  # not yet due
    client.force_login(world.coordinator)
    response = client.get(OVERDUE_ACTIONS_PATH)
    assert response.status_code == 200
    actions = response.context["actions"]
    assert [(a.agency.name, a.days_overdue) for a in actions] == [
        ("Riverside Council Housing", 10),
        ("Riverside Police", 3),
    ]
    html = response.content.decode()
    assert f'data-testid="overdue-{council.pk}"' in html
    assert f'data-testid="overdue-{world.agency.pk}"' in html
    assert url("case", world.case.pk) in html
    assert "Client Alpha" not in html


def test_the_overdue_list_covers_only_the_users_panels(client, world):
    other_case = refer(world.other, world.other_member, risk_score=20)
    CaseActionFactory(case=other_case, description="Visit the estate office")
    client.force_login(world.coordinator)
    html = client.get(OVERDUE_ACTIONS_PATH).content.decode()
    assert other_case.reference not in html
    assert "Visit the estate office" not in html
    client.force_login(world.other_member)
    html = client.get(OVERDUE_ACTIONS_PATH).content.decode()
    assert other_case.reference in html and world.case.reference not in html


def test_the_overdue_list_is_logged_once_per_panel_shown(client, world):
    client.force_login(world.coordinator)
    before = AccessLog.objects.count()
    client.get(OVERDUE_ACTIONS_PATH)
    (row,) = AccessLog.objects.order_by("pk")[before:]
    assert (row.action, row.panel, row.case, row.detail) == (
        AccessLog.Action.LIST,
        world.panel,
        None,
        "overdue actions",
    )


def test_a_member_with_nothing_overdue_is_told_so(client):
    panel = marac()
    rep = member(panel).person.user
    client.force_login(rep)
    response = client.get(OVERDUE_ACTIONS_PATH)
    assert "No action on your panels' cases is overdue." in response.content.decode().replace(
        "&#x27;", "'"
    )
    assert not AccessLog.objects.exists()


def test_someone_on_no_panel_sees_no_overdue_actions(client, world, chair):
    client.force_login(chair)
    response = client.get(OVERDUE_ACTIONS_PATH)
    html = response.content.decode()
    assert "You sit on no case panel." in html
    assert world.case.reference not in html and world.agency.name not in html
