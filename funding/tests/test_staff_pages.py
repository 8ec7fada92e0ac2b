"""The grants officers' pages: who may see and change what, the forms, the figures, the counts."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from boards.models import AgendaItem
from boards.tests.factories import MeetingFactory
from funding import defaults, ledger, monitoring, services
from funding.models import (
    Application,
    ApplicationDocument,
    Assessment,
    Award,
    ChangeRequest,
    Criterion,
    Decision,
    FundingRound,
    LedgerEntry,
    Milestone,
    MonitoringReturn,
    PriorityArea,
    Stage,
    StageChange,
    Tranche,
    balances,
)
from funding.tests.factories import (
    ApplicationFactory,
    FundFactory,
    PriorityAreaFactory,
    RoundFactory,
    award_of,
)
from partnership import roles
from partnership.tests.factories import persona

pytestmark = pytest.mark.django_db
D = Decimal


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def url(name: str, *args) -> str:
    return reverse(f"funding:{name}", args=args)


def assert_error_by_field(response, field: str, message: str):
    """The message is printed in the field's own error slot (crispy's ``error_N_id_<field>``)."""
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(
        rf'id="error_\d+_id_{re.escape(field)}"[^>]*>\s*<strong>[^<]*{re.escape(escape(message))}',
        html,
    ), f"no error “{message}” by {field}"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


ALL_FIVES = {c.value: (5, "") for c in Criterion}


# --- The world the pages show -------------------------------------------------------------------


@pytest.fixture
def fund():
    fund = FundFactory(name="Riverside POCA Community Fund")
    ledger.receive(fund, D("110000"), note="Share of confiscated assets", on=days(-60))
    return fund


@pytest.fixture
def round_(fund):
    return RoundFactory(fund=fund, name="Community fund 2026/27")


@pytest.fixture
def second_officer(db):
    return persona(roles.GRANTS_OFFICER, username="second_officer")


@pytest.fixture
def application(round_, second_officer):
    """Waiting for the board, assessed by the second officer (so the first may decide)."""
    application = ApplicationFactory(
        round=round_, stage=Stage.ASSESSMENT, amount_requested=D("71818")
    )
    services.record_assessment(
        application, assessor=second_officer, scores=ALL_FIVES, recommendation="fund"
    )
    services.send_to_decision(application, by=second_officer)
    application.refresh_from_db()
    return application


@pytest.fixture
def document(application):
    return ApplicationDocument.objects.create(
        application=application,
        kind=ApplicationDocument.Kind.EQUALITY,
        file=SimpleUploadedFile("x", b"<html><script>alert(1)</script></html>"),
        original_name="Equality policy.html",
        content_type="text/html",
        size=38,
    )


@pytest.fixture
def award(fund):
    award = award_of(
        "20000",
        fund,
        tranches=[("10000", days(-30), None), ("10000", days(-1), days(-10))],
    )
    ledger.commit(award)
    return award


@pytest.fixture
def meeting(fund):
    return MeetingFactory(board=fund.board, starts_at=timezone.now() - dt.timedelta(days=2))


# --- Access -------------------------------------------------------------------------------------

READERS_PAGES = {"index", "fund", "compare"}
PAGES = [
    "index",
    "fund",
    "round_create",
    "round_edit",
    "round_detail",
    "compare",
    "list",
    "export",
    "application",
    "assess",
    "decide",
    "document",
    "award",
    "award_list",
    "award_export",
    "return_list",
    "return_review",
]
# Changes, each posted with input a grants officer could send: (page, data).
POSTS = ["fund_post", "move_post", "review_post", "release_post", "return_post", "uncommit_post"]
POSTS += ["round_post", "compare_post"]
POSTS += ["schedule_post", "milestone_post", "met_post", "change_post", "close_post", "judge_post"]


def _matrix():
    cases = []
    for page in PAGES:
        cases += [
            ("grants_officer", page, 200),
            ("administrator", page, 200),
            ("chair", page, 200 if page in READERS_PAGES else 403),
            ("board_officer", page, 403),
            ("outsider", page, 403),
            (None, page, 302),
        ]
    for page in POSTS:
        officer = 405 if page == "compare_post" else 302  # compare only reads
        cases += [
            ("grants_officer", page, officer),
            ("chair", page, 403),
            ("board_officer", page, 403),
            ("outsider", page, 403),
            (None, page, 302),
        ]
    return cases


def _monitoring_rows(award):
    """A return, a milestone and a change request for the monitoring pages to act on."""
    report = award.returns.first() or monitoring.schedule_returns(award)[0]
    milestone = award.milestones.first() or monitoring.add_milestone(
        award, title="Launch", due_on=award.starts_on
    )
    change = award.change_requests.first() or monitoring.request_change(
        award, kind="other", description="A new venue"
    )
    return report, milestone, change


def _request(client, page, *, fund, round_, application, document, award):
    tranche = award.tranches.first()
    report, milestone, change = _monitoring_rows(award)
    gets = {
        "index": url("index"),
        "fund": url("fund_detail", fund.pk),
        "round_create": url("round_create"),
        "round_edit": url("round_edit", round_.pk),
        "round_detail": url("round_detail", round_.pk),
        "compare": url("round_compare", round_.pk),
        "list": url("application_list"),
        "export": url("application_export"),
        "application": url("application_detail", application.pk),
        "assess": url("assess", application.pk),
        "decide": url("decide", application.pk),
        "document": url("document_download", document.pk),
        "award": url("award_detail", award.pk),
        "award_list": url("award_list"),
        "award_export": url("award_export"),
        "return_list": url("return_list"),
        "return_review": url("return_review", report.pk),
    }
    if page in gets:
        return client.get(gets[page])
    posts = {
        "fund_post": (
            url("fund_detail", fund.pk),
            {
                "form": "receive",
                "receive-amount": "5000",
                "receive-on": today(),
                "receive-note": "Q3",
            },
        ),
        "move_post": (url("application_move", application.pk, "resend_link"), {}),
        "review_post": (
            url("tranche_review", tranche.pk),
            {f"review-{tranche.pk}-reviewed_on": today(), f"review-{tranche.pk}-review_note": "OK"},
        ),
        "release_post": (url("tranche_release", tranche.pk), {}),
        "return_post": (
            url("award_return", award.pk),
            {"return-amount": "1", "return-on": today(), "return-note": "x"},
        ),
        "uncommit_post": (
            url("award_uncommit", award.pk),
            {"uncommit-amount": "1", "uncommit-reason": "Ended early"},
        ),
        "round_post": (url("round_create"), round_data(fund)),
        "compare_post": (url("round_compare", round_.pk), {}),
        "schedule_post": (url("award_schedule", award.pk), {"schedule-every_months": "2"}),
        "milestone_post": (
            url("milestone_add", award.pk),
            {"milestone-title": "Open day", "milestone-due_on": award.starts_on},
        ),
        "met_post": (
            url("milestone_met", milestone.pk),
            {f"met-{milestone.pk}-achieved_on": award.starts_on},
        ),
        "change_post": (
            url("change_decide", change.pk),
            {f"change-{change.pk}-outcome": "approve", f"change-{change.pk}-response": "Yes"},
        ),
        "close_post": (url("award_close", award.pk), {"close-early": "on", "close-reason": "x"}),
        "judge_post": (url("return_review", report.pk), {"outcome": "more", "note": "More"}),
    }
    address, data = posts[page]
    return client.post(address, data)


@pytest.mark.parametrize(("who", "page", "expected"), _matrix())
def test_permission_matrix(
    client, request, fund, round_, application, document, award, who, page, expected
):
    if who:
        client.force_login(request.getfixturevalue(who))
    if page == "return_post":
        ledger.release(award.tranches.first())  # something must be paid before it comes back
    report, _, _ = _monitoring_rows(award)
    if page == "judge_post":
        monitoring.submit_return(report, monitoring.ReturnAnswers("Sessions ran", D("100")))
    entries_before = LedgerEntry.objects.count()
    award_before = Award.objects.filter(pk=award.pk).values().get()
    watched = (Milestone, ChangeRequest, MonitoringReturn)
    rows_before = [list(model.objects.values()) for model in watched]

    response = _request(
        client,
        page,
        fund=fund,
        round_=round_,
        application=application,
        document=document,
        award=award,
    )

    assert response.status_code == expected
    if expected == 302 and who is None:
        assert response["Location"].startswith(reverse("login"))
    if page.endswith("_post") and expected != 302:
        # A refused change changes nothing.
        assert LedgerEntry.objects.count() == entries_before
        assert Award.objects.filter(pk=award.pk).values().get() == award_before
        assert [list(model.objects.values()) for model in watched] == rows_before


def test_chair_reads_the_ledger_without_any_forms(client, chair, fund):
    client.force_login(chair)
    response = client.get(url("fund_detail", fund.pk))
    html = response.content.decode()
    assert response.context["forms"] == {}
    assert "Record money received" not in html
    assert "£110,000.00" in html


def test_chair_post_to_the_fund_is_refused_and_records_nothing(client, chair, fund):
    client.force_login(chair)
    response = client.post(
        url("fund_detail", fund.pk),
        {"form": "receive", "receive-amount": "5000", "receive-on": today(), "receive-note": "x"},
    )
    assert response.status_code == 403
    assert balances(fund.pk).received == D("110000")


# --- Dashboard ----------------------------------------------------------------------------------


def test_dashboard_shows_each_funds_balances_rounds_by_stage_and_overdue_returns(
    client, chair, fund, round_, award
):
    ApplicationFactory(round=round_, stage=Stage.EXPRESSION)
    ApplicationFactory(round=round_, stage=Stage.EXPRESSION)
    ApplicationFactory(round=round_, stage=Stage.ASSESSMENT)
    MonitoringReturn.objects.create(award=award, due_on=days(-3))
    MonitoringReturn.objects.create(award=award, due_on=days(30))
    client.force_login(chair)

    response = client.get(url("index"))

    html = response.content.decode()
    assert re.search(r'data-testid="available">£90,000.00<', html)  # 110,000 less 20,000
    assert "Expression of interest: 2" in html
    assert "Assessment: 1" in html
    assert response.context["overdue_returns"] == 1
    assert "1</span> monitoring return overdue" in html


# --- The fund's ledger ----------------------------------------------------------------------------


def test_ledger_shows_running_balances_award_reference_who_and_reversal_links(
    client, grants_officer, fund, award
):
    mistake = ledger.receive(fund, D("500"), note="Typed twice", by=grants_officer)
    reversal = ledger.reverse(mistake, reason="Duplicate", by=grants_officer)
    client.force_login(grants_officer)

    response = client.get(url("fund_detail", fund.pk))

    rows = response.context["rows"]
    assert [r["available"] for r in rows] == [D("110000"), D("90000"), D("90500"), D("90000")]
    html = response.content.decode()
    assert award.application.reference in html
    assert f'Reverses <a href="#entry-{mistake.pk}">' in html
    assert f'Reversed by <a href="#entry-{reversal.pk}">' in html
    assert "Duplicate" in html


def test_money_received_is_added_to_the_fund(client, grants_officer, fund):
    client.force_login(grants_officer)
    response = client.post(
        url("fund_detail", fund.pk),
        {
            "form": "receive",
            "receive-amount": "25000",
            "receive-on": days(-1),
            "receive-note": "Q3",
        },
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.latest("pk")
    assert (entry.kind, entry.amount, entry.on, entry.created_by) == (
        LedgerEntry.Kind.RECEIVED,
        D("25000"),
        days(-1),
        grants_officer,
    )
    assert balances(fund.pk).available == D("135000")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"form": "receive", "receive-amount": "0", "receive-on": today(), "receive-note": "x"},
            "receive-amount",
            "greater than or equal to 0.01",
        ),
        (
            {"form": "receive", "receive-amount": "10", "receive-on": days(3), "receive-note": "x"},
            "receive-on",
            "once it has arrived",
        ),
        (
            {"form": "adjust", "adjust-direction": "decrease", "adjust-amount": "200000",
             "adjust-reason": "Audit"},
            "adjust-amount",
            "does not hold that much uncommitted money",
        ),
        (
            {"form": "adjust", "adjust-direction": "increase", "adjust-amount": "10",
             "adjust-reason": ""},
            "adjust-reason",
            "This field is required",
        ),
        (
            {"form": "reverse", "reverse-entry": "", "reverse-reason": "x"},
            "reverse-entry",
            "required",
        ),
    ],
)  # fmt: skip
def test_bad_ledger_input_is_shown_by_the_field_and_nothing_is_saved(
    client, grants_officer, fund, data, field, message
):
    client.force_login(grants_officer)
    before = LedgerEntry.objects.count()
    response = client.post(url("fund_detail", fund.pk), data)
    assert_error_by_field(response, field, message)
    assert LedgerEntry.objects.count() == before


def test_a_reversal_that_would_overdraw_the_fund_is_refused(client, grants_officer, fund, award):
    receipt = LedgerEntry.objects.get(kind=LedgerEntry.Kind.RECEIVED)
    client.force_login(grants_officer)
    response = client.post(
        url("fund_detail", fund.pk),
        {"form": "reverse", "reverse-entry": receipt.pk, "reverse-reason": "Wrong fund"},
    )
    assert response.status_code == 200
    assert "would leave the fund owing more than it holds" in response.content.decode()
    assert not LedgerEntry.objects.filter(reverses=receipt).exists()


def test_an_adjustment_and_a_reversal_through_the_page(client, grants_officer, fund):
    client.force_login(grants_officer)
    client.post(
        url("fund_detail", fund.pk),
        {"form": "adjust", "adjust-direction": "decrease", "adjust-amount": "1000",
         "adjust-reason": "Bank charges"},
    )  # fmt: skip
    adjustment = LedgerEntry.objects.get(kind=LedgerEntry.Kind.ADJUSTMENT_OUT)
    assert adjustment.note == "Bank charges"
    client.post(
        url("fund_detail", fund.pk),
        {"form": "reverse", "reverse-entry": adjustment.pk, "reverse-reason": "Refunded"},
    )
    assert LedgerEntry.objects.filter(reverses=adjustment).exists()
    assert balances(fund.pk).available == D("110000")


# --- Rounds -------------------------------------------------------------------------------------


def round_data(fund, **overrides):
    area = PriorityAreaFactory(name="Serious violence")
    return {
        "fund": fund.pk,
        "name": "Community fund 2027/28",
        "slug": "community-fund-2027-28",
        "opens_on": "2027-04-01",
        "closes_on": "2027-06-30",
        "min_grant": "1000",
        "max_grant": "50000",
        "max_months": "12",
        "guidance": "Read the guidance.",
        "priority_areas": [area.pk],
        **overrides,
    }


def test_a_new_round_gets_the_default_eligibility_questions(client, grants_officer, fund):
    client.force_login(grants_officer)
    response = client.post(url("round_create"), round_data(fund))
    created = FundingRound.objects.get(slug="community-fund-2027-28")
    assert response["Location"] == url("round_detail", created.pk)
    assert created.questions.count() == len(defaults.ELIGIBILITY_QUESTIONS)
    page = client.get(url("round_detail", created.pk)).content.decode()
    assert escape(defaults.ELIGIBILITY_QUESTIONS[0][0]) in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"closes_on": "2027-03-01"}, "closes_on", "cannot close before it opens"),
        ({"max_grant": "500"}, "max_grant", "cannot be below the smallest"),
        ({"name": ""}, "name", "This field is required"),
    ],
)
def test_bad_round_settings_are_shown_by_the_field(
    client, grants_officer, fund, overrides, field, message
):
    client.force_login(grants_officer)
    response = client.post(url("round_create"), round_data(fund, **overrides))
    assert_error_by_field(response, field, message)
    assert not FundingRound.objects.exists()


def test_a_round_is_changed(client, grants_officer, round_):
    client.force_login(grants_officer)
    data = round_data(round_.fund, slug=round_.slug, max_months="24")
    response = client.post(url("round_edit", round_.pk), data)
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.max_months == 24


# --- The list and its export ---------------------------------------------------------------------


@pytest.fixture
def several(round_):
    other_round = RoundFactory(fund=round_.fund, name="Small grants 2026")
    abuse = PriorityAreaFactory(name="Domestic abuse")
    made = {
        "boxing": ApplicationFactory(round=round_, stage=Stage.EXPRESSION),
        "refuge": ApplicationFactory(
            round=round_,
            stage=Stage.DECISION,
            organisation_name="Riverside Women's Refuge",
            project_title="Outreach worker",
            amount_requested=D("30000"),
        ),
        "cctv": ApplicationFactory(
            round=other_round,
            stage=Stage.EXPRESSION,
            organisation_name='=HYPERLINK("http://evil.example")',
            project_title="+Shop watch",
        ),
    }
    made["refuge"].priority_areas.add(abuse)
    made["abuse"], made["other_round"] = abuse, other_round
    return made


def listed(response) -> list[str]:
    return [a.reference for a in response.context["applications"]]


def test_the_list_filters_by_round_stage_priority_area_and_text(client, grants_officer, several):
    client.force_login(grants_officer)
    boxing, refuge, cctv = several["boxing"], several["refuge"], several["cctv"]
    base = url("application_list")

    assert set(listed(client.get(base))) == {boxing.reference, refuge.reference, cctv.reference}
    assert listed(client.get(base, {"stage": "decision"})) == [refuge.reference]
    assert listed(client.get(base, {"round": several["other_round"].pk})) == [cctv.reference]
    assert listed(client.get(base, {"priority_area": several["abuse"].pk})) == [refuge.reference]
    assert listed(client.get(base, {"q": "refuge"})) == [refuge.reference]
    assert listed(client.get(base, {"q": cctv.reference})) == [cctv.reference]
    html = client.get(base, {"stage": "decision"}).content.decode()
    assert "£30,000.00" in html  # the amount requested, not the estimate


def read_csv(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_export_has_the_filtered_applications_with_formula_safe_cells(
    client, grants_officer, several
):
    client.force_login(grants_officer)

    response = client.get(url("application_export"), {"round": several["other_round"].pk})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="applications-{today():%Y-%m-%d}.csv"' in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header[:8] == [
        "Reference", "Round", "Organisation", "Project", "Contact", "Contact e-mail",
        "Amount (£)", "Stage",
    ]  # fmt: skip
    (row,) = rows
    assert row[0] == several["cctv"].reference
    assert row[1] == "Small grants 2026"
    assert row[2] == '\'=HYPERLINK("http://evil.example")'
    assert row[3] == "'+Shop watch"
    assert row[6:8] == ["12000.00", "Expression of interest"]


def test_csv_export_lists_priority_areas(client, grants_officer, several):
    client.force_login(grants_officer)
    header, *rows = read_csv(client.get(url("application_export"), {"stage": "decision"}))
    (row,) = rows
    assert row[header.index("Priority areas")] == "Domestic abuse"


LIST_QUERIES = 7


@pytest.mark.parametrize("count", [5, 50])
def test_list_query_count_does_not_grow_with_applications(
    client, grants_officer, round_, django_assert_num_queries, count
):
    area = PriorityArea.objects.create(name="Serious violence and knives")
    for _ in range(count):
        application = ApplicationFactory(round=round_, stage=Stage.EXPRESSION)
        application.priority_areas.add(area)
        StageChange.objects.create(application=application, to_stage=Stage.EXPRESSION)
    client.force_login(grants_officer)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url("application_list"))

    assert len(listed(response)) == count


# --- An application's page and its moves ----------------------------------------------------------


def test_application_page_shows_what_was_submitted_history_scores_and_actions(
    client, grants_officer, second_officer, application, document
):
    application.budget_lines.create(
        category=defaults_category("Consultancy or feasibility studies"),
        description="Feasibility study",
        amount=D("5000"),
    )
    client.force_login(grants_officer)

    response = client.get(application.get_absolute_url())

    html = response.content.decode()
    assert application.summary in html
    assert "Not funded" in html and "Consultancy and feasibility studies are not funded." in html
    assert url("document_download", document.pk) in html
    assert escape(second_officer.get_full_name()) in html  # who moved it, and who assessed it
    assert "Total (of 40)" in html
    actions = [a["action"] for a in response.context["actions"]]
    assert actions == ["withdraw", "resend_link"]  # a decision is declined on the decision form
    assert url("decide", application.pk) in html


def defaults_category(name):
    defaults.install()
    from funding.models import BudgetCategory

    return BudgetCategory.objects.get(name=name)


def test_a_document_is_downloaded_as_an_attachment_that_is_not_sniffed(
    client, grants_officer, document
):
    client.force_login(grants_officer)
    response = client.get(url("document_download", document.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Equality policy.html" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"  # never served as a page
    assert b"".join(response.streaming_content).startswith(b"<html>")


def move(client, application, action, data=None):
    return client.post(url("application_move", application.pk, action), data or {}, follow=True)


def test_each_move_through_the_page_moves_the_application(
    client, grants_officer, round_, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(round=round_, stage=Stage.EXPRESSION)
    client.force_login(grants_officer)
    with django_capture_on_commit_callbacks(execute=True):
        move(client, application, "invite_to_present", {"invite_to_present-when_where": "Mon 10am"})
        move(client, application, "record_presentation", {"record_presentation-note": "Good"})
        move(client, application, "invite_full_application")
    application.refresh_from_db()
    assert application.stage == Stage.APPLICATION
    Application.objects.filter(pk=application.pk).update(stage=Stage.ELIGIBILITY)
    move(client, application, "eligible")
    application.refresh_from_db()
    assert application.stage == Stage.ASSESSMENT
    assert [m.by for m in application.moves.all()] == [grants_officer] * 4


def test_a_refused_move_is_shown_as_a_message_and_changes_nothing(client, grants_officer, round_):
    application = ApplicationFactory(round=round_, stage=Stage.EXPRESSION)
    client.force_login(grants_officer)

    no_place = move(client, application, "invite_to_present", {"invite_to_present-when_where": ""})
    wrong_stage = move(client, application, "send_to_decision")
    no_reason = move(client, application, "withdraw", {"withdraw-reason": ""})

    assert "When and where: This field is required." in messages_of(no_place)
    assert "cannot be done at the “Expression of interest” stage" in messages_of(wrong_stage)[0]
    assert "Reason: This field is required." in messages_of(no_reason)
    application.refresh_from_db()
    assert application.stage == Stage.EXPRESSION
    assert not application.moves.exists()


def test_send_to_decision_without_assessment_is_a_message_not_an_error(
    client, grants_officer, round_
):
    application = ApplicationFactory(round=round_, stage=Stage.ASSESSMENT)
    client.force_login(grants_officer)
    response = move(client, application, "send_to_decision")
    assert response.status_code == 200
    assert "Assess the application before it goes to the board." in messages_of(response)


def test_declining_at_eligibility_needs_a_reason_and_e_mails(
    client, grants_officer, round_, django_capture_on_commit_callbacks
):
    from django.core import mail

    application = ApplicationFactory(round=round_, stage=Stage.ELIGIBILITY)
    client.force_login(grants_officer)
    with django_capture_on_commit_callbacks(execute=True):
        move(client, application, "ineligible", {"ineligible-reason": "Run for profit"})
    application.refresh_from_db()
    assert application.stage == Stage.DECLINED
    assert "Run for profit" in mail.outbox[0].body


def test_unknown_action_is_not_found_and_get_is_not_allowed(client, grants_officer, application):
    client.force_login(grants_officer)
    assert client.post(url("application_move", application.pk, "approve")).status_code == 404
    assert client.get(url("application_move", application.pk, "withdraw")).status_code == 405


# --- Assessment -----------------------------------------------------------------------------------


def scores_data(**overrides):
    data = {f"score_{c.value}": "4" for c in Criterion}
    data.update({f"comment_{c.value}": "" for c in Criterion})
    data.update({"recommendation": "fund", "recommended_amount": "", "comments": ""})
    data.update(overrides)
    return data


@pytest.fixture
def to_assess(round_):
    return ApplicationFactory(round=round_, stage=Stage.ASSESSMENT, amount_requested=D("20000"))


def test_assessment_is_saved_and_resubmitting_updates_it(client, grants_officer, to_assess):
    client.force_login(grants_officer)
    response = client.post(url("assess", to_assess.pk), scores_data(comment_need="Good data"))
    assert response.status_code == 302
    client.post(
        url("assess", to_assess.pk),
        scores_data(score_need="1", recommendation="part", recommended_amount="15000"),
    )
    mine = Assessment.objects.get(application=to_assess, assessor=grants_officer)
    assert (mine.total, mine.recommendation, mine.recommended_amount) == (29, "part", D("15000"))
    page = client.get(url("assess", to_assess.pk))
    assert page.context["form"].initial["score_need"] == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"score_need": "6"}, "score_need", "less than or equal to 5"),
        ({"score_impact": ""}, "score_impact", "This field is required"),
        ({"recommendation": "part"}, "recommended_amount", "Say how much to fund in part."),
        ({"recommendation": ""}, "recommendation", "This field is required"),
    ],
)
def test_bad_scores_are_shown_by_the_field_and_nothing_is_saved(
    client, grants_officer, to_assess, overrides, field, message
):
    client.force_login(grants_officer)
    response = client.post(url("assess", to_assess.pk), scores_data(**overrides))
    assert_error_by_field(response, field, message)
    assert not Assessment.objects.exists()


def test_scoring_outside_the_assessment_stage_is_refused_on_the_form(
    client, grants_officer, application
):
    client.force_login(grants_officer)
    response = client.post(url("assess", application.pk), scores_data())
    assert response.status_code == 200
    assert "Only applications at the assessment stage can be scored." in response.content.decode()
    assert application.assessments.count() == 1


# --- Comparison -----------------------------------------------------------------------------------


def assess_as(application, assessor, score, recommendation="fund", amount=None):
    scores = {c.value: (score, "") for c in Criterion}
    return services.record_assessment(
        application,
        assessor=assessor,
        scores=scores,
        recommendation=recommendation,
        recommended_amount=amount,
    )


def test_compare_ranks_by_score_and_shows_what_funding_them_would_leave(
    client, chair, grants_officer, second_officer, round_
):
    strong = ApplicationFactory(round=round_, stage=Stage.ASSESSMENT, amount_requested=D("50000"))
    middling = ApplicationFactory(round=round_, stage=Stage.ASSESSMENT, amount_requested=D("40000"))
    weak = ApplicationFactory(round=round_, stage=Stage.ASSESSMENT, amount_requested=D("30000"))
    ApplicationFactory(round=round_, stage=Stage.EXPRESSION)  # not yet compared
    assess_as(strong, grants_officer, 5)
    assess_as(strong, second_officer, 4)
    assess_as(middling, grants_officer, 3, "part", D("30000"))
    assess_as(middling, second_officer, 3, "part", D("20000"))
    assess_as(weak, grants_officer, 1, "decline")
    client.force_login(chair)

    response = client.get(url("round_compare", round_.pk))

    rows = response.context["rows"]
    assert [r["application"] for r in rows] == [strong, middling, weak]
    assert [r["total"] for r in rows] == [36, 24, 8]
    assert rows[0]["averages"] == [4.5] * 8
    assert rows[1]["recommendations"]["part"] == 2
    assert [r["proposed"] for r in rows] == [D("50000"), D("25000"), D("30000")]
    assert [r["selected"] for r in rows] == [True, True, False]  # as the assessors recommend
    assert [r["after"] for r in rows] == [D("60000"), D("35000"), D("35000")]
    assert response.context["available"] == D("110000")

    chosen = client.get(
        url("round_compare", round_.pk), {"compared": "1", "selected": [weak.pk, strong.pk]}
    )
    assert [r["after"] for r in chosen.context["rows"]] == [D("60000"), D("60000"), D("30000")]
    assert chosen.context["after"] == D("30000")


COMPARE_QUERIES = 8


@pytest.mark.parametrize("count", [5, 50])
def test_compare_query_count_does_not_grow_with_applications(
    client, grants_officer, second_officer, round_, django_assert_num_queries, count
):
    for n in range(count):
        application = ApplicationFactory(
            round=round_, stage=Stage.ASSESSMENT, amount_requested=D("1000")
        )
        assess_as(application, grants_officer, n % 6)
        assess_as(application, second_officer, (n + 2) % 6, "part", D("500"))
    client.force_login(grants_officer)

    with django_assert_num_queries(COMPARE_QUERIES):
        response = client.get(url("round_compare", round_.pk))

    assert len(response.context["rows"]) == count


# --- The decision ---------------------------------------------------------------------------------


def decision_data(at, **overrides):
    data = {
        "meeting": at.pk,
        "item": "",
        "outcome": "approved",
        "reason": "",
        "amount": "71818",
        "starts_on": "2027-01-01",
        "months": "24",
        "conditions": "Quarterly monitoring returns.",
        "tranches-TOTAL_FORMS": "3",
        "tranches-INITIAL_FORMS": "0",
        "tranches-MIN_NUM_FORMS": "0",
        "tranches-MAX_NUM_FORMS": "12",
        "tranches-0-amount": "35713",
        "tranches-0-release_on": "2027-01-01",
        "tranches-0-review_on": "",
        "tranches-1-amount": "36105",
        "tranches-1-release_on": "2028-01-01",
        "tranches-1-review_on": "2027-10-01",
        "tranches-2-amount": "",
        "tranches-2-release_on": "",
        "tranches-2-review_on": "",
    }
    data.update(overrides)
    return data


def test_approving_with_two_tranches_commits_the_award_and_lowers_what_is_available(
    client, grants_officer, application, meeting, fund, django_capture_on_commit_callbacks
):
    client.force_login(grants_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("decide", application.pk), decision_data(meeting))

    award = Award.objects.get(application=application)
    assert response["Location"] == url("award_detail", award.pk)
    assert [(t.amount, t.release_on, t.review_on) for t in award.tranches.all()] == [
        (D("35713"), dt.date(2027, 1, 1), None),
        (D("36105"), dt.date(2028, 1, 1), dt.date(2027, 10, 1)),
    ]
    assert balances(fund.pk).available == D("110000") - D("71818")
    application.refresh_from_db()
    assert application.stage == Stage.AWARDED
    assert award.decision.recorded_by == grants_officer
    page = client.get(url("award_detail", award.pk)).content.decode()
    assert "Waiting for its review (due 01/10/2027)" in page


def test_the_officer_who_assessed_is_refused_with_the_services_message(
    client, second_officer, application, meeting
):
    client.force_login(second_officer)
    response = client.post(url("decide", application.pk), decision_data(meeting))
    assert response.status_code == 200
    assert "another officer must record the decision" in response.content.decode()
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"outcome": "declined"}, "reason", "Give the reason the board declined"),
        ({"amount": "200000"}, "amount", "cannot be more than was asked for"),
        ({"meeting": ""}, "meeting", "This field is required"),
        ({"starts_on": ""}, "starts_on", "Give the date the grant starts."),
        ({"tranches-1-review_on": "2028-02-01"}, "tranches-1-review_on", "due before the tranche"),
    ],
)
def test_bad_decision_input_is_shown_by_the_field_and_nothing_is_saved(
    client, grants_officer, application, meeting, overrides, field, message
):
    client.force_login(grants_officer)
    response = client.post(url("decide", application.pk), decision_data(meeting, **overrides))
    assert_error_by_field(response, field, message)
    assert not Decision.objects.exists()
    assert not Award.objects.exists()


def test_an_agenda_item_of_another_meeting_is_refused(client, grants_officer, application, meeting):
    other = MeetingFactory(board=meeting.board)
    item = AgendaItem.objects.create(meeting=other, number=7, title="POCA fund", purpose="decision")
    client.force_login(grants_officer)
    response = client.post(url("decide", application.pk), decision_data(meeting, item=item.pk))
    assert_error_by_field(response, "item", "Choose an item on that meeting")
    assert not Decision.objects.exists()


def test_a_meeting_of_another_board_is_not_offered(client, grants_officer, application, meeting):
    elsewhere = MeetingFactory()
    client.force_login(grants_officer)
    response = client.post(url("decide", application.pk), decision_data(elsewhere))
    assert_error_by_field(response, "meeting", "Select a valid choice")
    assert list(response.context["form"].fields["meeting"].queryset) == [meeting]


def test_tranches_that_do_not_add_up_are_shown_above_the_tranches(
    client, grants_officer, application, meeting
):
    client.force_login(grants_officer)
    response = client.post(
        url("decide", application.pk), decision_data(meeting, **{"tranches-1-amount": "30000"})
    )
    assert response.context["tranche_errors"] == [
        "The tranches add up to £65,713.00, not £71,818.00."
    ]
    assert re.search(
        r'data-testid="tranche-errors">.*add up to £65,713.00', response.content.decode()
    )
    assert not Decision.objects.exists()


def test_approval_beyond_the_funds_balance_is_shown_by_the_amount(
    client, grants_officer, application, meeting, fund
):
    ledger.adjust(fund, D("50000"), increase=False, reason="Returned to the Home Office")
    client.force_login(grants_officer)
    response = client.post(url("decide", application.pk), decision_data(meeting))
    assert_error_by_field(response, "amount", "The fund has £60,000.00 available to commit")
    assert not Decision.objects.exists()
    assert not Award.objects.exists()
    assert not Tranche.objects.exists()


def test_a_deferral_ignores_the_tranches_and_keeps_the_stage(
    client, grants_officer, application, meeting
):
    client.force_login(grants_officer)
    response = client.post(
        url("decide", application.pk),
        decision_data(
            meeting, outcome="deferred", reason="Wants figures", **{"tranches-0-amount": "x"}
        ),
    )
    assert response["Location"] == application.get_absolute_url()
    application.refresh_from_db()
    assert application.stage == Stage.DECISION
    assert Decision.objects.get().outcome == "deferred"


# --- Awards ---------------------------------------------------------------------------------------


def test_a_tranche_is_released_only_after_its_review(client, grants_officer, award, fund):
    first, second = award.tranches.all()
    client.force_login(grants_officer)

    client.post(url("tranche_release", first.pk), follow=True)
    refused = client.post(url("tranche_release", second.pk), follow=True)
    assert "needs its review" in messages_of(refused)[0]
    assert balances(fund.pk).released == D("10000")

    reviewed = client.post(
        url("tranche_review", second.pk),
        {
            f"review-{second.pk}-reviewed_on": days(-2),
            f"review-{second.pk}-review_note": "On track",
        },
    )
    assert reviewed.status_code == 302
    released = client.post(url("tranche_release", second.pk), follow=True)
    assert "Tranche 2 released: £10,000.00 paid." in messages_of(released)
    second.refresh_from_db()
    assert (second.released_on, second.released_by) == (today(), grants_officer)
    assert balances(fund.pk).released == D("20000")
    entry = LedgerEntry.objects.get(tranche=second)
    assert entry.kind == LedgerEntry.Kind.RELEASED


def test_a_tranche_review_needs_a_date_and_a_note(client, grants_officer, award):
    second = award.tranches.get(number=2)
    client.force_login(grants_officer)
    response = client.post(
        url("tranche_review", second.pk),
        {f"review-{second.pk}-reviewed_on": days(2), f"review-{second.pk}-review_note": ""},
    )
    assert_error_by_field(response, f"review-{second.pk}-reviewed_on", "once it has been held")
    assert_error_by_field(response, f"review-{second.pk}-review_note", "Say what the review found")
    second.refresh_from_db()
    assert second.reviewed_on is None


def test_award_page_shows_tranches_and_its_ledger_entries(client, grants_officer, award):
    client.force_login(grants_officer)
    response = client.get(url("award_detail", award.pk))
    html = response.content.decode()
    assert "Ready to release" in html
    assert "Waiting for its review" in html
    assert "Award committed" in html
    assert response.context["totals"]["unpaid"] == D("20000")


def test_returned_funds_become_available_again(client, grants_officer, award, fund):
    ledger.release(award.tranches.get(number=1))
    client.force_login(grants_officer)
    too_much = client.post(
        url("award_return", award.pk),
        {"return-amount": "10000.01", "return-on": today(), "return-note": "Unused"},
    )
    assert_error_by_field(too_much, "return-amount", "Only £10,000.00 has been paid")
    assert balances(fund.pk).returned == 0

    client.post(
        url("award_return", award.pk),
        {"return-amount": "2500", "return-on": today(), "return-note": "Unused"},
    )
    assert balances(fund.pk).returned == D("2500")
    assert balances(fund.pk).available == D("92500")


def test_unpaid_commitment_is_released_back(client, grants_officer, award, fund):
    client.force_login(grants_officer)
    too_much = client.post(
        url("award_uncommit", award.pk), {"uncommit-amount": "25000", "uncommit-reason": "Ended"}
    )
    assert_error_by_field(too_much, "uncommit-amount", "Only £20,000.00 of this award")
    no_reason = client.post(url("award_uncommit", award.pk), {"uncommit-amount": "5000"})
    assert_error_by_field(no_reason, "uncommit-reason", "This field is required")
    assert balances(fund.pk).committed == D("20000")

    client.post(
        url("award_uncommit", award.pk), {"uncommit-amount": "10000", "uncommit-reason": "Ended"}
    )
    assert balances(fund.pk).available == D("100000")


# --- Administration -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    ["fund", "round", "application", "award", "priorityarea", "keytheme", "budgetcategory"],
)
def test_admin_pages_open_and_never_move_money(
    client, administrator, fund, application, award, page
):
    objects = {
        "fund": fund,
        "round": application.round,
        "application": application,
        "award": award,
        "priorityarea": PriorityAreaFactory(),
        "keytheme": None,
        "budgetcategory": None,
    }
    model = {"round": "fundinground"}.get(page, page)
    client.force_login(administrator)

    assert client.get(reverse(f"admin:funding_{model}_changelist")).status_code == 200
    if objects[page] is not None:
        change = reverse(f"admin:funding_{model}_change", args=[objects[page].pk])
        assert client.get(change).status_code == 200
        assert client.get(change.replace("/change/", "/history/")).status_code == 200


def test_admin_offers_no_way_to_add_or_delete_ledger_entries(client, administrator, fund):
    client.force_login(administrator)
    html = client.get(reverse("admin:funding_fund_change", args=[fund.pk])).content.decode()
    assert "Share of confiscated assets" in html  # the entries are shown
    assert 'name="entries-MAX_NUM_FORMS" value="0"' in html  # no row can be added
    assert 'name="entries-0-DELETE"' not in html
    assert 'name="entries-0-amount"' not in html  # shown, not editable
    assert client.get(reverse("admin:funding_application_add")).status_code == 403
    assert client.get(reverse("admin:funding_award_add")).status_code == 403
