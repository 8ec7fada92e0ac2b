"""Demo papers for the strategic board's next meeting, so its agenda pack has something to merge.

Each report item gets a short paper written here for the fictional partnership: most as PDFs
(drawn with the project's own PDF renderer), one spreadsheet appendix that the pack lists rather
than merges, and the community fund's recommendations marked exempt, as a council would for
papers naming applicants' finances. Safe to run again: a meeting that has papers is left alone.
"""

import io

from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import Workbook

from .models import AgendaItem, Meeting, Paper

PAPER_STYLE = (
    "<style>@page { size: A4; margin: 20mm; } body { font-family: 'DejaVu Sans', sans-serif; "
    "font-size: 10pt; line-height: 1.45; } h1 { font-size: 15pt; } table { border-collapse: "
    "collapse; width: 100%; } td, th { border: 0.5pt solid #888; padding: 1.5mm; text-align: "
    "left; }</style>"
)

# Item title prefix -> (paper title, paragraphs, table rows or None). Written for the demo.
PAPERS = {
    "Partnership performance": (
        "Performance report: crime and anti-social behaviour",
        [
            "Recorded crime across the borough fell slightly over the last twelve months, led by "
            "fewer burglaries and vehicle offences. Violence with injury rose in the town centre "
            "at weekends, which the night-time economy group is already looking at.",
            "Anti-social behaviour reports to the police and the council's housing service were "
            "down on the year before, though three wards account for almost half of them.",
            "The board is asked to note the figures and the hotspot work under way.",
        ],
        [
            ("Measure", "This year", "Last year"),
            ("Total recorded crime", "14,212", "14,590"),
            ("Residential burglary", "612", "701"),
            ("Violence with injury", "1,204", "1,150"),
            ("ASB incidents", "5,930", "6,402"),
        ],
    ),
    "Serious Violence Duty": (
        "Strategic needs assessment: summary of the refresh",
        [
            "The refreshed assessment draws on police, health, education and probation data "
            "shared under the Serious Violence Duty. It confirms knife-enabled offences among "
            "under-25s and domestic-related violence as the two areas of greatest harm.",
            "It recommends that the response strategy keeps its focus on early intervention in "
            "schools and adds a workstream on violence in the night-time economy.",
            "The board is asked to approve the assessment for publication.",
        ],
        None,
    ),
    "Domestic abuse and MARAC": (
        "Domestic abuse and MARAC: quarterly performance",
        [
            "The MARAC heard more cases this quarter than last, with the repeat rate within the "
            "range SafeLives suggests. Referrals from health partners remain low, and the forum "
            "has asked the hospital trust to name a MARAC lead.",
            "All figures in this paper are counts; no case is identified.",
        ],
        [
            ("Measure", "This quarter", "Last quarter"),
            ("Cases heard", "118", "104"),
            ("Repeat cases", "31", "27"),
            ("Referrals from health", "6", "5"),
        ],
    ),
    "Reducing reoffending": (
        "Integrated offender management: annual review",
        [
            "The cohort's proven reoffending fell over the year, and most people on the scheme "
            "now have settled accommodation at the point of release.",
            "Probation proposes widening the cohort to include people convicted of domestic "
            "abuse offences who are assessed as high risk.",
        ],
        None,
    ),
}
SPREADSHEET_ITEM = "Partnership performance"
EXEMPT_ITEM = "Community fund"


def load(log) -> None:
    """Papers for the strategic board's next scheduled meeting (none if it has some already)."""
    from .demo import STRATEGIC

    meeting = (
        Meeting.objects.filter(
            board__name=STRATEGIC,
            status=Meeting.Status.SCHEDULED,
            starts_at__date__gte=timezone.localdate(),
        )
        .order_by("starts_at")
        .first()
    )
    if meeting is None or Paper.objects.filter(item__meeting=meeting).exists():
        return
    count = 0
    for item in meeting.items.exclude(purpose=AgendaItem.Purpose.STANDARD):
        if item.title.startswith(EXEMPT_ITEM):
            item.exempt = True
            item.save(update_fields=["exempt"])
            _add(item, "Recommendations for award", _fund_paper(), "pdf")
            count += 1
            continue
        for prefix, (title, paragraphs, table) in PAPERS.items():
            if item.title.startswith(prefix):
                _add(item, title, _pdf(title, paragraphs, table), "pdf")
                count += 1
        if item.title.startswith(SPREADSHEET_ITEM):
            _add(item, "Appendix: figures by ward", _ward_workbook(), "xlsx")
            count += 1
    if count:
        log(f"added {count} papers to the board meeting of {meeting.date:%-d %B %Y}")


def _add(item, title: str, content: bytes, extension: str) -> None:
    name = f"{item.meeting.date:%Y-%m-%d}-item-{item.number}.{extension}"
    Paper.objects.create(item=item, title=title, file=ContentFile(content, name=name))


def _pdf(title: str, paragraphs: list[str], table) -> bytes:
    from django.utils.html import escape

    from partnership.pdf import html_to_pdf

    html = [PAPER_STYLE, f"<h1>{escape(title)}</h1>"]
    html += [f"<p>{escape(text)}</p>" for text in paragraphs]
    if table:
        head, *rows = table
        html.append("<table><tr>" + "".join(f"<th>{escape(c)}</th>" for c in head) + "</tr>")
        html += ["<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows]
        html.append("</table>")
    return html_to_pdf("".join(html))


def _fund_paper() -> bytes:
    return _pdf(
        "Community fund: recommendations for award",
        [
            "Not for publication: this paper holds information about the financial affairs of "
            "the organisations that applied.",
            "The assessment panel scored each bid against the fund's criteria and recommends "
            "the awards below, within the balance available to award.",
        ],
        [
            ("Organisation", "Project", "Recommended"),
            ("Harbour Lane Residents' Association", "Alleyway lighting", "£2,400"),
            ("Riverside Boxing Club", "Evening sessions for young people", "£4,800"),
            ("St Anne's Community Hub", "Scam awareness for older residents", "£1,150"),
        ],
    )


def _ward_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "By ward"
    sheet.append(["Ward", "Recorded crime", "ASB incidents"])
    for row in (
        ("Castle", 2110, 940),
        ("Harbour", 1875, 812),
        ("Millbrook", 1320, 505),
        ("Northgate", 2460, 1104),
        ("Riverside Central", 3150, 1390),
    ):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
