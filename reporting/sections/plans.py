"""The board's strategic plan: key actions by status, and those whose status moved in the period.

Status counts come from ``plan_summary`` (the plan page's own numbers). A key action "moved"
when its status at the end of the period, from its latest progress update by then, differs from
its status at the start (its latest update before the period, or the status it started in).
Queries: one for the plans, four per plan for the summary, one for every progress update.
"""

from dataclasses import dataclass, field
from datetime import date

from boards.models import ProgressUpdate, StatusOption, StrategicPlan
from boards.plans import PlanSummary, plan_summary

from . import Period


@dataclass(frozen=True)
class StatusMove:
    number: str
    title: str
    before: StatusOption
    after: StatusOption
    on: date
    note: str

    @property
    def sort_key(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.number.split("."))


@dataclass
class PlanPart:
    summary: PlanSummary
    moves: list[StatusMove] = field(default_factory=list)

    @property
    def plan(self) -> StrategicPlan:
        return self.summary.plan


@dataclass
class PlansData:
    counted_on: date  # statuses are today's; overdue is counted at the period's end
    plans: list[PlanPart] = field(default_factory=list)

    @property
    def moves(self) -> int:
        return sum(len(part.moves) for part in self.plans)


def _starting_option(options: list[StatusOption]) -> StatusOption | None:
    """What a new key action starts in: the same choice as ``StatusKey.initial_option``."""
    if not options:
        return None
    return min(options, key=lambda o: (not o.starts_here, o.means_complete, o.order))


def _shorten(text: str, limit: int = 200) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_plans(period: Period) -> PlansData:
    import pandas as pd  # imported here: pandas takes half a second to load

    plans = list(
        StrategicPlan.objects.filter(
            board=period.board,
            start_year__lte=period.year.start_year,
            end_year__gte=period.year.start_year,
        )
        .select_related("status_key")
        .order_by("start_year", "title")
    )
    data = PlansData(counted_on=period.produced_on)
    if not plans:
        return data
    parts = {plan.pk: PlanPart(plan_summary(plan, today=period.as_at)) for plan in plans}
    data.plans = list(parts.values())

    updates = list(
        ProgressUpdate.objects.filter(key_action__priority__plan__in=plans, on__lte=period.end)
        .select_related("status", "key_action__priority")
        .order_by("key_action_id", "on", "recorded_at", "pk")
    )
    if not updates:
        return data
    frame = pd.DataFrame(
        {
            "key_action": [u.key_action_id for u in updates],
            "on": pd.Series([u.on for u in updates], dtype=object),
            "position": range(len(updates)),
        }
    )
    before = frame[frame["on"] < period.start].groupby("key_action")["position"].last()
    within = frame[frame["on"] >= period.start].groupby("key_action")["position"].last()
    starting = {pk: _starting_option(part.summary.options) for pk, part in parts.items()}

    for key_action_id, position in within.items():
        latest = updates[position]
        plan_id = latest.key_action.priority.plan_id
        if key_action_id in before.index:
            was = updates[before[key_action_id]].status
        else:
            was = starting[plan_id]
        if was is None or was.pk == latest.status_id:
            continue
        action = latest.key_action
        parts[plan_id].moves.append(
            StatusMove(
                number=action.number,
                title=action.title,
                before=was,
                after=latest.status,
                on=latest.on,
                note=_shorten(latest.note),
            )
        )
    for part in data.plans:
        part.moves.sort(key=lambda move: move.sort_key)
    return data
