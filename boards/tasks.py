"""Scheduled jobs of the boards app."""

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Action, Person

logger = logging.getLogger(__name__)

# Owners hear about an action this many days before it falls due, and every day once overdue.
REMINDER_WINDOW_DAYS = 7


@dataclass(frozen=True)
class ReminderLine:
    board: str
    number: int
    title: str
    due_date: date
    when: str
    url: str


def _when(due_date: date, today: date) -> str:
    days = (due_date - today).days
    if days < 0:
        return f"overdue by {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "due today"
    return f"due in {days} day{'s' if days != 1 else ''}"


def _due_for_reminder(today: date):
    """Open actions, owned by someone with an e-mail address, not yet reminded about today."""
    return (
        Action.objects.open()
        .filter(due_date__lte=today + timedelta(days=REMINDER_WINDOW_DAYS))
        .filter(owner_person__isnull=False)
        .exclude(owner_person__email="")
        .exclude(last_reminded_on=today)
    )


def _remind(owner: Person, action_ids: list[int], today: date) -> bool:
    """E-mail one owner about their actions; True if a message went out.

    The actions are marked as reminded in the same transaction as the send, so a failed send
    leaves them for the retry, and a second run the same day finds nothing left to send.
    """
    with transaction.atomic():
        actions = list(
            _due_for_reminder(today)
            .filter(pk__in=action_ids, owner_person=owner)
            .select_for_update(of=("self",))
            .select_related("board")
            .order_by("due_date", "board__name", "number")
        )
        if not actions:
            return False  # another run got there first
        lines = [
            ReminderLine(
                board=a.board.display_name,
                number=a.number,
                title=a.title,
                due_date=a.due_date,
                when=_when(a.due_date, today),
                url=settings.SITE_URL + a.get_absolute_url(),
            )
            for a in actions
        ]
        context = {
            "owner_name": owner.full_name,
            "lines": lines,
            "overdue": sum(1 for a in actions if a.due_date < today),
            "register_url": settings.SITE_URL + reverse("boards:action_list"),
        }
        subject = " ".join(
            render_to_string("boards/email/action_reminder_subject.txt", context).split()
        )
        body = render_to_string("boards/email/action_reminder.txt", context)
        # A plain queryset update: marking a reminder is bookkeeping, not a change for the
        # action's audit history.
        Action.objects.filter(pk__in=[a.pk for a in actions]).update(last_reminded_on=today)
        return bool(send_mail(subject, body, None, [owner.email]))


@shared_task
def send_action_reminders() -> int:
    """Send each owner one e-mail listing their overdue actions and those due within a week.

    Returns the number of e-mails sent.
    """
    today = timezone.localdate()
    due = (
        _due_for_reminder(today)
        .order_by("owner_person_id", "pk")
        .values_list("owner_person_id", "pk")
    )
    owners_actions = {
        owner_id: [pk for _, pk in rows] for owner_id, rows in groupby(due, key=lambda r: r[0])
    }
    owners = Person.objects.in_bulk(owners_actions.keys())
    sent = 0
    for owner_id, action_ids in owners_actions.items():
        try:
            if _remind(owners[owner_id], action_ids, today):
                sent += 1
        except OSError:
            # One unreachable mailbox must not stop the others; this owner's actions stay
            # unmarked, so a retry or tomorrow's run picks them up.
            logger.exception("Action reminder to person %s could not be sent", owner_id)
    return sent
