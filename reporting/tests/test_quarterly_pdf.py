"""The quarterly report's PDF, read back: every section, the tables' values, page numbers.

The known quarter's PDF takes seconds to lay out and read back, so the first test builds it
and the others read the same bytes (see test_annual_pdf.py).
"""

import io
import re
from functools import cache

import pytest
from django.template import engines
from pypdf import PdfReader

from partnership.templatetags.pdf import css_string
from reporting.quarterly import SECTIONS, QuarterlyReport

from .fixtures import PRODUCED_ON, empty_board, known_quarter

# One worker builds the module's PDF once, rather than each worker building its own.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("quarterly-pdf")]


@cache
def read(content: bytes) -> tuple[int, list[str]]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    """Table cells wrap; compare on single spaces."""
    return re.sub(r"\s+", " ", text)


_BUILT: dict = {}


@pytest.fixture
def known(db, settings) -> dict:
    """The known quarter's PDF and its case labels: built by the first test that asks."""
    if "known" not in _BUILT:
        settings.PARTNERSHIP_NAME = "Riverside Community Safety Partnership"
        quarter = known_quarter()
        kind = QuarterlyReport()
        _BUILT["known"] = {
            "rendered": kind.render(kind.build(quarter.inputs, today=PRODUCED_ON)),
            "case_labels": list(quarter.case_labels),
        }
    return _BUILT["known"]


@pytest.fixture
def rendered(known):
    return known["rendered"]


def test_the_pdf_is_named_for_the_board_and_quarter(rendered):
    filename, content_type, content = rendered
    assert filename == "partnership-board-quarterly-report-2025-26-q3.pdf"
    assert content_type == "application/pdf"
    assert content.startswith(b"%PDF-")


def test_cover_contents_and_every_section_heading(rendered):
    pages, texts = read(rendered.content)
    cover, contents = flat(texts[0]), flat(texts[1])
    assert "Quarterly report" in cover
    assert "Safer Riverside Partnership Board" in cover
    assert "2025/26 Q3: October to December 2025" in cover
    assert "Produced on 8 January 2026" in cover
    whole = flat(" ".join(texts))
    for number, heading in enumerate(SECTIONS.headings, start=1):
        assert f"{number}. {heading}" in contents  # listed in the contents
        assert whole.count(f"{number}. {heading}") >= 2  # and heads its section


def test_contents_give_each_sections_page_number(rendered):
    pages, texts = read(rendered.content)
    contents = flat(texts[1])
    for number, heading in enumerate(SECTIONS.headings, start=1):
        found = re.search(rf"{number}\. {re.escape(heading)} [. ]*(\d+)", contents)
        assert found, heading
        page = int(found.group(1))
        assert f"{number}. {heading}" in flat(texts[page - 1])


def test_pages_are_numbered_and_the_header_runs_from_page_two(rendered):
    pages, texts = read(rendered.content)
    assert pages >= 3
    assert f"Page 1 of {pages}" in texts[0]
    assert f"Page {pages} of {pages}" in texts[-1]
    header = "Partnership Board: Quarterly report 2025/26 Q3"
    assert header not in flat(texts[0])  # the cover has no running header
    assert all(header in flat(text) for text in texts[1:])
    assert all("Riverside Community Safety Partnership" in text for text in texts)


def test_tables_carry_the_quarters_figures(rendered):
    _, texts = read(rendered.content)
    text = flat(" ".join(texts))
    # Meetings and attendance.
    assert "The board met twice this quarter (1 further meeting was cancelled)" in text
    assert "every meeting was quorate" in text
    assert "attended 75% of the places" in text
    assert "2 of 4 50%" in text and "4 of 4 100%" in text
    assert "Organisation B Deputy Member 100%" in text
    assert "Organisation D Absent Deputy 50%" in text
    assert "Quorate: 2 of 4 voting members present; 1 needed plus the Chair" in text
    # Actions, plan, statistics, fund, panels.
    assert "Actions opened this quarter 2" in text
    assert "Known action 1" in text and "31 days overdue" in text
    assert "Green: Progressing Blue: Complete" in text
    assert "Domestic abuse incidents 1,131 1,140 -9 -0.79%" in text
    assert "fall, good" in text and "rise, bad" in text
    assert "£110,000.00" in text and "£38,182.00" in text
    assert (
        "Riverside Youth Outreach Trust: Youth violence outreach worker Approved £71,818.00" in text
    )
    assert "Referrals received 3" in text
    assert "DHR-2025-02 Referred Decision 1 Sep 2025 Overdue by 121 days" in text
    assert "CSPR-2025-01 Rapid Review 8 Jan 2026" in text
    assert "SAR-2025-01 2 1 (50%)" in text


def test_the_chart_is_drawn_with_its_labels_and_a_caption(rendered):
    _, texts = read(rendered.content)
    text = flat(" ".join(texts))
    assert "Figure 4.1: Change in each indicator, 2025/26 Q3 against 2024/25 Q3 (%)" in text
    assert "+4.00% (rise, bad)" in text  # the bar's own label, as text in the PDF


def test_no_case_subject_and_no_applicant_contact_appear(rendered, known):
    _, texts = read(rendered.content)
    text = " ".join(texts)
    assert known["case_labels"]
    for label in known["case_labels"]:
        assert label not in text
    assert "Contact Person Hidden" not in text
    # Reviews go by reference: no pseudonym, no circumstances.
    assert "Child A" not in text and "Adult A" not in text and "call-outs" not in text


def test_an_empty_quarter_still_builds_and_says_so(settings):
    board = empty_board()
    kind = QuarterlyReport()
    rendered = kind.render(
        kind.build({"board": board.pk, "year": "2025/26", "quarter": 3}, today=PRODUCED_ON)
    )
    pages, texts = read(rendered.content)
    text = flat(" ".join(texts))
    assert "No meetings were held this quarter." in text
    assert "nothing for this quarter" in text
    assert "The board has no strategic plan covering 2025/26." in text
    assert "No funding decisions were taken" in text
    assert "No case panel reports to this board." in text
    assert f"Page {pages} of {pages}" in texts[-1]


def test_names_with_quotes_cannot_break_the_page_header(settings, db):
    settings.PARTNERSHIP_NAME = 'St Anne\'s "Safer" Partnership </style>'
    template = engines["django"].from_string(
        '{% extends "pdf/base.html" %}{% block content %}<p>Body</p>{% endblock %}'
    )
    from partnership.pdf import html_to_pdf

    html = template.render({"partnership_name": settings.PARTNERSHIP_NAME, "title": "T & Q"})
    _, texts = read(html_to_pdf(html))
    assert 'St Anne\'s "Safer" Partnership </style>' in texts[0]
    assert "T & Q" in texts[0]


def test_css_string_escapes_everything_but_letters_digits_and_spaces():
    assert css_string("Riverside 2") == '"Riverside 2"'
    assert css_string('a"b') == '"a\\22 b"'
    assert css_string("</style>") == '"\\3c \\2f style\\3e "'
