"""Cases due for disposal, and the coordinator's approval to erase them."""

import pytest
from django.urls import reverse

from reviews.models import AccessLog, Case
from reviews.paths import DISPOSALS_PATH
from reviews.tests.factories import CaseFactory
from reviews.tests.pages import assert_error_by_field, build_world, days, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def due_case(world, n, **extra):
    return CaseFactory(
        panel=world.panel,
        reference=f"MARAC-2024-{950 + n}",
        referral_date=days(-800),
        status=Case.Status.CLOSED,
        closed_on=days(-600 + n),
        closure_reason=Case.ClosureReason.NO_FURTHER_ACTION,
        referring_organisation=world.agency,
        **extra,
    )


def approve(client, world, cases=(), scope="selected", confirm=True):
    prefix = f"panel-{world.panel.pk}"
    data = {"panel": world.panel.pk, "scope": scope, f"{prefix}-cases": [c.pk for c in cases]}
    if confirm:
        data[f"{prefix}-confirm"] = "on"
    return client.post(DISPOSALS_PATH, data, follow=False)


def test_the_disposals_page_lives_where_the_emails_point():
    assert reverse("reviews:disposals") == DISPOSALS_PATH


def test_the_list_shows_reference_date_and_reason_but_no_label(client, world):
    client.force_login(world.coordinator)
    response = client.get(DISPOSALS_PATH)
    html = response.content.decode()
    (section,) = response.context["sections"]
    assert section["cases"] == [world.due]
    assert world.due.reference in html
    assert "Risk reduced" in html
    assert world.due.subject_label not in html
    assert world.case.reference not in html  # still open: not due


def test_a_coordinator_erases_the_chosen_cases(client, world):
    second = due_case(world, 1)
    client.force_login(world.coordinator)
    response = approve(client, world, [world.due])
    assert response.status_code == 302
    world.due.refresh_from_db()
    second.refresh_from_db()
    assert world.due.is_erased and world.due.subject_label == ""
    assert not second.is_erased
    (row,) = AccessLog.objects.filter(action=AccessLog.Action.ERASE)
    assert (row.case, row.user) == (world.due, world.coordinator)
    messages = messages_of(client.get(DISPOSALS_PATH))
    assert messages == [
        f"Personal data erased from 1 case of {world.panel.display_name}. The access log keeps "
        "a record of each."
    ]


def test_a_coordinator_erases_them_all(client, world):
    second = due_case(world, 1)
    client.force_login(world.coordinator)
    approve(client, world, scope="all")
    assert (
        Case.objects.filter(pk__in=[world.due.pk, second.pk], erased_at__isnull=False).count() == 2
    )
    world.case.refresh_from_db()
    assert not world.case.is_erased


def test_erasure_needs_the_box_ticked(client, world):
    client.force_login(world.coordinator)
    response = approve(client, world, [world.due], confirm=False)
    assert_error_by_field(
        response, f"panel-{world.panel.pk}-confirm", "Tick the box to approve the erasure."
    )
    world.due.refresh_from_db()
    assert not world.due.is_erased


def test_erasing_the_chosen_needs_a_choice(client, world):
    client.force_login(world.coordinator)
    response = approve(client, world, [])
    assert response.status_code == 200
    assert "Choose the cases to erase, or erase them all." in response.content.decode()
    world.due.refresh_from_db()
    assert not world.due.is_erased


def test_a_case_not_due_cannot_be_slipped_in(client, world):
    client.force_login(world.coordinator)
    response = approve(client, world, [world.due, world.case])
    assert response.status_code == 200
    assert "Nothing was saved." in response.content.decode()
    assert not Case.objects.filter(erased_at__isnull=False).exists()


def test_a_member_who_is_not_a_coordinator_sees_the_list_but_cannot_approve(client, world):
    client.force_login(world.panel_chair)
    response = client.get(DISPOSALS_PATH)
    (section,) = response.context["sections"]
    assert section["cases"] == [world.due] and section["form"] is None
    assert "A coordinator who sits on the panel approves the erasure." in (
        response.content.decode()
    )
    response = approve(client, world, [world.due])
    assert response.status_code == 403
    assert "Only a coordinator who sits on the panel approves disposal." in (
        response.content.decode()
    )
    world.due.refresh_from_db()
    assert not world.due.is_erased


def test_someone_on_no_panel_sees_nothing_due(client, world, administrator):
    client.force_login(administrator)
    html = client.get(DISPOSALS_PATH).content.decode()
    assert "You sit on no case panel." in html
    assert world.due.reference not in html
