"""Recording and correcting referrals: references, the hashed key, checks, nothing half-saved."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from boards.tests.factories import OrganisationFactory, PersonFactory
from reviews import services
from reviews.keys import hash_person_key, make_person_key
from reviews.models import AccessLog, Case
from reviews.tests.factories import TODAY, ccm, coordinator, marac, member, refer
from tests.support import need

pytestmark = pytest.mark.django_db


def test_references_run_per_panel_and_year_with_three_digits(panel, by):
    other = ccm()
    other_by = coordinator(other)
    first = refer(panel, by, referral_date=dt.date(2025, 12, 30))
    second = refer(panel, by, referral_date=dt.date(2025, 12, 31), person_key="CD 1985-07-09")
    new_year = refer(panel, by, referral_date=dt.date(2026, 1, 2), person_key="EF 1979-11-20")
    community = refer(other, other_by, referral_date=dt.date(2025, 12, 31), risk_score=20)
    assert [first.reference, second.reference, new_year.reference] == [
        "MARAC-2025-001",
        "MARAC-2025-002",
        "MARAC-2026-001",
    ]
    assert community.reference == "CCM-2025-001"


def test_the_sequence_continues_past_999(panel, by):
    refer(panel, by, referral_date=dt.date(2025, 6, 1))
    Case.objects.filter(panel=panel).update(reference_number=999)
    assert refer(panel, by, referral_date=dt.date(2025, 6, 2)).reference == "MARAC-2025-1000"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_coordinators_referring_at_once_get_different_numbers():
    """Eight referrals race for the next number: each gets its own, on PostgreSQL."""
    need("SERVICES", connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    panel = marac()
    users = [coordinator(panel) for _ in range(8)]
    organisation = OrganisationFactory()
    start = threading.Barrier(len(users))
    errors = []

    def referral(user, n):
        try:
            start.wait()
            services.refer_case(
                panel,
                by=user,
                person_key=f"AB {n:02d}/02/1990",
                referral_date=dt.date(2026, 1, 5),
                referring_organisation=organisation,
                subject_label="AB",
                consent=Case.Consent.YES,
                risk_score=18,
            )
        except Exception as e:  # noqa: BLE001 (any failure fails the test below)
            errors.append(repr(e))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=referral, args=(u, n)) for n, u in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    numbers = sorted(Case.objects.values_list("reference_number", flat=True))
    assert numbers == list(range(1, 9))


def test_the_typed_key_is_kept_only_as_a_keyed_hash(panel, by):
    case = refer(panel, by, person_key="AB 01/02/1990")
    assert case.person_key_hash == hash_person_key(panel.pk, "ab01021990")
    assert len(case.person_key_hash) == 64
    stored = Case.objects.filter(pk=case.pk).values().get()
    assert not any("1990" in str(value) for value in stored.values())


def test_the_same_key_hashes_differently_on_another_panel(panel):
    assert hash_person_key(panel.pk, "ab01021990") != hash_person_key(panel.pk + 1, "ab01021990")


def test_the_pepper_setting_changes_every_hash(panel, settings):
    before = hash_person_key(panel.pk, "ab01021990")
    settings.CASE_KEY_PEPPER = "another-pepper-for-this-test"
    assert hash_person_key(panel.pk, "ab01021990") != before


def test_initials_and_date_of_birth_make_one_fixed_key():
    assert make_person_key("A.B.", dt.date(1990, 2, 1)) == "ab19900201"


def test_a_referral_is_logged_once_as_created(panel, by):
    case = refer(panel, by)
    (row,) = AccessLog.objects.all()
    assert (row.user, row.case, row.case_reference, row.action, row.panel) == (
        by,
        case,
        case.reference,
        AccessLog.Action.CREATE,
        panel,
    )


def test_a_referral_meeting_no_criterion_is_refused_unless_professional_judgement(panel, by):
    with pytest.raises(ValidationError) as refused:
        refer(panel, by, risk_score=9, police_incidents=0)
    assert "Tick professional judgement" in str(
        refused.value.message_dict["reason_professional_judgement"]
    )
    case = refer(panel, by, risk_score=9, reason_professional_judgement=True)
    assert case.reasons == ["professional judgement"]


def test_a_visible_high_risk_score_means_a_high_risk_level(panel, by):
    with pytest.raises(ValidationError) as refused:
        refer(panel, by, risk_score=16, risk_level=Case.RiskLevel.MEDIUM)
    assert refused.value.message_dict["risk_level"] == [
        "A score of 16 is at or above the high-risk threshold (14): the risk level is high."
    ]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"subject_label": "  "}, "subject_label"),
        ({"person_key": "AB"}, "person_key"),
        ({"consent": Case.Consent.OVERRIDDEN}, "consent_note"),
        ({"consent": "maybe"}, "consent"),
        ({"police_incidents": -1}, "police_incidents"),
        ({"children_in_household": -2}, "children_in_household"),
        ({"referral_date": TODAY() + dt.timedelta(days=1)}, "referral_date"),
        ({"transferred_in_from": "Northshire"}, "transferred_in_from"),
        ({"gender": "unknown"}, "gender"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_saved(panel, by, overrides, field):
    with pytest.raises(ValidationError) as refused:
        refer(panel, by, **overrides)
    assert field in refused.value.message_dict
    assert not Case.objects.exists()
    assert not AccessLog.objects.exists()


def test_the_referrer_must_work_for_the_referring_organisation(panel, by):
    with pytest.raises(ValidationError, match="must work for the referring organisation"):
        refer(panel, by, referring_person=PersonFactory())
    person = PersonFactory()
    case = refer(panel, by, referring_person=person, referring_organisation=person.organisation)
    assert case.referring_person == person


def test_consent_overridden_with_a_reason_is_accepted(panel, by):
    case = refer(
        panel, by, consent=Case.Consent.OVERRIDDEN, consent_note="Risk of serious harm to a child."
    )
    assert case.consent == Case.Consent.OVERRIDDEN


def test_a_case_arriving_from_another_area_records_the_transfer_in(panel, by):
    case = refer(panel, by, transferred_in_from="Northshire", transferred_in_on=TODAY())
    assert (case.transferred_in_from, case.transferred_in_on) == ("Northshire", TODAY())


def test_only_a_current_member_of_the_panel_can_refer(panel, by, administrator):
    with pytest.raises(PermissionDenied):
        refer(panel, administrator)
    other = ccm()
    with pytest.raises(PermissionDenied):
        refer(panel, coordinator(other))
    assert not Case.objects.exists()


def test_a_panel_without_rules_cannot_take_referrals():
    from reviews.tests.factories import PanelFactory

    panel = PanelFactory()
    with pytest.raises(ValidationError, match="no rules yet"):
        refer(panel, member(panel).person.user)


def test_correcting_the_score_reapplies_the_rules_and_logs_the_field_names(panel, by):
    case = refer(panel, by, risk_score=12, reason_professional_judgement=True)
    updated = services.update_case(case, by=by, risk_score=15, subject_label="A.B.")
    assert updated.reason_visible_high_risk
    row = AccessLog.objects.filter(action=AccessLog.Action.CHANGE).get()
    assert row.detail == "changed risk_score, subject_label, reason_visible_high_risk"
    assert "A.B." not in row.detail and "15" not in row.detail


def test_a_correction_that_changes_nothing_writes_no_log_row(panel, by):
    case = refer(panel, by)
    services.update_case(case, by=by, risk_score=case.risk_score)
    assert AccessLog.objects.count() == 1


def test_a_new_key_relinks_the_repeat(panel, by):
    first = refer(panel, by, person_key="AB 01/02/1990", referral_date=TODAY() - dt.timedelta(9))
    second = refer(panel, by, person_key="AB 01/02/1991", referral_date=TODAY())
    assert second.repeat_of is None
    second = services.update_case(second, by=by, person_key="ab 01-02-1990")
    assert second.repeat_of == first and second.reason_repeat


def test_a_bad_correction_is_refused_and_leaves_the_case_as_it_was(panel, by):
    case = refer(panel, by, risk_score=16)
    with pytest.raises(ValidationError):
        services.update_case(case, by=by, risk_score=30, subject_label="XY")
    case.refresh_from_db()
    assert (case.risk_score, case.subject_label) == (16, "AB")
    assert AccessLog.objects.count() == 1


def test_update_case_refuses_fields_that_follow_from_other_operations(panel, by):
    case = refer(panel, by)
    with pytest.raises(TypeError):
        services.update_case(case, by=by, status=Case.Status.CLOSED)


def test_a_case_names_itself_by_reference_only(panel, by):
    case = refer(panel, by, subject_label="Client Alpha")
    assert str(case) == case.reference
    assert "Alpha" not in repr(case)


def test_a_blank_key_in_a_correction_keeps_the_stored_one(panel, by):
    case = refer(panel, by)
    stored = case.person_key_hash
    updated = services.update_case(case, by=by, person_key="  ", police_incidents=2)
    assert updated.person_key_hash == stored
