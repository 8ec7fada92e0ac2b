"""Operations on strategic plans: adding key actions and recording progress."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from .models import KeyAction, Priority, ProgressUpdate, StatusOption


def next_sequence(priority: Priority) -> int:
    """The number after the point for a new key action: one more than the last."""
    return (priority.key_actions.aggregate(n=Max("sequence"))["n"] or 0) + 1


@transaction.atomic
def add_key_action(
    priority: Priority,
    *,
    title: str,
    lead_organisations=(),
    delivery: str = "",
    deadline: date | None = None,
    comments: str = "",
    sequence: int | None = None,
) -> KeyAction:
    """Add a key action numbered after the priority's last one (or as ``sequence``)."""
    if sequence is None:
        sequence = next_sequence(priority)
    elif priority.key_actions.filter(sequence=sequence).exists():
        raise ValidationError(
            {"sequence": f"Action {priority.number}.{sequence} is already in the plan."}
        )
    if deadline and not priority.plan.start <= deadline <= priority.plan.end:
        raise ValidationError({"deadline": "The deadline must fall within the plan's years."})
    action = KeyAction(
        priority=priority,
        sequence=sequence,
        title=title,
        delivery=delivery,
        deadline=deadline,
        comments=comments,
        status=priority.plan.status_key.initial_option(),
    )
    action.full_clean(exclude=["lead_organisations"])
    action.save()
    action.lead_organisations.set(lead_organisations)
    return action


@transaction.atomic
def record_progress(
    action: KeyAction, *, status: StatusOption, note: str, on: date, author=None
) -> ProgressUpdate:
    """Add a dated update; the key action's status becomes the latest update's."""
    if status.key_id != action.priority.plan.status_key_id:
        raise ValidationError({"status": "Choose one of this plan's statuses."})
    if not note.strip():
        raise ValidationError({"note": "Say what has happened since the last update."})
    later = action.updates.filter(on__gt=on).exists()
    update = ProgressUpdate.objects.create(
        key_action=action, status=status, note=note.strip(), on=on, author=author
    )
    if not later:  # an update back-dated behind a later one does not change today's status
        action.status = status
        action.save(update_fields=["status"])
    return update
