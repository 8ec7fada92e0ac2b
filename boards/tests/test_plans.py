"""Strategic plans: status keys, numbering, progress history, overdue, summary and the pages."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from boards.models import KeyAction, Priority, StatusKey, StrategicPlan
from boards.plan_services import add_key_action, record_progress
from boards.plans import PlanFilters, plan_actions, plan_summary
from boards.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    plan_with_actions,
    status,
)
from partnership.tests.factories import persona

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


def test_both_presets_are_installed_with_one_complete_status_each():
    blue = StatusKey.objects.get(name="Blue, Green, Amber, Red")
    assert [(o.colour_name, o.label) for o in blue.options.all()] == [
        ("Blue", "Complete"),
        ("Green", "Progressing"),
        ("Amber", "On hold"),
        ("Red", "Not started"),
    ]
    rag = StatusKey.objects.get(name="Red, Amber, Green and Complete")
    for key in (blue, rag):
        assert key.options.filter(means_complete=True).count() == 1
    assert blue.initial_option().label == "Not started"
    assert rag.initial_option().label == "On track"


def test_new_key_actions_start_at_the_keys_first_open_status_and_number_in_order():
    plan, priority, actions = plan_with_actions(11)
    assert [a.number for a in actions][-3:] == ["1.9", "1.10", "1.11"]
    numbers = [a.number for a in plan_actions(plan)]
    assert numbers.index("1.10") == numbers.index("1.9") + 1  # natural order, not text order


def test_a_number_already_in_the_plan_is_refused():
    plan, priority, _ = plan_with_actions(2)
    with pytest.raises(ValidationError, match="1.2 is already in the plan"):
        add_key_action(priority, title="Again", sequence=2)


def test_plan_end_before_start_is_refused():
    plan, _, _ = plan_with_actions(0)
    plan.end_year = 2024
    with pytest.raises(ValidationError) as refused:
        plan.full_clean()
    assert "end_year" in refused.value.message_dict


def test_latest_update_sets_the_status_and_history_lists_newest_first():
    plan, _, (action,) = plan_with_actions(1)
    record_progress(action, status=status(plan, "On hold"), note="Paused", on=dt.date(2026, 5, 1))
    record_progress(
        action, status=status(plan, "Progressing"), note="Resumed", on=dt.date(2026, 8, 1)
    )
    # Back-dated: goes into the history in its place, and does not change today's status.
    record_progress(
        action, status=status(plan, "Not started"), note="Late note", on=dt.date(2026, 4, 1)
    )
    action.refresh_from_db()
    assert action.status.label == "Progressing"
    assert [u.note for u in action.updates.all()] == ["Resumed", "Paused", "Late note"]


def test_progress_with_another_keys_status_or_no_note_is_refused():
    plan, _, (action,) = plan_with_actions(1)
    other = StatusKey.objects.get(name="Red, Amber, Green and Complete").options.first()
    with pytest.raises(ValidationError, match="this plan's statuses"):
        record_progress(action, status=other, note="x", on=TODAY)
    with pytest.raises(ValidationError, match="Say what has happened"):
        record_progress(action, status=status(plan, "Complete"), note="  ", on=TODAY)
    assert not action.updates.exists()


def test_overdue_means_past_the_deadline_and_not_complete():
    plan, _, (late, done, future) = plan_with_actions(3)
    for action, deadline in (
        (late, dt.date(2026, 3, 31)),
        (done, dt.date(2026, 3, 31)),
        (future, dt.date(2027, 3, 31)),
    ):
        action.deadline = deadline
        action.save()
    record_progress(done, status=status(plan, "Complete"), note="Done", on=dt.date(2026, 3, 1))
    overdue = KeyAction.objects.filter(priority__plan=plan).overdue(TODAY)
    assert list(overdue) == [late]
    late.refresh_from_db()
    assert late.is_overdue(TODAY) and not future.is_overdue(TODAY)


def test_summary_counts_by_status_per_priority():
    plan, priority, actions = plan_with_actions(4)
    record_progress(actions[0], status=status(plan, "Complete"), note="Done", on=TODAY)
    record_progress(actions[1], status=status(plan, "On hold"), note="Waiting", on=TODAY)
    second = Priority.objects.create(plan=plan, number=2, title="Tackle domestic abuse")
    add_key_action(second, title="Refresh the VAWG strategy")
    summary = plan_summary(plan, TODAY)
    first_row, second_row = summary.priorities
    assert [(o.label, n) for o, n in first_row.counts] == [
        ("Complete", 1),
        ("Progressing", 0),
        ("On hold", 1),
        ("Not started", 2),
    ]
    assert (first_row.total, first_row.complete) == (4, 1)
    assert second_row.total == 1
    assert [(o.label, n) for o, n in summary.totals] == [
        ("Complete", 1),
        ("Progressing", 0),
        ("On hold", 1),
        ("Not started", 3),
    ]


def test_filters_by_priority_organisation_status_domain_and_overdue():
    plan, priority, actions = plan_with_actions(3)
    police = OrganisationFactory(name="Vale Police")
    actions[0].lead_organisations.add(police)
    record_progress(actions[1], status=status(plan, "On hold"), note="x", on=TODAY)
    actions[2].deadline = dt.date(2025, 6, 30)
    actions[2].save()
    assert list(plan_actions(plan, PlanFilters(organisation=police.pk))) == [actions[0]]
    assert list(plan_actions(plan, PlanFilters(status=status(plan, "On hold").pk))) == [actions[1]]
    assert list(plan_actions(plan, PlanFilters(overdue=True), today=TODAY)) == [actions[2]]
    assert list(plan_actions(plan, PlanFilters(domain="treat"))) == []
    assert len(plan_actions(plan, PlanFilters(priority=priority.pk))) == 3


@pytest.mark.parametrize("size", [5, 50])
def test_plan_page_query_count_does_not_grow_with_the_plan(
    client, board_officer, size, django_assert_num_queries
):
    plan, _, _ = plan_with_actions(size)
    client.force_login(board_officer)
    url = reverse("boards:plan_detail", args=[plan.pk])
    client.get(url)
    with django_assert_num_queries(13):
        response = client.get(url)
    assert response.context["shown"] == size


@pytest.mark.parametrize("size", [5, 50])
def test_plan_summary_takes_four_queries(size, django_assert_num_queries):
    plan, _, _ = plan_with_actions(size)
    plan = StrategicPlan.objects.select_related("status_key").get(pk=plan.pk)
    with django_assert_num_queries(4):
        plan_summary(plan, TODAY)


def test_plan_page_shows_the_table_greys_completed_and_never_uses_colour_alone(
    client, board_officer
):
    plan, _, actions = plan_with_actions(2)
    record_progress(actions[0], status=status(plan, "Complete"), note="Done", on=TODAY)
    client.force_login(board_officer)
    page = client.get(reverse("boards:plan_detail", args=[plan.pk])).content.decode()
    assert 'class="plan-complete" data-action="1.1"' in page
    assert 'Complete<span class="visually-hidden"> (Blue)</span>' in page
    assert "Not started" in page or "Progressing" in page


def test_plan_exports_csv_and_xlsx_honour_the_filters(client, board_officer):
    plan, _, actions = plan_with_actions(3)
    record_progress(actions[1], status=status(plan, "On hold"), note="x", on=TODAY)
    client.force_login(board_officer)
    query = f"?status={status(plan, 'On hold').pk}"
    response = client.get(reverse("boards:plan_csv", args=[plan.pk]) + query)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Number", "Priority", "Key action"]
    assert [r[0] for r in rows[1:]] == ["1.2"]
    book = load_workbook(
        io.BytesIO(client.get(reverse("boards:plan_xlsx", args=[plan.pk])).content)
    )
    sheet = book.active
    assert sheet["A3"].value == "1.1" and sheet.max_row == 5
    assert sheet["G4"].fill.fgColor.rgb.lower().endswith("f0ad1e")  # amber for On hold
    assert sheet.freeze_panes == "A3"


def member_of(board):
    user = persona(None, username="plan_member")
    MembershipFactory(board=board, person=PersonFactory(user=user))
    return user


def lead_contact(organisation):
    user = persona(None, username="lead_contact")
    PersonFactory(user=user, organisation=organisation)
    return user


def test_permissions_officer_member_lead_contact_and_outsider(client, board_officer, outsider):
    plan, _, (action,) = plan_with_actions(1)
    plan_url = reverse("boards:plan_detail", args=[plan.pk])
    action_url = reverse("boards:key_action_detail", args=[action.pk])
    edit_url = reverse("boards:plan_edit", args=[plan.pk])
    update = {"status": status(plan, "Complete").pk, "note": "Delivered", "on": "2026-01-05"}

    client.force_login(member_of(plan.board))
    assert client.get(plan_url).status_code == 200
    assert client.get(edit_url).status_code == 403
    assert client.post(action_url, update).status_code == 403

    client.force_login(lead_contact(action.lead_organisations.get()))
    assert client.get(plan_url).status_code == 200
    assert client.post(action_url, update).status_code == 302
    action.refresh_from_db()
    assert action.status.label == "Complete"

    client.force_login(outsider)
    assert client.get(plan_url).status_code == 404
    assert client.get(action_url).status_code == 404

    client.force_login(board_officer)
    assert client.get(edit_url).status_code == 200
    client.logout()
    assert client.get(plan_url).status_code == 302


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"note": ""}, "note", "This field is required."),
        ({"on": "2099-01-01"}, "on", "cannot be dated in the future"),
        ({"status": "999999"}, "status", "Select a valid choice"),
    ],
)
def test_bad_progress_updates_are_refused_next_to_the_field(
    client, board_officer, data, field, message
):
    plan, _, (action,) = plan_with_actions(1)
    client.force_login(board_officer)
    post = {"status": status(plan, "Complete").pk, "note": "Delivered", "on": "2026-01-05", **data}
    response = client.post(reverse("boards:key_action_detail", args=[action.pk]), post)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not action.updates.exists()


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"sequence": "1"}, "sequence", "1.1 is already in the plan"),
        ({"deadline": "2030-01-01"}, "deadline", "must fall within the plan"),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_bad_key_actions_are_refused_next_to_the_field(client, board_officer, data, field, message):
    plan, priority, _ = plan_with_actions(1)
    client.force_login(board_officer)
    post = {
        "title": "Map youth diversion",
        "lead_organisations": [OrganisationFactory().pk],
        **data,
    }
    response = client.post(reverse("boards:key_action_create", args=[priority.pk]), post)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert priority.key_actions.count() == 1


def test_officer_adds_a_key_action_numbered_after_the_last(client, board_officer):
    plan, priority, _ = plan_with_actions(2)
    client.force_login(board_officer)
    response = client.post(
        reverse("boards:key_action_create", args=[priority.pk]),
        {"title": "Map youth diversion", "lead_organisations": [OrganisationFactory().pk]},
    )
    created = priority.key_actions.get(title="Map youth diversion")
    assert response.status_code == 302
    assert created.number == "1.3"
    assert created.status.label == "Not started"


def test_plan_with_end_before_start_is_refused_in_the_form(client, board_officer):
    plan, _, _ = plan_with_actions(0)
    client.force_login(board_officer)
    response = client.post(
        reverse("boards:plan_create"),
        {
            "board": plan.board.pk,
            "title": "Next plan",
            "start_year": "2027",
            "end_year": "2026",
            "status_key": plan.status_key.pk,
        },
    )
    assert "cannot end before it starts" in " ".join(response.context["form"].errors["end_year"])
    assert not StrategicPlan.objects.filter(title="Next plan").exists()


def test_duplicate_priority_number_is_refused(client, board_officer):
    plan, _, _ = plan_with_actions(0)
    client.force_login(board_officer)
    response = client.post(
        reverse("boards:priority_create", args=[plan.pk]), {"number": "1", "title": "Again"}
    )
    assert "Priority 1 is already in this plan." in response.context["form"].errors["number"]


def status_key_post(options):
    data = {
        "name": "Our own key",
        "options-TOTAL_FORMS": str(len(options)),
        "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "1000",
    }
    for index, (label, complete, starts) in enumerate(options):
        data.update(
            {
                f"options-{index}-order": str(index),
                f"options-{index}-label": label,
                f"options-{index}-colour_name": label,
                f"options-{index}-background": "#123456",
                f"options-{index}-text_colour": "#ffffff",
            }
        )
        if complete:
            data[f"options-{index}-means_complete"] = "on"
        if starts:
            data[f"options-{index}-starts_here"] = "on"
    return data


def test_administrator_configures_a_status_key_in_the_admin(client, administrator):
    client.force_login(administrator)
    url = reverse("admin:boards_statuskey_add")
    good = status_key_post([("Done", True, False), ("Doing", False, False), ("To do", False, True)])
    assert client.post(url, good).status_code == 302
    key = StatusKey.objects.get(name="Our own key")
    assert key.initial_option().label == "To do"


@pytest.mark.parametrize(
    "options, message",
    [
        ([("Done", True, False), ("Doing", False, False)], "exactly one status"),
        (
            [("Doing", False, True), ("Stuck", False, False)],
            "at least one status as meaning complete",
        ),
        ([("Done", True, True), ("Doing", False, True)], "exactly one status"),
    ],
)
def test_a_status_key_without_a_start_or_a_complete_status_is_refused(
    client, administrator, options, message
):
    client.force_login(administrator)
    response = client.post(reverse("admin:boards_statuskey_add"), status_key_post(options))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StatusKey.objects.filter(name="Our own key").exists()
