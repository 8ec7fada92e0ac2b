"""The quarterly report for a board: what the board receives after each quarter.

Meetings and attendance with quorum, the actions register, the strategic plan's progress, key
statistics with a chart, the community fund, case-panel counts and statutory reviews. Each part is
a section (see ``reporting.sections``) built from live data; a quarter without data still makes
a report, each section saying in words that there was nothing to show.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.text import slugify

from boards.budget import money
from boards.models import Board
from partnership.pdf import render_pdf
from partnership.periods import QUARTER_NAMES, FinancialYear
from reviews.summaries import ReviewSummary

from .registry import Progress, Rendered, ReportError, ReportKind, no_progress, register
from .sections import BuiltSection, Period, Section, SectionList
from .sections.actions import ActionsData, build_actions
from .sections.funding import FundingData, build_funding
from .sections.meetings import MeetingsData, build_meetings
from .sections.panels import PanelsData, build_panels
from .sections.plans import PlansData, build_plans
from .sections.reviews import build_reviews
from .sections.statistics import build_statistics

PDF = "application/pdf"

SECTIONS = SectionList(
    Section(key, heading, f"reporting/pdf/sections/{key}.html", build)
    for key, heading, build in (
        ("meetings", "Meetings and attendance", build_meetings),
        ("actions", "Actions from meetings", build_actions),
        ("plans", "Strategic plan progress", build_plans),
        ("statistics", "Key statistics", build_statistics),
        ("funding", "Community fund", build_funding),
        ("panels", "Case panels", build_panels),
        ("reviews", "Statutory reviews", build_reviews),
    )
)


@dataclass(frozen=True)
class Highlight:
    label: str
    value: str


@dataclass
class QuarterlyData:
    period: Period
    sections: list[BuiltSection]
    produced_at: datetime

    @property
    def title(self) -> str:
        return f"Quarterly report {self.period.label}"

    def section(self, key: str):
        return next(s.data for s in self.sections if s.key == key)

    def highlights(self) -> list[Highlight]:
        """The quarter in a few numbers, for the summary on the contents page."""
        found = {s.key: s.data for s in self.sections}
        result = []
        meetings: MeetingsData | None = found.get("meetings")
        if meetings is not None:
            result.append(Highlight("Board meetings held", str(meetings.held)))
            if meetings.percentage is not None:
                result.append(
                    Highlight("Attendance at those meetings", f"{meetings.percentage:g}%")
                )
            if meetings.held:
                result.append(
                    Highlight(
                        "Meetings that were quorate", f"{meetings.quorate} of {meetings.held}"
                    )
                )
        actions: ActionsData | None = found.get("actions")
        if actions is not None:
            result.append(
                Highlight("Actions opened / closed", f"{actions.opened} / {actions.closed}")
            )
            result.append(
                Highlight(
                    f"Actions overdue on {actions.as_at:%-d %B %Y}", str(actions.overdue_count)
                )
            )
        plans: PlansData | None = found.get("plans")
        if plans is not None and plans.plans:
            result.append(Highlight("Key actions whose status changed", str(plans.moves)))
        funding: FundingData | None = found.get("funding")
        if funding is not None:
            for fund in funding.funds:
                result.append(
                    Highlight(
                        f"{fund.name}: available to award on {funding.as_at:%-d %B %Y}",
                        money(fund.balances.available),
                    )
                )
            if funding.decisions:
                result.append(
                    Highlight(
                        "Funding decisions / approved",
                        f"{len(funding.decisions)} / {funding.approved}",
                    )
                )
        panels: PanelsData | None = found.get("panels")
        for panel in panels.panels if panels is not None else []:
            result.append(
                Highlight(f"{panel.name}: referrals received", str(panel.statistics.referrals))
            )
        reviews: ReviewSummary | None = found.get("reviews")
        if reviews is not None and (reviews.live or reviews.decided):
            result.append(
                Highlight(
                    "Statutory reviews open / overdue",
                    f"{len(reviews.live)} / {len(reviews.overdue)}",
                )
            )
            result.append(
                Highlight("Review deadlines due next quarter", str(len(reviews.deadlines_due)))
            )
        return result


@register
class QuarterlyReport(ReportKind):
    identifier = "quarterly"
    title = "Quarterly report"
    inputs = ("board", "year", "quarter")
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
            year = FinancialYear.parse(str(raw.get("year", "")))
        except ValueError:
            year = None
            errors["year"] = "Choose a financial year like 2025/26."
        try:
            quarter = int(raw.get("quarter"))
        except (TypeError, ValueError):
            quarter = None
        if quarter not in QUARTER_NAMES:
            errors["quarter"] = "Choose a quarter, 1 to 4."
        elif year is not None and year.quarter_bounds(quarter)[0] > today:
            errors["quarter"] = "That quarter has not started yet."
        if errors:
            raise ValidationError(errors)
        return {"board": board_id, "year": year.label, "quarter": quarter}

    def check_access(self, user, inputs: dict) -> None:
        from .permissions import report_boards

        if user is None:  # the scheduler
            return
        if not report_boards(user).filter(pk=inputs["board"]).exists():
            raise PermissionDenied("You can ask for reports only on boards you sit on.")

    def describe(self, inputs: dict) -> str:
        board = Board.objects.filter(pk=inputs["board"]).first()
        name = board.name if board else "a removed board"
        return f"Quarterly report: {name}, {inputs['year']} Q{inputs['quarter']}"

    def period(self, inputs: dict, today: date | None = None) -> Period:
        board = Board.objects.filter(pk=inputs["board"]).first()
        if board is None:
            raise ReportError("The board this report was for no longer exists.")
        return Period(
            board=board,
            year=FinancialYear.parse(inputs["year"]),
            quarter=int(inputs["quarter"]),
            produced_on=today or timezone.localdate(),
        )

    def build(
        self, inputs: dict, progress: Progress = no_progress, today: date | None = None
    ) -> QuarterlyData:
        period = self.period(inputs, today)
        built = []
        steps = len(self.sections)
        for index, section in enumerate(self.sections):
            progress(5 + 75 * index // steps, f"Gathering {section.heading.lower()}")
            built.append(
                BuiltSection(section.key, section.heading, section.template, section.build(period))
            )
        progress(80, "Sections gathered")
        return QuarterlyData(period=period, sections=built, produced_at=timezone.now())

    def render(self, data: QuarterlyData) -> Rendered:
        period = data.period
        content = render_pdf(
            "reporting/pdf/quarterly.html",
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
        year = period.year.label.replace("/", "-")
        filename = (
            f"{slugify(period.board.display_name)}-quarterly-report-{year}-q{period.quarter}.pdf"
        )
        return Rendered(filename, PDF, content)
