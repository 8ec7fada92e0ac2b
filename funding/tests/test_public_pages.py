"""The fund's public pages: rounds, eligibility, the expression of interest, the applicant's
private pages, the full application, lost links and rate limits."""

import datetime as dt
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from funding import defaults
from funding.models import (
    Application,
    ApplicationDocument,
    BudgetCategory,
    KeyTheme,
    PriorityArea,
    Stage,
    StageChange,
)
from funding.tests.factories import ApplicationFactory, FundFactory, RoundFactory
from funding.views.public import STAGE_WORDS

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def empty_cache():
    """The rate limits count in the cache: each test starts with a clean slate."""
    cache.clear()
    yield
    cache.clear()


def today():
    return timezone.localdate()


def make_round(slug="community-fund", *, opens=-30, closes=30, **extra):
    """A round opening and closing ``opens``/``closes`` days from today, with the defaults."""
    round_ = RoundFactory(
        slug=slug,
        name=f"Round {slug}",
        opens_on=today() + timedelta(days=opens),
        closes_on=today() + timedelta(days=closes),
        min_grant=Decimal("1000"),
        max_grant=Decimal("50000"),
        **extra,
    )
    defaults.install(round_)
    round_.priority_areas.add(PriorityArea.objects.get(name="Reducing anti-social behaviour"))
    round_.key_themes.add(KeyTheme.objects.get(name="Victims and survivors"))
    return round_


@pytest.fixture
def open_round(db):
    return make_round(guidance="Projects should start in the spring.")


def applicant(round_, stage=Stage.APPLICATION, **fields):
    """An application at ``stage`` with a working private link; returns it and the link's secret."""
    application = ApplicationFactory(round=round_, stage=stage, **fields)
    application.priority_areas.add(round_.priority_areas.first())
    token = application.issue_link()
    application.save()
    StageChange.objects.create(application=application, to_stage=Stage.EXPRESSION)
    return application, token


def home_url(token):
    return reverse("funding:applicant_home", args=[token])


def form_url(token):
    return reverse("funding:applicant_form", args=[token])


def add_documents(application, kinds=None):
    for kind in kinds or ApplicationDocument.Kind.values:
        ApplicationDocument.objects.create(
            application=application,
            kind=kind,
            file=SimpleUploadedFile(f"{kind}.pdf", PDF),
            original_name=f"{kind}.pdf",
            content_type="application/pdf",
            size=len(PDF),
        )


def category(name):
    return BudgetCategory.objects.get(name=name)


def budget_rows(application, lines) -> dict:
    """Formset data that removes the saved lines and adds ``lines`` (category, what, amount)."""
    existing = list(application.budget_lines.all())
    data = {
        "budget-TOTAL_FORMS": str(len(existing) + len(lines)),
        "budget-INITIAL_FORMS": str(len(existing)),
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "40",
    }
    for i, line in enumerate(existing):
        data |= {
            f"budget-{i}-id": str(line.pk),
            f"budget-{i}-category": str(line.category_id),
            f"budget-{i}-description": line.description,
            f"budget-{i}-amount": str(line.amount),
            f"budget-{i}-DELETE": "on",
        }
    for i, (cat, what, amount) in enumerate(lines, start=len(existing)):
        data |= {
            f"budget-{i}-category": str(cat.pk) if cat else "",
            f"budget-{i}-description": what,
            f"budget-{i}-amount": amount,
        }
    return data


def complete_answers(application, lines=None, **overrides) -> dict:
    lines = lines or [
        (category("Staff costs"), "Youth worker, 8 hours a week", "10,000"),
        (category("Equipment"), "Boxing gloves and pads", "£2,000.00"),
    ]
    data = {
        "organisation_type": "charity",
        "charity_number": "1123456",
        "company_number": "",
        "address": "Unit 4, Mill Lane, Riverside",
        "need": "Knife crime among 14 to 17 year olds doubled in the ward last year.",
        "means": "Friday night sessions run by two qualified coaches and a youth worker.",
        "evaluation": "Attendance, referrals to support, and police incident data for the ward.",
        "amount_requested": "12,000",
        "start_date": (today() + timedelta(days=60)).isoformat(),
        "duration_months": "12",
        "match_funding": "1,500",
        "match_funding_source": "Town council small grants",
        "priority_areas": [str(application.round.priority_areas.first().pk)],
        "key_themes": [str(KeyTheme.objects.get(name="Victims and survivors").pk)],
        "established_under_a_year": "",
        "declarations_confirmed": "on",
        "website": "",
    }
    data |= budget_rows(application, lines)
    data |= overrides
    return {key: value for key, value in data.items() if value is not None}


# --- Rounds ----------------------------------------------------------------------------------


def test_open_round_is_listed_with_dates_range_and_priority_areas(client, open_round):
    closed = make_round("last-year", opens=-400, closes=-35)
    response = client.get(reverse("funding:rounds"))
    assert response.status_code == 200
    text = response.content.decode()
    assert open_round.name in text
    assert closed.name not in text
    assert f"{open_round.closes_on:%-d %B %Y}" in text
    assert "£1,000 to £50,000" in text
    assert "Reducing anti-social behaviour" in text


def test_without_an_open_round_the_next_expected_one_is_shown(client, db):
    make_round("old", opens=-400, closes=-35)
    upcoming = make_round("next-spring", opens=40, closes=100)
    response = client.get(reverse("funding:rounds"))
    text = response.content.decode()
    assert "No round is open" in text
    assert upcoming.name in text
    assert f"{upcoming.opens_on:%-d %B %Y}" in text


def test_round_page_shows_guidance_exclusions_and_links(client, open_round):
    response = client.get(reverse("funding:round_public", args=[open_round.slug]))
    text = response.content.decode()
    assert "Projects should start in the spring." in text
    assert "Overseas travel" in text and "Travel abroad is not funded." in text
    assert "Victims and survivors" in text
    assert reverse("funding:eligibility", args=[open_round.slug]) in text
    assert reverse("funding:expression", args=[open_round.slug]) in text


def test_closed_round_says_so_and_offers_no_form(client, db):
    closed = make_round("closed-round", opens=-100, closes=-1)
    response = client.get(reverse("funding:round_public", args=[closed.slug]))
    assert "This round is closed" in response.content.decode()
    assert reverse("funding:expression", args=[closed.slug]) not in response.content.decode()
    form_page = client.get(reverse("funding:expression", args=[closed.slug]))
    assert "not taking applications" in form_page.content.decode()
    assert "form" not in form_page.context or form_page.context.get("form") is None


def test_round_of_an_inactive_fund_is_closed(client, db):
    round_ = make_round("paused", fund=FundFactory(name="Paused fund", active=False))
    response = client.get(reverse("funding:round_public", args=[round_.slug]))
    assert "This round is closed" in response.content.decode()


def test_unknown_round_is_not_found(client, db):
    assert client.get(reverse("funding:round_public", args=["no-such-round"])).status_code == 404
    assert client.get(reverse("funding:expression", args=["no-such-round"])).status_code == 404


# --- Eligibility -----------------------------------------------------------------------------


def eligible_answers(round_) -> dict:
    return {f"q{q.pk}": "yes" if q.eligible_answer else "no" for q in round_.questions.all()}


@pytest.mark.parametrize("index", range(len(defaults.ELIGIBILITY_QUESTIONS)))
def test_each_failed_rule_is_explained(client, open_round, index):
    question = list(open_round.questions.all())[index]
    answers = eligible_answers(open_round)
    answers[f"q{question.pk}"] = "no" if question.eligible_answer else "yes"
    response = client.post(reverse("funding:eligibility", args=[open_round.slug]), answers)
    assert response.status_code == 200
    assert [q.pk for q in response.context["failed"]] == [question.pk]
    text = response.content.decode()
    assert question.explanation.replace("'", "&#x27;") in text
    assert "You look eligible" not in text


def test_all_eligible_answers_link_to_the_expression_of_interest(client, open_round):
    response = client.post(
        reverse("funding:eligibility", args=[open_round.slug]), eligible_answers(open_round)
    )
    text = response.content.decode()
    assert "You look eligible" in text
    assert reverse("funding:expression", args=[open_round.slug]) in text


def test_unanswered_questions_are_marked_each(client, open_round):
    answers = eligible_answers(open_round)
    first, *_, last = list(open_round.questions.all())
    del answers[f"q{first.pk}"], answers[f"q{last.pk}"]
    response = client.post(reverse("funding:eligibility", args=[open_round.slug]), answers)
    form = response.context["form"]
    assert set(form.errors) == {f"q{first.pk}", f"q{last.pk}"}
    assert form.errors[f"q{first.pk}"] == ["Answer this question."]


# --- Expression of interest ------------------------------------------------------------------


def expression_data(round_, **overrides) -> dict:
    data = {
        "organisation_name": "Riverside Youth Boxing Club",
        "contact_name": "Jo Bright",
        "contact_email": "jo@boxing.example",
        "contact_phone": "01632 960123",
        "project_title": "Friday night boxing",
        "summary": "Evening sessions for young people at risk of serious violence.",
        "amount_estimate": "£12,500",
        "priority_areas": [str(round_.priority_areas.first().pk)],
        "website": "",
    }
    data |= overrides
    return {key: value for key, value in data.items() if value is not None}


def test_expression_is_received_with_reference_link_and_email(
    client, open_round, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("funding:expression", args=[open_round.slug]), expression_data(open_round)
        )
    assert response.status_code == 200
    application = Application.objects.get()
    assert re.fullmatch(rf"POCA-{today().year}-\d{{4}}", application.reference)
    assert application.amount_estimate == Decimal("12500")
    assert application.stage == Stage.EXPRESSION
    assert StageChange.objects.filter(application=application, to_stage=Stage.EXPRESSION).exists()
    link = response.context["link"]
    text = response.content.decode()
    assert application.reference in text and link in text
    assert response["Cache-Control"] == "no-store, private"
    assert response["Referrer-Policy"] == "same-origin"
    [email] = mail.outbox
    assert email.to == ["jo@boxing.example"]
    assert link in email.body and application.reference in email.subject
    token = link.rsplit("/my/", 1)[1].strip("/")
    assert Application.by_token(token) == application


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"amount_estimate": "500"}, "amount_estimate", "from £1,000 to £50,000"),
        ({"amount_estimate": "60,000"}, "amount_estimate", "from £1,000 to £50,000"),
        ({"amount_estimate": "12.345"}, "amount_estimate", "Give an amount in pounds"),
        ({"priority_areas": None}, "priority_areas", "Choose at least one priority area"),
        ({"contact_email": "jo at boxing"}, "contact_email", "valid email"),
        ({"summary": "x" * 2001}, "summary", "at most 2000 characters"),
        ({"website": "http://spam.example"}, "website", "must be left empty"),
    ],
)
def test_refused_expression_is_marked_next_to_the_field(
    client, open_round, overrides, field, message
):
    response = client.post(
        reverse("funding:expression", args=[open_round.slug]),
        expression_data(open_round, **overrides),
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Application.objects.exists()
    assert not mail.outbox


def test_expression_for_another_rounds_priority_area_is_refused(client, open_round):
    other = PriorityArea.objects.create(name="Not in this round")
    response = client.post(
        reverse("funding:expression", args=[open_round.slug]),
        expression_data(open_round, priority_areas=[str(other.pk)]),
    )
    assert "priority_areas" in response.context["form"].errors
    assert not Application.objects.exists()


def test_expression_for_a_closed_round_saves_nothing(client, db):
    closed = make_round("closed-round", opens=-100, closes=-1)
    response = client.post(
        reverse("funding:expression", args=[closed.slug]), expression_data(closed)
    )
    assert response.status_code == 200
    assert "not taking applications" in response.content.decode()
    assert not Application.objects.exists()


# --- The applicant's status page -------------------------------------------------------------


@pytest.mark.parametrize("stage", Stage.values)
def test_status_page_says_where_the_application_stands(client, open_round, stage):
    application, token = applicant(open_round, stage=stage)
    response = client.get(home_url(token))
    assert response.status_code == 200
    status, next_steps = STAGE_WORDS[stage]
    text = response.content.decode()
    assert status.replace("'", "&#x27;") in text
    assert next_steps.replace("'", "&#x27;") in text
    assert application.reference in text
    assert (form_url(token) in text) == (stage == Stage.APPLICATION)


def test_timeline_shows_dates_but_never_staff_names_or_notes(client, open_round, grants_officer):
    grants_officer.first_name, grants_officer.last_name = "Priya", "Staffmember"
    grants_officer.save()
    application, token = applicant(open_round, stage=Stage.INVITED_TO_PRESENT)
    StageChange.objects.create(
        application=application,
        from_stage=Stage.EXPRESSION,
        to_stage=Stage.INVITED_TO_PRESENT,
        by=grants_officer,
        note="Internal: the chair is doubtful about this one.",
    )
    text = client.get(home_url(token)).content.decode()
    assert "Invited to present" in text
    assert f"{today():%-d %B %Y}" in text
    assert "Staffmember" not in text and "doubtful" not in text


def test_unknown_link_is_not_found_and_kept_private(client, open_round):
    response = client.get(home_url("not-a-real-token"))
    assert response.status_code == 404
    assert response["Cache-Control"] == "no-store, private"
    assert response["Referrer-Policy"] == "same-origin"


def test_expired_link_is_not_found(client, open_round):
    application, token = applicant(open_round, stage=Stage.DECLINED)
    application.link_expires_at = timezone.now() - timedelta(days=1)
    application.save()
    assert client.get(home_url(token)).status_code == 404
    assert client.get(reverse("funding:applicant_documents", args=[token])).status_code == 404


@pytest.mark.parametrize("name", ["applicant_home", "applicant_form", "applicant_documents"])
def test_private_pages_are_not_cached_or_referred(client, open_round, name):
    _, token = applicant(open_round)
    response = client.get(reverse(f"funding:{name}", args=[token]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    assert response["Referrer-Policy"] == "same-origin"


def test_withdrawing_asks_first_then_withdraws(client, open_round):
    application, token = applicant(open_round, stage=Stage.ASSESSMENT)
    confirm = client.get(home_url(token) + "?withdraw=confirm")
    assert "Are you sure you want to withdraw" in confirm.content.decode()
    application.refresh_from_db()
    assert application.stage == Stage.ASSESSMENT

    response = client.post(home_url(token), {"confirm": "withdraw", "website": ""}, follow=True)
    application.refresh_from_db()
    assert application.stage == Stage.WITHDRAWN
    assert StageChange.objects.filter(application=application, to_stage=Stage.WITHDRAWN).exists()
    assert "You withdrew this application." in response.content.decode()
    assert "Withdraw the application" not in response.content.decode()


def test_withdraw_without_confirmation_changes_nothing(client, open_round):
    application, token = applicant(open_round, stage=Stage.EXPRESSION)
    response = client.post(home_url(token), {"website": ""})
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.stage == Stage.EXPRESSION


# --- The full application --------------------------------------------------------------------


def test_draft_saves_what_is_valid_and_never_asks_for_missing_answers(client, open_round):
    application, token = applicant(open_round)
    response = client.post(
        form_url(token),
        {
            "save": "draft",
            "need": "Young people have nowhere safe to go on Friday nights.",
            "amount_requested": "twelve thousand",
            "start_date": "2026-02-30",
            "duration_months": "9",
            **budget_rows(application, []),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"amount_requested", "start_date"}
    application.refresh_from_db()
    assert application.need.startswith("Young people")
    assert application.duration_months == 9
    assert application.amount_requested is None
    assert application.stage == Stage.APPLICATION


def test_valid_draft_returns_to_the_form_with_answers_kept(client, open_round):
    application, token = applicant(open_round)
    data = complete_answers(application, save="draft", declarations_confirmed=None)
    response = client.post(form_url(token), data)
    assert response.status_code == 302 and response.url == form_url(token)
    application.refresh_from_db()
    assert application.organisation_type == "charity"
    assert application.amount_requested == Decimal("12000")
    assert application.match_funding == Decimal("1500")
    assert application.budget_lines.count() == 2
    assert application.key_themes.count() == 1
    assert not application.declarations_confirmed
    page = client.get(form_url(token))
    assert page.context["form"].initial["charity_number"] == "1123456"
    assert len(page.context["budget"].forms) == 5  # two saved lines and three blank ones


def submit(client, application, token, **overrides):
    return client.post(form_url(token), complete_answers(application, submit="submit", **overrides))


@pytest.mark.parametrize(
    "overrides, documents, where, message",
    [
        ({"charity_number": "12AB"}, True, "charity_number", "Give your charity number"),
        (
            {"organisation_type": "cic", "company_number": "123"},
            True,
            "company_number",
            "Companies House number",
        ),
        ({}, False, "documents", "Upload: Equality and diversity policy"),
        ({"amount_requested": "75,000"}, True, "amount_requested", "from £1,000 to £50,000"),
        ({"duration_months": "18"}, True, "duration_months", "up to 12 months"),
        ({"declarations_confirmed": None}, True, "declarations_confirmed", "Confirm the decl"),
        ({"priority_areas": None}, True, "priority_areas", "Choose at least one priority"),
        (
            {"start_date": (timezone.localdate() - timedelta(days=3)).isoformat()},
            True,
            "start_date",
            "does not pay for work already done",
        ),
        ({"amount_requested": "13,000"}, True, "budget", "add up to £12,000.00, not the £13,000"),
    ],
)
def test_submission_refused_shows_each_problem_where_it_belongs(
    client, open_round, django_capture_on_commit_callbacks, overrides, documents, where, message
):
    application, token = applicant(open_round)
    if documents:
        add_documents(application)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, application, token, **overrides)
    assert response.status_code == 200
    if where == "budget":
        shown = response.context["budget_errors"]
    elif where == "documents":
        shown = response.context["document_errors"]
    else:
        shown = response.context["form"].errors[where]
    assert message in " ".join(shown)
    assert message.replace("'", "&#x27;") in response.content.decode()
    application.refresh_from_db()
    assert application.stage == Stage.APPLICATION
    assert application.full_submitted_at is None
    assert application.need.startswith("Knife crime")  # the draft was kept
    assert not mail.outbox


def test_excluded_budget_category_is_refused_with_its_explanation(client, open_round):
    application, token = applicant(open_round)
    add_documents(application)
    lines = [
        (category("Staff costs"), "Coach", "10,000"),
        (category("Overseas travel"), "Trip to a training camp", "2,000"),
    ]
    response = submit(client, application, token, lines=lines)
    [message] = response.context["budget_errors"]
    assert "Overseas travel: Travel abroad is not funded." in message
    assert application.budget_lines.count() == 2  # kept in the draft, refused on submit
    application.refresh_from_db()
    assert application.stage == Stage.APPLICATION


def test_several_problems_are_listed_together(client, open_round):
    application, token = applicant(open_round)
    response = submit(client, application, token, charity_number="12AB", amount_requested="75,000")
    problems = [message for _, message, _ in response.context["problems"]]
    assert any("charity number" in p for p in problems)
    assert any("from £1,000 to £50,000" in p for p in problems)
    assert any(p.startswith("Upload:") for p in problems)


def test_complete_submission_moves_on_and_emails(
    client, open_round, django_capture_on_commit_callbacks
):
    application, token = applicant(open_round)
    add_documents(application)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, application, token)
    assert response.status_code == 302 and response.url == home_url(token)
    application.refresh_from_db()
    assert application.stage == Stage.ELIGIBILITY
    assert application.full_submitted_at is not None
    assert application.amount_requested == sum(
        line.amount for line in application.budget_lines.all()
    )
    assert StageChange.objects.filter(application=application, to_stage=Stage.ELIGIBILITY).exists()
    [email] = mail.outbox
    assert "full application" in email.subject
    # Afterwards the form is closed, and says so on the status page.
    closed = client.get(form_url(token), follow=True)
    assert closed.redirect_chain[-1][0] == home_url(token)
    assert "The application form is closed" in closed.content.decode()
    again = submit(client, application, token, need="Changed after submission")
    assert again.status_code == 302
    application.refresh_from_db()
    assert application.need.startswith("Knife crime")


def test_a_budget_line_with_a_bad_amount_keeps_the_saved_budget(client, open_round):
    application, token = applicant(open_round)
    client.post(form_url(token), complete_answers(application, save="draft"))
    assert application.budget_lines.count() == 2
    lines = [(category("Staff costs"), "Coach", "-5")]
    response = client.post(form_url(token), complete_answers(application, lines=lines, save="d"))
    assert response.status_code == 200
    assert application.budget_lines.count() == 2
    assert not response.context["budget"].is_valid()


def test_another_applications_budget_line_cannot_be_changed(client, open_round):
    other, _ = applicant(open_round)
    line = other.budget_lines.create(
        category=category("Equipment"), description="Theirs", amount=Decimal("100")
    )
    application, token = applicant(open_round)
    data = complete_answers(application, lines=[], save="draft")
    data |= {
        "budget-TOTAL_FORMS": "1",
        "budget-INITIAL_FORMS": "1",
        "budget-0-id": str(line.pk),
        "budget-0-category": str(line.category_id),
        "budget-0-description": "Mine now",
        "budget-0-amount": "1",
    }
    client.post(form_url(token), data)
    line.refresh_from_db()
    assert line.description == "Theirs" and line.application == other
    assert not application.budget_lines.exists()


def test_filled_honeypot_saves_nothing_on_the_application_form(client, open_round):
    application, token = applicant(open_round)
    response = client.post(
        form_url(token), complete_answers(application, save="draft", website="spam")
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.need == "" and not application.budget_lines.exists()


# --- Lost links ------------------------------------------------------------------------------

SAME_MESSAGE = "If the details match an application, we have sent a new private link"


def test_lost_link_for_a_match_sends_a_new_link(
    client, open_round, django_capture_on_commit_callbacks
):
    application, old_token = applicant(open_round, stage=Stage.EXPRESSION)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("funding:resend_link"),
            {"reference": application.reference.lower(), "email": "JO@boxing.example"},
        )
    assert SAME_MESSAGE in response.content.decode()
    [email] = mail.outbox
    assert email.to == [application.contact_email]
    assert client.get(home_url(old_token)).status_code == 404
    new_link = re.search(r"\S+/my/\S+/", email.body).group(0)
    assert client.get(new_link.removeprefix(settings.SITE_URL)).status_code == 200


@pytest.mark.parametrize(
    "reference, email", [("POCA-2026-9999", "jo@boxing.example"), (None, "someone@else.example")]
)
def test_lost_link_without_a_match_says_the_same_and_sends_nothing(
    client, open_round, django_capture_on_commit_callbacks, reference, email
):
    application, token = applicant(open_round, stage=Stage.EXPRESSION)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("funding:resend_link"),
            {"reference": reference or application.reference, "email": email},
        )
    assert SAME_MESSAGE in response.content.decode()
    assert not mail.outbox
    assert client.get(home_url(token)).status_code == 200


def test_lost_link_honeypot_sends_nothing(client, open_round, django_capture_on_commit_callbacks):
    application, _ = applicant(open_round, stage=Stage.EXPRESSION)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("funding:resend_link"),
            {"reference": application.reference, "email": "jo@boxing.example", "website": "x"},
        )
    assert SAME_MESSAGE in response.content.decode()
    assert not mail.outbox


# --- Rate limits -----------------------------------------------------------------------------


def test_eleventh_expression_in_a_minute_is_refused(client, open_round, time_machine):
    time_machine.move_to(dt.datetime.now(tz=dt.UTC), tick=False)  # one rate-limit window
    url = reverse("funding:expression", args=[open_round.slug])
    for _ in range(10):
        assert client.post(url, {"organisation_name": "x"}).status_code == 200
    response = client.post(url, expression_data(open_round))
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not Application.objects.exists()
    assert client.get(url).status_code == 200  # reading is never limited


def test_sixth_lost_link_request_in_an_hour_is_refused(client, open_round, time_machine):
    time_machine.move_to(dt.datetime.now(tz=dt.UTC), tick=False)  # one rate-limit window
    url = reverse("funding:resend_link")
    for _ in range(5):
        assert client.post(url, {"reference": "POCA", "email": "a@b.example"}).status_code == 200
    assert client.post(url, {"reference": "POCA", "email": "a@b.example"}).status_code == 429


def test_private_pages_are_rate_limited_too(client, open_round, time_machine):
    time_machine.move_to(dt.datetime.now(tz=dt.UTC), tick=False)  # one rate-limit window
    application, token = applicant(open_round)
    for _ in range(10):
        client.post(form_url(token), {"save": "draft", **budget_rows(application, [])})
    response = client.post(form_url(token), {"save": "draft"})
    assert response.status_code == 429
    assert response["Cache-Control"] == "no-store, private"
