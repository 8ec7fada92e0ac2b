"""The statutory-review services: referral, decision, the stages in order, pauses,
recommendations and their roll-up, the briefing; every refusal leaves nothing behind."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from boards.tests.factories import OrganisationFactory
from reviews import statutory
from reviews.models import (
    AccessLog,
    BriefingDissemination,
    NationalNotification,
    ParallelProcess,
    Recommendation,
    RecommendationAction,
    Review,
)
from reviews.tests.factories import marac, member
from reviews.tests.statutory_factories import (
    commission,
    one_panel,
    panel_member,
    refer_review,
    review_type,
    take_to,
)

pytestmark = pytest.mark.django_db
Stage = Review.Stage
TODAY = timezone.localdate


def days_ago(n):
    return TODAY() - dt.timedelta(days=n)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- Referral ----------------------------------------------------------------------------


def test_a_referral_gets_a_reference_per_type_and_year(one_panel, panellist):
    first = refer_review(one_panel, panellist, code="DHR")
    second = refer_review(one_panel, panellist, code="DHR")
    child = refer_review(one_panel, panellist, code="CSPR")
    year = TODAY().year
    assert (first.reference, second.reference) == (f"DHR-{year}-01", f"DHR-{year}-02")
    assert child.reference == f"CSPR-{year}-01"
    assert first.stage == Stage.REFERRED
    assert AccessLog.objects.filter(review=first, action="create").count() == 1


def test_a_notification_before_the_incident_is_refused_and_nothing_is_saved(one_panel, panellist):
    with pytest.raises(ValidationError) as excinfo:
        refer_review(one_panel, panellist, incident_on=days_ago(5), notified_on=days_ago(6))
    assert "cannot come before the incident" in errors_of(excinfo)["notified_on"][0]
    assert Review.objects.count() == 0
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("subject_pseudonym", "  ", "pseudonym"),
        ("circumstances", "", "Summarise the circumstances"),
        ("incident_on", TODAY() + dt.timedelta(days=1), "future"),
    ],
)
def test_a_referral_with_a_missing_or_wrong_field_is_refused(
    one_panel, panellist, field, value, message
):
    with pytest.raises(ValidationError) as excinfo:
        refer_review(one_panel, panellist, **{field: value})
    assert message in " ".join(errors_of(excinfo)[field])
    assert not Review.objects.exists()


def test_criteria_of_another_type_and_a_sar_without_its_basis_are_refused(one_panel, panellist):
    child_criterion = review_type("CSPR").criteria.first()
    with pytest.raises(ValidationError) as excinfo:
        refer_review(one_panel, panellist, code="DHR", criteria_met=[child_criterion])
    assert (
        "Tick only criteria of a Domestic Homicide Review" in errors_of(excinfo)["criteria_met"][0]
    )
    with pytest.raises(ValidationError) as excinfo:
        refer_review(one_panel, panellist, code="SAR", basis="")
    assert "mandatory or discretionary" in errors_of(excinfo)["basis"][0]
    assert not Review.objects.exists()
    sar = refer_review(one_panel, panellist, code="SAR", basis=Review.Basis.DISCRETIONARY)
    assert sar.basis == "discretionary"
    assert sar.criteria_met.count() == 2


def test_only_members_of_the_review_panel_may_refer(one_panel):
    case_panel = marac()
    outsider = member(case_panel).person.user
    with pytest.raises(PermissionDenied):
        refer_review(one_panel, outsider)
    # A case panel is not a review panel even for its own members.
    with pytest.raises(PermissionDenied):
        refer_review(case_panel, outsider)
    assert not Review.objects.exists()


def test_the_referral_can_be_corrected_only_before_the_decision(review, panellist):
    statutory.update_referral(review, by=panellist, subject_pseudonym="Adult M")
    review.refresh_from_db()
    assert review.subject_pseudonym == "Adult M"
    with pytest.raises(ValidationError) as excinfo:
        statutory.update_referral(
            review, by=panellist, notified_on=review.incident_on - dt.timedelta(days=1)
        )
    assert "notified_on" in errors_of(excinfo)
    review.refresh_from_db()
    assert review.notified_on > review.incident_on
    commission(review, panellist)
    with pytest.raises(ValidationError, match="cannot have its referral changed"):
        statutory.update_referral(review, by=panellist, subject_pseudonym="Adult N")


# --- Decision ------------------------------------------------------------------------------


def test_a_decision_needs_a_rationale_a_date_and_a_member_who_made_it(review, panellist):
    outsider = OrganisationFactory()  # any organisation's person who is not on the panel
    from boards.tests.factories import PersonFactory

    stranger = PersonFactory(organisation=outsider)
    with pytest.raises(ValidationError) as excinfo:
        statutory.decide(
            review,
            by=panellist,
            decision="commission",
            rationale=" ",
            decided_on=review.notified_on - dt.timedelta(days=1),
            decided_by=stranger,
        )
    found = errors_of(excinfo)
    assert "rationale" in found["rationale"][0]
    assert "before the notification" in found["decided_on"][0]
    assert "member of the panel" in found["decided_by"][0]
    review.refresh_from_db()
    assert (review.stage, review.decision, review.decided_on) == ("referred", "", None)


@pytest.mark.parametrize(
    "decision, stage",
    [
        ("commission", Stage.COMMISSIONED),
        ("do_not_commission", Stage.NOT_COMMISSIONED),
        ("other_learning", Stage.OTHER_LEARNING),
    ],
)
def test_each_decision_leads_to_its_stage(review, panellist, decision, stage):
    decided = commission(review, panellist, decision=decision)
    assert decided.stage == stage
    assert decided.decided_by == panellist.person
    assert decided.is_live is (stage == Stage.COMMISSIONED)
    with pytest.raises(ValidationError, match="cannot be decided again"):
        commission(decided, panellist)


def test_national_notifications_are_recorded_with_their_dates(review, panellist):
    commission(review, panellist)
    statutory.record_notification(review, by=panellist, body="Home Office", sent_on=TODAY())
    with pytest.raises(ValidationError) as excinfo:
        statutory.record_notification(
            review, by=panellist, body="", sent_on=review.notified_on - dt.timedelta(days=1)
        )
    assert set(errors_of(excinfo)) == {"body", "sent_on"}
    assert list(NationalNotification.objects.values_list("body", flat=True)) == ["Home Office"]


# --- The stages ----------------------------------------------------------------------------


def test_a_review_moves_through_every_stage_in_order_to_closed(review, panellist):
    review = commission(review, panellist, decided_on=days_ago(9))
    review = take_to(review, panellist, Stage.PUBLISHED)
    assert review.stage == Stage.PUBLISHED
    assert review.reviewer_name and review.terms_of_reference
    assert review.published_on and review.publication_url
    review = statutory.advance(review, by=panellist, to=Stage.CLOSED, on=TODAY())
    assert (review.stage, review.closed_on, review.is_live) == (Stage.CLOSED, TODAY(), False)
    stages = [row.stage for row in Review.history.filter(id=review.pk).order_by("history_date")]
    assert stages == [
        "referred",
        "commissioned",
        "reviewer_appointed",
        "in_progress",
        "draft",
        "quality_assurance",
        "published",
        "closed",
    ]


def test_a_stage_cannot_be_skipped_or_dated_before_the_last(review, panellist):
    review = commission(review, panellist, decided_on=days_ago(5))
    with pytest.raises(ValidationError, match="cannot start now"):
        statutory.advance(review, by=panellist, to=Stage.IN_PROGRESS, on=TODAY())
    with pytest.raises(ValidationError) as excinfo:
        statutory.advance(
            review,
            by=panellist,
            to=Stage.REVIEWER_APPOINTED,
            on=days_ago(6),
            reviewer_name="",
            terms_of_reference="",
        )
    found = errors_of(excinfo)
    assert "before the review was commissioned" in found["on"][0]
    assert set(found) == {"on", "reviewer_name", "terms_of_reference"}
    review.refresh_from_db()
    assert (review.stage, review.reviewer_appointed_on, review.reviewer_name) == (
        Stage.COMMISSIONED,
        None,
        "",
    )


def test_a_published_review_needs_its_publication_date(review, panellist):
    review = take_to(commission(review, panellist), panellist, Stage.QUALITY_ASSURANCE)
    with pytest.raises(ValidationError) as excinfo:
        statutory.advance(review, by=panellist, to=Stage.PUBLISHED, on=None)
    assert errors_of(excinfo)["on"] == ["Enter the date."]
    review.refresh_from_db()
    assert review.stage == Stage.QUALITY_ASSURANCE


def test_a_review_closes_only_when_every_recommendation_is_complete(review, panellist):
    review = take_to(commission(review, panellist), panellist, Stage.PUBLISHED)
    rec = statutory.add_recommendation(
        review, by=panellist, text="Share records.", lead_organisations=[OrganisationFactory()]
    )
    with pytest.raises(ValidationError) as excinfo:
        statutory.advance(review, by=panellist, to=Stage.CLOSED, on=TODAY())
    assert "1 recommendation still open" in errors_of(excinfo)["on"][0]
    statutory.complete_recommendation(rec, by=panellist, evidence="Audit of 20 files, May.")
    closed = statutory.advance(review, by=panellist, to=Stage.CLOSED, on=TODAY())
    assert closed.stage == Stage.CLOSED


# --- Pauses -----------------------------------------------------------------------------


def test_a_parallel_process_is_recorded_and_ended(review, panellist):
    inquest = statutory.add_parallel_process(
        review, by=panellist, kind="inquest", starts_on=review.notified_on
    )
    assert inquest.ongoing and inquest.pauses_clock
    with pytest.raises(ValidationError) as excinfo:
        statutory.end_parallel_process(
            inquest, by=panellist, ends_on=review.notified_on - dt.timedelta(days=1)
        )
    assert "before its start" in errors_of(excinfo)["ends_on"][0]
    statutory.end_parallel_process(inquest, by=panellist, ends_on=TODAY())
    inquest.refresh_from_db()
    assert inquest.ends_on == TODAY()
    with pytest.raises(ValidationError, match="already ended"):
        statutory.end_parallel_process(inquest, by=panellist, ends_on=TODAY())


def test_a_parallel_process_cannot_end_before_it_starts_or_start_before_the_incident(
    review, panellist
):
    with pytest.raises(ValidationError) as excinfo:
        statutory.add_parallel_process(
            review,
            by=panellist,
            kind="criminal_trial",
            starts_on=review.incident_on - dt.timedelta(days=1),
            ends_on=review.incident_on - dt.timedelta(days=3),
        )
    assert {"starts_on", "ends_on"} <= set(errors_of(excinfo))
    assert not ParallelProcess.objects.exists()


# --- Recommendations --------------------------------------------------------------------


def test_recommendations_are_numbered_and_need_a_lead(review, panellist):
    with pytest.raises(ValidationError, match="cannot take recommendations"):
        statutory.add_recommendation(
            review, by=panellist, text="Early.", lead_organisations=[OrganisationFactory()]
        )
    review = take_to(commission(review, panellist), panellist, Stage.DRAFT)
    lead = OrganisationFactory()
    first = statutory.add_recommendation(
        review, by=panellist, text="One.", lead_organisations=[lead]
    )
    second = statutory.add_recommendation(
        review, by=panellist, text="Two.", lead_organisations=[lead]
    )
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(ValidationError) as excinfo:
        statutory.add_recommendation(review, by=panellist, text="", lead_organisations=[])
    assert set(errors_of(excinfo)) == {"text", "lead_organisations"}
    assert Recommendation.objects.count() == 2


def test_a_recommendation_cannot_be_closed_without_evidence_or_with_open_actions(review, panellist):
    review = take_to(commission(review, panellist), panellist, Stage.PUBLISHED)
    agency = OrganisationFactory()
    rec = statutory.add_recommendation(
        review, by=panellist, text="Train.", lead_organisations=[agency]
    )
    action = statutory.add_action(
        rec,
        by=panellist,
        description="Run two sessions.",
        organisation=agency,
        owner="Training lead",
        due_on=TODAY(),
    )
    with pytest.raises(ValidationError) as excinfo:
        statutory.complete_recommendation(rec, by=panellist, evidence="")
    messages = errors_of(excinfo)["evidence"]
    assert "cannot be closed without evidence" in messages[0]
    assert "1 action still open" in messages[1]
    with pytest.raises(ValidationError) as excinfo:
        statutory.update_action(action, by=panellist, status="complete", evidence=" ")
    assert "evidence" in errors_of(excinfo)
    action.refresh_from_db()
    assert action.status == "not_started"
    statutory.update_action(action, by=panellist, status="complete", evidence="Register of 40.")
    rec = statutory.complete_recommendation(rec, by=panellist, evidence="Both sessions held.")
    assert (rec.status, rec.completed_on) == ("complete", TODAY())
    with pytest.raises(ValidationError, match="is complete"):
        statutory.add_action(
            rec, by=panellist, description="More.", organisation=agency, owner="X", due_on=TODAY()
        )


def test_progress_rolls_up_per_review_and_per_organisation(one_panel, panellist):
    police, health = OrganisationFactory(name="Police"), OrganisationFactory(name="Health")
    review = take_to(
        commission(
            refer_review(one_panel, panellist, notified_on=days_ago(70)),
            panellist,
            decided_on=days_ago(60),
        ),
        panellist,
        Stage.PUBLISHED,
        start=days_ago(60),
    )
    other = refer_review(one_panel, panellist)
    recs = [
        statutory.add_recommendation(review, by=panellist, text=f"R{n}", lead_organisations=leads)
        for n, leads in ((1, [police]), (2, [police, health]), (3, [health]), (4, [health]))
    ]
    overdue = statutory.add_action(
        recs[0], by=panellist, description="a", organisation=police, owner="o", due_on=days_ago(2)
    )
    done = statutory.add_action(
        recs[1], by=panellist, description="b", organisation=health, owner="o", due_on=days_ago(2)
    )
    statutory.add_action(
        recs[2],
        by=panellist,
        description="c",
        organisation=health,
        owner="o",
        due_on=TODAY() + dt.timedelta(days=30),
    )
    statutory.update_action(done, by=panellist, status="complete", evidence="Seen.")
    statutory.complete_recommendation(recs[1], by=panellist, evidence="Done.")
    statutory.complete_recommendation(recs[3], by=panellist, evidence="Done.")
    found = statutory.progress_by_review([review, other])
    assert found[review.pk] == statutory.Progress(4, 2, 3, 1, 1)
    assert found[review.pk].percent_complete == 50
    assert found[other.pk] == statutory.Progress()
    assert found[other.pk].percent_complete is None
    by_org = {
        item.organisation.name: item.progress
        for item in statutory.progress_by_organisation(one_panel)
    }
    assert by_org["Police"] == statutory.Progress(2, 1, 1, 0, 1)
    assert by_org["Health"] == statutory.Progress(3, 2, 2, 1, 0)
    assert overdue.is_overdue()


# --- Briefing -------------------------------------------------------------------------------


def test_the_briefing_is_shared_once_per_agency_after_it_is_written(review, panellist):
    review = take_to(commission(review, panellist), panellist, Stage.PUBLISHED)
    agency = OrganisationFactory()
    with pytest.raises(ValidationError, match="Write every part of the briefing"):
        statutory.record_dissemination(
            review, by=panellist, organisation=agency, disseminated_on=TODAY(), how="Team talk"
        )
    review = statutory.update_briefing(
        review,
        by=panellist,
        findings="One.\n\nTwo.",
        briefing_summary="What happened.",
        briefing_why="Why.",
        briefing_practice="Do this.",
        briefing_questions="Would you ask?\nWho else knew?",
    )
    assert review.briefing_ready
    assert review.finding_list == ["One.", "Two."]
    assert review.question_list == ["Would you ask?", "Who else knew?"]
    statutory.record_dissemination(
        review, by=panellist, organisation=agency, disseminated_on=TODAY(), how="Team talks"
    )
    with pytest.raises(ValidationError) as excinfo:
        statutory.record_dissemination(
            review, by=panellist, organisation=agency, disseminated_on=TODAY(), how="Again"
        )
    assert "already been recorded" in errors_of(excinfo)["organisation"][0]
    assert BriefingDissemination.objects.count() == 1


def test_a_member_of_another_one_panel_cannot_touch_this_panels_review(review, panellist):
    elsewhere = panel_member(one_panel(name="Northbank One Panel"))
    with pytest.raises(PermissionDenied):
        commission(review, elsewhere, decided_by=panellist.person)
    with pytest.raises(PermissionDenied):
        statutory.add_parallel_process(review, by=elsewhere, kind="inquest", starts_on=TODAY())
    review.refresh_from_db()
    assert review.stage == Stage.REFERRED
    assert not RecommendationAction.objects.exists()


def test_a_corrected_notification_cannot_fall_after_the_referral(review, panellist):
    with pytest.raises(ValidationError) as excinfo:
        statutory.update_referral(
            review, by=panellist, notified_on=review.referred_on + dt.timedelta(days=1)
        )
    assert "after the referral" in errors_of(excinfo)["notified_on"][0]
