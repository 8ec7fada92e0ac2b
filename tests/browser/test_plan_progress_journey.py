"""An officer records progress on a key action and sees the plan table and summary change."""

import re

import pytest
from playwright.sync_api import Page, expect

from boards.tests.factories import plan_with_actions
from partnership import roles
from partnership.tests.factories import PASSWORD, persona

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_marks_a_key_action_complete_and_the_plan_follows(page: Page, live_server):
    officer = persona(roles.BOARD_OFFICER)
    plan, _, actions = plan_with_actions(3)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}{plan.get_absolute_url()}")

    summary = page.get_by_test_id("plan-summary")
    first_priority = summary.get_by_role("row", name=re.compile("1. Reduce serious violence"))
    # Columns: Complete, Progressing, On hold, Not started, Overdue, Total.
    expect(first_priority.locator("td.text-end")).to_have_text(["0", "0", "0", "3", "0", "3"])
    row = page.locator("tr[data-action='1.2']")
    expect(row).to_contain_text("Not started")
    expect(row).not_to_have_class(re.compile("plan-complete"))

    row.get_by_role("link", name="Key action 2").click()
    page.get_by_label("Complete (Blue)").check()
    page.get_by_label("What has happened").fill("Delivered and reported to the board.")
    page.get_by_role("button", name="Record progress").click()
    expect(page.get_by_text("Progress on 1.2 recorded.")).to_be_visible()
    expect(page.get_by_text("Delivered and reported to the board.")).to_be_visible()

    page.get_by_role("link", name="Safer Riverside Plan").click()
    row = page.locator("tr[data-action='1.2']")
    expect(row).to_contain_text("Complete")
    expect(row).to_have_class(re.compile("plan-complete"))  # greyed out
    expect(first_priority.locator("td.text-end")).to_have_text(["1", "0", "0", "2", "0", "3"])

    # The filter narrows the table to completed actions only.
    page.get_by_label("Status").select_option(label="Blue = Complete")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 of 3 key actions shown.")).to_be_visible()
