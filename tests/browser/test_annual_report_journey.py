"""A chair asks for the annual report, watches its progress bar move, downloads the PDF and
marks it final; the chair of another board gets 404 for it.

The test stands in for the Celery worker: it catches the queued job and runs the real build,
and at two of the builder's own progress reports waits until the page shows them. The page
follows by polling one status fragment, without reloading.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from boards.tests.factories import BoardFactory
from partnership.tests.factories import PASSWORD
from reporting import services
from reporting.annual import SECTIONS
from reporting.models import ReportRequest
from reporting.tests.annual_fixtures import known_year
from reporting.tests.people import chair_of
from tests.browser.helpers import download_pdf

pytestmark = pytest.mark.django_db(transaction=True)

BOARD = "Safer Riverside Partnership Board"
OTHER_BOARD = "Northbank Partnership Board"
YEAR = "2025/26"  # a finished year, which the form offers until 2030/31
TITLE = f"Annual report: {BOARD}, {YEAR}"
# The row asks for its status every 2 seconds; allow several polls on a busy machine.
POLLED_MS = 15_000
NAMED_HEADINGS = (
    "Message from the Chair",
    "Governance and membership",
    "Statutory reviews",
    "What's next",
)
# Progress reports the page must show while the build is paused at them.
WATCHED = ("Gathering governance and membership", "Laying out the PDF")


def sign_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def flat(text: str) -> str:
    """Lines in a PDF wrap where the layout put them; compare on single spaces."""
    return re.sub(r"\s+", " ", text)


def test_chair_asks_for_the_annual_report_watches_it_downloads_it_and_marks_it_final(
    page: Page, live_server, monkeypatch, new_context
):
    year = known_year()
    chair = chair_of(year.board)
    elsewhere = BoardFactory(name=OTHER_BOARD)
    other_chair = chair_of(elsewhere, username="northbank_chair")
    jobs = []
    monkeypatch.setattr(services, "_queue", jobs.append)  # the worker is this test

    sign_in(page, live_server.url, chair.username)
    page.get_by_role("link", name="Reports").click()

    # A tampered form (a board the chair does not sit on, a year not offered) is refused, with
    # each message tied to its field.
    form = page.get_by_role("region", name="Ask for an annual report")
    # By label within the form: the annual form's ids are its own, so its labels name its fields.
    board = form.get_by_label("Board")
    financial_year = form.get_by_label("Financial year")
    expect(board.locator("option")).to_have_text([BOARD])
    board.evaluate("(s, [name, pk]) => s.add(new Option(name, pk))", [OTHER_BOARD, elsewhere.pk])
    board.select_option(str(elsewhere.pk))
    financial_year.evaluate("s => s.add(new Option('2027/28', '2027/28'))")
    financial_year.select_option("2027/28")
    form.get_by_role("button", name="Build the annual report").click()

    expect(form.get_by_role("alert")).to_contain_text("Nothing was saved.")
    expect(board).to_have_attribute("aria-invalid", "true")
    expect(board).to_have_accessible_description("Choose one of the boards you sit on.")
    expect(financial_year).to_have_accessible_description(
        "Choose one of the financial years offered."
    )
    assert not jobs and not ReportRequest.objects.exists()

    # Now the real request.
    board.select_option(label=BOARD)
    financial_year.select_option(YEAR)
    form.get_by_role("button", name="Build the annual report").click()

    expect(page.get_by_text(f"{TITLE} has been requested.")).to_be_visible()
    row = page.get_by_test_id("report-list").get_by_role("listitem").filter(has_text=TITLE)
    expect(row).to_contain_text("Waiting for the report builder to start")
    page.evaluate("window.notReloaded = true")

    # The real builder runs here, and stops at each watched progress report until the row shows
    # it. The job swallows a builder's exceptions, so a failed check is kept to raise after it.
    shown, missed = [], []
    recorder = services._progress_recorder

    def watching(report_id, token):
        record = recorder(report_id, token)

        def progress(percent: int, stage: str = "") -> None:
            record(percent, stage)
            if stage not in WATCHED:
                return
            try:
                expect(row.get_by_role("progressbar")).to_have_attribute(
                    "aria-valuenow", str(percent), timeout=POLLED_MS
                )
                expect(row.get_by_test_id("report-stage")).to_have_text(f"{stage}…")
            except AssertionError as error:
                missed.append(error)
                raise
            shown.append(percent)

        return progress

    monkeypatch.setattr(services, "_progress_recorder", watching)
    (report,) = jobs
    status = services.run_report(report.pk)
    if missed:
        raise missed[0]
    assert status == ReportRequest.Status.DONE
    assert len(shown) == len(WATCHED) and shown == sorted(shown) and 0 < shown[0] < 100

    link = row.get_by_role("link", name=re.compile("^Download PDF"))
    expect(link).to_be_visible(timeout=POLLED_MS)
    download_url = f"{live_server.url}{link.get_attribute('href')}"
    expect(row.get_by_role("progressbar")).to_have_count(0)
    expect(row).to_contain_text("Ready")
    assert page.evaluate("window.notReloaded") is True  # the row updated in place

    reader = download_pdf(page, link, "partnership-board-annual-report-2025-26.pdf")
    pages = [sheet.extract_text() for sheet in reader.pages]
    cover, whole = flat(pages[0]), flat(" ".join(pages))
    assert "Annual report" in cover and BOARD in cover
    assert f"{YEAR}: April 2025 to March 2026" in cover
    assert f"Annual report {YEAR}" in whole  # the running header
    assert f"Page 1 of {len(pages)}" in pages[0]
    headings = list(SECTIONS.headings)
    assert set(NAMED_HEADINGS) <= set(headings)
    for number, heading in enumerate(headings, start=1):
        assert f"{number}. {heading}" in whole  # in the contents and heading its section

    # The sign-off list is drawn with the page, so the finished report shows there once the
    # chair comes back to the dashboard.
    page.get_by_role("link", name="Reports").click()
    sign_off = page.get_by_role("region", name="Sign off the annual report")
    version = sign_off.get_by_role("listitem").filter(has_text=TITLE)
    version.get_by_role("button", name=re.compile("^Mark final")).click()

    expect(page.get_by_text(f"{TITLE} is marked final and will be kept.")).to_be_visible()
    expect(version.get_by_text("Final", exact=True)).to_be_visible()  # the badge
    expect(version.get_by_role("button", name=re.compile("^Mark final"))).to_have_count(0)
    expect(row).to_contain_text("Final")
    report.refresh_from_db()
    assert report.final

    # The chair of another board learns nothing of it: not in their list, 404 at its addresses.
    outsider = new_context().new_page()
    sign_in(outsider, live_server.url, other_chair.username)
    outsider.get_by_role("link", name="Reports").click()
    expect(outsider.get_by_role("heading", level=1, name="Reports")).to_be_visible()
    expect(outsider.get_by_text(TITLE)).to_have_count(0)
    for address in (download_url, f"{live_server.url}/reports/{report.pk}/status/"):
        assert outsider.request.get(address).status == 404
