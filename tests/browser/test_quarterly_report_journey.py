"""A chair asks for the quarterly report, watches its progress bar move, and downloads the PDF.

The test stands in for the Celery worker: it catches the queued job, moves the request's
progress as a worker would, then builds it. The page follows by polling one status fragment,
without reloading.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from partnership.tests.factories import PASSWORD
from reporting import services
from reporting.models import ReportRequest
from reporting.tests.fixtures import known_quarter
from reporting.tests.people import chair_of
from tests.browser.helpers import download_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def test_chair_asks_for_the_quarterly_report_watches_it_and_downloads_it(
    page: Page, live_server, monkeypatch
):
    quarter = known_quarter()
    chair = chair_of(quarter.board)
    jobs = []
    monkeypatch.setattr(services, "_queue", jobs.append)  # the worker is this test

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(chair.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Reports").click()

    glance = page.get_by_test_id("glance")
    expect(glance).to_contain_text("Riverside POCA Community Fund")
    form = page.get_by_role("region", name="Ask for a quarterly report")
    form.get_by_role("combobox", name=re.compile("^Board")).select_option(
        label="Safer Riverside Partnership Board"
    )
    form.get_by_role("combobox", name=re.compile("^Financial year")).select_option("2025/26")
    form.get_by_role("combobox", name=re.compile("^Quarter")).select_option(label="Q3 (Oct-Dec)")
    page.get_by_role("button", name="Build the PDF").click()

    expect(page.get_by_text(re.compile("2025/26 Q3 has been requested"))).to_be_visible()
    row = page.get_by_test_id("report-list").locator("li").first
    expect(row).to_contain_text("Waiting for the report builder to start")
    page.evaluate("window.notReloaded = true")

    (report,) = jobs
    ReportRequest.objects.filter(pk=report.pk).update(
        status=ReportRequest.Status.RUNNING, progress=40, stage="Gathering key statistics"
    )
    bar = row.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "40")
    expect(row).to_contain_text("Gathering key statistics")

    assert services.run_report(report.pk) == ReportRequest.Status.DONE
    link = row.get_by_role("link", name=re.compile("Download PDF"))
    expect(link).to_be_visible()
    expect(row.get_by_role("progressbar")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True  # the list updated in place

    reader = download_pdf(page, link, "partnership-board-quarterly-report-2025-26-q3.pdf")
    first = reader.pages[0].extract_text()
    assert "Safer Riverside Partnership Board" in first
    assert f"Page 1 of {len(reader.pages)}" in first
