"""Retention: only closed cases past their period are erased, and then nothing personal is left."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from boards.tests.factories import OrganisationFactory, PersonFactory
from partnership.periods import add_months
from reviews import services
from reviews.models import AccessLog, Case, CaseAction, CaseActionUpdate
from reviews.statistics import panel_statistics
from reviews.tests.factories import TODAY, ccm, coordinator, member, past_meeting, refer

pytestmark = pytest.mark.django_db

LONG_AGO = dt.timedelta(days=800)


def closed_case(panel, by, closed_on, key="AB 01/02/1990", **extra):
    case = refer(panel, by, person_key=key, referral_date=TODAY() - LONG_AGO, **extra)
    return services.close_case(
        case, by=by, reason=Case.ClosureReason.RISK_REDUCED, closed_on=closed_on, note="Safer."
    )


def test_only_closed_cases_past_their_panels_period_are_due(panel, by):
    today = TODAY()
    due = closed_case(panel, by, add_months(today, -12), key="due 1990")
    closed_case(panel, by, add_months(today, -12) + dt.timedelta(days=1), key="recent 1990")
    refer(panel, by, person_key="open 1990", referral_date=today - LONG_AGO)
    other = ccm(retention_months=24)
    other_by = coordinator(other)
    closed_case(other, other_by, add_months(today, -13), key="ccm 1990", risk_score=20)
    assert list(services.cases_due_for_disposal(today)) == [due]
    assert list(services.cases_due_for_disposal(today, panel=other)) == []


def test_an_open_or_recently_closed_case_cannot_be_erased(panel, by):
    recent = closed_case(panel, by, TODAY() - dt.timedelta(days=30))
    with pytest.raises(ValidationError, match="is kept until"):
        services.erase_case(recent, approved_by=by)
    still_open = refer(panel, by, person_key="XY 1970-01-01")
    with pytest.raises(ValidationError, match="still open"):
        services.erase_case(still_open, approved_by=by)
    recent.refresh_from_db()
    assert recent.subject_label == "AB" and recent.erased_at is None
    assert not AccessLog.objects.filter(action=AccessLog.Action.ERASE).exists()


def test_only_a_coordinator_on_the_panel_approves_erasure(panel, by, panel_coordinator):
    case = closed_case(panel, by, add_months(TODAY(), -13))
    with pytest.raises(PermissionDenied):
        services.erase_case(case, approved_by=panel_coordinator)
    with pytest.raises(PermissionDenied):
        services.erase_case(case, approved_by=member(panel).person.user)


@pytest.fixture
def erased(panel, by):
    """A case with a referrer, actions and notes, closed 13 months ago, then erased."""
    person = PersonFactory()
    meeting = past_meeting(panel, days_ago=500)
    case = refer(
        panel,
        by,
        subject_label="Client Alpha",
        referral_date=TODAY() - LONG_AGO,
        referring_person=person,
        referring_organisation=person.organisation,
        consent=Case.Consent.OVERRIDDEN,
        consent_note="Alpha's child at risk of harm",
        age_band=Case.AgeBand.AGE_25_34,
        gender=Case.Gender.FEMALE,
        children_in_household=2,
    )
    services.list_for_meeting(case, meeting, by=by)
    services.mark_heard(case, meeting, by=by)
    action = services.add_action(
        case,
        by=by,
        agency=OrganisationFactory(),
        description="Move Alpha to the refuge on Mill Street",
        owner="Alpha's housing officer",
        due_on=meeting.date,
    )
    services.add_action_update(action, by=by, note="Alpha moved on Tuesday")
    services.close_case(
        case,
        by=by,
        reason=Case.ClosureReason.OTHER,
        note="Alpha left the area",
        closed_on=add_months(TODAY(), -13),
    )
    services.erase_case(case, approved_by=by)
    case.refresh_from_db()
    return case


def test_erasure_blanks_every_identifying_field_of_the_case(erased):
    assert erased.erased_at is not None and erased.is_erased
    assert (erased.subject_label, erased.person_key_hash) == ("", "")
    assert (erased.consent_note, erased.closure_note) == ("", "")
    assert erased.referring_person is None and erased.repeat_of is None
    row = Case.objects.filter(pk=erased.pk).values().get()
    assert not any("Alpha" in str(value) for value in row.values())


def test_erasure_keeps_what_the_statistics_count(erased, panel):
    assert (erased.age_band, erased.gender, erased.children_in_household) == (
        Case.AgeBand.AGE_25_34,
        Case.Gender.FEMALE,
        2,
    )
    assert erased.reference and erased.referral_date and erased.reason_visible_high_risk
    stats = panel_statistics(panel, TODAY() - LONG_AGO, TODAY())
    assert (stats.referrals, stats.cases_heard, stats.children) == (1, 1, 2)


def test_erasure_removes_the_actions_wording_and_notes(erased):
    action = CaseAction.objects.get(case=erased)
    assert (action.description, action.owner) == ("", "")
    assert not CaseActionUpdate.objects.exists()


def test_nothing_personal_is_left_in_any_history_table(erased):
    assert not Case.history.filter(id=erased.pk).exists()
    assert not CaseAction.history.filter(case_id=erased.pk).exists()
    assert not CaseActionUpdate.history.exists()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if not table.startswith("reviews_"):
                continue
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (table names from the schema)
            text = repr(cursor.fetchall())
            assert "Alpha" not in text, table


def test_personal_fields_never_reach_the_history_tables():
    columns = {f.name for f in Case.history.model._meta.get_fields()}
    assert not columns & {"subject_label", "person_key_hash", "consent_note", "closure_note"}
    assert "gender" not in columns and "ethnicity" not in columns
    assert "description" not in {f.name for f in CaseAction.history.model._meta.get_fields()}


def test_a_tombstone_stays_in_the_access_log(erased, by):
    row = AccessLog.objects.filter(action=AccessLog.Action.ERASE).get()
    assert (row.case, row.case_reference, row.user) == (erased, erased.reference, by)
    # The case's earlier log rows survive too, naming it by reference only.
    assert AccessLog.objects.filter(case=erased).count() > 1


def test_an_erased_case_cannot_be_changed_or_erased_again(erased, by):
    with pytest.raises(ValidationError, match="has been erased"):
        services.update_case(erased, by=by, subject_label="AB")
    with pytest.raises(ValidationError, match="has been erased"):
        services.erase_case(erased, approved_by=by)
    assert list(services.cases_due_for_disposal()) == []


def test_erasing_several_due_cases_is_all_or_nothing(panel, by):
    due = closed_case(panel, by, add_months(TODAY(), -13), key="one 1990")
    recent = closed_case(panel, by, TODAY() - dt.timedelta(days=3), key="two 1990")
    with pytest.raises(ValidationError):
        services.erase_cases([due, recent], approved_by=by)
    due.refresh_from_db()
    assert due.erased_at is None
    assert services.erase_cases([due], approved_by=by) == 1
