"""The board's actions register over the period: opened, closed, and overdue at its end.

One query: the register's own queryset (``Action.objects.for_register``) narrowed to actions
that touch the period, counted with pandas.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from boards.models import Action

from . import Period


@dataclass(frozen=True)
class OverdueAction:
    number: int
    title: str
    owner: str
    reference: str
    due_date: date
    days_overdue: int
    latest_update: str


@dataclass
class ActionsData:
    as_at: date
    opened: int = 0
    closed: int = 0
    open_at_end: int = 0
    overdue: list[OverdueAction] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return len(self.overdue)

    @property
    def empty(self) -> bool:
        return not (self.opened or self.closed or self.open_at_end)


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_actions(period: Period) -> ActionsData:
    import pandas as pd  # imported here: pandas takes half a second to load

    as_at = period.as_at
    ongoing = Action.Status.ONGOING
    touching = (
        Q(raised_on__gte=period.start, raised_on__lte=period.end)
        | Q(completed_on__gte=period.start, completed_on__lte=period.end)
        | (Q(raised_on__lte=as_at) & (Q(status=ongoing) | Q(completed_on__gt=as_at)))
    )
    actions = list(Action.objects.for_register([period.board], today=as_at).filter(touching))
    data = ActionsData(as_at=as_at)
    if not actions:
        return data

    frame = pd.DataFrame(
        {
            "raised_on": pd.Series([a.raised_on for a in actions], dtype=object),
            "completed_on": pd.Series([a.completed_on for a in actions], dtype=object),
            "due_date": pd.Series([a.due_date for a in actions], dtype=object),
            "ongoing": pd.Series([a.status == ongoing for a in actions], dtype=bool),
        }
    )
    done = frame["completed_on"].notna()
    completed_by_end = done & ~frame["ongoing"]
    completed_on = frame["completed_on"].where(done, date.max)
    opened = (frame["raised_on"] >= period.start) & (frame["raised_on"] <= period.end)
    closed = completed_by_end & (completed_on >= period.start) & (completed_on <= period.end)
    # Open on the day: raised by then and not yet completed (an action completed later was
    # still open then).
    open_then = (frame["raised_on"] <= as_at) & (frame["ongoing"] | (completed_on > as_at))
    overdue = open_then & (frame["due_date"] < as_at)

    data.opened = int(opened.sum())
    data.closed = int(closed.sum())
    data.open_at_end = int(open_then.sum())
    for position in overdue[overdue].index:
        action = actions[position]
        data.overdue.append(
            OverdueAction(
                number=action.number,
                title=action.title,
                owner=action.owner_display,
                reference=action.reference,
                due_date=action.due_date,
                days_overdue=(as_at - action.due_date).days,
                latest_update=_shorten(action.latest_update_note or ""),
            )
        )
    data.overdue.sort(key=lambda a: (a.due_date, a.number))
    return data
