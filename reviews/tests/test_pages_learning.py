"""The learning pages of a statutory review: recommendations and their actions, implementation
progress, the 7-minute briefing and who has shared it.

Good input saves and says so; bad input comes back beside its field with nothing changed.
"""

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from boards.models import Board, Organisation
from boards.tests.factories import OrganisationFactory
from reviews import statutory
from reviews.models import (
    AccessLog,
    BriefingDissemination,
    Recommendation,
    RecommendationAction,
    Review,
)
from reviews.statutory import BRIEFING_FIELDS
from reviews.tests.factories import coordinator, marac
from reviews.tests.pages import assert_error_by_field
from reviews.tests.statutory_factories import (
    OnePanelFactory,
    commission,
    one_panel,
    panel_member,
    refer_review,
    take_to,
)
from reviews.tests.test_briefing_pdf import BRIEFING

pytestmark = pytest.mark.django_db

Stage = Review.Stage


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def url(name, *args) -> str:
    return reverse(f"reviews:{name}", args=args)


def detail(review, anchor="") -> str:
    return url("review_detail", review.pk) + (f"#{anchor}" if anchor else "")


def messages_after(response) -> list[str]:
    """The messages a redirect leaves for the next page, which is not fetched: they are
    dropped from the client too, so the next request starts without them."""
    response.client.cookies.pop("messages", None)
    return [str(m) for m in get_messages(response.wsgi_request)]


def get_then_post(client, address, data):
    """The page, then the form sent; one at a time, so each response is checked in turn."""
    yield client.get(address)
    yield client.post(address, data)


def flat(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@dataclass
class LearningWorld:
    panel: Board
    member: object
    other_panel: Board
    other_member: object
    marac_member: object
    review: Review
    lead: Organisation
    agency: Organisation
    recommendation: Recommendation  # open, with one open action
    action: RecommendationAction
    bare: Recommendation  # open, with no actions


def build_learning_world() -> LearningWorld:
    """A One Panel's published review with its briefing written, two open recommendations (one
    with an open action), and members of another One Panel and of a MARAC."""
    panel = one_panel()
    member = panel_member(panel)
    other_panel = OnePanelFactory(short_name="Other One Panel")
    other_member = panel_member(other_panel)
    marac_member = coordinator(marac())
    lead = OrganisationFactory(name="Riverside Police")
    agency = OrganisationFactory(name="Riverside Housing")
    review = refer_review(panel, member, subject_pseudonym="Adult M", agencies_involved=[lead])
    review = take_to(commission(review, member), member, Stage.PUBLISHED)
    recommendation = statutory.add_recommendation(
        review,
        by=member,
        text="Officers review earlier call-outs before assessing risk.",
        lead_organisations=[lead],
    )
    action = statutory.add_action(
        recommendation,
        by=member,
        description="Add a history check to the risk assessment form.",
        organisation=lead,
        owner="Detective Inspector, Public Protection",
        due_on=days(30),
    )
    bare = statutory.add_recommendation(
        review,
        by=member,
        text="Housing officers are trained to spot signs of coercive control.",
        lead_organisations=[agency],
    )
    review = statutory.update_briefing(review, by=member, **BRIEFING)
    return LearningWorld(
        panel=panel,
        member=member,
        other_panel=other_panel,
        other_member=other_member,
        marac_member=marac_member,
        review=review,
        lead=lead,
        agency=agency,
        recommendation=recommendation,
        action=action,
        bare=bare,
    )


def snapshot() -> dict:
    """Everything a refused request must leave as it was."""
    return {
        "counts": [
            model.objects.count()
            for model in (Recommendation, RecommendationAction, BriefingDissemination, AccessLog)
        ],
        "recommendations": list(
            Recommendation.objects.order_by("pk").values_list(
                "pk", "number", "text", "status", "evidence", "completed_on"
            )
        ),
        "leads": list(
            Recommendation.lead_organisations.through.objects.order_by("pk").values_list(
                "recommendation_id", "organisation_id"
            )
        ),
        "actions": list(
            RecommendationAction.objects.order_by("pk").values_list(
                "pk", "description", "organisation_id", "owner", "due_on", "status", "evidence"
            )
        ),
        "briefings": list(Review.objects.order_by("pk").values_list("pk", *BRIEFING_FIELDS)),
        "disseminations": list(
            BriefingDissemination.objects.order_by("pk").values_list(
                "pk", "organisation_id", "disseminated_on", "how"
            )
        ),
    }


def assert_refused_by_field(client, address, data, field, message):
    """Posting ``data`` re-renders the form with ``message`` by ``field`` and changes nothing."""
    before = snapshot()
    response = client.post(address, data)
    assert_error_by_field(response, field, message)
    assert "Nothing was saved." in response.content.decode()
    assert snapshot() == before


@pytest.fixture
def world():
    return build_learning_world()


@pytest.fixture
def signed_in(client, world):
    client.force_login(world.member)
    return client


# --- Recommendations ------------------------------------------------------------------------------


def test_the_recommendation_form_offers_active_organisations_as_boxes(signed_in, world):
    OrganisationFactory(name="Closed Agency", active=False)
    response = signed_in.get(url("recommendation_add", world.review.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'type="checkbox"[^>]*name="lead_organisations"', html)
    assert "Riverside Police" in html and "Riverside Housing" in html
    assert "Closed Agency" not in html


def test_a_recommendation_is_added_with_the_next_number(signed_in, world):
    response = signed_in.post(
        url("recommendation_add", world.review.pk),
        {"text": "  GPs ask about abuse at home.  ", "lead_organisations": [world.agency.pk]},
    )
    added = Recommendation.objects.get(review=world.review, number=3)
    assert response.status_code == 302
    assert response.url == detail(world.review, "recommendation-3")
    assert added.text == "GPs ask about abuse at home."
    assert list(added.lead_organisations.all()) == [world.agency]
    assert added.status == Recommendation.Status.OPEN
    assert messages_after(response) == [f"Recommendation 3 added to {world.review.reference}."]


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"text": "   "}, "text", "Write the recommendation."),
        (
            {"lead_organisations": []},
            "lead_organisations",
            "Choose at least one lead organisation.",
        ),
        (
            {"lead_organisations": ["999999"]},
            "lead_organisations",
            "Choose the lead organisations from the list.",
        ),
    ],
)
def test_a_bad_recommendation_is_refused_by_field(signed_in, world, data, field, message):
    posted = {"text": "GPs ask about abuse at home.", "lead_organisations": [world.lead.pk]}
    posted.update(data)
    assert_refused_by_field(
        signed_in, url("recommendation_add", world.review.pk), posted, field, message
    )


def test_a_review_not_yet_under_way_takes_no_recommendation(client, world):
    review = refer_review(world.panel, world.member)
    review = commission(review, world.member)
    client.force_login(world.member)
    before = snapshot()
    for response in get_then_post(
        client,
        url("recommendation_add", review.pk),
        {"text": "Too early", "lead_organisations": [world.lead.pk]},
    ):
        assert response.status_code == 302
        assert response.url == detail(review, "recommendations")
        assert messages_after(response) == [
            f"{review.reference} is commissioned: recommendations are added from the "
            "reviewer's appointment until publication."
        ]
    assert snapshot() == before


# --- Actions --------------------------------------------------------------------------------------


def action_data(world, **overrides) -> dict:
    data = {
        "description": "Run briefings for neighbourhood officers.",
        "organisation": world.agency.pk,
        "owner": "Head of Housing Management",
        "due_on": days(60).isoformat(),
    }
    data.update(overrides)
    return data


def test_an_action_is_added_to_a_recommendation(signed_in, world):
    response = signed_in.post(url("recommendation_action_add", world.bare.pk), action_data(world))
    action = world.bare.actions.get()
    assert response.status_code == 302
    assert response.url == detail(world.review, "recommendation-2")
    assert (action.organisation, action.owner, action.due_on, action.status) == (
        world.agency,
        "Head of Housing Management",
        days(60),
        RecommendationAction.Status.NOT_STARTED,
    )
    assert messages_after(response) == ["Action for Riverside Housing added to recommendation 2."]


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"description": " "}, "description", "Describe the action."),
        ({"organisation": ""}, "organisation", "Choose the organisation that will act."),
        ({"organisation": "999999"}, "organisation", "Choose the organisation from the list."),
        ({"owner": ""}, "owner", "Name the post or person who owns the action."),
        ({"due_on": ""}, "due_on", "Give the due date."),
        ({"due_on": "2026-02-31"}, "due_on", "Enter a real date."),
        ({"due_on": "2001-01-01"}, "due_on", "The due date cannot come before the decision"),
    ],
)
def test_a_bad_action_is_refused_by_field(signed_in, world, overrides, field, message):
    assert_refused_by_field(
        signed_in,
        url("recommendation_action_add", world.bare.pk),
        action_data(world, **overrides),
        field,
        message,
    )


def test_the_action_update_form_shows_the_action(signed_in, world):
    response = signed_in.get(url("recommendation_action_update", world.action.pk))
    assert response.status_code == 200
    html = flat(response)
    assert "Add a history check to the risk assessment form." in html
    assert "Detective Inspector, Public Protection" in html
    assert f'value="{days(30).isoformat()}"' in html


def update_data(**overrides) -> dict:
    data = {"status": "in_progress", "evidence": "", "completed_on": "", "due_on": ""}
    data["due_on"] = days(30).isoformat()
    data.update(overrides)
    return data


def test_an_action_moves_on_and_its_due_date_can_change(signed_in, world):
    response = signed_in.post(
        url("recommendation_action_update", world.action.pk),
        update_data(due_on=days(45).isoformat()),
    )
    world.action.refresh_from_db()
    assert response.status_code == 302
    assert response.url == detail(world.review, "recommendation-1")
    assert (world.action.status, world.action.due_on) == ("in_progress", days(45))
    assert messages_after(response) == [
        "Action for Riverside Police on recommendation 1: in progress."
    ]


def test_an_action_completes_with_its_evidence(signed_in, world):
    signed_in.post(
        url("recommendation_action_update", world.action.pk),
        update_data(status="complete", evidence="New form in use since the audit."),
    )
    world.action.refresh_from_db()
    assert world.action.status == "complete"
    assert world.action.evidence == "New form in use since the audit."
    assert world.action.completed_on == today()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"status": "complete"}, "evidence", "Give the evidence that the action is complete."),
        (
            {"status": "complete", "evidence": "Done", "completed_on": days(2).isoformat()},
            "completed_on",
            "This date cannot be in the future.",
        ),
        ({"status": "finished"}, "status", "Choose the action's status."),
        ({"due_on": ""}, "due_on", "Give the due date."),
    ],
)
def test_a_bad_action_update_is_refused_by_field(signed_in, world, overrides, field, message):
    assert_refused_by_field(
        signed_in,
        url("recommendation_action_update", world.action.pk),
        update_data(**overrides),
        field,
        message,
    )


# --- Completing a recommendation ------------------------------------------------------------------


def test_a_recommendation_completes_with_its_evidence(signed_in, world):
    response = signed_in.post(
        url("recommendation_complete", world.bare.pk),
        {
            "evidence": "Training delivered to 40 housing officers; attendance audited.",
            "completed_on": "",
        },
    )
    world.bare.refresh_from_db()
    assert response.status_code == 302
    assert response.url == detail(world.review, "recommendation-2")
    assert (world.bare.status, world.bare.completed_on) == ("complete", today())
    assert world.bare.evidence.startswith("Training delivered")
    assert messages_after(response) == ["Recommendation 2 is complete."]


def test_a_recommendation_is_not_closed_without_evidence(signed_in, world):
    assert_refused_by_field(
        signed_in,
        url("recommendation_complete", world.bare.pk),
        {"evidence": "  ", "completed_on": ""},
        "evidence",
        "A recommendation cannot be closed without evidence.",
    )


def test_a_recommendation_is_not_closed_while_its_actions_are_open(signed_in, world):
    response = signed_in.get(url("recommendation_complete", world.recommendation.pk))
    assert "It has 1 open action: complete it first." in flat(response)
    assert_refused_by_field(
        signed_in,
        url("recommendation_complete", world.recommendation.pk),
        {"evidence": "Audit shows the new form in use.", "completed_on": ""},
        "evidence",
        "1 action still open: complete them first.",
    )


def test_a_future_completion_date_is_refused(signed_in, world):
    assert_refused_by_field(
        signed_in,
        url("recommendation_complete", world.bare.pk),
        {"evidence": "Training delivered", "completed_on": days(1).isoformat()},
        "completed_on",
        "This date cannot be in the future.",
    )


def test_a_complete_recommendation_takes_no_more_changes(signed_in, world):
    done = statutory.add_action(
        world.bare,
        by=world.member,
        description="Book the training dates.",
        organisation=world.agency,
        owner="Training lead",
        due_on=days(5),
    )
    statutory.update_action(done, by=world.member, status="complete", evidence="Booked.")
    statutory.complete_recommendation(world.bare, by=world.member, evidence="Training delivered")
    before = snapshot()
    for address, data in (
        (url("recommendation_complete", world.bare.pk), {"evidence": "Again"}),
        (url("recommendation_action_add", world.bare.pk), action_data(world)),
        (url("recommendation_action_update", done.pk), update_data()),
    ):
        for response in get_then_post(signed_in, address, data):
            assert response.status_code == 302
            assert response.url == detail(world.review, "recommendation-2")
            assert messages_after(response) == ["Recommendation 2 is complete; it cannot change."]
    assert snapshot() == before


# --- What the review's page shows -----------------------------------------------------------------


def detail_context(review: Review) -> dict:
    """What the review's page gives the two includes, loaded as it loads them."""
    review = Review.objects.select_related("review_type", "panel").get(pk=review.pk)
    return {
        "review": review,
        "recommendations": list(
            review.recommendations.prefetch_related("lead_organisations", "actions__organisation")
        ),
        "progress": statutory.progress_by_review([review])[review.pk],
        "disseminations": list(review.disseminations.select_related("organisation")),
        "agencies_involved": list(review.agencies_involved.all()),
        "today": today(),
        "can_take_recommendations": review.stage in statutory.TAKES_RECOMMENDATIONS,
    }


def render_includes(context) -> str:
    """Both includes, counting their queries: there must be none."""
    with CaptureQueriesContext(connection) as queries:
        html = render_to_string("reviews/statutory/_recommendations.html", context)
        html += render_to_string("reviews/statutory/_briefing.html", context)
    assert len(queries) == 0, [q["sql"] for q in queries]
    return re.sub(r"\s+", " ", html)


def test_the_recommendations_include_shows_numbers_leads_status_and_progress(world):
    statutory.add_action(
        world.bare,
        by=world.member,
        description="Book the training dates.",
        organisation=world.agency,
        owner="Training lead",
        due_on=days(-1),
    )
    html = render_includes(detail_context(world.review))
    assert "Recommendation 1" in html and "Recommendation 2" in html
    assert "Officers review earlier call-outs before assessing risk." in html
    assert "Lead organisation:</span> Riverside Police" in html
    assert "0 of 2</strong> recommendations complete (0%)" in html
    assert "Actions: 0 of 2 complete, 1 overdue." in html
    assert html.count(">Overdue</span>") == 1
    assert "Detective Inspector, Public Protection" in html
    assert html.count(">Open</span>") == 2
    assert url("recommendation_add", world.review.pk) in html
    assert url("recommendation_action_update", world.action.pk) in html
    assert url("recommendation_complete", world.bare.pk) in html
    assert url("statutory_progress", world.panel.pk) in html


def test_a_complete_recommendation_shows_its_evidence_and_no_buttons(world):
    statutory.update_action(
        world.action, by=world.member, status="complete", evidence="Form changed."
    )
    statutory.complete_recommendation(
        world.recommendation, by=world.member, evidence="Audit of 30 assessments."
    )
    html = render_includes(detail_context(world.review))
    assert "1 of 2</strong> recommendations complete (50%)" in html
    assert f"Complete on {today():%-d %B %Y}.</span> Evidence:" in html
    assert "Audit of 30 assessments." in html
    assert "Evidence: Form changed." in html
    assert url("recommendation_complete", world.recommendation.pk) not in html
    assert url("recommendation_action_add", world.recommendation.pk) not in html
    assert url("recommendation_action_update", world.action.pk) not in html
    assert url("recommendation_complete", world.bare.pk) in html


def test_the_briefing_include_shows_readiness_links_and_who_shared_it(world):
    statutory.record_dissemination(
        world.review,
        by=world.member,
        organisation=world.agency,
        disseminated_on=today(),
        how="Team meetings",
    )
    context = detail_context(world.review)
    html = render_includes(context)
    assert "Ready</span> Every part is written." in html
    for name in ("review_briefing_edit", "review_briefing", "review_briefing_pdf"):
        assert url(name, world.review.pk) in html
    assert url("review_dissemination_add", world.review.pk) in html
    assert f'Riverside Housing</td><td class="text-nowrap">{today():%-d %b %Y}' in html
    # Housing shared it but was not among the agencies involved; the police were.
    assert "0 of 1 agency involved has shared it." in html
    statutory.record_dissemination(
        world.review,
        by=world.member,
        organisation=world.lead,
        disseminated_on=today(),
        how="Bulletin",
    )
    html = render_includes(detail_context(world.review))
    assert "1 of 1 agency involved has shared it." in html
    context = detail_context(world.review)
    del context["agencies_involved"]
    html = render_includes(context)
    assert "agency involved" not in html
    assert "Riverside Police" in html


def test_the_briefing_include_names_the_missing_parts(world):
    statutory.update_briefing(world.review, by=world.member, briefing_why="", findings="")
    html = render_includes(detail_context(world.review))
    assert "Not ready</span> Still to write:" in html
    assert "<li>Why it matters</li>" in html and "<li>Key findings</li>" in html
    assert "<li>Questions for reflection</li>" not in html
    assert url("review_briefing_pdf", world.review.pk) not in html
    assert url("review_dissemination_add", world.review.pk) not in html


def test_the_review_page_carries_both_includes(signed_in, world):
    response = signed_in.get(detail(world.review))
    assert response.status_code == 200
    html = flat(response)
    assert 'id="recommendations"' in html and 'id="briefing"' in html
    assert "Recommendation 2" in html


# --- Implementation progress ----------------------------------------------------------------------


def test_progress_rolls_up_by_review_and_by_organisation(signed_in, world):
    statutory.update_action(
        world.action, by=world.member, status="complete", evidence="Form changed."
    )
    statutory.complete_recommendation(
        world.recommendation, by=world.member, evidence="Audit of 30 assessments."
    )
    statutory.add_action(
        world.bare,
        by=world.member,
        description="Book the training dates.",
        organisation=world.agency,
        owner="Training lead",
        due_on=days(-1),
    )
    second = take_to(
        commission(refer_review(world.panel, world.member), world.member),
        world.member,
        Stage.IN_PROGRESS,
    )
    referred_only = refer_review(world.panel, world.member)
    elsewhere = refer_review(world.other_panel, world.other_member)
    response = signed_in.get(url("statutory_progress", world.panel.pk))
    assert response.status_code == 200
    html = flat(response)
    by_review = html[html.index('data-testid="progress-by-review"') :]
    by_organisation = html[html.index('data-testid="progress-by-organisation"') :]
    row = by_review[by_review.index(world.review.reference) :]
    assert re.match(
        r".*?Published</td> <td[^>]*>1 of 2 \(50%\)</td> <td[^>]*>1 of 2 \(50%\)</td> "
        r"<td[^>]*><span[^>]*>1 overdue</span>",
        row,
    ), row[:400]
    row = by_review[by_review.index(second.reference) :]
    assert re.match(r".*?In progress</td> <td[^>]*><span[^>]*>No recommendations yet", row)
    assert referred_only.reference not in html and elsewhere.reference not in html
    police = by_organisation[by_organisation.index("Riverside Police") :]
    assert re.match(r"Riverside Police</th> <td[^>]*>1 of 1 \(100%\)</td> <td[^>]*>1 of 1", police)
    housing = by_organisation[by_organisation.index("Riverside Housing") :]
    assert re.match(
        r"Riverside Housing</th> <td[^>]*>0 of 1 \(0%\)</td> <td[^>]*>0 of 1 \(0%\)</td> "
        r"<td[^>]*><span[^>]*>1 overdue",
        housing,
    )
    log = AccessLog.objects.latest("pk")
    assert (log.action, log.panel, log.detail) == ("list", world.panel, "implementation progress")


# Sign-in, navigation, the panel, its reviews, two for their progress, three for the
# organisations', and the access-log row.
PROGRESS_QUERIES = 12


def _add_reviews(world, count: int) -> None:
    for n in range(count):
        review = take_to(
            commission(refer_review(world.panel, world.member), world.member),
            world.member,
            Stage.IN_PROGRESS,
        )
        recommendation = statutory.add_recommendation(
            review, by=world.member, text=f"Recommendation {n}", lead_organisations=[world.lead]
        )
        statutory.add_action(
            recommendation,
            by=world.member,
            description="Act",
            organisation=OrganisationFactory(),
            owner="Manager",
            due_on=days(-1),
        )


def _queries_for_progress(client, world) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("statutory_progress", world.panel.pk))
    assert response.status_code == 200
    return len(queries)


def test_progress_takes_as_many_queries_for_ten_reviews_as_for_two(signed_in, world):
    _add_reviews(world, 1)  # two reviews with the world's own
    two = _queries_for_progress(signed_in, world)
    _add_reviews(world, 8)
    ten = _queries_for_progress(signed_in, world)
    assert Review.objects.filter(panel=world.panel).count() == 10
    assert ten == two <= PROGRESS_QUERIES


# --- The briefing ---------------------------------------------------------------------------------


def briefing_data(**overrides) -> dict:
    data = dict(BRIEFING)
    data.update(overrides)
    return data


def test_the_briefing_form_shows_the_parts_and_logs_the_view(signed_in, world):
    response = signed_in.get(url("review_briefing_edit", world.review.pk))
    assert response.status_code == 200
    html = flat(response)
    for label in (
        "What happened, in brief",
        "Why it matters",
        "Key findings",
        "What practitioners should do",
        "Questions for reflection",
    ):
        assert label in html
    assert "Risk was assessed one incident at a time." in html
    log = AccessLog.objects.latest("pk")
    assert (log.action, log.detail, log.review) == ("view", "briefing edit form", world.review)


def test_the_briefing_is_saved_part_by_part(signed_in, world):
    statutory.update_briefing(world.review, by=world.member, **dict.fromkeys(BRIEFING_FIELDS, ""))
    response = signed_in.post(
        url("review_briefing_edit", world.review.pk),
        briefing_data(briefing_why="", briefing_questions=""),
    )
    assert response.status_code == 302
    assert response.url == url("review_briefing", world.review.pk)
    assert messages_after(response) == [
        f"Briefing for {world.review.reference} saved. Still to write: why it matters; "
        "questions for reflection."
    ]
    world.review.refresh_from_db()
    assert not world.review.briefing_ready
    response = signed_in.post(url("review_briefing_edit", world.review.pk), briefing_data())
    world.review.refresh_from_db()
    assert world.review.briefing_ready
    assert messages_after(response) == [
        f"Briefing for {world.review.reference} saved. Every part is written: it is ready to share."
    ]


def test_findings_typed_in_a_browser_are_split_on_blank_lines(signed_in, world):
    signed_in.post(
        url("review_briefing_edit", world.review.pk),
        briefing_data(findings="First finding.\r\n \r\nSecond finding,\r\non two lines."),
    )
    world.review.refresh_from_db()
    assert world.review.finding_list == ["First finding.", "Second finding,\non two lines."]


def test_an_unchanged_briefing_saves_nothing(signed_in, world):
    before = snapshot()
    response = signed_in.post(url("review_briefing_edit", world.review.pk), briefing_data())
    assert response.status_code == 302
    assert messages_after(response) == ["Nothing in the briefing changed."]
    assert snapshot() == before


def test_an_overlong_part_is_refused_by_its_field(signed_in, world):
    assert_refused_by_field(
        signed_in,
        url("review_briefing_edit", world.review.pk),
        briefing_data(briefing_why="Why it matters. " * 60),
        "briefing_why",
        "Keep this part to 900 characters (it has 959): the briefing is one page.",
    )


def test_a_review_not_commissioned_has_no_briefing_to_write(client, world):
    review = refer_review(world.panel, world.member)
    client.force_login(world.member)
    before = snapshot()
    for response in get_then_post(client, url("review_briefing_edit", review.pk), briefing_data()):
        assert response.status_code == 302
        assert response.url == detail(review, "briefing")
        assert messages_after(response) == [
            f"{review.reference} is referred: only a commissioned review has a 7-minute briefing."
        ]
    assert snapshot() == before


def test_the_briefing_page_prints_every_part_and_logs_the_view(signed_in, world):
    response = signed_in.get(url("review_briefing", world.review.pk))
    assert response.status_code == 200
    html = flat(response)
    assert f"7-minute briefing: {world.review.reference} Domestic Homicide Review" in html
    assert "Subject: Adult M (a pseudonym)." in html
    assert "<li>Risk was assessed one incident at a time." in html
    assert "<li>Who in your agency would you ask for advice about a MARAC referral?</li>" in html
    assert "data-print" in html  # the print button; its script is static/js/site.js
    assert url("review_briefing_pdf", world.review.pk) in html
    assert "Not ready to share" not in html
    log = AccessLog.objects.latest("pk")
    assert (log.action, log.detail, log.review) == ("view", "briefing", world.review)


def test_the_briefing_page_of_an_unfinished_briefing_names_what_is_missing(signed_in, world):
    statutory.update_briefing(world.review, by=world.member, briefing_practice="")
    response = signed_in.get(url("review_briefing", world.review.pk))
    html = flat(response)
    assert (
        "Not ready to share. Still to write:</p> "
        '<ul class="mb-1"><li>What practitioners should do</li></ul>' in html
    )
    assert url("review_briefing_pdf", world.review.pk) not in html


def test_the_pdf_of_an_unfinished_briefing_comes_back_to_its_page(signed_in, world):
    statutory.update_briefing(world.review, by=world.member, findings="")
    response = signed_in.get(url("review_briefing_pdf", world.review.pk), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(url("review_briefing", world.review.pk), 302)]
    html = flat(response)
    assert (
        f"The briefing for {world.review.reference} is not ready for its PDF. Still to write: "
        "key findings."
    ) in html


# --- Dissemination --------------------------------------------------------------------------------


def shared_data(world, **overrides) -> dict:
    data = {
        "organisation": world.agency.pk,
        "disseminated_on": today().isoformat(),
        "how": "Team meetings and the staff bulletin",
    }
    data.update(overrides)
    return data


def test_an_agency_sharing_the_briefing_is_recorded(signed_in, world):
    response = signed_in.get(url("review_dissemination_add", world.review.pk))
    assert f'value="{today().isoformat()}"' in response.content.decode()
    response = signed_in.post(url("review_dissemination_add", world.review.pk), shared_data(world))
    record = BriefingDissemination.objects.get()
    assert response.status_code == 302
    assert response.url == detail(world.review, "briefing")
    assert (record.organisation, record.disseminated_on, record.recorded_by) == (
        world.agency,
        today(),
        world.member,
    )
    assert messages_after(response) == [
        f"Riverside Housing shared the briefing for {world.review.reference} on "
        f"{today():%-d %B %Y}."
    ]
    response = signed_in.get(url("review_dissemination_add", world.review.pk))
    assert "Already recorded: Riverside Housing." in flat(response)


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"organisation": ""}, "organisation", "Choose the agency."),
        ({"how": ""}, "how", "Say how the briefing was shared, e.g. team meetings."),
        ({"disseminated_on": ""}, "disseminated_on", "Give the date the agency shared it."),
        ({"disseminated_on": "soon"}, "disseminated_on", "Enter a real date."),
        (
            {"disseminated_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()},
            "disseminated_on",
            "This date cannot be in the future.",
        ),
        (
            {"disseminated_on": (timezone.localdate() - dt.timedelta(days=30)).isoformat()},
            "disseminated_on",
            "This date cannot come before the report",
        ),
    ],
)
def test_a_bad_dissemination_is_refused_by_field(signed_in, world, overrides, field, message):
    assert_refused_by_field(
        signed_in,
        url("review_dissemination_add", world.review.pk),
        shared_data(world, **overrides),
        field,
        message,
    )


def test_an_agency_is_recorded_once(signed_in, world):
    signed_in.post(url("review_dissemination_add", world.review.pk), shared_data(world))
    assert_refused_by_field(
        signed_in,
        url("review_dissemination_add", world.review.pk),
        shared_data(world, how="Again, at the annual conference"),
        "organisation",
        "Riverside Housing has already been recorded for this briefing.",
    )


def test_sharing_waits_for_a_finished_briefing(signed_in, world):
    statutory.update_briefing(world.review, by=world.member, briefing_questions="")
    before = snapshot()
    for response in get_then_post(
        signed_in, url("review_dissemination_add", world.review.pk), shared_data(world)
    ):
        assert response.status_code == 302
        assert response.url == detail(world.review, "briefing")
        assert messages_after(response) == [
            "Write every part of the briefing before recording who shared it. Still to write: "
            "questions for reflection."
        ]
    assert snapshot() == before
