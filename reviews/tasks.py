"""Scheduled jobs of the case panels: chasing overdue actions and flagging cases for disposal.

The e-mails carry counts, the panel's and agencies' names and a link to a list page: never a
case's label, reference, wording of an action or anything else about the people involved. The
log lines name record ids only.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from boards.models import Board, Membership
from partnership import roles
from partnership.tasks import send_email

from .models import CaseAction
from .paths import DISPOSALS_PATH, OVERDUE_ACTIONS_PATH, site_link
from .services import cases_due_for_disposal

logger = logging.getLogger(__name__)

# An agency is chased about the same overdue action at most once in this many days.
REMINDER_INTERVAL_DAYS = 7


@dataclass(frozen=True)
class Line:
    panel: str
    agency: str
    count: int


def _email_of(membership: Membership) -> str:
    person = membership.person
    return person.email or (person.user.email if person.user_id else "")


def _members(panel_ids, today: date):
    return (
        Membership.objects.on(today)
        .filter(board_id__in=panel_ids, person__active=True)
        .select_related("person__user", "board")
    )


def _coordinators(panel_ids, today: date) -> dict[int, set[str]]:
    """E-mail addresses of each panel's current members holding the coordinator role."""
    found = defaultdict(set)
    rows = _members(panel_ids, today).filter(person__user__groups__name=roles.PANEL_COORDINATOR)
    for membership in rows:
        email = _email_of(membership)
        if email:
            found[membership.board_id].add(email)
    return found


def _due_for_chase(today: date):
    return CaseAction.objects.overdue(today).exclude(
        last_reminded_on__gt=today - timedelta(days=REMINDER_INTERVAL_DAYS)
    )


def _reminder_body(lines: list[Line]) -> str:
    total = sum(line.count for line in lines)
    rows = "\n".join(f"- {line.panel}: {line.count} for {line.agency}" for line in lines)
    return (
        f"There {'is' if total == 1 else 'are'} {total} overdue case-panel "
        f"action{'' if total == 1 else 's'} you are asked to chase:\n\n{rows}\n\n"
        f"Sign in to see them and record progress:\n{site_link(OVERDUE_ACTIONS_PATH)}\n\n"
        "For confidentiality this message holds no case details.\n"
    )


@shared_task
def send_case_action_reminders() -> int:
    """E-mail each agency's panel representatives the number of its overdue case actions.

    A panel's members who represent the agency hear about it; if the agency has nobody on the
    panel, the panel's coordinators do. Returns the number of e-mails sent.
    """
    today = timezone.localdate()
    with transaction.atomic():
        actions = list(
            _due_for_chase(today)
            .select_for_update(of=("self",))
            .values_list("pk", "case__panel_id", "agency_id", "agency__name")
        )
        if not actions:
            return 0
        groups: dict[tuple[int, int], list[int]] = defaultdict(list)
        agency_names = {}
        for pk, panel_id, agency_id, agency_name in actions:
            groups[(panel_id, agency_id)].append(pk)
            agency_names[agency_id] = agency_name
        panel_ids = {panel_id for panel_id, _ in groups}
        panels = Board.objects.in_bulk(panel_ids)
        representatives = defaultdict(set)
        for membership in _members(panel_ids, today):
            email = _email_of(membership)
            if email:
                representatives[(membership.board_id, membership.organisation_id)].add(email)
        coordinators = _coordinators(panel_ids, today)

        letters: dict[str, list[Line]] = defaultdict(list)
        chased = []
        for (panel_id, agency_id), ids in sorted(groups.items()):
            recipients = representatives.get((panel_id, agency_id)) or coordinators.get(panel_id)
            if not recipients:
                logger.warning(
                    "No one to chase for %s overdue case actions (panel %s, agency %s)",
                    len(ids),
                    panel_id,
                    agency_id,
                )
                continue
            line = Line(panels[panel_id].display_name, agency_names[agency_id], len(ids))
            for email in recipients:
                letters[email].append(line)
            chased += ids
        CaseAction.objects.filter(pk__in=chased).update(last_reminded_on=today)

    for email, lines in sorted(letters.items()):
        send_email.delay("Overdue case-panel actions", _reminder_body(lines), [email])
    return len(letters)


@shared_task
def list_cases_due_for_disposal() -> int:
    """Tell each panel's coordinators how many closed cases await their approval to erase.

    Returns the number of e-mails sent.
    """
    today = timezone.localdate()
    due = defaultdict(int)
    for panel_id in cases_due_for_disposal(today).values_list("panel_id", flat=True):
        due[panel_id] += 1
    if not due:
        return 0
    panels = Board.objects.in_bulk(due.keys())
    coordinators = _coordinators(due.keys(), today)
    sent = 0
    for panel_id, count in sorted(due.items()):
        recipients = sorted(coordinators.get(panel_id, ()))
        if not recipients:
            logger.warning("No coordinator to approve disposals for panel %s", panel_id)
            continue
        name = panels[panel_id].display_name
        cases = f"{count} closed case{'' if count == 1 else 's'}"
        body = (
            f"{cases} of {name} {'has' if count == 1 else 'have'} passed the retention period "
            "and await your approval before their personal data is erased.\n\n"
            f"Review them here:\n{site_link(DISPOSALS_PATH)}\n\n"
            "For confidentiality this message holds no case details.\n"
        )
        for email in recipients:
            send_email.delay(f"{name}: cases awaiting disposal", body, [email])
            sent += 1
    return sent
