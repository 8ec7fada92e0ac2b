"""The plan table and its summary, computed once for the plan page and for the reports.

Both run in a fixed number of queries whatever the number of key actions.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from .models import KeyAction, Organisation, Priority, StatusOption, StrategicPlan


@dataclass(frozen=True)
class PlanFilters:
    priority: int | None = None  # a Priority id
    organisation: int | None = None  # an Organisation id among the leads
    status: int | None = None  # a StatusOption id
    domain: str = ""
    overdue: bool | None = None


def plan_actions(
    plan: StrategicPlan, filters: PlanFilters = PlanFilters(), today: date | None = None
):
    """The plan's key actions in number order (1.9 before 1.10), filtered; a queryset."""
    today = today or timezone.localdate()
    actions = (
        KeyAction.objects.filter(priority__plan=plan)
        .select_related("priority", "priority__lead_board", "status")
        .prefetch_related(
            Prefetch("lead_organisations", queryset=Organisation.objects.order_by("name"))
        )
        .order_by("priority__number", "sequence")
    )
    if filters.priority:
        actions = actions.filter(priority_id=filters.priority)
    if filters.organisation:
        actions = actions.filter(lead_organisations=filters.organisation)
    if filters.status:
        actions = actions.filter(status_id=filters.status)
    if filters.domain:
        actions = actions.filter(priority__domain=filters.domain)
    overdue = Q(deadline__lt=today, status__means_complete=False)
    if filters.overdue is True:
        actions = actions.filter(overdue)
    elif filters.overdue is False:
        actions = actions.exclude(overdue)
    return actions.distinct()


@dataclass
class PrioritySummary:
    priority: Priority
    counts: list[tuple[StatusOption, int]]
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)

    @property
    def complete(self) -> int:
        return sum(count for option, count in self.counts if option.means_complete)

    def shares(self) -> list[tuple[StatusOption, int, float]]:
        """Each status with its count and share of the priority, for the bar chart."""
        total = self.total or 1
        return [(option, count, round(100 * count / total, 1)) for option, count in self.counts]


@dataclass
class PlanSummary:
    plan: StrategicPlan
    options: list[StatusOption]
    priorities: list[PrioritySummary] = field(default_factory=list)

    @property
    def totals(self) -> list[tuple[StatusOption, int]]:
        counter = Counter()
        for row in self.priorities:
            for option, count in row.counts:
                counter[option.pk] += count
        return [(option, counter[option.pk]) for option in self.options]

    @property
    def total(self) -> int:
        return sum(row.total for row in self.priorities)

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.priorities)


def plan_summary(plan: StrategicPlan, today: date | None = None) -> PlanSummary:
    """Counts of key actions by status for each priority, and how many are overdue."""
    today = today or timezone.localdate()
    options = list(plan.status_key.options.order_by("order"))
    priorities = list(plan.priorities.select_related("lead_board").order_by("number"))
    by_status = Counter()
    for row in (
        KeyAction.objects.filter(priority__plan=plan)
        .values("priority_id", "status_id")
        .annotate(n=Count("pk"))
    ):
        by_status[(row["priority_id"], row["status_id"])] = row["n"]
    overdue = dict(
        KeyAction.objects.filter(priority__plan=plan)
        .overdue(today)
        .values_list("priority_id")
        .annotate(n=Count("pk"))
    )
    summary = PlanSummary(plan=plan, options=options)
    for priority in priorities:
        summary.priorities.append(
            PrioritySummary(
                priority=priority,
                counts=[(option, by_status[(priority.pk, option.pk)]) for option in options],
                overdue=overdue.get(priority.pk, 0),
            )
        )
    return summary


def plan_table_rows(actions, today: date | None = None) -> list[list[str]]:
    """Header and rows as text, for the CSV and XLSX exports (and the report's appendix)."""
    today = today or timezone.localdate()
    rows = [
        [
            "Number",
            "Priority",
            "Key action",
            "Delivery",
            "Lead services",
            "Deadline",
            "Status",
            "Overdue",
            "Comments",
        ]
    ]
    for action in actions:
        rows.append(
            [
                action.number,
                f"{action.priority.number}. {action.priority.title}",
                action.title,
                action.delivery,
                ", ".join(o.display_name for o in action.lead_organisations.all()),
                f"{action.deadline:%d/%m/%Y}" if action.deadline else "",
                f"{action.status.label} ({action.status.colour_name})",
                "Yes" if action.is_overdue(today) else "No",
                action.comments,
            ]
        )
    return rows
