"""The annual report for a board and financial year: the one the chair signs off.

The Chair's message, the introduction, the area and its key statistics, governance and
membership with the attendance grid, each priority of the plan, the budget and the community
fund, case panels in aggregate, statutory reviews and what's next. The written parts come from
the narrative officers keep per board and year; the rest is built from live data by sections
(``reporting.sections``). A year without meetings or data still makes a report that says so.

A chair who sits on the board marks one built version final; marking another unmarks the first.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from boards.budget import money
from boards.models import Board, Membership
from partnership import roles
from partnership.pdf import html_to_pdf, render_html
from partnership.periods import FinancialYear

from .models import ReportRequest
from .registry import Progress, Rendered, ReportError, ReportKind, no_progress, register
from .sections import BuiltSection, Period, Section, SectionList
from .sections.budget import AnnualFundingData, build_annual_funding
from .sections.governance import GovernanceData, build_governance
from .sections.narrative import (
    build_area,
    build_chair_message,
    build_introduction,
    build_whats_next,
)
from .sections.panels import PanelsData, build_panels
from .sections.priorities import PrioritiesData, build_priorities
from .sections.reviews import build_reviews

PDF = "application/pdf"
IDENTIFIER = "annual"

SECTIONS = SectionList(
    Section(key, heading, f"reporting/pdf/sections/{template}.html", build)
    for key, heading, template, build in (
        ("chair", "Message from the Chair", "chair", build_chair_message),
        ("introduction", "Introduction and purpose", "introduction", build_introduction),
        ("area", "The area and key statistics", "area", build_area),
        ("governance", "Governance and membership", "governance", build_governance),
        ("priorities", "Priorities", "priorities", build_priorities),
        ("funding", "Funding", "annual_funding", build_annual_funding),
        ("panels", "Case panels", "panels", build_panels),
        ("reviews", "Statutory reviews", "annual_reviews", build_reviews),
        ("whats_next", "What's next", "whats_next", build_whats_next),
    )
)


@dataclass(frozen=True)
class Highlight:
    label: str
    value: str


@dataclass
class AnnualData:
    period: Period
    sections: list[BuiltSection]
    produced_at: datetime

    @property
    def title(self) -> str:
        return f"Annual report {self.period.year.label}"

    def section(self, key: str):
        return next(s.data for s in self.sections if s.key == key)

    def highlights(self) -> list[Highlight]:
        """The year in a few numbers, for the page after the contents."""
        found = {s.key: s.data for s in self.sections}
        result = []
        governance: GovernanceData | None = found.get("governance")
        if governance is not None:
            result.append(Highlight("Board meetings held", str(governance.held)))
            if governance.percentage is not None:
                result.append(
                    Highlight("Attendance by partner organisations", f"{governance.percentage:g}%")
                )
            result.append(Highlight("Organisations on the board", str(governance.organisations)))
        priorities: PrioritiesData | None = found.get("priorities")
        if priorities is not None and priorities.plans:
            result.append(
                Highlight(
                    "Key actions complete",
                    f"{priorities.complete} of {priorities.key_actions}",
                )
            )
        funding: AnnualFundingData | None = found.get("funding")
        if funding is not None:
            if not funding.budget.is_empty:
                result.append(Highlight("Board budget income", money(funding.budget.total_income)))
            if funding.awards:
                result.append(
                    Highlight(
                        "Community fund awards made",
                        f"{len(funding.awards)}, {money(funding.awarded)}",
                    )
                )
        panels: PanelsData | None = found.get("panels")
        for panel in panels.panels if panels is not None else []:
            result.append(
                Highlight(f"{panel.name}: referrals received", str(panel.statistics.referrals))
            )
        reviews = found.get("reviews")
        if reviews is not None and (reviews.decided or reviews.published):
            result.append(
                Highlight(
                    "Statutory review decisions / publications",
                    f"{len(reviews.decided)} / {len(reviews.published)}",
                )
            )
        return result


def parse_year(value) -> FinancialYear:
    """A financial year from "2025/26", "2025-26" or "2025"; ValueError otherwise."""
    return FinancialYear.parse(str(value or "").replace("-", "/"))


@register
class AnnualReport(ReportKind):
    identifier = IDENTIFIER
    title = "Annual report"
    inputs = ("board", "year")
    sections = SECTIONS

    def clean_inputs(self, raw: dict, today: date | None = None) -> dict:
        today = today or timezone.localdate()
        errors = {}
        try:
            board_id = int(raw.get("board"))
        except (TypeError, ValueError):
            board_id = None
        if board_id is None or not Board.objects.filter(pk=board_id).exists():
            errors["board"] = "Choose a board."
        try:
            year = parse_year(raw.get("year"))
        except ValueError:
            year = None
            errors["year"] = "Choose a financial year like 2025/26."
        if year is not None and year.start > today:
            errors["year"] = "That financial year has not started yet."
        if errors:
            raise ValidationError(errors)
        return {"board": board_id, "year": year.label}

    def check_access(self, user, inputs: dict) -> None:
        from .permissions import report_boards

        if user is None:  # the scheduler
            return
        if not report_boards(user).filter(pk=inputs["board"]).exists():
            raise PermissionDenied("You can ask for reports only on boards you sit on.")

    def describe(self, inputs: dict) -> str:
        board = Board.objects.filter(pk=inputs["board"]).first()
        name = board.name if board else "a removed board"
        return f"Annual report: {name}, {inputs['year']}"

    def period(self, inputs: dict, today: date | None = None) -> Period:
        board = Board.objects.filter(pk=inputs["board"]).first()
        if board is None:
            raise ReportError("The board this report was for no longer exists.")
        return Period(
            board=board,
            year=FinancialYear.parse(inputs["year"]),
            quarter=None,
            produced_on=today or timezone.localdate(),
        )

    def build(
        self, inputs: dict, progress: Progress = no_progress, today: date | None = None
    ) -> AnnualData:
        period = self.period(inputs, today)
        built = []
        steps = len(self.sections)
        for index, section in enumerate(self.sections):
            progress(5 + 75 * index // steps, f"Gathering {section.heading.lower()}")
            built.append(
                BuiltSection(section.key, section.heading, section.template, section.build(period))
            )
        progress(80, "Sections gathered")
        return AnnualData(period=period, sections=built, produced_at=timezone.now())

    def html(self, data: AnnualData) -> str:
        """The report's HTML, as WeasyPrint is given it."""
        period = data.period
        return render_html(
            "reporting/pdf/annual.html",
            {
                "title": data.title,
                "running_title": f"{period.board.display_name}: {data.title}",
                "report": data,
                "period": period,
                "board": period.board,
                "sections": data.sections,
                "highlights": data.highlights(),
            },
        )

    def render(self, data: AnnualData) -> Rendered:
        period = data.period
        content = html_to_pdf(self.html(data))
        year = period.year.label.replace("/", "-")
        filename = f"{slugify(period.board.display_name)}-annual-report-{year}.pdf"
        return Rendered(filename, PDF, content)


# --- Signing off --------------------------------------------------------------------------


def can_mark_final(user, report: ReportRequest) -> bool:
    """A chair (the role) who sits on the report's board today may sign off its annual report."""
    if report.kind != IDENTIFIER or report.board_id is None:
        return False
    if not (user.is_authenticated and roles.has_role(user, (roles.CHAIR,))):
        return False
    today = timezone.localdate()
    return Membership.objects.on(today).filter(board_id=report.board_id, person__user=user).exists()


@transaction.atomic
def mark_final(report: ReportRequest) -> ReportRequest:
    """Make ``report`` the final version for its board and year; any earlier final is unmarked.

    Every version for the same board and year is locked first, so two chairs signing off at once
    still leave exactly one final (the database's constraint backs this up).
    """
    versions = list(
        ReportRequest.objects.select_for_update()
        .filter(kind=IDENTIFIER, inputs_key=report.inputs_key)
        .order_by("pk")
    )
    report = next((version for version in versions if version.pk == report.pk), None)
    if report is None:
        raise ValidationError("Only an annual report can be marked final.")
    if not report.downloadable:
        raise ValidationError("Only a report that is ready can be marked final.")
    for version in versions:
        if version.final and version.pk != report.pk:
            version.final = False
            version.save(update_fields=["final"])
    if not report.final:
        report.final = True
        report.save(update_fields=["final"])
    return report
