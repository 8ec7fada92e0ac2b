"""The daily e-mail to owners of actions that are overdue or due within a week."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from boards.models import Action
from boards.tasks import send_action_reminders
from boards.tests.factories import ActionFactory, BoardFactory, PersonFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def board():
    return BoardFactory(name="Safer Riverside Partnership Board", short_name="SRPB")


@pytest.fixture
def owner():
    return PersonFactory(full_name="Jordan Hughes", email="jordan.hughes@example.org")


def owned(board, person, title, due, **extra):
    return ActionFactory(
        board=board,
        owner_person=person,
        owner_organisation=None,
        title=title,
        raised_on=days(-60),
        due_date=due,
        **extra,
    )


def test_owner_gets_one_email_listing_both_due_actions(board, owner):
    late = owned(board, owner, "Refresh the ASB hotspot map", days(-3))
    soon = owned(board, owner, "Circulate the draft plan", days(5))

    sent = send_action_reminders()

    assert sent == 1
    (message,) = mail.outbox
    assert message.to == ["jordan.hughes@example.org"]
    assert "overdue" in message.subject.lower()
    assert "\n" not in message.subject
    body = message.body
    assert "Dear Jordan Hughes" in body
    assert f"SRPB action {late.number}: Refresh the ASB hotspot map" in body
    assert f"SRPB action {soon.number}: Circulate the draft plan" in body
    assert "overdue by 3 days" in body
    assert "due in 5 days" in body
    # Overdue first, then by due date.
    assert body.index("Refresh the ASB hotspot map") < body.index("Circulate the draft plan")


def test_email_links_to_each_action(board, owner):
    action = owned(board, owner, "Circulate the draft plan", days(1))

    send_action_reminders()

    assert settings.SITE_URL + action.get_absolute_url() in mail.outbox[0].body
    assert "due in 1 day)" in mail.outbox[0].body


def test_complete_far_off_and_unaddressed_actions_send_nothing(board, owner):
    owned(board, owner, "Book the venue", days(-2), status=Action.Status.COMPLETE)
    owned(board, owner, "Plan the annual conference", days(8))
    no_email = PersonFactory(email="")
    owned(board, no_email, "Review the CCTV contract", days(-1))
    ActionFactory(board=board, due_date=days(-1), raised_on=days(-60))  # an organisation's

    assert send_action_reminders() == 0
    assert mail.outbox == []


def test_only_the_due_actions_are_listed_and_marked(board, owner):
    due = owned(board, owner, "Circulate the draft plan", days(7))
    later = owned(board, owner, "Plan the annual conference", days(8))
    done = owned(board, owner, "Book the venue", days(-2), status=Action.Status.COMPLETE)

    send_action_reminders()

    body = mail.outbox[0].body
    assert "Circulate the draft plan" in body
    assert "Plan the annual conference" not in body
    assert "Book the venue" not in body
    for action in (due, later, done):
        action.refresh_from_db()
    assert due.last_reminded_on == timezone.localdate()
    assert later.last_reminded_on is None
    assert done.last_reminded_on is None


def test_each_owner_gets_their_own_email(board, owner):
    other = PersonFactory(full_name="Ali Khan", email="ali.khan@example.org")
    owned(board, owner, "Circulate the draft plan", days(2))
    owned(board, other, "Review the CCTV contract", days(-1))

    assert send_action_reminders() == 2

    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert "Review the CCTV contract" not in by_recipient["jordan.hughes@example.org"]
    assert "Circulate the draft plan" not in by_recipient["ali.khan@example.org"]


def test_second_run_the_same_day_sends_nothing(board, owner):
    owned(board, owner, "Refresh the ASB hotspot map", days(-3))
    owned(board, owner, "Circulate the draft plan", days(5))

    assert send_action_reminders() == 1
    assert send_action_reminders() == 0
    assert len(mail.outbox) == 1


def test_action_reminded_yesterday_is_reminded_again_today(board, owner):
    owned(board, owner, "Refresh the ASB hotspot map", days(-3), last_reminded_on=days(-1))

    assert send_action_reminders() == 1


def test_reminder_runs_through_celery(board, owner):
    owned(board, owner, "Circulate the draft plan", days(2))

    result = send_action_reminders.delay()

    assert result.get() == 1
    assert len(mail.outbox) == 1


def test_reminder_is_on_the_daily_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["boards-action-reminders"]
    assert entry["task"] == "boards.tasks.send_action_reminders"
