"""A domestic homicide review from referral to a completed recommendation, in a real browser
(issue: statutory reviews).

A One Panel member refers a case (a notification dated before the incident is refused first),
the panel decides to commission it, the dashboard shows the review's next deadline, and the
review goes through its stages to publication; a recommendation with one action is tracked to
completion (closing it without evidence is refused), and the review closes. A member of
another One Panel gets 404 for the same page.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from boards.tests.factories import OrganisationFactory
from partnership.tests.factories import PASSWORD
from reviews.clocks import add_calendar_months
from reviews.models import Recommendation, Review
from reviews.tests.statutory_factories import one_panel, panel_chair, panel_member

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()


def next_step(page: Page, name: str) -> None:
    page.get_by_test_id("next-steps").get_by_role("link", name=name).click()


def submit(page: Page, name: str) -> None:
    page.get_by_role("button", name=name).click()


def test_a_review_is_referred_commissioned_and_its_recommendation_completed(
    page: Page, live_server
):
    police = OrganisationFactory(name="Vale Police", short_name="Police")
    health = OrganisationFactory(name="Riverside Health Trust", short_name="Health")
    panel = one_panel()
    chair = panel_chair(panel, organisation=police)
    outsider = panel_member(one_panel(name="Northbank One Panel"))
    today = timezone.localdate()
    notified = today - dt.timedelta(days=6)

    sign_in(page, live_server.url, chair.username)
    page.get_by_test_id("main-nav").get_by_role("link", name="Statutory reviews").click()
    expect(page.get_by_role("heading", level=1, name="Statutory reviews")).to_be_visible()
    page.get_by_role("link", name="Refer a case").click()

    # The referral: first with the notification before the incident, which is refused.
    page.get_by_label("Domestic Homicide Review").check()
    page.get_by_label("Subject's pseudonym").fill("Adult M")
    page.get_by_label("Date of the incident").fill(notified.isoformat())
    page.get_by_label("Date of notification").fill((notified - dt.timedelta(days=2)).isoformat())
    page.get_by_label("Referring organisation").select_option(label="Vale Police")
    page.get_by_label("Summary of the circumstances").fill(
        "A woman died at home; police had attended the address twice in the year before."
    )
    page.get_by_role("group", name="Agencies involved").get_by_label("Vale Police").check()
    page.get_by_role("group", name="Agencies involved").get_by_label(
        "Riverside Health Trust"
    ).check()
    page.get_by_label("A person aged 16 or over has died").check()
    submit(page, "Record the referral")
    expect(
        page.get_by_text("The notification cannot come before the incident.", exact=True)
    ).to_be_visible()
    assert not Review.objects.exists()  # refused: nothing saved
    page.get_by_label("Date of notification").fill(notified.isoformat())
    submit(page, "Record the referral")
    review = Review.objects.get()
    expect(page.locator(".messages .alert").filter(has_text=review.reference)).to_be_visible()
    assert re.fullmatch(r"DHR-\d{4}-01", review.reference)

    # The decision: refused without a rationale, then recorded.
    next_step(page, "Record the decision")
    page.get_by_label("Commission a review").check()
    page.get_by_label("Decided by").select_option(index=1)
    submit(page, "Record the decision")
    expect(page.get_by_text("Give the rationale for the decision.", exact=True)).to_be_visible()
    page.get_by_label("Rationale").fill("The criteria are met; two agencies knew of the abuse.")
    submit(page, "Record the decision")
    review.refresh_from_db()
    assert review.stage == Review.Stage.COMMISSIONED
    page.get_by_role("link", name="Record the notification to Home Office").click()
    submit(page, "Record the notification")
    expect(page.get_by_text("Home Office").first).to_be_visible()

    # The dashboard shows the review's next deadline: six months from the decision.
    due = add_calendar_months(today, 6)
    page.get_by_test_id("main-nav").get_by_role("link", name="Statutory reviews").click()
    row = page.get_by_test_id("review-row").filter(has_text=review.reference)
    expect(row).to_contain_text("Completion")
    expect(row).to_contain_text(f"{due.day} {due:%b %Y}")
    expect(row).to_contain_text(f"{(due - today).days} days left")
    row.get_by_role("link", name=review.reference).click()

    # Through the stages to publication.
    next_step(page, "Appoint the reviewer")
    page.get_by_label("Independent reviewer").fill("Dr A. Reviewer")
    page.get_by_role("textbox", name="Terms of reference*", exact=True).fill(
        "How agencies shared what they knew in the last two years."
    )
    submit(page, "Appoint the reviewer")
    for button in ("Start the review", "Record the draft report", "Send for quality assurance"):
        next_step(page, button)
        submit(page, button)
    next_step(page, "Record publication")
    page.get_by_label("Published on").fill("")
    submit(page, "Record publication")
    expect(
        page.get_by_text("A published review needs its publication date.", exact=True)
    ).to_be_visible()
    page.get_by_label("Published on").fill(today.isoformat())
    page.get_by_label("Link to the published report").fill("https://example.org/dhr-m")
    submit(page, "Record publication")
    review.refresh_from_db()
    assert review.stage == Review.Stage.PUBLISHED

    # A recommendation with one action, tracked to completion.
    page.get_by_role("link", name="Add a recommendation").click()
    page.get_by_role("textbox", name="Recommendation*", exact=True).fill(
        "Police and health share call-out histories before any discharge planning meeting."
    )
    page.get_by_label("Vale Police").check()
    submit(page, "Add the recommendation")
    recommendation = Recommendation.objects.get()
    assert recommendation.number == 1
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("The action").fill("Agree an information-sharing protocol.")
    page.get_by_label("Organisation").select_option(label="Vale Police")
    page.get_by_label("Owner").fill("Head of Public Protection")
    page.get_by_label("Due date").fill((today + dt.timedelta(days=30)).isoformat())
    submit(page, "Add the action")
    page.get_by_role("link", name="Mark complete").click()
    submit(page, "Mark it complete")
    expect(
        page.get_by_text("A recommendation cannot be closed without evidence.", exact=True)
    ).to_be_visible()
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.OPEN
    page.goto(f"{live_server.url}/reviews/statutory/{review.pk}/")
    page.get_by_role("link", name=re.compile("^Update")).click()
    page.get_by_label("Status").select_option(label="Complete")
    page.get_by_label("Evidence of completion").fill("Protocol signed by both agencies.")
    submit(page, "Save the action")
    page.get_by_role("link", name="Mark complete").click()
    page.get_by_label("Evidence of completion").fill("Protocol in use since this month.")
    submit(page, "Mark it complete")
    expect(page.get_by_test_id("recommendation-progress")).to_contain_text("1 of 1")
    expect(page.get_by_test_id("recommendation-progress")).to_contain_text("(100%)")

    # With every recommendation complete, the review closes.
    next_step(page, "Close the review")
    submit(page, "Close the review")
    review.refresh_from_db()
    assert review.stage == Review.Stage.CLOSED
    assert health.pk in set(review.agencies_involved.values_list("pk", flat=True))

    # Another One Panel's member learns nothing of it.
    sign_in(page, live_server.url, outsider.username)
    response = page.goto(f"{live_server.url}/reviews/statutory/{review.pk}/")
    assert response.status == 404
    expect(page.get_by_text(review.reference)).to_have_count(0)
