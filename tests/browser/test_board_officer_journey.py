"""The board officer's meeting cycle in a real browser (issue: boards, meetings, attendance).

Schedule a meeting, add the standard items, record attendance with one deputy while the quorum
indicator changes, record an action, and find it overdue on the register once its due date has
passed (the clock is moved forward three days).
"""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from boards.models import Membership
from boards.tests.factories import (
    BoardFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)
from partnership import roles
from partnership.tests.factories import PASSWORD, persona

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()


def test_officer_runs_a_meeting_and_finds_the_action_overdue_later(page: Page, live_server):
    officer = persona(roles.BOARD_OFFICER)
    board = BoardFactory(name="Safer Riverside Partnership Board")  # a quarter, plus the Chair
    police = OrganisationFactory(name="Vale Police")
    members = [MembershipFactory(board=board) for _ in range(8)]
    chair, policing = members[0], members[1]
    chair.role = Membership.Role.CHAIR
    chair.save()
    # Fixed names: the rows are found by name, and a generated "O'Neill" would break the selector.
    for membership, name in (
        (chair, "Margaret Ellison"),
        (policing, "Daniel Achebe"),
        (members[2], "Samira Haddad"),
    ):
        membership.person.full_name = name
        membership.person.save()
    policing.person.organisation = policing.organisation = police
    policing.person.save()
    policing.save()
    PersonFactory(full_name="Supt Laura Kemp", organisation=police)  # the deputy who attends

    sign_in(page, live_server.url, officer.username)
    page.goto(f"{live_server.url}{board.get_absolute_url()}")

    # Schedule this morning's meeting.
    page.get_by_role("link", name="Schedule a meeting").click()
    starts = timezone.localtime() - dt.timedelta(hours=2)
    page.get_by_label("Date and time").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Venue").fill("Riverside Civic Centre, Council Chamber")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Meeting saved.")).to_be_visible()

    # One click adds the standard items.
    page.get_by_role("button", name="Add standard items").click()
    expect(page.get_by_role("heading", name="1. Apologies")).to_be_visible()
    expect(page.get_by_role("heading", name="4. Outstanding actions")).to_be_visible()
    expect(page.get_by_role("heading", name="6. Any other business")).to_be_visible()

    # Attendance: the indicator follows each choice before anything is saved.
    page.get_by_role("link", name="Record attendance").click()
    quorum = page.locator("#quorum")
    expect(quorum).to_contain_text(
        "Not quorate: 0 of 8 voting members present; 2 needed plus the Chair"
    )

    def row(membership):
        return page.locator(f"tr[data-member='{membership.person.full_name}']")

    def choose(membership, choice):
        # The choices are toggle buttons: a person clicks the label, the radio follows.
        row(membership).locator("label", has_text=re.compile(f"^{choice}$")).click()
        expect(row(membership).get_by_label(choice, exact=True)).to_be_checked()

    choose(chair, "Attended")
    expect(quorum).to_contain_text("Not quorate: 1 of 8 voting members present")
    choose(policing, "Deputy attended")
    row(policing).get_by_label(f"Deputy for {policing.person.full_name}").select_option(
        label="Supt Laura Kemp"
    )
    expect(quorum).to_contain_text(
        "Quorate: 2 of 8 voting members present; 2 needed plus the Chair"
    )
    choose(members[2], "Apologies")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved. Quorate")).to_be_visible()
    expect(page.get_by_test_id("quorum-summary")).to_contain_text("2 of 8 voting members present")

    # The minutes list the deputy in the member's place.
    page.get_by_role("link", name="Minutes").click()
    expect(
        page.get_by_text(f"Supt Laura Kemp (deputy for {policing.person.full_name})")
    ).to_be_visible()
    page.go_back()

    # An action due tomorrow, owned by the police.
    page.get_by_role("link", name="Record an action").first.click()
    page.get_by_label("Title").fill("Circulate the refreshed needs assessment")
    page.get_by_label("Owner (organisation)").select_option(label="Vale Police")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page.get_by_label("Due date").fill(tomorrow.isoformat())
    page.get_by_role("button", name="Add the action").click()
    expect(
        page.get_by_role("heading", name=re.compile("Circulate the refreshed needs assessment"))
    ).to_be_visible()

    register = f"{live_server.url}/boards/actions/"
    page.goto(register)
    listed = page.get_by_role("row", name=re.compile("Circulate the refreshed needs assessment"))
    expect(listed).to_be_visible()
    expect(listed).not_to_contain_text("Overdue")

    # Three days on, the due date has passed; the officer signs in again (the session ended).
    with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=True):
        page.goto(register)
        if "/accounts/login/" in page.url:
            sign_in(page, live_server.url, officer.username)
            page.goto(register)
        listed = page.get_by_role(
            "row", name=re.compile("Circulate the refreshed needs assessment")
        )
        expect(listed).to_contain_text("Overdue")
        page.get_by_label("Overdue").select_option(label="Yes")
        page.get_by_role("button", name=re.compile("Filter|Apply|Show")).first.click()
        expect(page.get_by_role("row", name=re.compile("Circulate the refreshed"))).to_be_visible()
