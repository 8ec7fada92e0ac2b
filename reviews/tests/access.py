"""The reviews app's entries in the permission matrix (see tests/test_permission_matrix.py).

Everything of a case panel is for the people who sit on it today: anyone else signed in gets
404, administrators and board officers included. The same holds for a One Panel's statutory
reviews and their learning. The index pages that e-mails link to answer 200 for anyone signed
in. Every answer says not to store it, and a refused request leaves no trace, not even in the
access log.
"""

import datetime as dt

from django.utils import timezone

from boards.tests.factories import OrganisationFactory
from partnership.tests.access import (
    FORMER_A,
    ONE_PANEL,
    PANEL_A,
    PANEL_B,
    PANELS_CHAIR,
    World,
    everyone,
    only,
)
from partnership.tests.access import get as _get
from partnership.tests.access import post as _post
from reviews import statutory
from reviews.models import ParallelProcess, Review
from reviews.tests.factories import member
from reviews.tests.pages import build_world, days, edit_data, referral_data, today
from reviews.tests.statutory_factories import (
    OnePanelFactory,
    commission,
    one_panel,
    panel_member,
    refer_review,
    take_to,
)
from reviews.tests.test_briefing_pdf import BRIEFING
from reviews.tests.test_pages_statutory import referral_data as review_referral_data


def saved(world, response, written: list[str]) -> list[str]:
    """A member's form accepted (sent on with a 302) has saved something."""
    accepted = world.users[world.persona] is not None and response.status_code == 302
    return ["accepted, yet nothing was saved"] if accepted and not written else []


def get(name, expect, args=None, **kwargs):
    return _get(f"reviews:{name}", expect, args, private=True, **kwargs)


def post(name, expect, args=None, data=None, **kwargs):
    return _post(f"reviews:{name}", expect, args, data, private=True, check=saved, **kwargs)


def dashboard_shows_nothing_of_the_panel(world, response, written: list[str]) -> list[str]:
    """Outsiders see none of the One Panel's reviews; those on no review panel get the plain
    page and leave no access-log row."""
    if world.persona in (ONE_PANEL, PANELS_CHAIR) or response.status_code != 200:
        return []
    html = response.content.decode()
    problems = []
    references = world.one_panel.statutory_reviews.values_list("reference", flat=True)
    if any(reference in html for reference in references):
        problems.append("saw one of the One Panel's reviews")
    if world.persona != PANEL_B:
        if "You sit on no review panel" not in html:
            problems.append("not the plain page")
        if written:
            problems.append(f"sits on no review panel, yet it wrote {written[0]}")
    return problems


def case_panel(ok: int) -> dict:
    """Anything of case panel A: its members get ``ok``, everyone else signed in 404."""
    return only(ok, (PANEL_A, PANELS_CHAIR), 404)


def review_panel(ok: int) -> dict:
    """Anything of the One Panel: its members today get ``ok``, everyone else signed in 404."""
    return only(ok, (ONE_PANEL, PANELS_CHAIR), 404)


def build(world: World) -> None:
    cases = build_world()
    world.cases = cases
    world.users[PANEL_A] = cases.coordinator
    world.users[PANEL_B] = cases.other_member
    world.users[PANELS_CHAIR] = cases.panel_chair
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    former = world.users[FORMER_A]
    member(cases.panel, former, start=dt.date(2020, 4, 1), end=yesterday)

    panel = one_panel()
    world.one_panel = panel
    world.users[ONE_PANEL] = sitter = panel_member(panel)
    panel_member(panel, cases.panel_chair, role="chair")
    panel_member(panel, former, start=dt.date(2020, 4, 1), end=yesterday)
    other = OnePanelFactory(name="Northshire One Panel", short_name="Other One Panel")
    panel_member(other, cases.other_member)
    refer_review(other, cases.other_member)
    world.referred = refer_review(panel, sitter)
    world.commissioned = commission(refer_review(panel, sitter, code="CSPR"), sitter)
    world.process = ParallelProcess.objects.create(
        review=world.commissioned, kind=ParallelProcess.Kind.INQUEST, starts_on=days(-1)
    )
    # A published review with its briefing written and two open recommendations, one with an
    # open action: the learning pages.
    world.lead = OrganisationFactory(name="Riverside Police Service")
    world.agency = OrganisationFactory(name="Riverside Housing Service")
    published = refer_review(panel, sitter, subject_pseudonym="Adult M")
    published = take_to(commission(published, sitter), sitter, Review.Stage.PUBLISHED)
    recommendation = statutory.add_recommendation(
        published,
        by=sitter,
        text="Officers review earlier call-outs before assessing risk.",
        lead_organisations=[world.lead],
    )
    world.recommendation_action = statutory.add_action(
        recommendation,
        by=sitter,
        description="Add a history check to the risk assessment form.",
        organisation=world.lead,
        owner="Detective Inspector, Public Protection",
        due_on=days(30),
    )
    world.bare = statutory.add_recommendation(
        published,
        by=sitter,
        text="Housing officers are trained to spot signs of coercive control.",
        lead_organisations=[world.agency],
    )
    world.published = statutory.update_briefing(published, by=sitter, **BRIEFING)


def _decision(w) -> dict:
    return {
        "decision": Review.Decision.COMMISSION,
        "rationale": "The criteria are met.",
        "decided_on": today().isoformat(),
        "decided_by": w.users[ONE_PANEL].person.pk,
    }


def _review_edit(w) -> dict:
    review = w.referred
    return {
        "subject_pseudonym": "Adult Z",
        "incident_on": review.incident_on.isoformat(),
        "notified_on": review.notified_on.isoformat(),
        "referring_organisation": review.referring_organisation_id,
        "circumstances": review.circumstances,
    }


APPOINT = Review.Stage.REVIEWER_APPOINTED
CASE = lambda w: [w.cases.case.pk]  # noqa: E731
ACTION = lambda w: [w.cases.action.pk]  # noqa: E731
PANEL = lambda w: [w.cases.panel.pk]  # noqa: E731
REFERRED = lambda w: [w.referred.pk]  # noqa: E731
COMMISSIONED = lambda w: [w.commissioned.pk]  # noqa: E731
PUBLISHED = lambda w: [w.published.pk]  # noqa: E731
BARE = lambda w: [w.bare.pk]  # noqa: E731
REC_ACTION = lambda w: [w.recommendation_action.pk]  # noqa: E731


def _disposal(w) -> dict:
    panel = w.cases.panel.pk
    return {
        "panel": panel,
        f"panel-{panel}-cases": [w.cases.due.pk],
        f"panel-{panel}-confirm": "on",
        "scope": "selected",
    }


def _listing_change(w) -> dict:
    pk = w.cases.future_listing.pk
    return {f"listing-{pk}-order": "1", f"listing-{pk}-minutes": "20"}


ENTRIES = [
    # --- Case panels ---
    get("index", everyone(200)),
    get("overdue_actions", everyone(200)),
    get("disposals", everyone(200)),
    # Only a coordinator approves disposals, and only for their own panel.
    post("disposals", everyone(403, panel_a=302, panel_b=404), data=_disposal),
    get("panel", case_panel(200), PANEL),
    get("refer", case_panel(200), PANEL),
    post("refer", case_panel(302), PANEL, lambda w: referral_data(w.cases.agency)),
    get("export", case_panel(200), PANEL),
    post(
        "export",
        case_panel(200),
        PANEL,
        lambda w: {"scope": "all", "justification": "Quarterly return to the board"},
    ),
    get("statistics", case_panel(200), PANEL),
    get("access_log", {**case_panel(200), PANEL_A: 403}, PANEL),
    get("case", case_panel(200), CASE),
    get("case_edit", case_panel(200), CASE),
    post(
        "case_edit",
        case_panel(302),
        CASE,
        lambda w: edit_data(w.cases.case, subject_label="Client Beta"),
    ),
    get("case_listing", case_panel(200), CASE),
    post("case_listing", case_panel(302), CASE, lambda w: {"meeting": w.cases.later.pk}),
    get("case_close", case_panel(200), CASE),
    post(
        "case_close",
        case_panel(302),
        CASE,
        lambda w: {"reason": "risk_reduced", "note": "Safety plan in place"},
    ),
    get("case_transfer_out", case_panel(200), CASE),
    post(
        "case_transfer_out",
        case_panel(302),
        CASE,
        lambda w: {"to_area": "Northshire", "on": days(0).isoformat(), "note": "Moved away"},
    ),
    get("action_add", case_panel(200), CASE),
    post(
        "action_add",
        case_panel(302),
        CASE,
        lambda w: {
            "agency": w.cases.agency.pk,
            "description": "Target hardening",
            "due_on": days(10).isoformat(),
        },
    ),
    get("action_update", case_panel(200), ACTION),
    post(
        "action_update",
        case_panel(302),
        ACTION,
        lambda w: {
            "agency": w.cases.agency.pk,
            "description": "Safety plan visit",
            "due_on": days(5).isoformat(),
            "note": "Visit booked",
        },
    ),
    get("action_complete", case_panel(200), ACTION),
    post(
        "action_complete",
        case_panel(302),
        ACTION,
        lambda w: {"completed_on": days(0).isoformat(), "note": ""},
    ),
    get("action_cancel", case_panel(200), ACTION),
    post("action_cancel", case_panel(302), ACTION, lambda w: {"note": "No longer involved"}),
    get("meeting", case_panel(200), lambda w: [w.cases.future.pk]),
    post(
        "meeting_agreement",
        case_panel(302),
        lambda w: [w.cases.later.pk],
        lambda w: {"agree": "on"},
    ),
    post("listing_change", case_panel(302), lambda w: [w.cases.future_listing.pk], _listing_change),
    post("listing_heard", case_panel(302), lambda w: [w.cases.past_listing.pk]),
    post("listing_remove", case_panel(302), lambda w: [w.cases.future_listing.pk]),
    # --- Statutory reviews ---
    # Anyone signed in may open the dashboard; it says plainly when they sit on no review panel.
    get("statutory_dashboard", everyone(200), check=dashboard_shows_nothing_of_the_panel),
    get("statutory_refer", review_panel(200), lambda w: [w.one_panel.pk]),
    post(
        "statutory_refer",
        review_panel(302),
        lambda w: [w.one_panel.pk],
        lambda w: review_referral_data("DHR", w.referred.referring_organisation),
    ),
    get("statutory_access_log", {**review_panel(200), ONE_PANEL: 403}, lambda w: [w.one_panel.pk]),
    get("review_detail", review_panel(200), COMMISSIONED),
    get("review_edit", review_panel(200), REFERRED),
    post("review_edit", review_panel(302), REFERRED, _review_edit),
    get("review_decide", review_panel(200), REFERRED),
    post("review_decide", review_panel(302), REFERRED, _decision),
    get("review_notification_add", review_panel(200), COMMISSIONED),
    post(
        "review_notification_add",
        review_panel(302),
        COMMISSIONED,
        lambda w: {"body": "Ofsted", "sent_on": today().isoformat()},
    ),
    get("review_advance", review_panel(200), lambda w: [w.commissioned.pk, APPOINT]),
    post(
        "review_advance",
        review_panel(302),
        lambda w: [w.commissioned.pk, APPOINT],
        lambda w: {
            "on": today().isoformat(),
            "reviewer_name": "Dr A. Reviewer",
            "terms_of_reference": "Multi-agency practice in the last year.",
        },
    ),
    get("review_process_add", review_panel(200), COMMISSIONED),
    post(
        "review_process_add",
        review_panel(302),
        COMMISSIONED,
        lambda w: {"kind": "criminal_trial", "starts_on": today().isoformat()},
    ),
    get("review_process_end", review_panel(200), lambda w: [w.process.pk]),
    post(
        "review_process_end",
        review_panel(302),
        lambda w: [w.process.pk],
        lambda w: {"ends_on": today().isoformat()},
    ),
    # --- Learning from statutory reviews ---
    get("recommendation_add", review_panel(200), PUBLISHED),
    post(
        "recommendation_add",
        review_panel(302),
        PUBLISHED,
        lambda w: {"text": "GPs ask about abuse at home.", "lead_organisations": [w.lead.pk]},
    ),
    get("recommendation_action_add", review_panel(200), BARE),
    post(
        "recommendation_action_add",
        review_panel(302),
        BARE,
        lambda w: {
            "description": "Run briefings for neighbourhood officers.",
            "organisation": w.agency.pk,
            "owner": "Head of Housing Management",
            "due_on": days(60).isoformat(),
        },
    ),
    get("recommendation_action_update", review_panel(200), REC_ACTION),
    post(
        "recommendation_action_update",
        review_panel(302),
        REC_ACTION,
        lambda w: {
            "status": "complete",
            "evidence": "New form in use.",
            "completed_on": today().isoformat(),
            "due_on": w.recommendation_action.due_on.isoformat(),
        },
    ),
    get("recommendation_complete", review_panel(200), BARE),
    post(
        "recommendation_complete",
        review_panel(302),
        BARE,
        lambda w: {
            "evidence": "Training delivered and audited.",
            "completed_on": today().isoformat(),
        },
    ),
    get("statutory_progress", review_panel(200), lambda w: [w.one_panel.pk]),
    get("review_briefing_edit", review_panel(200), PUBLISHED),
    post(
        "review_briefing_edit",
        review_panel(302),
        PUBLISHED,
        lambda w: {**BRIEFING, "briefing_why": "Patterns of abuse are missed one call at a time."},
    ),
    get("review_briefing", review_panel(200), PUBLISHED),
    get("review_briefing_pdf", review_panel(200), PUBLISHED),
    get("review_dissemination_add", review_panel(200), PUBLISHED),
    post(
        "review_dissemination_add",
        review_panel(302),
        PUBLISHED,
        lambda w: {
            "organisation": w.agency.pk,
            "disseminated_on": today().isoformat(),
            "how": "Bulletin",
        },
    ),
]
