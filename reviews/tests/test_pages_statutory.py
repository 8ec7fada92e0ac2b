"""The statutory-review pages: the deadline dashboard, referral, the review's page, decision,
national notifications, the stages, parallel processes and the One Panel's access log."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards.tests.factories import OrganisationFactory
from partnership.periods import add_months
from reviews import statutory
from reviews.models import (
    AccessLog,
    NationalNotification,
    ParallelProcess,
    Recommendation,
    Review,
    ReviewType,
)
from reviews.tests.factories import coordinator, marac
from reviews.tests.pages import assert_error_by_field, days, messages_of, today
from reviews.tests.statutory_factories import (
    OnePanelFactory,
    commission,
    one_panel,
    panel_chair,
    panel_member,
    refer_review,
    review_type,
    take_to,
)

pytestmark = pytest.mark.django_db

Stage = Review.Stage


def url(name, *args):
    return reverse(f"reviews:{name}", args=args)


def snapshot() -> dict:
    """Everything a refused or rejected request must leave as it was."""
    return {
        "counts": [
            model.objects.count()
            for model in (Review, NationalNotification, ParallelProcess, Recommendation, AccessLog)
        ],
        "reviews": list(
            Review.objects.order_by("pk").values_list(
                "pk",
                "stage",
                "subject_pseudonym",
                "incident_on",
                "notified_on",
                "basis",
                "decision",
                "decision_rationale",
                "decided_on",
                "reviewer_name",
                "published_on",
                "closed_on",
            )
        ),
        "criteria": sorted(Review.criteria_met.through.objects.values_list("review_id", "pk")),
        "processes": list(ParallelProcess.objects.order_by("pk").values_list("pk", "ends_on")),
    }


def referral_data(code="DHR", organisation=None, **overrides) -> dict:
    """A referral form that passes for the type ``code``."""
    kind = review_type(code)
    data = {
        "review_type": kind.pk,
        "subject_pseudonym": kind.pseudonym_hint,
        "incident_on": days(-12).isoformat(),
        "notified_on": days(-9).isoformat(),
        "referring_organisation": (organisation or OrganisationFactory()).pk,
        "circumstances": "A death at home after repeated police call-outs.",
        "agencies_involved": [],
        "criteria_met": [str(c.pk) for c in kind.criteria.all()[:2]],
    }
    if kind.asks_mandatory:
        data["basis"] = Review.Basis.MANDATORY
    data.update(overrides)
    return data


def rows_of(action, **filters):
    return AccessLog.objects.filter(action=action, **filters)


@pytest.fixture
def member_client(client, panellist):
    client.force_login(panellist)
    return client


# --- Dashboard ----------------------------------------------------------------------------


def test_the_dashboard_puts_the_nearest_deadline_first_and_marks_overdue_in_words(
    member_client, one_panel, panellist
):
    # A DHR decision is due a month after notification: 40 days ago is overdue.
    late = refer_review(one_panel, panellist, notified_on=days(-40), subject_pseudonym="Adult L")
    soon = refer_review(one_panel, panellist, notified_on=days(-5), subject_pseudonym="Adult S")
    paused = refer_review(one_panel, panellist, notified_on=days(-2), subject_pseudonym="Adult P")
    statutory.add_parallel_process(
        paused, by=panellist, kind=ParallelProcess.Kind.INQUEST, starts_on=days(-1)
    )
    declined = refer_review(one_panel, panellist, notified_on=days(-20))
    commission(declined, panellist, decision=Review.Decision.DO_NOT_COMMISSION)

    response = member_client.get(url("statutory_dashboard"))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.review for row in rows] == [late, soon, paused]
    html = response.content.decode()
    assert declined.reference not in html
    assert rows[0].deadline.is_overdue and "Overdue by" in rows[0].deadline.left_text
    late_row = html[html.index(late.reference) - 200 : html.index(late.reference) + 1200]
    assert 'class="table-danger"' in late_row and ">Overdue</span>" in late_row
    assert "Clock paused" in html
    assert rows[1].deadline.left_text.endswith("days left")


def test_finished_reviews_are_shown_on_request(member_client, one_panel, panellist, review):
    declined = refer_review(one_panel, panellist)
    commission(declined, panellist, decision=Review.Decision.OTHER_LEARNING)

    response = member_client.get(url("statutory_dashboard"), {"show": "finished"})

    html = response.content.decode()
    assert declined.reference in html and "Other learning" in html
    assert review.reference not in html
    assert rows_of(AccessLog.Action.LIST, detail="finished reviews").count() == 1


def test_the_dashboard_logs_one_list_row_per_panel(client, one_panel, panellist):
    second = OnePanelFactory(name="Northshire One Panel", short_name="Northshire Panel")
    panel_member(second, panellist)
    client.force_login(panellist)

    response = client.get(url("statutory_dashboard"))

    assert response.status_code == 200
    logged = rows_of(AccessLog.Action.LIST, user=panellist)
    assert sorted(logged.values_list("panel_id", flat=True)) == sorted([one_panel.pk, second.pk])
    assert f"Refer a case to {second.display_name}" in response.content.decode()


def test_someone_on_no_review_panel_sees_a_plain_page(client, review):
    marac_member = coordinator(marac())
    client.force_login(marac_member)
    before = snapshot()

    response = client.get(url("statutory_dashboard"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "You sit on no review panel" in html
    assert review.reference not in html and "rows" not in response.context
    assert snapshot() == before
    assert "no-store" in response["Cache-Control"]


# The dashboard: session, user, the One Panels, the live reviews with their type and panel, the
# clocks and the processes prefetched, the chair check, one access-log row for the panel, and
# the menu's roles and kinds of panel.
DASHBOARD_QUERIES = 10


def _dashboard_world(count: int):
    panel = one_panel(f"One Panel of {count}")
    user = panel_member(panel)
    agency = OrganisationFactory()
    for n in range(count):
        code = ("DHR", "CSPR", "SAR")[n % 3]
        review = refer_review(panel, user, code=code, referring_organisation=agency)
        if n % 3 == 1:
            commission(review, user)
        if n % 5 == 0:
            statutory.add_parallel_process(
                review, by=user, kind=ParallelProcess.Kind.CRIMINAL_TRIAL, starts_on=days(-2)
            )
    return panel, user


def _dashboard_queries(user) -> tuple[int, int]:
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url("statutory_dashboard"))
    assert response.status_code == 200
    return len(captured.captured_queries), len(response.context["rows"])


def test_the_dashboard_takes_the_same_queries_for_3_or_30_reviews():
    _, small = _dashboard_world(3)
    _, large = _dashboard_world(30)
    assert _dashboard_queries(small) == (DASHBOARD_QUERIES, 3)
    assert _dashboard_queries(large) == (DASHBOARD_QUERIES, 30)


# --- Referral -----------------------------------------------------------------------------


def test_the_referral_form_groups_the_criteria_by_type(member_client, one_panel):
    response = member_client.get(url("statutory_refer", one_panel.pk))

    assert response.status_code == 200
    html = response.content.decode()
    for kind in ReviewType.objects.filter(active=True):
        assert f'<legend class="h6 mb-1">{kind.name}</legend>' in html
        for criterion in kind.criteria.all():
            assert f'value="{criterion.pk}"' in html
    assert "Applies to a Safeguarding Adults Review only" in html


def test_a_referral_is_recorded_and_named_by_its_reference(member_client, one_panel):
    agency = OrganisationFactory(name="Riverside Police")
    data = referral_data("CSPR", agencies_involved=[agency.pk])

    response = member_client.post(url("statutory_refer", one_panel.pk), data)

    review = Review.objects.get()
    assert response.status_code == 302 and response.url == url("review_detail", review.pk)
    assert review.reference.startswith("CSPR-")
    assert list(review.agencies_involved.all()) == [agency]
    assert sorted(str(c.pk) for c in review.criteria_met.all()) == sorted(data["criteria_met"])
    assert review.reference in messages_of(member_client.get(response.url))[0]
    assert rows_of(AccessLog.Action.CREATE, review=review).count() == 1


def test_a_notification_before_the_incident_is_refused(member_client, one_panel):
    before = snapshot()
    data = referral_data(incident_on=days(-3).isoformat(), notified_on=days(-5).isoformat())

    response = member_client.post(url("statutory_refer", one_panel.pk), data)

    assert_error_by_field(response, "notified_on", "cannot come before the incident")
    assert "Nothing was saved." in response.content.decode()
    assert snapshot() == before


def test_criteria_of_another_type_are_refused(member_client, one_panel):
    before = snapshot()
    sar = review_type("SAR").criteria.first()

    response = member_client.post(
        url("statutory_refer", one_panel.pk), referral_data("DHR", criteria_met=[str(sar.pk)])
    )

    assert_error_by_field(response, "criteria_met", "Tick only criteria of a Domestic Homicide")
    assert snapshot() == before


def test_a_sar_must_say_mandatory_or_discretionary(member_client, one_panel):
    before = snapshot()
    data = referral_data("SAR")
    del data["basis"]

    response = member_client.post(url("statutory_refer", one_panel.pk), data)

    assert_error_by_field(response, "basis", "mandatory or discretionary")
    assert snapshot() == before


def test_empty_referral_shows_each_missing_answer(member_client, one_panel):
    before = snapshot()
    response = member_client.post(url("statutory_refer", one_panel.pk), {})
    for field, message in (
        ("review_type", "Choose the type of review."),
        ("subject_pseudonym", "Give the pseudonym"),
        ("incident_on", "Give the date of the incident."),
        ("circumstances", "Summarise the circumstances"),
    ):
        assert_error_by_field(response, field, message)
    assert snapshot() == before


def test_future_dates_are_refused(member_client, one_panel):
    before = snapshot()
    data = referral_data(incident_on=days(1).isoformat(), notified_on=days(2).isoformat())

    response = member_client.post(url("statutory_refer", one_panel.pk), data)

    assert_error_by_field(response, "incident_on", "cannot be in the future")
    assert snapshot() == before


# --- Correcting the referral -------------------------------------------------------------


def test_the_referral_is_corrected_while_undecided(member_client, review):
    response = member_client.get(url("review_edit", review.pk))
    assert response.status_code == 200
    html = response.content.decode()
    for criterion in review.criteria_met.all():
        assert re.search(rf'value="{criterion.pk}"[^>]*checked', html)
    assert rows_of(AccessLog.Action.VIEW, review=review, detail="referral edit form").exists()
    data = {
        **response.context["form"].initial,
        "subject_pseudonym": "Adult Q",
        "incident_on": review.incident_on.isoformat(),
        "notified_on": review.notified_on.isoformat(),
        "referring_organisation": review.referring_organisation_id,
    }

    response = member_client.post(url("review_edit", review.pk), data)

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.subject_pseudonym == "Adult Q"
    assert review.criteria_met.count() == 2  # kept from the form's initial values


def test_a_decided_referral_cannot_be_corrected(member_client, review, panellist):
    commission(review, panellist)
    before = snapshot()

    response = member_client.post(url("review_edit", review.pk), {"subject_pseudonym": "X"})

    assert response.status_code == 403
    assert "can no longer change" in response.content.decode()
    assert snapshot() == before


# --- The review's page --------------------------------------------------------------------


def test_the_review_page_shows_the_deadlines_and_logs_the_view(member_client, review):
    response = member_client.get(url("review_detail", review.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert review.reference in html and review.subject_pseudonym in html
    assert "Decision" in html and "Statutory" in html
    assert "Starts at the decision to commission" in html  # the completion clock
    assert "Record the decision" in html
    assert rows_of(AccessLog.Action.VIEW, review=review).count() == 1
    context = response.context
    for key in ("recommendations", "progress", "disseminations", "today"):
        assert key in context
    assert context["can_take_recommendations"] is False


def test_a_paused_clock_shows_in_words(member_client, review, panellist):
    statutory.add_parallel_process(
        review, by=panellist, kind=ParallelProcess.Kind.CRIMINAL_TRIAL, starts_on=days(-1)
    )
    html = member_client.get(url("review_detail", review.pk)).content.decode()
    assert "Clock paused" in html and "Not known while paused" in html
    assert "End it" in html


def _detail_queries(client, review) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url("review_detail", review.pk))
    assert response.status_code == 200
    return len(captured.captured_queries)


# The review's page: session, user, the review with its panel, type, referrer and decider,
# the access-log row, clocks, processes, the criteria met and the type's criteria,
# notifications, agencies, recommendations with their leads, actions and the actions'
# organisations, the two progress counts, disseminations, the chair check, and the menu's roles
# and kinds of panel.
DETAIL_QUERIES = 20


def test_the_review_page_takes_the_same_queries_for_1_or_5_recommendations(client):
    panel = one_panel()
    user = panel_chair(panel)
    agency = OrganisationFactory()
    reviews = []
    for count in (1, 5):
        review = take_to(commission(refer_review(panel, user), user), user, Stage.IN_PROGRESS)
        for n in range(count):
            recommendation = statutory.add_recommendation(
                review, by=user, text=f"Recommendation {n}", lead_organisations=[agency]
            )
            statutory.add_action(
                recommendation,
                by=user,
                description="Train staff",
                organisation=agency,
                owner="Head of Service",
                due_on=days(30),
            )
        reviews.append(review)
    client.force_login(user)
    assert [_detail_queries(client, review) for review in reviews] == [DETAIL_QUERIES] * 2


# --- Decision -----------------------------------------------------------------------------


def test_a_decision_needs_a_rationale(member_client, review, panellist):
    before = snapshot()
    data = {
        "decision": Review.Decision.COMMISSION,
        "rationale": "  ",
        "decided_on": today().isoformat(),
        "decided_by": panellist.person.pk,
    }

    response = member_client.post(url("review_decide", review.pk), data)

    assert_error_by_field(response, "rationale", "Give the rationale for the decision.")
    assert snapshot() == before


def test_a_decision_before_the_notification_is_refused(member_client, review, panellist):
    before = snapshot()
    data = {
        "decision": Review.Decision.COMMISSION,
        "rationale": "Criteria met.",
        "decided_on": (review.notified_on - dt.timedelta(days=1)).isoformat(),
        "decided_by": panellist.person.pk,
    }

    response = member_client.post(url("review_decide", review.pk), data)

    assert_error_by_field(response, "decided_on", "cannot come before the notification")
    assert snapshot() == before


def test_commissioning_prompts_for_the_national_notifications(member_client, review, panellist):
    form = member_client.get(url("review_decide", review.pk)).context["form"]
    assert form["decided_by"].value() == panellist.person.pk
    data = {
        "decision": Review.Decision.COMMISSION,
        "rationale": "The criteria are met.",
        "decided_on": today().isoformat(),
        "decided_by": panellist.person.pk,
    }

    response = member_client.post(url("review_decide", review.pk), data, follow=True)

    review.refresh_from_db()
    assert (review.stage, review.decided_by) == (Stage.COMMISSIONED, panellist.person)
    assert "Record the notifications to Home Office" in messages_of(response)[0]
    html = response.content.decode()
    assert 'data-testid="notify-prompt"' in html
    assert url("review_notification_add", review.pk) + "?body=Home%20Office" in html
    assert "Appoint the reviewer" in html


# --- National notifications -----------------------------------------------------------------


def test_a_notification_is_recorded_with_its_date(member_client, review, panellist):
    commission(review, panellist)
    form_page = member_client.get(
        url("review_notification_add", review.pk), {"body": "Home Office"}
    )
    assert form_page.context["form"]["body"].value() == "Home Office"
    assert '<option value="Home Office">' in form_page.content.decode()

    response = member_client.post(
        url("review_notification_add", review.pk),
        {"body": "Home Office", "sent_on": today().isoformat(), "note": "By secure e-mail"},
        follow=True,
    )

    assert NationalNotification.objects.get(review=review).sent_on == today()
    assert 'data-testid="notify-prompt"' not in response.content.decode()


def test_a_notification_before_the_partnerships_own_is_refused(member_client, review):
    before = snapshot()
    data = {"body": "Home Office", "sent_on": (review.notified_on - dt.timedelta(days=2))}

    response = member_client.post(url("review_notification_add", review.pk), data)

    assert_error_by_field(response, "sent_on", "cannot come before the notification")
    assert snapshot() == before


# --- The stages -------------------------------------------------------------------------------


def test_a_review_goes_through_every_stage_to_closed(member_client, review, panellist):
    commission(review, panellist)
    on = today().isoformat()
    steps = [
        (
            Stage.REVIEWER_APPOINTED,
            {
                "on": on,
                "reviewer_name": "Dr A. Reviewer",
                "terms_of_reference": "How agencies shared what they knew.",
                "terms_agreed_on": on,
            },
        ),
        (Stage.IN_PROGRESS, {"on": on}),
        (Stage.DRAFT, {"on": on}),
        (Stage.QUALITY_ASSURANCE, {"on": on}),
        (Stage.PUBLISHED, {"on": on, "publication_url": "https://example.org/dhr"}),
        (Stage.CLOSED, {"on": on, "closing_note": "Learning embedded."}),
    ]
    for stage, data in steps:
        page = member_client.get(url("review_detail", review.pk)).content.decode()
        assert url("review_advance", review.pk, stage) in page  # the next step's button
        assert member_client.get(url("review_advance", review.pk, stage)).status_code == 200
        response = member_client.post(url("review_advance", review.pk, stage), data)
        assert response.status_code == 302, response.context["form"].errors
        review.refresh_from_db()
        assert review.stage == stage

    assert (review.published_on, review.closed_on) == (today(), today())
    assert review.publication_url == "https://example.org/dhr"
    stages = rows_of(AccessLog.Action.CHANGE, review=review, detail__startswith="stage: ")
    assert stages.count() == len(steps)
    response = member_client.get(url("statutory_dashboard"), {"show": "finished"})
    assert review.reference in response.content.decode()


def test_publishing_needs_a_date(member_client, review, panellist):
    take_to(commission(review, panellist), panellist, Stage.QUALITY_ASSURANCE)
    before = snapshot()

    response = member_client.post(
        url("review_advance", review.pk, Stage.PUBLISHED),
        {"on": "", "publication_url": "https://example.org/r"},
    )

    assert_error_by_field(response, "on", "A published review needs its publication date.")
    assert snapshot() == before


def test_a_stage_out_of_order_is_refused_on_the_form(member_client, review, panellist):
    commission(review, panellist)
    before = snapshot()

    response = member_client.post(
        url("review_advance", review.pk, Stage.PUBLISHED), {"on": today().isoformat()}
    )

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors and "cannot be published now" in errors[0]
    assert "Nothing was saved." in response.content.decode()
    assert snapshot() == before


def test_appointing_needs_the_reviewer_and_terms(member_client, review, panellist):
    commission(review, panellist)
    before = snapshot()
    response = member_client.post(
        url("review_advance", review.pk, Stage.REVIEWER_APPOINTED), {"on": today().isoformat()}
    )
    assert_error_by_field(response, "reviewer_name", "Name the independent reviewer.")
    assert_error_by_field(response, "terms_of_reference", "Set out the terms of reference.")
    assert snapshot() == before


def test_a_stage_date_in_the_future_is_refused(member_client, review, panellist):
    commission(review, panellist)
    before = snapshot()
    response = member_client.post(
        url("review_advance", review.pk, Stage.REVIEWER_APPOINTED),
        {"on": days(3).isoformat(), "reviewer_name": "Dr R", "terms_of_reference": "Terms"},
    )
    assert_error_by_field(response, "on", "cannot be in the future")
    assert snapshot() == before


def test_closing_waits_for_every_recommendation(member_client, review, panellist):
    take_to(commission(review, panellist), panellist, Stage.IN_PROGRESS)
    statutory.add_recommendation(
        review, by=panellist, text="Share risk", lead_organisations=[OrganisationFactory()]
    )
    take_to(Review.objects.get(pk=review.pk), panellist, Stage.PUBLISHED, start=days(-1))
    before = snapshot()

    response = member_client.post(
        url("review_advance", review.pk, Stage.CLOSED), {"on": today().isoformat()}
    )

    assert_error_by_field(response, "on", "1 recommendation still open")
    assert snapshot() == before


def test_an_unknown_stage_is_not_found(member_client, review):
    assert member_client.get(url("review_advance", review.pk, "abandoned")).status_code == 404
    assert member_client.get(url("review_advance", review.pk, "referred")).status_code == 404


# --- Parallel processes ---------------------------------------------------------------------


def test_a_pausing_process_moves_the_deadline_and_ends(member_client, review):
    response = member_client.post(
        url("review_process_add", review.pk),
        {"kind": "inquest", "starts_on": days(-2).isoformat(), "pauses_clock": "on"},
    )
    assert response.status_code == 302
    process = ParallelProcess.objects.get(review=review)
    assert process.pauses_clock and process.ongoing
    assert "Clock paused" in member_client.get(url("review_detail", review.pk)).content.decode()

    response = member_client.post(
        url("review_process_end", process.pk), {"ends_on": today().isoformat()}, follow=True
    )

    process.refresh_from_db()
    assert process.ends_on == today()
    deadline = response.context["deadlines"][0]
    # Three paused days (two days ago to today) move the month's deadline on by three.
    assert deadline.due_on == add_months(review.notified_on, 1) + dt.timedelta(days=3)
    assert "End it" not in response.content.decode()


def test_a_process_end_in_the_future_is_refused(member_client, review):
    before = snapshot()
    response = member_client.post(
        url("review_process_add", review.pk),
        {"kind": "inquest", "starts_on": days(-2).isoformat(), "ends_on": days(5).isoformat()},
    )
    assert_error_by_field(response, "ends_on", "Leave the end blank until the process has ended.")
    assert snapshot() == before


def test_a_process_cannot_end_before_it_starts(member_client, review, panellist):
    process = statutory.add_parallel_process(
        review, by=panellist, kind=ParallelProcess.Kind.INQUEST, starts_on=days(-2)
    )
    before = snapshot()
    response = member_client.post(
        url("review_process_end", process.pk), {"ends_on": days(-4).isoformat()}
    )
    assert_error_by_field(response, "ends_on", "cannot come before its start")
    assert snapshot() == before


# --- Access log ---------------------------------------------------------------------------


def test_the_chair_reads_the_panels_access_log(client, one_panel, review, panellist):
    chair = panel_chair(one_panel)
    client.force_login(panellist)
    client.get(url("review_detail", review.pk))
    client.force_login(chair)

    response = client.get(url("statutory_access_log", one_panel.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="{url("review_detail", review.pk)}">{review.reference}</a>' in html
    assert panellist.get_username() in html
    assert "Review reference" in html
    filtered = client.get(url("statutory_access_log", one_panel.pk), {"action": "view"})
    assert {row.action for row in filtered.context["rows"]} == {AccessLog.Action.VIEW}


def test_a_member_who_does_not_preside_is_refused_the_log_with_a_reason(member_client, one_panel):
    response = member_client.get(url("statutory_access_log", one_panel.pk))
    assert response.status_code == 403
    assert "Chair and Deputy Chair read its access log" in response.content.decode()
