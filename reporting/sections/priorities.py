"""Each priority of the board's strategic plan for the year: where its key actions stand, in
words, and what officers wrote about its aims, achievements and impact.

Status counts are ``boards.plans.plan_summary``'s (the plan page's own numbers), counted on the
report's day; overdue is counted at the year's end, or today if sooner. Queries: one for the
plans, four per plan for the summary, one for the written parts.
"""

from dataclasses import dataclass, field
from datetime import date

from boards.models import Priority, StrategicPlan
from boards.plans import PlanSummary, PrioritySummary, plan_summary

from ..models import PriorityNarrative
from . import Period
from .narrative import NarrativeText, narrative_text

NUMBER_WORDS = {0: "none", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def status_words(row: PrioritySummary, as_at: date) -> str:
    """ "3 key actions: 1 complete (Blue), 1 on hold (Amber) and 1 not started (Red). One was
    overdue on 31 March 2026." """
    total = row.total
    if not total:
        return "No key actions have been set for this priority."
    counts = [
        f"{count} {option.label.lower()} ({option.colour_name})"
        for option, count in row.counts
        if count
    ]
    text = f"{total} key action{'s' if total != 1 else ''}: {_join(counts)}."
    overdue = row.overdue
    if overdue:
        number = NUMBER_WORDS.get(overdue, str(overdue)).capitalize()
        verb = "was" if overdue == 1 else "were"
        text += f" {number} {verb} overdue on {as_at:%-d %B %Y}."
    else:
        text += f" None was overdue on {as_at:%-d %B %Y}."
    return text


@dataclass
class PriorityPart:
    priority: Priority
    summary: PrioritySummary
    status_text: str
    aims: NarrativeText
    achievements: NarrativeText
    impact: NarrativeText
    aims_from_plan: bool  # nothing written for the year, so the plan's own aim is shown


@dataclass
class PlanPart:
    plan: StrategicPlan
    summary: PlanSummary
    priorities: list[PriorityPart] = field(default_factory=list)


@dataclass
class PrioritiesData:
    counted_on: date
    as_at: date
    plans: list[PlanPart] = field(default_factory=list)

    @property
    def key_actions(self) -> int:
        return sum(part.summary.total for part in self.plans)

    @property
    def complete(self) -> int:
        return sum(row.complete for part in self.plans for row in part.summary.priorities)


def build_priorities(period: Period) -> PrioritiesData:
    year = period.year
    data = PrioritiesData(counted_on=period.produced_on, as_at=period.as_at)
    plans = list(
        StrategicPlan.objects.filter(
            board=period.board, start_year__lte=year.start_year, end_year__gte=year.start_year
        )
        .select_related("status_key")
        .order_by("start_year", "title")
    )
    if not plans:
        return data
    summaries = [plan_summary(plan, today=period.as_at) for plan in plans]
    written = {
        item.priority_id: item
        for item in PriorityNarrative.objects.filter(
            narrative__board=period.board,
            narrative__year=year.start_year,
            priority__plan__in=plans,
        )
    }
    for plan, summary in zip(plans, summaries, strict=True):
        part = PlanPart(plan=plan, summary=summary)
        for row in summary.priorities:
            item = written.get(row.priority.pk)
            aims_text = item.aims if item else ""
            from_plan = not aims_text.strip() and bool(row.priority.aim.strip())
            part.priorities.append(
                PriorityPart(
                    priority=row.priority,
                    summary=row,
                    status_text=status_words(row, period.as_at),
                    aims=narrative_text(
                        "aims", row.priority.aim if from_plan else aims_text, year.label
                    ),
                    achievements=narrative_text(
                        "achievements", item.achievements if item else "", year.label
                    ),
                    impact=narrative_text("impact", item.impact if item else "", year.label),
                    aims_from_plan=from_plan,
                )
            )
        data.plans.append(part)
    return data
