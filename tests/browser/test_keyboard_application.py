"""The public application completed with the keyboard alone (WCAG 2.1.1): Tab, Shift+Tab,
Enter, Space, arrow keys and typing; no clicks and no `fill`.

Reading where the focus is (`document.activeElement`) is observation, not interaction.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from funding import services
from funding.models import Application, ApplicationDocument, Stage
from funding.tests.factories import round_open_to_the_public
from partnership import roles
from partnership.tests.factories import persona

pytestmark = pytest.mark.django_db(transaction=True)

MAX_TABS = 150


def focused(page: Page, selector: str) -> bool:
    return page.evaluate(
        "s => document.activeElement && document.activeElement.matches(s)", selector
    )


def tab_to(page: Page, selector: str, *, back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``."""
    for _ in range(MAX_TABS):
        if focused(page, selector):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"{selector} cannot be reached with the keyboard on {page.url}")


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def check(page: Page, selector: str) -> None:
    """Tab to a checkbox and tick it with Space, unless it is ticked already."""
    tab_to(page, selector)
    if not page.evaluate("() => document.activeElement.checked"):
        page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked"), selector


def open_file_chooser(page: Page):
    """Space on the focused file input opens the chooser; a busy machine has been seen to drop
    that first key press, so one more try with Enter (also a keyboard key) before failing."""
    for key in ("Space", "Enter"):
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press(key)
            return chooser.value
        except PlaywrightTimeoutError:
            assert page.evaluate("() => document.activeElement.type") == "file"
    raise AssertionError("Neither Space nor Enter opened the file chooser")


def follow(page: Page, link_text: str) -> None:
    """Tab to the link or button whose text starts with ``link_text`` and press Enter."""
    for _ in range(MAX_TABS):
        text = page.evaluate("() => (document.activeElement.innerText || '').trim()")
        if text.startswith(link_text):
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"'{link_text}' cannot be reached with the keyboard on {page.url}")


def test_an_applicant_applies_from_the_list_of_rounds_to_submission_by_keyboard_alone(
    page: Page, live_server, tmp_path
):
    base = live_server.url
    today = timezone.localdate()
    round_ = round_open_to_the_public(closes_in=60)
    questions = list(round_.questions.all())

    # 1. From the list of rounds to the round's guidance and its eligibility check.
    page.goto(f"{base}/funding/apply/")
    follow(page, "Read the guidance and apply")
    follow(page, "Check your eligibility")
    for number, question in enumerate(questions):
        # Tab enters a radio group on its first choice; the arrow key moves (and checks) to No.
        tab_to(page, f"input[type=radio][name$='{question.pk}']")
        if question.eligible_answer:
            page.keyboard.press("Space")
        else:
            page.keyboard.press("ArrowDown")
        assert page.evaluate("() => document.activeElement.checked"), number
    follow(page, "Check my answers")
    expect(page.get_by_text("You look eligible for this round.")).to_be_visible()

    # 2. The expression of interest.
    follow(page, "Send an expression of interest")
    type_into(page, "#id_organisation_name", "Eastside Boxing Academy CIC")
    type_into(page, "#id_contact_name", "Jo Bright")
    type_into(page, "#id_contact_email", "jo@boxing.example")
    type_into(page, "#id_project_title", "Friday night boxing for 13-17s")
    type_into(page, "#id_summary", "Weekly sessions with mentoring for young people.")
    type_into(page, "#id_amount_estimate", "24000")
    check(page, "input[name=priority_areas]")
    follow(page, "Send expression of interest")
    application = Application.objects.get()
    expect(page.get_by_text(application.reference).first).to_be_visible()
    assert application.organisation_name == "Eastside Boxing Academy CIC"
    assert application.stage == Stage.EXPRESSION

    # 3. The team invites a full application (staff work, outside this journey); the e-mail
    #    carries the applicant's private link.
    officer = persona(roles.GRANTS_OFFICER)
    services.invite_to_present(application, by=officer, when_where="Civic Centre, Tuesday 2pm")
    services.record_presentation(application, by=officer)
    services.invite_full_application(application, by=officer)
    path = re.search(r"https?://[^/\s]+(/funding/my/\S+/)", mail.outbox[-1].body).group(1)

    # 4. Documents first (the file chooser opens from the keyboard), then the form.
    page.goto(f"{base}{path}documents/")
    for kind in ("equality", "governing", "safeguarding", "accounts"):
        pdf = tmp_path / f"{kind}.pdf"
        pdf.write_bytes(b"%PDF-1.7\n% " + kind.encode() + b"\n%%EOF\n")
        tab_to(page, "select[name=kind]")
        label = page.evaluate(
            "k => [...document.activeElement.options].find(o => o.value === k).text", kind
        )
        page.keyboard.type(label)
        tab_to(page, "input[type=file]")
        open_file_chooser(page).set_files(str(pdf))
        follow(page, "Upload")
    assert ApplicationDocument.objects.filter(application=application).count() == 4

    page.goto(f"{base}{path}application/")
    tab_to(page, "#id_organisation_type")
    page.keyboard.type("Community interest")
    expect(page.locator("#id_company_number")).to_be_visible()
    type_into(page, "#id_company_number", "12345678")
    type_into(page, "#id_address", "4 Mill Lane, Riverside RV1 2AB")
    type_into(page, "#id_need", "Knife crime among teenagers has risen in the two wards.")
    type_into(page, "#id_means", "Two coaches, weekly, with referrals.")
    type_into(page, "#id_evaluation", "Attendance, referrals and a survey.")
    type_into(page, "#id_amount_requested", "24000")
    # A date input takes its parts in the browser's locale order (day or month first); a day
    # whose day and month are the same number reads the same either way.
    start = next(
        day
        for day in (today + dt.timedelta(days=n) for n in range(14, 400))
        if day.day == day.month
    )
    type_into(page, "#id_start_date", start.strftime("%d%m%Y"))
    type_into(page, "#id_duration_months", "12")
    check(page, "input[name=priority_areas]")
    tab_to(page, "select[name='budget-0-category']")
    page.keyboard.type("Staff")
    type_into(page, "input[name='budget-0-description']", "Two sessional coaches")
    type_into(page, "input[name='budget-0-amount']", "24000")
    check(page, "#id_declarations_confirmed")
    # Back to the draft button before the submit button: Shift+Tab works too.
    tab_to(page, "button[name=submit]")
    tab_to(page, "button[name=save]", back=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    application.refresh_from_db()
    assert application.need.startswith("Knife crime")
    assert application.start_date == start

    tab_to(page, "button[name=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    application.refresh_from_db()
    assert application.stage == Stage.ELIGIBILITY
    assert application.organisation_type == "cic"
    assert application.company_number == "12345678"
    assert application.amount_requested == Decimal("24000")
    assert [(line.description, line.amount) for line in application.budget_lines.all()] == [
        ("Two sessional coaches", Decimal("24000"))
    ]
