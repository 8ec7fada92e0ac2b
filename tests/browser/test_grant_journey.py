"""A grant from the applicant's first question to the board's award, in a real browser.

The applicant checks eligibility, sends an expression of interest, is invited, completes the
full application with uploads and follows its status through the private link; a grants
officer moves it on and assesses it; another officer records the board's decision awarding it
in two tranches; the fund's page shows the commitment.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from boards.models import AgendaItem
from boards.tests.factories import BoardFactory, MeetingFactory, at
from funding import defaults, ledger
from funding.models import Application, Fund, FundingRound, PriorityArea
from partnership import roles
from partnership.tests.factories import PASSWORD, persona

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()


def private_link(base: str) -> str:
    path = re.search(r"https?://[^/\s]+(/funding/my/\S+/)", mail.outbox[-1].body).group(1)
    return f"{base}{path}"


def test_applicant_to_award_in_two_tranches(page: Page, live_server, tmp_path):
    base = live_server.url
    today = timezone.localdate()
    board = BoardFactory(name="Safer Riverside Partnership Board")
    meeting = MeetingFactory(board=board, starts_at=at(today - dt.timedelta(days=1)))
    item = AgendaItem.objects.create(
        meeting=meeting, number=5, title="Community fund recommendations", purpose="decision"
    )
    fund = Fund.objects.create(name="Riverside POCA Community Fund", board=board)
    ledger.receive(fund, Decimal("110000"), note="Confiscation receipts")
    defaults.install()
    round_ = FundingRound.objects.create(
        fund=fund, name="Community fund 2026/27", slug="community-fund",
        opens_on=today - dt.timedelta(days=5), closes_on=today + dt.timedelta(days=30),
    )  # fmt: skip
    defaults.install(round_)
    round_.priority_areas.set(PriorityArea.objects.all())
    persona(roles.GRANTS_OFFICER, username="assessor")
    persona(roles.GRANTS_OFFICER, username="recorder")  # may decide: did not assess

    # 1. Eligibility, answered as an eligible group would.
    page.goto(f"{base}/funding/apply/")
    page.get_by_role("link", name="Read the guidance and apply").click()
    page.get_by_role("link", name="Check your eligibility").first.click()
    for question in round_.questions.all():
        group = page.get_by_role("group", name=question.question)
        group.get_by_label("Yes" if question.eligible_answer else "No", exact=True).check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text(re.compile("eligible", re.I)).first).to_be_visible()

    # 2. Expression of interest.
    page.goto(f"{base}/funding/apply/community-fund/interest/")
    page.get_by_label("Organisation name").fill("Eastside Boxing Academy CIC")
    page.get_by_label("Your name").fill("Jo Bright")
    page.get_by_label("Your e-mail address").fill("jo@boxing.example")
    page.get_by_label("Project title").fill("Friday night boxing for 13-17s")
    page.get_by_label("Project summary").fill("Weekly sessions with mentoring for young people.")
    page.get_by_label("Estimated amount you will ask for (£)").fill("24,000")
    page.get_by_label("Reducing serious violence").check()
    page.get_by_role("button", name="Send expression of interest").click()
    application = Application.objects.get()
    expect(page.get_by_text(application.reference).first).to_be_visible()
    assert re.fullmatch(r"POCA-\d{4}-0001", application.reference)

    # 3. The team invites a presentation, records it, and invites a full application.
    sign_in(page, base, "assessor")
    page.goto(f"{base}/funding/applications/{application.pk}/")
    page.get_by_label("When and where").fill("Civic Centre, Tuesday 2pm")
    page.get_by_role("button", name="Invite to present").click()
    page.get_by_role("button", name="Record the presentation").click()
    page.get_by_role("button", name="Invite a full application").click()
    link = private_link(base)

    # 4. The applicant completes the full application through the private link.
    page.context.clear_cookies()
    page.goto(link)
    page.get_by_role("link", name=re.compile("full application", re.I)).first.click()
    page.get_by_label("Kind of organisation").select_option(label="Community interest company")
    page.get_by_label("Companies House number").fill("12345678")
    page.get_by_label("Organisation address").fill("4 Mill Lane, Riverside RV1 2AB")
    page.get_by_label("The need").fill("Knife crime among teenagers has risen in the two wards.")
    page.get_by_label("How the project will be delivered").fill(
        "Two coaches, weekly, with referrals."
    )
    page.get_by_label("How you will evaluate it").fill("Attendance, referrals and a survey.")
    page.get_by_label("Amount requested (£)").fill("24000")
    start = today + dt.timedelta(days=30)
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("Length of the project (months)").fill("12")
    page.get_by_label("Reducing serious violence").check()
    page.locator("select[name='budget-0-category']").select_option(label="Staff costs")
    page.locator("input[name='budget-0-description']").fill("Two sessional coaches")
    page.locator("input[name='budget-0-amount']").fill("24000")
    page.get_by_label("I confirm the declarations above on behalf of the organisation").check()
    page.get_by_role("button", name="Save draft").click()

    page.goto(link.rstrip("/") + "/documents/")
    for kind in ("equality", "governing", "safeguarding", "accounts"):
        pdf = tmp_path / f"{kind}.pdf"
        pdf.write_bytes(b"%PDF-1.7\n% " + kind.encode() + b"\n%%EOF\n")
        page.get_by_label("What the document is").select_option(value=kind)
        page.get_by_label("File").set_input_files(str(pdf))
        page.get_by_role("button", name="Upload").click()
    page.goto(link.rstrip("/") + "/application/")
    page.get_by_role("button", name="Submit application").click()
    page.goto(link)
    expect(page.get_by_text(re.compile("Eligibility check", re.I)).first).to_be_visible()

    # 5. Eligible, assessed, and sent to the board.
    sign_in(page, base, "assessor")
    page.goto(f"{base}/funding/applications/{application.pk}/")
    page.get_by_role("button", name="Eligible: send to assessment").click()
    page.goto(f"{base}/funding/applications/{application.pk}/assess/")
    for score in page.get_by_label(re.compile(": score \\(0 to 5\\)")).all():
        score.fill("4")
    page.get_by_label(re.compile("Fund in full")).check()
    page.get_by_role("button", name="Save the assessment").click()
    page.goto(f"{base}/funding/applications/{application.pk}/")
    page.get_by_role("button", name="Send to the board for decision").click()

    # 6. Another officer records the board's approval in two tranches.
    sign_in(page, base, "recorder")
    page.goto(f"{base}/funding/applications/{application.pk}/decide/")
    page.get_by_label("Meeting").select_option(index=1)
    page.get_by_label("Agenda item").select_option(index=1)
    page.get_by_label("Approved", exact=True).check()
    page.get_by_label("Amount approved (£)").fill("24000")
    page.get_by_label("Grant starts").fill(start.isoformat())
    page.get_by_label("Length (months)").fill("12")
    page.locator("input[name='tranches-0-amount']").fill("12000")
    page.locator("input[name='tranches-0-release_on']").fill(start.isoformat())
    page.locator("input[name='tranches-1-amount']").fill("12000")
    second = start + dt.timedelta(days=182)
    page.locator("input[name='tranches-1-release_on']").fill(second.isoformat())
    page.locator("input[name='tranches-1-review_on']").fill(
        (second - dt.timedelta(days=14)).isoformat()
    )
    page.get_by_role("button", name="Record the decision").click()
    application.refresh_from_db()
    assert application.stage == "awarded"
    assert [t.amount for t in application.award.tranches.all()] == [Decimal("12000")] * 2
    assert application.decisions.get().item == item

    # 7. The fund shows the commitment: £110,000 received, £24,000 committed, £86,000 free.
    page.goto(f"{base}/funding/")
    expect(page.get_by_text("£86,000.00").first).to_be_visible()
    expect(page.get_by_text("£24,000.00").first).to_be_visible()

    # 8. The applicant's status page says it was awarded.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_text(re.compile("Awarded", re.I)).first).to_be_visible()
