"""The 7-minute briefing's PDF, read back: one A4 page, its five headed parts, the numbered
findings and the questions, the publication, the classification; and nothing personal."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from partnership.pdf import render_pdf
from reviews import statutory
from reviews.forms_learning import BRIEFING_LIMITS
from reviews.models import AccessLog, Review
from reviews.tests.statutory_factories import commission, refer_review, take_to
from reviews.views.learning import _briefing_context

pytestmark = pytest.mark.django_db

# A typical briefing, about as long as the ones partnerships publish.
BRIEFING = {
    "briefing_summary": (
        "Adult M, a woman in her forties, died at home after an assault by her partner. In the "
        "year before her death the police were called to the address six times, she went to "
        "the emergency department twice with injuries, and her GP noted low mood and heavy "
        "drinking. Each agency saw part of the picture, and no referral to MARAC was made."
    ),
    "briefing_why": (
        "Domestic abuse often comes to light in pieces. When each contact is handled as a "
        "single event, the pattern that shows rising risk is lost, and the person is left to "
        "manage the danger alone."
    ),
    "findings": "\n\n".join(
        [
            "Risk was assessed one incident at a time. Three risk assessments were completed by "
            "different officers; none drew on the earlier ones, so the rising number of "
            "call-outs went unnoticed.",
            "Health contacts did not lead to routine enquiry. Injuries seen in the emergency "
            "department were recorded as falls, and no one asked about abuse at home.",
            "Her drinking was treated as the main problem. Missed appointments were read as "
            "disengagement rather than as a possible sign of control.",
            "Information stayed inside each agency. The GP practice did not hear of the police "
            "call-outs, and the housing officer's concerns about the household were not shared.",
            "Explanations were accepted at face value. She was rarely seen alone, and her "
            "partner often answered for her.",
        ]
    ),
    "briefing_practice": (
        "Ask about domestic abuse routinely, in private, and record that you asked. Read the "
        "history before you assess: the pattern matters more than the latest incident. Refer "
        "to MARAC on professional judgement when the picture worries you, even below the "
        "threshold score. Share what you know with partners where there is a risk of serious "
        "harm, and say why in the record."
    ),
    "briefing_questions": "\n".join(
        [
            "How does your team look back at earlier contacts before assessing risk?",
            "When did you last ask someone, on their own, whether they feel safe at home?",
            "What would you do if a partner always answered for the person you are seeing?",
            "Who in your agency would you ask for advice about a MARAC referral?",
        ]
    ),
}

HEADINGS = (
    "What happened, in brief",
    "Why it matters",
    "Key findings",
    "What practitioners should do",
    "Questions for reflection",
)


def read(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


@pytest.fixture
def referred(one_panel, panellist):
    return refer_review(one_panel, panellist, subject_pseudonym="Adult M")


@pytest.fixture
def published(referred, panellist):
    review = commission(referred, panellist)
    review = take_to(review, panellist, Review.Stage.PUBLISHED)
    return statutory.update_briefing(review, by=panellist, **BRIEFING)


def render(review, **context):
    review = Review.objects.select_related("review_type").get(pk=review.pk)
    return render_pdf("reviews/pdf/briefing.html", {**_briefing_context(review), **context})


def test_a_typical_briefing_fits_one_page_with_every_part(published, settings):
    settings.PARTNERSHIP_NAME = "Riverside Community Safety Partnership"
    pages, text = read(render(published))
    assert pages == 1
    assert f"7-minute briefing: {published.reference} Domestic Homicide Review" in text
    for heading in HEADINGS:
        assert heading in text
    assert "Risk was assessed one incident at a time." in text
    assert "Who in your agency would you ask for advice about a MARAC referral?" in text
    assert "Riverside Community Safety Partnership" in text
    assert "OFFICIAL" in text
    assert "Page 1 of 1" in text


def test_findings_are_numbered_in_order(published):
    _, text = read(render(published))
    starts = [
        "Risk was assessed",
        "Health contacts",
        "Her drinking",
        "Information stayed",
        "Explanations were",
    ]
    positions = [text.index(f"{n}. {start}") for n, start in enumerate(starts, start=1)]
    assert positions == sorted(positions)


def test_the_publication_date_and_link_are_given(published):
    _, text = read(render(published))
    assert f"Report published on {published.published_on:%-d %B %Y}" in text
    assert "https://example.org/reviews/1" in text


def test_an_unpublished_review_says_so(referred, panellist):
    review = commission(referred, panellist)
    review = take_to(review, panellist, Review.Stage.DRAFT)
    review = statutory.update_briefing(review, by=panellist, **BRIEFING)
    _, text = read(render(review))
    assert "The full report is not yet published." in text
    assert "Report published" not in text


def test_only_the_pseudonym_names_the_subject(published):
    """The reviewer, the circumstances and the people who record things stay out."""
    _, text = read(render(published))
    assert "Subject: Adult M (a pseudonym)." in text
    assert "Dr J. Example" not in text  # the reviewer
    assert published.circumstances not in text
    assert published.created_by.get_username() not in text


def test_the_longest_briefing_the_form_allows_still_renders(published, panellist):
    """At every part's limit the PDF runs on, numbered, rather than losing text."""
    longest = {
        field: ("Lorem ipsum dolor sit amet consectetur. " * 100)[: limit - 1].strip()
        for field, limit in BRIEFING_LIMITS.items()
    }
    review = statutory.update_briefing(published, by=panellist, **longest)
    pages, text = read(render(review))
    assert pages >= 1
    assert f"Page {pages} of {pages}" in text


# --- The view ------------------------------------------------------------------------------


def test_the_pdf_view_downloads_the_briefing_and_logs_the_view(client, published, panellist):
    client.force_login(panellist)
    response = client.get(reverse("reviews:review_briefing_pdf", args=[published.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="7-minute-briefing-{published.reference.lower()}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    pages, text = read(response.content)
    assert pages == 1
    for heading in HEADINGS:
        assert heading in text
    log = AccessLog.objects.filter(review=published).latest("pk")
    assert (log.action, log.detail, log.user) == (AccessLog.Action.VIEW, "briefing pdf", panellist)


def test_a_briefing_not_ready_goes_back_to_its_page_naming_the_missing_parts(
    client, published, panellist
):
    statutory.update_briefing(published, by=panellist, briefing_why="", briefing_questions="")
    client.force_login(panellist)
    before = AccessLog.objects.count()
    response = client.get(reverse("reviews:review_briefing_pdf", args=[published.pk]))
    assert response.status_code == 302
    assert response.url == reverse("reviews:review_briefing", args=[published.pk])
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        f"The briefing for {published.reference} is not ready for its PDF. Still to write: "
        "why it matters; questions for reflection."
    ]
    assert AccessLog.objects.count() == before
