"""The application pipeline's rules, through the services: every move, refusal and e-mail."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from boards.models import AgendaItem
from boards.tests.factories import MeetingFactory
from funding import ledger, services
from funding.models import (
    Application,
    ApplicationDocument,
    Assessment,
    Award,
    BudgetCategory,
    Criterion,
    Decision,
    LedgerEntry,
    OrganisationType,
    Stage,
    StageChange,
    Tranche,
    balances,
)
from funding.services import Expression, TrancheSpec
from funding.tests.factories import ApplicationFactory, PriorityAreaFactory, RoundFactory
from partnership import roles
from partnership.tests.factories import persona

pytestmark = pytest.mark.django_db
D = Decimal
FINAL = {Stage.AWARDED, Stage.DECLINED, Stage.WITHDRAWN}


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def open_round():
    return RoundFactory(
        opens_on=today() - dt.timedelta(days=10), closes_on=today() + dt.timedelta(days=30)
    )


@pytest.fixture
def second_officer(db):
    """Another grants officer: the one who assessed may not record the decision."""
    return persona(roles.GRANTS_OFFICER, username="second_officer")


def expression(round_, **overrides) -> Expression:
    fields = {
        "organisation_name": "Riverside Youth Boxing Club",
        "contact_name": "Jo Bright",
        "contact_email": "jo@boxing.example",
        "project_title": "Friday night boxing",
        "summary": "Evening sessions for young people at risk of violence.",
        "amount_estimate": D("12000"),
        "priority_areas": list(round_.priority_areas.all()),
        **overrides,
    }
    return Expression(**fields)


def category(name="Staff costs", *, excluded=False, explanation=""):
    return BudgetCategory.objects.get_or_create(
        name=name, defaults={"excluded": excluded, "explanation": explanation}
    )[0]


def upload(application, kind, name="policy.pdf"):
    return ApplicationDocument.objects.create(
        application=application,
        kind=kind,
        file=SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf"),
        original_name=name,
        content_type="application/pdf",
        size=13,
    )


def complete(application) -> Application:
    """Fill in a full application that meets every rule."""
    application.organisation_type = OrganisationType.CHARITY
    application.charity_number = "1123456"
    application.address = "1 River Street, Riverside"
    application.need = "Knife crime among 14-18 year olds rose by a fifth."
    application.means = "Two coaches, three evenings a week."
    application.evaluation = "Attendance, referrals and a survey at six and twelve months."
    application.amount_requested = D("12000")
    application.start_date = today() + dt.timedelta(days=30)
    application.duration_months = 12
    application.declarations_confirmed = True
    application.save()
    application.priority_areas.add(*application.round.priority_areas.all())
    application.budget_lines.create(category=category(), description="Coaches", amount=D("10000"))
    application.budget_lines.create(
        category=category("Equipment"), description="Gloves and pads", amount=D("2000")
    )
    for kind in ApplicationDocument.Kind.values:
        if kind != ApplicationDocument.Kind.OTHER:
            upload(application, kind)
    return application


def at_stage(stage, round_=None, **fields) -> Application:
    return ApplicationFactory(stage=stage, **({"round": round_} if round_ else {}), **fields)


ALL_FIVES = {c.value: (5, "") for c in Criterion}


def assessed(application, assessor, recommendation=Assessment.Recommendation.FUND):
    return services.record_assessment(
        application, assessor=assessor, scores=ALL_FIVES, recommendation=recommendation
    )


def funded_round(amount="110000"):
    round_ = RoundFactory()
    ledger.receive(round_.fund, D(amount), note="Share of confiscated assets")
    return round_


def moves_of(application) -> list[tuple[str, str, str | None]]:
    return [
        (m.from_stage, m.to_stage, m.by.username if m.by else None)
        for m in StageChange.objects.filter(application=application)
    ]


# --- Moves ----------------------------------------------------------------------------------


def test_each_allowed_move_works_and_records_who_made_it(
    open_round, grants_officer, second_officer, django_capture_on_commit_callbacks
):
    ledger.receive(open_round.fund, D("50000"), note="Q2 share")
    with django_capture_on_commit_callbacks(execute=True):
        application, _ = services.submit_expression(open_round, expression(open_round))
        services.invite_to_present(
            application, by=grants_officer, when_where="14 January, 10:30, Committee Room 2"
        )
        services.record_presentation(application, by=grants_officer, note="Strong delivery plan")
        services.invite_full_application(application, by=grants_officer)
        application.refresh_from_db()
        complete(application)
        services.submit_full_application(application)
        services.check_eligibility(application, by=grants_officer, eligible=True)
        application.refresh_from_db()
        assessed(application, grants_officer)
        services.send_to_decision(application, by=grants_officer)
        services.record_decision(
            application,
            meeting=MeetingFactory(board=open_round.fund.board),
            outcome=Decision.Outcome.APPROVED,
            by=second_officer,
            amount=D("12000"),
            starts_on=today() + dt.timedelta(days=30),
            months=12,
            tranches=[TrancheSpec(D("12000"), today() + dt.timedelta(days=30))],
        )

    application.refresh_from_db()
    assert application.stage == Stage.AWARDED
    assert moves_of(application) == [
        ("", Stage.EXPRESSION, None),
        (Stage.EXPRESSION, Stage.INVITED_TO_PRESENT, "grants_officer"),
        (Stage.INVITED_TO_PRESENT, Stage.PRESENTED, "grants_officer"),
        (Stage.PRESENTED, Stage.APPLICATION, "grants_officer"),
        (Stage.APPLICATION, Stage.ELIGIBILITY, None),  # the applicant submitted it
        (Stage.ELIGIBILITY, Stage.ASSESSMENT, "grants_officer"),
        (Stage.ASSESSMENT, Stage.DECISION, "grants_officer"),
        (Stage.DECISION, Stage.AWARDED, "second_officer"),
    ]
    notes = [m.note for m in StageChange.objects.filter(application=application)]
    assert "14 January, 10:30, Committee Room 2" in notes
    assert "Strong delivery plan" in notes
    subjects = [m.subject for m in mail.outbox]
    assert all(s.startswith(application.reference) for s in subjects)
    # Expression received, invited to present, invited to apply, application received, awarded.
    assert len(subjects) == 5
    assert all(m.to == ["jo@boxing.example"] for m in mail.outbox)


@pytest.mark.parametrize(
    ("stage", "move"),
    [
        (Stage.EXPRESSION, lambda a, u: services.check_eligibility(a, by=u, eligible=True)),
        (Stage.EXPRESSION, lambda a, u: services.record_presentation(a, by=u)),
        (Stage.EXPRESSION, lambda a, u: services.invite_full_application(a, by=u)),
        (Stage.INVITED_TO_PRESENT, lambda a, u: services.invite_full_application(a, by=u)),
        (Stage.PRESENTED, lambda a, u: services.invite_to_present(a, by=u, when_where="Monday")),
        (Stage.APPLICATION, lambda a, u: services.check_eligibility(a, by=u, eligible=True)),
        (
            Stage.APPLICATION,
            lambda a, u: services.check_eligibility(a, by=u, eligible=False, reason="x"),
        ),
        (Stage.ELIGIBILITY, lambda a, u: services.invite_to_present(a, by=u, when_where="Monday")),
        (Stage.ASSESSMENT, lambda a, u: services.check_eligibility(a, by=u, eligible=True)),
    ],
)
def test_a_move_the_pipeline_does_not_allow_is_refused(grants_officer, stage, move):
    application = at_stage(stage)

    with pytest.raises(ValidationError, match="cannot move to"):
        move(application, grants_officer)

    application.refresh_from_db()
    assert application.stage == stage
    assert not StageChange.objects.filter(application=application).exists()


def test_expression_cannot_jump_straight_to_assessment(grants_officer):
    application = at_stage(Stage.EXPRESSION)
    with pytest.raises(
        ValidationError, match="“Expression of interest” cannot move to “Assessment”"
    ):
        services.check_eligibility(application, by=grants_officer, eligible=True)


def test_invitation_to_present_needs_when_and_where(grants_officer):
    application = at_stage(Stage.EXPRESSION)
    with pytest.raises(ValidationError) as refused:
        services.invite_to_present(application, by=grants_officer, when_where="  ")
    assert "when_where" in refused.value.error_dict


# --- Expressions of interest -------------------------------------------------------------------


def test_expression_is_refused_when_the_round_is_closed():
    closed = RoundFactory(opens_on=dt.date(2025, 1, 1), closes_on=dt.date(2025, 3, 31))
    with pytest.raises(ValidationError) as refused:
        services.submit_expression(closed, expression(closed))
    assert "closed on 31 March 2025" in refused.value.message_dict["round"][0]
    assert not Application.objects.exists()


@pytest.mark.parametrize("amount", ["999.99", "50000.01"])
def test_expression_is_refused_when_the_amount_is_out_of_range(open_round, amount):
    with pytest.raises(ValidationError) as refused:
        services.submit_expression(open_round, expression(open_round, amount_estimate=D(amount)))
    assert refused.value.message_dict["amount_estimate"] == [
        "Grants in this round are from £1,000 to £50,000."
    ]
    assert not Application.objects.exists()


def test_expression_is_refused_without_a_priority_area(open_round):
    with pytest.raises(ValidationError) as refused:
        services.submit_expression(open_round, expression(open_round, priority_areas=[]))
    assert "priority_areas" in refused.value.error_dict
    assert not Application.objects.exists()


def test_expression_is_refused_with_another_rounds_priority_area(open_round):
    elsewhere = PriorityAreaFactory(name="Rural crime")
    with pytest.raises(ValidationError, match="this round's priority areas"):
        services.submit_expression(open_round, expression(open_round, priority_areas=[elsewhere]))


def test_references_number_the_years_applications_in_order(open_round):
    first, _ = services.submit_expression(open_round, expression(open_round))
    second, _ = services.submit_expression(open_round, expression(open_round))
    year = today().year
    assert (first.reference, second.reference) == (f"POCA-{year}-0001", f"POCA-{year}-0002")


def test_expression_gives_a_private_link_that_opens_only_that_application(open_round):
    application, token = services.submit_expression(open_round, expression(open_round))
    assert Application.by_token(token) == application
    assert token not in application.token_hash  # only the hash is kept
    assert Application.by_token(token + "x") is None


# --- Completeness of a full application ----------------------------------------------------------


@pytest.fixture
def full(open_round):
    return complete(at_stage(Stage.APPLICATION, open_round))


def test_a_complete_application_has_no_problems(full):
    assert services.completeness_problems(full) == {}


@pytest.mark.parametrize(
    ("kind", "field", "bad", "good"),
    [
        (OrganisationType.CHARITY, "charity_number", "12AB34", "1234567-1"),
        (OrganisationType.CIO, "charity_number", "", "12345678"),
        (OrganisationType.CIC, "company_number", "1234567", "SC123456"),
        (OrganisationType.COMPANY_GUARANTEE, "company_number", "ab123456", "01234567"),
    ],
)
def test_registration_number_must_match_the_organisation_type(full, kind, field, bad, good):
    full.organisation_type = kind
    setattr(full, field, bad)
    assert field in services.completeness_problems(full)
    setattr(full, field, good)
    assert services.completeness_problems(full) == {}


def test_a_community_group_needs_no_registration_number_but_a_constitution(full):
    full.organisation_type = OrganisationType.COMMUNITY_GROUP
    full.charity_number = ""
    assert services.completeness_problems(full) == {}
    full.documents.filter(kind=ApplicationDocument.Kind.GOVERNING).delete()
    assert "Governing document" in services.completeness_problems(full)["documents"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"amount_requested": D("999")}, "amount_requested", "from £1,000 to £50,000"),
        ({"amount_requested": D("60000")}, "amount_requested", "from £1,000 to £50,000"),
        ({"duration_months": 13}, "duration_months", "up to 12 months"),
        ({"start_date": dt.date(2026, 1, 1)}, "start_date", "work already done"),
        ({"declarations_confirmed": False}, "declarations_confirmed", "Confirm the declarations"),
        ({"need": ""}, "need", "Describe the need"),
        ({"organisation_type": ""}, "organisation_type", "what kind of organisation"),
    ],
)
def test_each_rule_of_a_full_application(full, change, field, message):
    for name, value in change.items():
        setattr(full, name, value)
    problems = services.completeness_problems(full)
    assert message in problems[field]


def test_start_date_in_the_past_is_a_problem_but_today_is_not(full):
    full.start_date = today() - dt.timedelta(days=1)
    assert "start_date" in services.completeness_problems(full)
    full.start_date = today()
    assert "start_date" not in services.completeness_problems(full)


def test_an_excluded_budget_category_is_refused_with_its_explanation(full):
    consultancy = category(
        "Consultancy",
        excluded=True,
        explanation="Consultancy and feasibility studies are not funded.",
    )
    line = full.budget_lines.get(description="Gloves and pads")
    line.category = consultancy
    line.save()
    assert services.completeness_problems(full)["budget"] == (
        "Consultancy: Consultancy and feasibility studies are not funded."
    )


def test_budget_lines_must_add_up_to_the_amount_requested(full):
    full.budget_lines.filter(description="Gloves and pads").update(amount=D("1500"))
    assert services.completeness_problems(full)["budget"] == (
        "The budget lines add up to £11,500.00, not the £12,000.00 requested."
    )


def test_a_budget_is_needed(full):
    full.budget_lines.all().delete()
    assert services.completeness_problems(full)["budget"] == "List what the grant will pay for."


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        (ApplicationDocument.Kind.EQUALITY, "Equality and diversity policy"),
        (ApplicationDocument.Kind.GOVERNING, "Governing document"),
        (ApplicationDocument.Kind.SAFEGUARDING, "Safeguarding policy"),
        (ApplicationDocument.Kind.ACCOUNTS, "Latest annual accounts"),
    ],
)
def test_each_missing_document_is_named(full, kind, label):
    full.documents.filter(kind=kind).delete()
    problems = services.completeness_problems(full)
    assert label in problems["documents"]


def test_an_organisation_under_a_year_old_needs_no_accounts(full):
    full.documents.filter(kind=ApplicationDocument.Kind.ACCOUNTS).delete()
    assert "documents" in services.completeness_problems(full)
    full.established_under_a_year = True
    assert services.completeness_problems(full) == {}


def test_an_incomplete_application_cannot_be_submitted(full):
    full.declarations_confirmed = False
    full.save()
    with pytest.raises(ValidationError) as refused:
        services.submit_full_application(full)
    assert "declarations_confirmed" in refused.value.error_dict
    full.refresh_from_db()
    assert full.stage == Stage.APPLICATION


# --- Eligibility, assessment, decision ------------------------------------------------------------


def test_failing_eligibility_needs_a_reason(grants_officer):
    application = at_stage(Stage.ELIGIBILITY)
    with pytest.raises(ValidationError) as refused:
        services.check_eligibility(application, by=grants_officer, eligible=False, reason=" ")
    assert "reason" in refused.value.error_dict
    application.refresh_from_db()
    assert application.stage == Stage.ELIGIBILITY


def test_failing_eligibility_declines_and_tells_the_applicant_why(
    grants_officer, django_capture_on_commit_callbacks
):
    application = at_stage(Stage.ELIGIBILITY)
    with django_capture_on_commit_callbacks(execute=True):
        services.check_eligibility(
            application, by=grants_officer, eligible=False, reason="Run for profit."
        )
    application.refresh_from_db()
    assert application.stage == Stage.DECLINED
    assert moves_of(application) == [(Stage.ELIGIBILITY, Stage.DECLINED, "grants_officer")]
    (message,) = mail.outbox
    assert message.subject.startswith(application.reference)
    assert "Run for profit." in message.body
    assert message.to == [application.contact_email]


def test_passing_eligibility_sends_to_assessment(grants_officer):
    application = at_stage(Stage.ELIGIBILITY)
    services.check_eligibility(application, by=grants_officer, eligible=True)
    application.refresh_from_db()
    assert application.stage == Stage.ASSESSMENT


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({c.value: (3, "") for c in list(Criterion)[:7]}, "every one of the eight criteria"),
        ({**ALL_FIVES, "extra": (3, "")}, "every one of the eight criteria"),
        ({**ALL_FIVES, Criterion.NEED.value: (6, "")}, "from 0 to 5"),
        ({**ALL_FIVES, Criterion.NEED.value: (-1, "")}, "from 0 to 5"),
    ],
)
def test_an_assessment_scores_all_eight_criteria_from_0_to_5(grants_officer, scores, message):
    application = at_stage(Stage.ASSESSMENT)
    with pytest.raises(ValidationError, match=message):
        services.record_assessment(
            application, assessor=grants_officer, scores=scores, recommendation="fund"
        )
    assert not Assessment.objects.exists()


def test_part_funding_needs_an_amount(grants_officer):
    application = at_stage(Stage.ASSESSMENT)
    with pytest.raises(ValidationError) as refused:
        services.record_assessment(
            application, assessor=grants_officer, scores=ALL_FIVES, recommendation="part"
        )
    assert "recommended_amount" in refused.value.error_dict


def test_only_applications_at_assessment_are_scored(grants_officer):
    with pytest.raises(ValidationError, match="assessment stage"):
        assessed(at_stage(Stage.ELIGIBILITY), grants_officer)


def test_assessing_again_updates_the_assessors_own_assessment(grants_officer, second_officer):
    application = at_stage(Stage.ASSESSMENT)
    assessed(application, grants_officer)
    assessed(application, second_officer)
    services.record_assessment(
        application,
        assessor=grants_officer,
        scores={**ALL_FIVES, Criterion.NEED.value: (2, "Thin evidence")},
        recommendation="part",
        recommended_amount=D("8000"),
    )
    assert application.assessments.count() == 2
    mine = application.assessments.get(assessor=grants_officer)
    assert (mine.recommendation, mine.recommended_amount, mine.total) == ("part", D("8000"), 37)
    assert mine.scores.get(criterion=Criterion.NEED).comment == "Thin evidence"


def test_sending_to_decision_needs_an_assessment(grants_officer):
    application = at_stage(Stage.ASSESSMENT)
    with pytest.raises(ValidationError, match="Assess the application"):
        services.send_to_decision(application, by=grants_officer)
    assessed(application, grants_officer)
    services.send_to_decision(application, by=grants_officer)
    application.refresh_from_db()
    assert application.stage == Stage.DECISION


@pytest.fixture
def awaiting(grants_officer):
    """An application assessed by the grants officer, waiting for the board, in a funded round."""
    round_ = funded_round("110000")
    application = at_stage(Stage.ASSESSMENT, round_, amount_requested=D("71818"))
    assessed(application, grants_officer)
    services.send_to_decision(application, by=grants_officer)
    application.refresh_from_db()
    return application


def two_year_post(**overrides):
    start = dt.date(2027, 1, 1)
    fields = {
        "outcome": Decision.Outcome.APPROVED,
        "amount": D("71818"),
        "starts_on": start,
        "months": 24,
        "tranches": [
            TrancheSpec(D("35713"), start),
            TrancheSpec(D("36105"), dt.date(2028, 1, 1), review_on=dt.date(2027, 10, 1)),
        ],
        **overrides,
    }
    return fields


def test_the_officer_who_assessed_cannot_record_the_decision(awaiting, grants_officer):
    meeting = MeetingFactory(board=awaiting.round.fund.board)
    with pytest.raises(ValidationError, match="another officer must record"):
        services.record_decision(awaiting, meeting=meeting, by=grants_officer, **two_year_post())
    assert not Decision.objects.exists()


def test_a_meeting_of_another_board_is_refused(awaiting, second_officer):
    with pytest.raises(ValidationError) as refused:
        services.record_decision(
            awaiting, meeting=MeetingFactory(), by=second_officer, **two_year_post()
        )
    assert "meeting" in refused.value.error_dict
    assert not Decision.objects.exists()


def test_an_item_of_another_meeting_is_refused(awaiting, second_officer):
    board = awaiting.round.fund.board
    meeting, other = MeetingFactory(board=board), MeetingFactory(board=board)
    item = AgendaItem.objects.create(meeting=other, number=5, title="POCA", purpose="decision")
    with pytest.raises(ValidationError) as refused:
        services.record_decision(
            awaiting, meeting=meeting, item=item, by=second_officer, **two_year_post()
        )
    assert "item" in refused.value.error_dict


def test_declining_needs_a_reason_and_tells_the_applicant(
    awaiting, second_officer, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(board=awaiting.round.fund.board)
    with pytest.raises(ValidationError) as refused:
        services.record_decision(awaiting, meeting=meeting, outcome="declined", by=second_officer)
    assert "reason" in refused.value.error_dict
    assert not Decision.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.record_decision(
            awaiting, meeting=meeting, outcome="declined", by=second_officer, reason="Duplicates"
        )
    awaiting.refresh_from_db()
    assert awaiting.stage == Stage.DECLINED
    assert "Duplicates" in mail.outbox[0].body


def test_approval_creates_the_award_its_tranches_and_the_commitment(
    awaiting, second_officer, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(board=awaiting.round.fund.board)
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.record_decision(
            awaiting, meeting=meeting, by=second_officer, **two_year_post()
        )

    awaiting.refresh_from_db()
    assert awaiting.stage == Stage.AWARDED
    award = Award.objects.get(application=awaiting)
    assert (award.decision, award.amount, award.ends_on) == (
        decision,
        D("71818"),
        dt.date(2028, 12, 31),
    )
    assert [(t.number, t.amount, t.review_on) for t in award.tranches.all()] == [
        (1, D("35713"), None),
        (2, D("36105"), dt.date(2027, 10, 1)),
    ]
    commitment = LedgerEntry.objects.get(award=award)
    assert (commitment.kind, commitment.amount, commitment.created_by) == (
        LedgerEntry.Kind.COMMITTED,
        D("71818"),
        second_officer,
    )
    assert balances(awaiting.round.fund_id).available == D("38182")
    (message,) = mail.outbox
    assert "£71818.00" in message.body
    assert message.to == [awaiting.contact_email]


def test_approval_beyond_what_the_fund_has_is_refused_and_leaves_nothing(
    awaiting, second_officer, django_capture_on_commit_callbacks
):
    fund = awaiting.round.fund
    ledger.adjust(fund, D("50000"), increase=False, reason="Returned to the Home Office")
    meeting = MeetingFactory(board=fund.board)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as refused,
    ):
        services.record_decision(awaiting, meeting=meeting, by=second_officer, **two_year_post())

    assert "£60,000.00 available to commit" in refused.value.message_dict["amount"][0]
    assert not Decision.objects.exists()
    assert not Award.objects.exists()
    assert not Tranche.objects.exists()
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.COMMITTED).exists()
    awaiting.refresh_from_db()
    assert awaiting.stage == Stage.DECISION
    assert mail.outbox == []


def test_tranches_must_add_up_to_the_award(awaiting, second_officer):
    meeting = MeetingFactory(board=awaiting.round.fund.board)
    with pytest.raises(ValidationError) as refused:
        services.record_decision(
            awaiting,
            meeting=meeting,
            by=second_officer,
            **two_year_post(tranches=[TrancheSpec(D("35713"), dt.date(2027, 1, 1))]),
        )
    assert "add up to £35,713.00" in refused.value.message_dict["tranches"][0]
    assert not Decision.objects.exists()


def test_deferral_keeps_the_stage_and_is_recorded(awaiting, second_officer):
    meeting = MeetingFactory(board=awaiting.round.fund.board)
    services.record_decision(
        awaiting, meeting=meeting, outcome="deferred", by=second_officer, reason="More figures"
    )
    awaiting.refresh_from_db()
    assert awaiting.stage == Stage.DECISION
    assert Decision.objects.get().outcome == Decision.Outcome.DEFERRED
    last = StageChange.objects.filter(application=awaiting).last()
    assert (last.to_stage, last.by, last.note) == (
        Stage.DECISION,
        second_officer,
        "Deferred: More figures",
    )


# --- Withdrawal and the private link ----------------------------------------------------------


@pytest.mark.parametrize("stage", [s for s in Stage if s not in FINAL])
def test_an_application_can_be_withdrawn_from_any_stage_before_the_end(grants_officer, stage):
    application = at_stage(stage)
    services.withdraw(application, by=grants_officer, reason="Lost the venue")
    application.refresh_from_db()
    assert application.stage == Stage.WITHDRAWN
    assert moves_of(application) == [(stage, Stage.WITHDRAWN, "grants_officer")]


@pytest.mark.parametrize("stage", sorted(FINAL))
def test_a_finished_application_cannot_be_withdrawn(grants_officer, stage):
    with pytest.raises(ValidationError, match="cannot move to"):
        services.withdraw(at_stage(stage), by=grants_officer)


@pytest.mark.parametrize(
    "end",
    [
        lambda a, u: services.withdraw(a, by=u),
        lambda a, u: services.check_eligibility(a, by=u, eligible=False, reason="Not local"),
    ],
    ids=["withdrawn", "declined"],
)
def test_the_private_link_expires_90_days_after_the_application_ends(
    open_round, grants_officer, end
):
    application, token = services.submit_expression(open_round, expression(open_round))
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        end(application, grants_officer)
    application.refresh_from_db()
    assert application.link_expires_at == start + dt.timedelta(days=90)

    with time_machine.travel(start + dt.timedelta(days=89), tick=False):
        assert Application.by_token(token) == application
    with time_machine.travel(start + dt.timedelta(days=91), tick=False):
        assert Application.by_token(token) is None


def test_resending_the_link_replaces_the_old_one(open_round, django_capture_on_commit_callbacks):
    application, old = services.submit_expression(open_round, expression(open_round))
    with django_capture_on_commit_callbacks(execute=True):
        new = services.resend_link(application)
    assert Application.by_token(old) is None
    assert Application.by_token(new) == application
    assert new in mail.outbox[-1].body
