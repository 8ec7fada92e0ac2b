"""A MARAC coordinator's case from referral to closure, in a real browser (issue: case panels).

The coordinator refers a case and sees the automatic rules fire, lists it for the next meeting,
opens that meeting's list after recording a confidentiality agreement, records two agencies'
actions, finds one of them on the overdue list once its date has passed (the clock moves on
three days), and closes the case, which needs a note while actions are still open.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from boards.tests.factories import OrganisationFactory
from partnership.tests.factories import PASSWORD
from reviews.models import AccessLog, Case, CaseAction
from reviews.tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()


def test_coordinator_takes_a_case_from_referral_to_closure(page: Page, live_server):
    OrganisationFactory(name="Vale Police", short_name="Police")
    council = OrganisationFactory(name="Riverside Council", short_name="Council")
    panel = factories.marac()
    coordinator = factories.coordinator(panel, organisation=council)
    meeting = factories.future_meeting(panel, days_ahead=10)
    outsider = factories.coordinator(factories.ccm())  # sits on the other panel only
    today = timezone.localdate()

    sign_in(page, live_server.url, coordinator.username)
    page.get_by_test_id("main-nav").get_by_role("link", name="Case panels").click()
    page.get_by_role("link", name="Riverside MARAC").first.click()
    page.get_by_role("link", name="Refer a case").click()

    # The referral: a DASH score of 16 and three police incidents fire two rules.
    page.get_by_label("Matching key").fill("JS 14/03/1991")
    page.get_by_label("Initials or pseudonym").fill("J.S.")
    page.get_by_label("Referring agency").select_option(label="Vale Police")
    page.get_by_label("DASH risk checklist score").fill("25")
    page.get_by_label("Police incidents in the last 12 months").fill("3")
    page.get_by_role("combobox", name="Consent").select_option(label="Consent given")
    page.get_by_role("button", name="Record the referral").click()
    expect(
        page.get_by_text("A DASH risk checklist score is from 0 to 24.", exact=True)
    ).to_be_visible()
    assert not Case.objects.exists()  # a refused referral saves nothing
    page.get_by_label("DASH risk checklist score").fill("16")
    page.get_by_role("button", name="Record the referral").click()
    case = Case.objects.get()
    message = page.locator(".messages .alert").filter(has_text=case.reference)
    expect(message).to_contain_text("Automatic rules")
    expect(message).to_contain_text(re.compile("high risk", re.I))
    expect(message).to_contain_text(re.compile("escalation", re.I))
    assert re.fullmatch(r"MARAC-\d{4}-\d{3}", case.reference)
    assert "J.S." not in page.url and "JS" not in page.url

    # Listed for the next meeting, then seen on that meeting's list after the agreement.
    page.get_by_role("link", name="List for a meeting").click()
    page.get_by_label("Meeting").select_option(index=1)
    page.get_by_role("button", name="List the case").click()
    expect(page.locator(".messages .alert").filter(has_text=case.reference)).to_be_visible()
    page.goto(f"{live_server.url}/reviews/meetings/{meeting.pk}/")
    expect(page.get_by_text(case.reference)).to_have_count(0)  # not before the agreement
    page.get_by_label(re.compile("keep the information about these cases confidential")).check()
    page.get_by_role("button", name=re.compile("agree", re.I)).click()
    expect(page.get_by_text(case.reference).first).to_be_visible()

    # Two agencies' actions: the police one is due tomorrow, the council's in a fortnight.
    page.goto(f"{live_server.url}/reviews/cases/{case.pk}/")
    for agency, text, due in (
        ("Vale Police", "Flag the address for an urgent response", today + dt.timedelta(days=1)),
        ("Riverside Council", "Arrange a sanctuary scheme visit", today + dt.timedelta(days=14)),
    ):
        page.get_by_role("link", name="Add an action").click()
        page.get_by_label("Agency").select_option(label=agency)
        page.get_by_label("The action").fill(text)
        page.get_by_label("Owner").fill("Duty officer")
        page.get_by_label("Due").fill(due.isoformat())
        page.get_by_role("button", name="Add the action").click()
        expect(page.get_by_text(text)).to_be_visible()
    assert CaseAction.objects.filter(case=case).count() == 2

    # Three days on, the police action is overdue and on the list; the council's is not.
    with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=True):
        overdue = f"{live_server.url}/reviews/actions/overdue/"
        page.goto(overdue)
        if "/accounts/login/" in page.url:
            sign_in(page, live_server.url, coordinator.username)
            page.goto(overdue)
        expect(page.get_by_role("heading", level=1, name="Overdue case actions")).to_be_visible()
        row = page.get_by_role("row", name=re.compile(case.reference))
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Flag the address")
        expect(page.get_by_text("Arrange a sanctuary scheme visit")).to_have_count(0)

        # Closing with actions still open needs a note saying why.
        row.get_by_role("link", name=case.reference).click()
        page.get_by_role("link", name="Close the case").first.click()
        page.get_by_label("Reason for closing").select_option(label="Risk reduced")
        page.get_by_role("button", name="Close the case").click()
        expect(
            page.locator(".invalid-feedback").get_by_text(
                f"{case.reference} has 2 open actions: explain why"
            )
        ).to_be_visible()
        assert Case.objects.get().status != Case.Status.CLOSED
        page.get_by_label("Note").fill("Risk reduced after the sanctuary visit was agreed.")
        page.get_by_role("button", name="Close the case").click()
        expect(
            page.locator(".messages .alert").filter(has_text=f"{case.reference} closed")
        ).to_be_visible()
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED

    # Every look at the case is in its access log; the other panel's coordinator gets 404.
    assert AccessLog.objects.filter(case=case, action=AccessLog.Action.VIEW).exists()
    sign_in(page, live_server.url, outsider.username)
    response = page.goto(f"{live_server.url}/reviews/cases/{case.pk}/")
    assert response.status == 404
    assert "J.S." not in page.content()
