"""Scheduled jobs of the case panels: chasing overdue actions and flagging cases for disposal;
and of the One Panel: warning its chairs of statutory-review deadlines.

The case e-mails carry counts, the panel's and agencies' names and a link to a list page: never
a case's label, reference, wording of an action or anything else about the people involved. A
deadline warning names the review by its reference and type only, never the subject's
pseudonym or the circumstances. The log lines name record ids only.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from celery import shared_task
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from boards.models import Board, Membership
from partnership import roles
from partnership.tasks import send_email

from .clocks import Deadline, deadlines, working_days_between
from .models import CaseAction, DeadlineWarning, Review
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


# --- Statutory review deadlines ----------------------------------------------------------

# The One Panel's chairs hear of a deadline this many working days before it (or nearer).
WARNING_WORKING_DAYS = 5
# A cheap bound before counting working days: five of them never span three weeks.
WARNING_CALENDAR_LIMIT = 21


@dataclass(frozen=True)
class DueSoon:
    review: Review
    deadline: Deadline
    working_days: int


def _deadlines_due_soon(today: date) -> list[DueSoon]:
    """Unmet, running deadlines of live reviews falling 0 to 5 working days from ``today``."""
    reviews = (
        Review.objects.live()
        .select_related("review_type", "panel")
        .prefetch_related("review_type__clocks", "parallel_processes")
        .order_by("pk")
    )
    found = []
    for review in reviews:
        for deadline in deadlines(review, today):
            due_on = deadline.due_on
            if deadline.is_met or due_on is None or due_on < today:
                continue  # met, paused or already overdue
            if (due_on - today).days > WARNING_CALENDAR_LIMIT:
                continue
            left = working_days_between(today, due_on)
            if left <= WARNING_WORKING_DAYS:
                found.append(DueSoon(review, deadline, left))
    return found


def _chairs(panel_ids, today: date) -> dict[int, set[str]]:
    """E-mail addresses of each panel's current presiding members (Chair, Deputy Chair)."""
    found = defaultdict(set)
    for membership in _members(panel_ids, today):
        email = _email_of(membership)
        if membership.presides and email:
            found[membership.board_id].add(email)
    return found


def _when(due_on: date, left: int, today: date) -> str:
    if due_on == today:
        return "due today"
    if left == 0:
        return "due before the next working day"
    return f"due in {left} working day{'' if left == 1 else 's'}"


def _warn(item: DueSoon, recipients: list[str], today: date) -> bool:
    """Record the warning and e-mail it in one transaction; False if it was already sent.

    A failed send rolls the record back, so the next run tries again; a second run (or a
    redelivered task) finds the record and sends nothing.
    """
    review, deadline = item.review, item.deadline
    with transaction.atomic():
        _, created = DeadlineWarning.objects.get_or_create(
            review=review,
            clock=deadline.clock,
            due_on=deadline.due_on,
            defaults={"recipients": len(recipients)},
        )
        if not created:
            return False
        context = {
            "panel": review.panel.name,
            "reference": review.reference,
            "type_name": review.review_type.name,
            "label": deadline.label,
            "statutory": deadline.clock.statutory,
            "due_on": deadline.due_on,
            "working_days": item.working_days,
            "when": _when(deadline.due_on, item.working_days, today),
            "url": site_link(reverse("reviews:review_detail", args=[review.pk])),
        }
        subject = " ".join(
            render_to_string("reviews/email/review_deadline_warning_subject.txt", context).split()
        )
        body = render_to_string("reviews/email/review_deadline_warning.txt", context)
        messages = [EmailMessage(subject, body, None, [email]) for email in recipients]
        get_connection().send_messages(messages)
    return True


@shared_task
def warn_review_deadlines(today: date | str | None = None) -> int:
    """E-mail the One Panel's chairs about each review deadline five working days away or nearer.

    Each deadline is warned of once (a moved deadline is a new one); a deadline whose panel has
    no chair with an e-mail address waits, unrecorded, until it has one. Returns the number of
    deadlines warned of.
    """
    if isinstance(today, str):  # as it arrives through the broker
        today = date.fromisoformat(today)
    today = today or timezone.localdate()
    due = _deadlines_due_soon(today)
    if not due:
        return 0
    warned = set(
        DeadlineWarning.objects.filter(
            review_id__in={item.review.pk for item in due}, due_on__gte=today
        ).values_list("review_id", "clock_id", "due_on")
    )
    due = [
        item
        for item in due
        if (item.review.pk, item.deadline.clock.pk, item.deadline.due_on) not in warned
    ]
    chairs = _chairs({item.review.panel_id for item in due}, today)
    sent = 0
    for item in due:
        review_id, clock_id = item.review.pk, item.deadline.clock.pk
        recipients = sorted(chairs.get(item.review.panel_id, ()))
        if not recipients:
            logger.warning(
                "No chair to warn of review %s deadline (clock %s, panel %s)",
                review_id,
                clock_id,
                item.review.panel_id,
            )
            continue
        try:
            if _warn(item, recipients, today):
                sent += 1
                logger.info(
                    "Warned %s chair(s) of review %s deadline (clock %s) due %s",
                    len(recipients),
                    review_id,
                    clock_id,
                    item.deadline.due_on,
                )
        except OSError:
            # One failed send must not stop the others; unrecorded, it goes on the next run.
            logger.exception("Could not warn of review %s deadline (clock %s)", review_id, clock_id)
    return sent
