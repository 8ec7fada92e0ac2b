"""WCAG 2.2 AA in a real browser: axe-core on the main pages (and forms after a bad submission),
visible focus, error summaries that lead to their fields, and status never by colour alone.

Each test builds only the rows its page needs (a few factory calls, milliseconds); the browser's
page loads are what the module's time is spent on.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from boards.models import Attendance
from boards.tests.factories import MeetingFactory, at, board_with_members, plan_with_actions
from funding.models import Stage
from funding.tests.factories import ApplicationFactory, round_open_to_the_public
from partnership import roles
from partnership.tests.factories import PASSWORD, persona
from reporting.models import ReportRequest
from reviews.tests import factories as panels
from reviews.tests import statutory_factories as statutory
from tests.browser.axe import assert_accessible, sign_in_as, watch_csp

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "community-fund"


def open_round():
    return round_open_to_the_public(SLUG)


def invited_applicant() -> str:
    """An application invited to apply in full; returns its private link's secret."""
    application = ApplicationFactory(round=open_round(), stage=Stage.APPLICATION)
    token = application.issue_link()
    application.save()
    return token


def public(path):
    def build(base):
        open_round()
        return path

    return build


def applicant(suffix):
    def build(base):
        return f"/funding/my/{invited_applicant()}/{suffix}"

    return build


def signed_in(page, base, user, path):
    sign_in_as(page, base, user)
    return path


def dashboard(page, base):
    return signed_in(page, base, persona(roles.CHAIR), "/")


def reporting_index(page, base):
    chair = persona(roles.CHAIR)
    board, _ = board_with_members(2)
    for status in (ReportRequest.Status.DONE, ReportRequest.Status.FAILED):
        ReportRequest.objects.create(
            kind="quarterly",
            title=f"Quarterly report ({status})",
            board=board,
            requested_by=chair,
            status=status,
            error="The PDF engine stopped." if status == "failed" else "",
        )
    return signed_in(page, base, chair, "/reports/")


def attendance(page, base):
    board, members = board_with_members(4)
    meeting = MeetingFactory(board=board, starts_at=at(timezone.localdate()))
    Attendance.objects.create(
        meeting=meeting, membership=members[0], status=Attendance.Status.ATTENDED
    )
    Attendance.objects.create(
        meeting=meeting, membership=members[1], status=Attendance.Status.APOLOGIES
    )
    return signed_in(
        page, base, persona(roles.BOARD_OFFICER), f"/boards/meetings/{meeting.pk}/attendance/"
    )


def plan_view(page, base):
    plan, _, _ = plan_with_actions(3)
    return signed_in(page, base, persona(roles.BOARD_OFFICER), plan.get_absolute_url())


def case_list(page, base):
    panel = panels.marac()
    coordinator = panels.coordinator(panel)
    panels.refer(panel, coordinator)
    return signed_in(page, base, coordinator, f"/reviews/panels/{panel.pk}/")


def reviews_dashboard(page, base):
    panel = statutory.one_panel()
    chair = statutory.panel_chair(panel)
    statutory.refer_review(panel, chair)
    return signed_in(page, base, chair, "/reviews/statutory/")


def account_security(page, base):
    # A panel member is offered two-factor sign-in: the page with both its sections.
    panel = panels.marac()
    return signed_in(page, base, panels.coordinator(panel), "/accounts/security/")


PAGES = {
    "rounds": lambda page, base: public("/funding/apply/")(base),
    "round": lambda page, base: public(f"/funding/apply/{SLUG}/")(base),
    "eligibility": lambda page, base: public(f"/funding/apply/{SLUG}/eligibility/")(base),
    "expression-of-interest": lambda page, base: public(f"/funding/apply/{SLUG}/interest/")(base),
    "applicant-home": lambda page, base: applicant("")(base),
    "application-form": lambda page, base: applicant("application/")(base),
    "applicant-documents": lambda page, base: applicant("documents/")(base),
    "lost-link": lambda page, base: public("/funding/apply/lost-link/")(base),
    "login": lambda page, base: "/accounts/login/",
    "dashboard": dashboard,
    "reporting-index": reporting_index,
    "attendance": attendance,
    "plan-view": plan_view,
    "case-list": case_list,
    "reviews-dashboard": reviews_dashboard,
    "account-security": account_security,
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violations(page: Page, live_server, name):
    watch_csp(page)
    path = PAGES[name](page, live_server.url)
    page.goto(f"{live_server.url}{path}")
    expect(page.locator("h1").first).to_be_visible()
    assert_accessible(page)


def submit_expression_empty(page, base):
    open_round()
    page.goto(f"{base}/funding/apply/{SLUG}/interest/")
    page.get_by_role("button", name="Send expression of interest").click()


def submit_application_empty(page, base):
    page.goto(f"{base}/funding/my/{invited_applicant()}/application/")
    page.get_by_role("button", name="Submit application").click()


def submit_login_wrong(page, base):
    persona(roles.CHAIR, username="chair")
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("chair")
    page.get_by_label("Password").fill(PASSWORD + "wrong")
    page.get_by_role("button", name="Sign in").click()


ERROR_STATES = {
    "expression-of-interest": submit_expression_empty,
    "application-form": submit_application_empty,
    "login": submit_login_wrong,
}


@pytest.mark.parametrize("name", ERROR_STATES)
def test_form_with_errors_has_no_serious_accessibility_violations(page: Page, live_server, name):
    watch_csp(page)
    ERROR_STATES[name](page, live_server.url)
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page)


# Every focusable element's outline and shadow before anything has focus, by its position.
RECORD_UNFOCUSED = """
() => {
  const focusable = [...document.querySelectorAll("a[href], button, input, select, textarea")];
  window.__unfocused = focusable.map(el => {
    const style = getComputedStyle(el);
    return style.outlineStyle + "|" + style.outlineWidth + "|" + style.boxShadow;
  });
  focusable.forEach((el, index) => { el.dataset.focusIndex = index; });
}
"""
FOCUS_STYLE = """
() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    element: el.outerHTML.slice(0, 120),
    index: el.dataset.focusIndex,
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    boxShadow: style.boxShadow,
    unfocused: window.__unfocused[el.dataset.focusIndex],
  };
}
"""


def expression_form(page, base):
    open_round()
    return f"/funding/apply/{SLUG}/interest/"


@pytest.mark.parametrize("build", [expression_form, plan_view], ids=["expression", "plan-view"])
def test_every_element_reached_by_tab_shows_a_visible_focus_indicator(
    page: Page, live_server, build
):
    page.goto(f"{live_server.url}{build(page, live_server.url)}")
    page.evaluate(RECORD_UNFOCUSED)
    seen = 0
    for _ in range(25):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STYLE)
        if state["index"] is None:
            continue  # e.g. the <main> target of the skip link
        seen += 1
        now = f"{state['outlineStyle']}|{state['outlineWidth']}px|{state['boxShadow']}"
        outlined = state["outlineStyle"] != "none" and state["outlineWidth"] >= 2
        shadowed = state["boxShadow"] != "none"
        assert outlined or shadowed, f"no focus indicator on {state['element']}"
        assert now != state["unfocused"], f"focus does not change how {state['element']} looks"
    assert seen >= 10


def test_error_summary_links_each_error_to_its_field_and_takes_focus(page: Page, live_server):
    submit_expression_empty(page, live_server.url)
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    hrefs = [links.nth(n).get_attribute("href") for n in range(links.count())]
    assert {"#id_organisation_name", "#id_contact_email", "#id_summary"} <= set(hrefs)
    for href in hrefs:
        # Keyboard only: Tab from the focused summary to the link, Enter to follow it.
        page.locator(f".error-summary a[href='{href}']").focus()
        page.keyboard.press("Enter")
        target = page.evaluate("() => document.activeElement.id")
        assert target in (href[1:], f"{href[1:]}_0"), f"{href} left the focus on #{target}"


def test_a_staff_form_uses_the_same_error_summary(page: Page, live_server):
    board, _ = board_with_members(2)
    sign_in_as(page, live_server.url, persona(roles.BOARD_OFFICER))
    page.goto(f"{live_server.url}/boards/{board.pk}/actions/new/")
    page.locator("main").get_by_role("button").last.click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Nothing was saved.")
    first = summary.get_by_role("link").first
    href = first.get_attribute("href")
    first.click()
    assert page.evaluate("() => document.activeElement.id") == href[1:]


def test_plan_statuses_are_told_by_text_as_well_as_colour(page: Page, live_server):
    page.goto(f"{live_server.url}{plan_view(page, live_server.url)}")
    badges = page.locator(".status-badge")
    assert badges.count() >= 4  # the key and the key actions
    for n in range(badges.count()):
        assert badges.nth(n).inner_text().strip(), badges.nth(n).evaluate("e => e.outerHTML")
    # The coloured bar repeats the table's figures, whose columns are headed by status name.
    headers = page.get_by_test_id("plan-summary").locator("thead th").all_inner_texts()
    assert "Not started" in headers
    for segment in page.locator(".status-bar span").all():
        assert re.match(r".+: \d+$", segment.get_attribute("title"))


def test_attendance_marks_are_told_by_text_and_a_tick_as_well_as_colour(page: Page, live_server):
    page.goto(f"{live_server.url}{attendance(page, live_server.url)}")
    labels = page.locator("label.btn")
    assert set(labels.all_inner_texts()) >= {"Attended", "Apologies", "Absent"}
    tick = "input.btn-check:checked + label"
    marks = page.evaluate(
        f"() => [...document.querySelectorAll('{tick}')].map("
        "l => getComputedStyle(l, '::before').content)"
    )
    assert marks and all("✓" in mark for mark in marks), marks
    unticked = page.evaluate(
        "() => getComputedStyle(document.querySelector("
        "'input.btn-check:not(:checked) + label'), '::before').content"
    )
    assert "✓" not in unticked
    expect(page.locator("#quorum")).to_contain_text(re.compile(r"\w+:"))


def board_action_form(client):
    board, _ = board_with_members(2)
    client.force_login(persona(roles.BOARD_OFFICER))
    return f"/boards/{board.pk}/actions/new/", {}


def attendance_form(client):
    board, members = board_with_members(2)
    meeting = MeetingFactory(board=board, starts_at=at(timezone.localdate()))
    client.force_login(persona(roles.BOARD_OFFICER))
    return f"/boards/meetings/{meeting.pk}/attendance/", {
        f"status_{members[0].pk}": "deputy",  # a deputy with no name
        f"status_{members[1].pk}": "attended",
    }


def eligibility_form(client):
    open_round()
    return f"/funding/apply/{SLUG}/eligibility/", {}


def lost_link_form(client):
    return "/funding/apply/lost-link/", {"reference": "", "email": "not an address"}


def expression_post(client):
    open_round()
    return f"/funding/apply/{SLUG}/interest/", {"contact_email": "not an address"}


FORMS_WITH_ERRORS = {
    "expression-of-interest": expression_post,
    "eligibility": eligibility_form,
    "lost-link": lost_link_form,
    "board-action": board_action_form,
    "attendance": attendance_form,
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORMS_WITH_ERRORS)
def test_a_refused_form_starts_with_a_summary_linking_to_each_field_in_error(client, name):
    path, data = FORMS_WITH_ERRORS[name](client)
    response = client.post(path, data)
    assert response.status_code == 200
    html = response.content.decode()
    summary = re.search(r"<div[^>]*data-error-summary.*?</div>", html, re.S)
    assert summary, "no error summary"
    assert 'role="alert"' in summary.group(0)
    assert "There is a problem" in summary.group(0)
    links = re.findall(r'<a href="#([^"]+)"', summary.group(0))
    errors = sum(len(errors) for field, errors in response.context["form"].errors.items() if field)
    assert len(links) == errors - len(response.context["form"].non_field_errors())
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    for anchor in links:
        assert anchor in ids or f"{anchor}_0" in ids, f"#{anchor} leads nowhere"
