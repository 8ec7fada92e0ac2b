"""The annual report's PDF, read back: every section, the grid, page numbers, nothing personal.

The known year's PDF takes seconds to lay out, so the first test builds it and the others read
the same bytes.
"""

import io
import re
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from reporting.annual import SECTIONS, AnnualReport

from .annual_fixtures import YEAR_PRODUCED_ON, known_year
from .fixtures import empty_board

# One worker builds the module's PDF once, rather than each worker building its own.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("annual-pdf")]
PARTNERSHIP = "Riverside Community Safety Partnership"


def read(content: bytes) -> tuple[int, list[str]]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    """Table cells wrap; compare on single spaces."""
    return re.sub(r"\s+", " ", text)


@dataclass
class Built:
    filename: str
    content: bytes
    pages: int
    texts: list[str]
    case_labels: list[str]
    pseudonyms: list[str]

    @property
    def whole(self) -> str:
        return flat(" ".join(self.texts))


_BUILT: dict[str, Built] = {}


@pytest.fixture
def built(db, settings) -> Built:
    """The known year's PDF: built by the first test that asks, then read by the rest."""
    if "known" not in _BUILT:
        from reviews.models import Review

        settings.PARTNERSHIP_NAME = PARTNERSHIP
        year = known_year()
        kind = AnnualReport()
        rendered = kind.render(kind.build(year.inputs, today=YEAR_PRODUCED_ON))
        pages, texts = read(rendered.content)
        _BUILT["known"] = Built(
            rendered.filename,
            rendered.content,
            pages,
            texts,
            case_labels=list(year.case_labels),
            pseudonyms=list(Review.objects.values_list("subject_pseudonym", flat=True)),
        )
    return _BUILT["known"]


def test_the_pdf_is_named_for_the_board_and_year(built):
    assert built.filename == "partnership-board-annual-report-2025-26.pdf"
    assert built.content.startswith(b"%PDF-")


def test_cover_names_the_partnership_board_and_year(built):
    cover = flat(built.texts[0])
    assert PARTNERSHIP in cover
    assert "Annual report" in cover and "Safer Riverside Partnership Board" in cover
    assert "2025/26: April 2025 to March 2026" in cover
    assert "Produced on 20 April 2026" in cover


def test_every_section_heading_is_in_the_contents_and_heads_its_section(built):
    contents = flat(built.texts[1])
    for number, heading in enumerate(SECTIONS.headings, start=1):
        assert f"{number}. {heading}" in contents
        assert built.whole.count(f"{number}. {heading}") >= 2


def test_contents_give_each_sections_page_number(built):
    contents = flat(built.texts[1])
    for number, heading in enumerate(SECTIONS.headings, start=1):
        found = re.search(rf"{number}\. {re.escape(heading)} [. ]*(\d+)", contents)
        assert found, heading
        assert f"{number}. {heading}" in flat(built.texts[int(found.group(1)) - 1])


def test_pages_are_numbered_and_the_header_runs_from_page_two(built):
    assert built.pages >= 4
    assert f"Page 1 of {built.pages}" in built.texts[0]
    assert f"Page {built.pages} of {built.pages}" in built.texts[-1]
    header = "Partnership Board: Annual report 2025/26"
    assert header not in flat(built.texts[0])
    assert all(header in flat(text) for text in built.texts[1:])


def test_the_attendance_grid_with_its_percentages(built):
    text = built.whole
    assert "Organisation Q1 12 Jun Q2 11 Sep Q3 9 Oct, 4 Dec Q4 5 Mar %" in text
    assert "Organisation A Member Member Member, Member Member 100%" in text
    assert "Organisation B Absent Member Deputy, Member Member 80%" in text
    assert "Organisation C Deputy Absent Absent, Member Absent 40%" in text
    assert "Organisation D Member Absent Absent, Deputy Member 60%" in text
    assert "All organisations 70%" in text
    assert "The board met 5 times in 2025/26 (1 further meeting was cancelled)" in text


def test_the_narrative_is_laid_out_with_links_written_out(built):
    text = built.whole
    assert "I thank every member for their commitment" in text
    assert "strategy (https://example.org/strategy)" in text
    assert "Chair of the Safer Riverside Partnership Board" in text
    assert "The median age is 35" in text
    assert "Reoffending A new priority on reducing reoffending starts in April." in text


def test_statistics_priorities_and_funding_carry_the_years_figures(built):
    text = built.whole
    assert "Domestic abuse incidents 4,523 4,557 -34 -0.75% ↓ fall, good" in text
    assert "Figure 3.1: Change in each indicator, 2025/26 against 2024/25 (%)" in text
    assert "-10.30% (fall, good)" in text  # the chart's own label
    assert "Priority 1: Reduce serious violence" in text
    assert "3 key actions: 1 complete (Blue), 1 on hold (Amber) and 1 not started (Red)." in text
    assert "Cut serious violence among people under 25." in text
    assert "Trained 30 teachers" in text
    assert "Total income £230,000.00" in text and "Total expenditure £230,000.00" in text
    assert "Staffing Partnership manager Analyst £150,000.00" in text
    assert "Riverside Youth Outreach Trust: Youth violence outreach worker £71,818.00" in text
    assert "£38,182.00" in text


def test_panels_and_reviews_in_aggregate_and_by_reference(built):
    text = built.whole
    assert "Referrals received 3" in text
    assert "5 referrals reached the review panel, 3 decisions were made and 1 review was" in text
    assert "SAR-2025-01 Safeguarding Adults Review 20 Nov 2025" in text
    assert "SAR-2025-01 2 1 (50%)" in text


def test_no_case_subject_review_pseudonym_or_applicant_contact_appears(built):
    text = " ".join(built.texts)
    assert built.case_labels and built.pseudonyms
    for label in built.case_labels:
        assert label not in text
    for pseudonym in built.pseudonyms:
        assert pseudonym not in text
    assert "Contact Person Hidden" not in text and "call-outs" not in text


def test_an_empty_year_still_builds_and_says_so():
    board = empty_board()
    kind = AnnualReport()
    rendered = kind.render(
        kind.build({"board": board.pk, "year": "2025/26"}, today=YEAR_PRODUCED_ON)
    )
    pages, texts = read(rendered.content)
    text = flat(" ".join(texts))
    for number, heading in enumerate(SECTIONS.headings, start=1):
        assert f"{number}. {heading}" in text
    assert "No message from the Chair has been written for 2025/26." in text
    assert "No meetings were held in 2025/26." in text
    assert "The board has no strategic plan covering 2025/26." in text
    assert "No budget has been recorded for the board for 2025/26." in text
    assert "No community fund awards were made" in text
    assert "No case panel reports to this board." in text
    assert "No statutory review of a panel reporting to this board" in text
    assert "Nothing has been written yet about the year after 2025/26." in text
    assert f"Page {pages} of {pages}" in texts[-1]
