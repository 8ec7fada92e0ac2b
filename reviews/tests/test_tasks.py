"""The scheduled e-mails: counts and a link, never a label, a reference or an action's words."""

import datetime as dt

import pytest
from django.conf import settings

from boards.tests.factories import OrganisationFactory
from partnership.periods import add_months
from reviews import services
from reviews.models import Case, CaseAction
from reviews.paths import DISPOSALS_PATH, OVERDUE_ACTIONS_PATH
from reviews.tasks import list_cases_due_for_disposal, send_case_action_reminders
from reviews.tests.factories import TODAY, CaseActionFactory, coordinator, marac, member, refer

pytestmark = pytest.mark.django_db

SECRET_WORDS = ("Client Alpha", "Mill Street", "Alpha's")


@pytest.fixture
def panel():
    return marac(name="Riverside MARAC")


@pytest.fixture
def by(panel):
    return coordinator(panel, email="coordinator@council.example.org")


@pytest.fixture
def police(panel):
    agency = OrganisationFactory(name="Riverside Police")
    member(panel, organisation=agency, email="dv.lead@police.example.org")
    return agency


@pytest.fixture
def case(panel, by):
    return refer(panel, by, subject_label="Client Alpha")


def overdue(case, agency, days=3, text="Visit Alpha's flat on Mill Street"):
    return CaseActionFactory(
        case=case,
        agency=agency,
        description=text,
        owner="Alpha's officer",
        due_on=TODAY() - dt.timedelta(days=days),
    )


def assert_nothing_personal(message, case):
    for text in (message.subject, message.body):
        for word in SECRET_WORDS:
            assert word not in text
        assert case.reference not in text


def test_each_agency_representative_gets_a_count_and_a_link(case, police, mailoutbox):
    overdue(case, police, days=3)
    overdue(case, police, days=10)
    CaseActionFactory(case=case, agency=police, due_on=TODAY() + dt.timedelta(days=2))

    assert send_case_action_reminders() == 1

    (message,) = mailoutbox
    assert message.to == ["dv.lead@police.example.org"]
    assert "2 overdue case-panel actions" in message.body
    assert "- MARAC: 2 for Riverside Police" in message.body
    assert settings.SITE_URL + OVERDUE_ACTIONS_PATH in message.body
    assert_nothing_personal(message, case)


def test_an_agency_with_nobody_on_the_panel_is_chased_through_the_coordinators(case, mailoutbox):
    overdue(case, OrganisationFactory(name="Riverside Homes"))
    send_case_action_reminders()
    (message,) = mailoutbox
    assert message.to == ["coordinator@council.example.org"]
    assert "1 for Riverside Homes" in message.body
    assert_nothing_personal(message, case)


def test_the_same_actions_are_chased_once_a_week_not_daily(case, police, mailoutbox):
    action = overdue(case, police)
    assert send_case_action_reminders() == 1
    assert send_case_action_reminders() == 0
    CaseAction.objects.filter(pk=action.pk).update(last_reminded_on=TODAY() - dt.timedelta(days=7))
    assert send_case_action_reminders() == 1
    assert len(mailoutbox) == 2


def test_done_actions_and_closed_cases_are_not_chased(panel, by, case, police, mailoutbox):
    done = overdue(case, police)
    services.complete_action(done, by=by)
    closed = refer(panel, by, person_key="XY 1980-01-01")
    overdue(closed, police)
    services.close_case(closed, by=by, reason=Case.ClosureReason.RISK_REDUCED, note="Safe now.")
    assert send_case_action_reminders() == 0
    assert mailoutbox == []


def test_coordinators_hear_how_many_cases_await_disposal(panel, by, mailoutbox):
    for key in ("one 1990", "two 1990"):
        case = refer(
            panel,
            by,
            person_key=key,
            subject_label="Client Alpha",
            referral_date=TODAY() - dt.timedelta(days=800),
        )
        services.close_case(
            case, by=by, reason=Case.ClosureReason.RISK_REDUCED, closed_on=add_months(TODAY(), -13)
        )
    member(panel, email="not.a.coordinator@example.org")  # members without the role are not told

    assert list_cases_due_for_disposal() == 1

    (message,) = mailoutbox
    assert message.to == ["coordinator@council.example.org"]
    assert "2 closed cases of MARAC have passed the retention period" in message.body
    assert settings.SITE_URL + DISPOSALS_PATH in message.body
    assert "Client Alpha" not in message.body and "MARAC-" not in message.body


def test_no_disposal_email_when_nothing_is_due(panel, by, case, mailoutbox):
    assert list_cases_due_for_disposal() == 0
    assert mailoutbox == []


def test_the_jobs_are_scheduled():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "reviews.tasks.send_case_action_reminders",
        "reviews.tasks.list_cases_due_for_disposal",
    } <= tasks
