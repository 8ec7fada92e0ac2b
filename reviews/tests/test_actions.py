"""Case actions, the overdue list, and closing a case."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from boards.tests.factories import OrganisationFactory
from reviews import services
from reviews.models import AccessLog, Case, CaseAction
from reviews.tests.factories import TODAY, past_meeting, refer

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.date:
    return TODAY() + dt.timedelta(days=n)


@pytest.fixture
def heard_case(panel, by):
    meeting = past_meeting(panel)
    case = refer(panel, by)
    services.list_for_meeting(case, meeting, by=by)
    services.mark_heard(case, meeting, by=by)
    return case


def act(case, by, due, agency=None, text="Offer an IDVA appointment"):
    return services.add_action(
        case,
        by=by,
        agency=agency or OrganisationFactory(),
        description=text,
        owner="IDVA service manager",
        due_on=due,
    )


def test_an_action_needs_its_wording_and_a_due_date(heard_case, by):
    with pytest.raises(ValidationError) as refused:
        services.add_action(
            heard_case, by=by, agency=OrganisationFactory(), description=" ", due_on=None
        )
    assert set(refused.value.message_dict) == {"description", "due_on"}
    assert not CaseAction.objects.exists()


def test_completing_the_last_open_action_moves_the_case_back_to_heard(heard_case, by):
    first, second = act(heard_case, by, days(7)), act(heard_case, by, days(14))
    heard_case.refresh_from_db()
    assert heard_case.status == Case.Status.ACTIONS_OPEN
    services.complete_action(first, by=by, note="Appointment attended.")
    services.cancel_action(second, by=by, note="No longer needed after the move.")
    heard_case.refresh_from_db()
    assert heard_case.status == Case.Status.HEARD
    first.refresh_from_db()
    assert (first.status, first.completed_on) == (CaseAction.Status.DONE, TODAY())
    assert first.updates.get().note == "Appointment attended."


def test_a_cancellation_needs_a_reason_and_a_finished_action_cannot_change(heard_case, by):
    action = act(heard_case, by, days(7))
    with pytest.raises(ValidationError, match="Say why"):
        services.cancel_action(action, by=by, note="")
    services.complete_action(action, by=by)
    with pytest.raises(ValidationError, match="already done"):
        services.complete_action(action, by=by)
    with pytest.raises(ValidationError, match="Only an open action"):
        services.update_action(action, by=by, due_on=days(30))


def test_updating_an_action_records_the_note_and_logs_field_names_only(heard_case, by):
    action = act(heard_case, by, days(7))
    updated = services.update_action(action, by=by, due_on=days(21), note="Delayed by a week.")
    assert updated.due_on == days(21)
    assert updated.updates.get().note == "Delayed by a week."
    row = AccessLog.objects.latest("pk")
    assert row.detail == f"action {action.pk}: changed due_on; note added"


def test_overdue_means_open_past_due_on_a_case_still_open(panel, by, heard_case):
    late = act(heard_case, by, days(-2))
    act(heard_case, by, days(0))  # due today: not yet overdue
    done = act(heard_case, by, days(-5))
    services.complete_action(done, by=by)
    assert list(CaseAction.objects.overdue(TODAY())) == [late]
    assert late.is_overdue(TODAY())


def test_overdue_actions_are_counted_per_agency(panel, by, heard_case):
    police, housing = (
        OrganisationFactory(name="Riverside Police"),
        OrganisationFactory(name="Riverside Homes"),
    )
    act(heard_case, by, days(-2), police)
    act(heard_case, by, days(-9), police)
    act(heard_case, by, days(-1), housing)
    rows = CaseAction.objects.overdue(TODAY()).for_panels([panel]).counts_by_agency()
    assert [(r["agency__name"], r["count"]) for r in rows] == [
        ("Riverside Homes", 1),
        ("Riverside Police", 2),
    ]


def test_closing_with_open_actions_needs_a_note_explaining_why(heard_case, by):
    action = act(heard_case, by, days(7))
    with pytest.raises(ValidationError) as refused:
        services.close_case(heard_case, by=by, reason=Case.ClosureReason.RISK_REDUCED)
    assert refused.value.message_dict["note"] == [
        f"{heard_case.reference} has 1 open action: explain why it closes with them open."
    ]
    heard_case.refresh_from_db()
    assert heard_case.status == Case.Status.ACTIONS_OPEN

    closed = services.close_case(
        heard_case,
        by=by,
        reason=Case.ClosureReason.RISK_REDUCED,
        note="Agencies continue the work as single-agency cases.",
    )
    assert (closed.status, closed.closed_on) == (Case.Status.CLOSED, TODAY())
    action.refresh_from_db()
    assert action.status == CaseAction.Status.CANCELLED
    assert AccessLog.objects.latest("pk").detail == "closed: Risk reduced; 1 open action cancelled"


def test_closing_without_open_actions_needs_no_note(heard_case, by):
    closed = services.close_case(heard_case, by=by, reason=Case.ClosureReason.NO_FURTHER_ACTION)
    assert closed.closure_reason == Case.ClosureReason.NO_FURTHER_ACTION


def test_other_reasons_need_explaining_and_a_closed_case_stays_closed(heard_case, by):
    with pytest.raises(ValidationError) as refused:
        services.close_case(heard_case, by=by, reason=Case.ClosureReason.OTHER)
    assert "note" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.close_case(heard_case, by=by, reason="forgotten")
    assert "reason" in refused.value.message_dict
    services.close_case(heard_case, by=by, reason=Case.ClosureReason.RISK_REDUCED)
    with pytest.raises(ValidationError, match="already closed"):
        services.close_case(heard_case, by=by, reason=Case.ClosureReason.RISK_REDUCED)
    with pytest.raises(ValidationError, match="closed"):
        act(heard_case, by, days(7))


def test_a_transfer_out_needs_the_receiving_area(heard_case, by):
    with pytest.raises(ValidationError) as refused:
        services.transfer_out(heard_case, by=by, to_area=" ", on=TODAY())
    assert refused.value.message_dict["to_area"] == ["A transfer out needs the receiving area."]
    with pytest.raises(ValidationError) as refused:
        services.close_case(heard_case, by=by, reason=Case.ClosureReason.TRANSFERRED_OUT)
    assert "transferred_to" in refused.value.message_dict
    heard_case.refresh_from_db()
    assert heard_case.status == Case.Status.HEARD

    moved = services.transfer_out(heard_case, by=by, to_area="Northshire MARAC", on=days(-1))
    assert (moved.status, moved.closure_reason) == (
        Case.Status.CLOSED,
        Case.ClosureReason.TRANSFERRED_OUT,
    )
    assert (moved.transferred_out_to, moved.transferred_out_on, moved.closed_on) == (
        "Northshire MARAC",
        days(-1),
        days(-1),
    )


def test_a_case_cannot_close_in_the_future(heard_case, by):
    with pytest.raises(ValidationError) as refused:
        services.close_case(
            heard_case, by=by, reason=Case.ClosureReason.RISK_REDUCED, closed_on=days(1)
        )
    assert "closed_on" in refused.value.message_dict
