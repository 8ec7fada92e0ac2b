"""The access log: written once per call, never changed, never deleted, outliving users."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from boards.tests.factories import OrganisationFactory
from reviews import services
from reviews.models import AccessLog
from reviews.tests.factories import TODAY, past_meeting
from tests.support import need

pytestmark = pytest.mark.django_db


def test_a_row_cannot_be_changed_or_deleted_one_by_one_or_in_bulk(case):
    row = AccessLog.objects.get()
    row.justification = "tidied up"
    with pytest.raises(ValidationError, match="append-only"):
        row.save()
    with pytest.raises(ValidationError, match="append-only"):
        row.delete()
    with pytest.raises(ValidationError, match="append-only"):
        AccessLog.objects.filter(pk=row.pk).update(justification="x")
    with pytest.raises(ValidationError, match="append-only"):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get().justification == ""


def test_every_service_call_writes_exactly_one_row(panel, by, case):
    meeting = past_meeting(panel)
    calls = [
        lambda: services.log_access(by, case, AccessLog.Action.VIEW),
        lambda: services.update_case(case, by=by, risk_score=20),
        lambda: services.list_for_meeting(case, meeting, by=by),
        lambda: services.mark_heard(case, meeting, by=by),
        lambda: services.add_action(
            case,
            by=by,
            agency=OrganisationFactory(),
            description="Refer to the sanctuary scheme",
            due_on=TODAY(),
        ),
        lambda: services.add_action_update(case.actions.get(), by=by, note="Survey booked."),
        lambda: services.complete_action(case.actions.get(), by=by),
        lambda: services.close_case(case, by=by, reason="risk_reduced"),
    ]
    for call in calls:
        before = AccessLog.objects.count()
        call()
        assert AccessLog.objects.count() == before + 1


def test_rows_record_who_when_which_case_and_the_panel(panel, by, case):
    row = services.log_access(by, case, AccessLog.Action.VIEW)
    assert (row.user, row.username, row.panel, row.case, row.case_reference) == (
        by,
        by.username,
        panel,
        case,
        case.reference,
    )
    assert row.at is not None


def test_a_panel_wide_list_is_logged_against_the_panel(panel, by):
    row = services.log_access(
        by, None, AccessLog.Action.LIST, panel_id=panel.pk, detail="case list"
    )
    assert (row.case, row.panel, row.case_reference) == (None, panel, "")


@pytest.mark.parametrize("action", [AccessLog.Action.EXPORT, AccessLog.Action.DISCLOSE])
def test_exports_and_disclosures_must_say_why(by, case, action):
    with pytest.raises(ValidationError) as refused:
        services.log_access(by, case, action, justification="  ")
    assert "justification" in refused.value.message_dict
    row = services.log_access(by, case, action, justification="Court order ref 4411")
    assert row.justification == "Court order ref 4411"


def test_an_unknown_action_is_refused(by, case):
    with pytest.raises(ValueError):
        services.log_access(by, case, "peek")


def test_rows_outlive_the_users_account(by, case):
    username = by.username
    by.delete()
    row = AccessLog.objects.get()
    assert (row.user, row.username) == (None, username)


def test_the_log_has_no_audit_history_table_of_its_own():
    assert not hasattr(AccessLog, "history")


@pytest.mark.services
def test_the_database_refuses_changes_and_deletes_on_postgresql(by, case):
    need("SERVICES", connection.vendor == "postgresql", "the trigger exists on PostgreSQL only")
    row = AccessLog.objects.get()
    table = AccessLog._meta.db_table
    for sql in (
        f"UPDATE {table} SET justification = 'x' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
        f"UPDATE {table} SET user_id = NULL, username = 'someone' WHERE id = %s",  # noqa: S608
    ):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [row.pk])
    assert AccessLog.objects.get().username == by.username
    # Deleting the account only blanks the link; the trigger lets that through.
    by.delete()
    assert AccessLog.objects.get().user is None
