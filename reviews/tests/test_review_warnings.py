"""Deadline warnings to the One Panel's chairs: five working days ahead, once per deadline date,
and nothing about the review's subject in the message."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards.models import Membership
from reviews import statutory
from reviews.clocks import next_deadline, working_days_between
from reviews.models import DeadlineWarning, ParallelProcess, Review
from reviews.tasks import warn_review_deadlines
from reviews.tests.statutory_factories import commission, panel_chair, panel_member, refer_review

pytestmark = pytest.mark.django_db

# A DHR notified on Sunday 26 April 2026 has its decision due a month later, on Tuesday 26 May,
# the day after the Spring bank holiday.
NOTIFIED = dt.date(2026, 4, 26)
DUE = dt.date(2026, 5, 26)
FRIDAY = dt.date(2026, 5, 15)  # six working days before: 18-22 May and 26 May
MONDAY = dt.date(2026, 5, 18)  # five working days before (25 May is a bank holiday)

PSEUDONYM = "Adult Z"
CIRCUMSTANCES = "Found at the flat on Heron Lane after neighbours raised concerns."


@pytest.fixture
def chair(one_panel):
    return panel_chair(one_panel, email="chair@onepanel.example.org")


@pytest.fixture
def dhr(one_panel, panellist, chair):
    return refer_review(
        one_panel,
        panellist,
        "DHR",
        notified_on=NOTIFIED,
        subject_pseudonym=PSEUDONYM,
        circumstances=CIRCUMSTANCES,
    )


def warnings_of(review):
    return sorted(DeadlineWarning.objects.filter(review=review).values_list("due_on", flat=True))


def test_the_warning_goes_five_working_days_before_counting_the_bank_holiday(dhr, mailoutbox):
    assert next_deadline(dhr, FRIDAY).due_on == DUE
    assert working_days_between(FRIDAY, DUE) == 6
    assert working_days_between(MONDAY, DUE) == 5

    assert warn_review_deadlines(today=FRIDAY) == 0
    assert mailoutbox == []

    assert warn_review_deadlines(today=MONDAY) == 1
    (message,) = mailoutbox
    assert message.to == ["chair@onepanel.example.org"]
    assert message.subject == f"{dhr.reference}: Decision deadline due in 5 working days"
    assert f"Review: {dhr.reference}, Domestic Homicide Review" in message.body
    assert "Deadline: Decision (statutory)" in message.body
    assert "Due: Tuesday 26 May 2026" in message.body
    assert "Working days left: 5" in message.body
    warning = DeadlineWarning.objects.get(review=dhr)
    assert (warning.clock.label, warning.due_on, warning.recipients) == ("Decision", DUE, 1)


def test_a_deadline_is_warned_of_once_however_often_the_task_runs(dhr, mailoutbox, time_machine):
    time_machine.move_to(dt.datetime(2026, 5, 18, 7, 40, tzinfo=dt.UTC), tick=False)
    assert warn_review_deadlines() == 1  # as beat runs it, for today
    assert warn_review_deadlines() == 0
    assert warn_review_deadlines("2026-05-19") == 0  # a date as the broker delivers it
    assert warn_review_deadlines(today=DUE) == 0
    assert len(mailoutbox) == 1
    assert warnings_of(dhr) == [DUE]


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def test_a_failed_send_records_nothing_so_the_next_run_sends_it(dhr, settings, mailoutbox):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    assert warn_review_deadlines(today=MONDAY) == 0
    assert not DeadlineWarning.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert warn_review_deadlines(today=dt.date(2026, 5, 19)) == 1
    assert len(mailoutbox) == 1
    assert warnings_of(dhr) == [DUE]


def test_a_pause_stops_the_warnings_and_a_moved_deadline_is_warned_of_afresh(
    dhr, panellist, mailoutbox
):
    assert warn_review_deadlines(today=MONDAY) == 1

    inquest = statutory.add_parallel_process(
        dhr, by=panellist, kind=ParallelProcess.Kind.INQUEST, starts_on=dt.date(2026, 5, 12)
    )
    assert next_deadline(dhr, dt.date(2026, 5, 19)).is_paused
    assert warn_review_deadlines(today=dt.date(2026, 5, 19)) == 0

    # Paused 12 to 16 May: five days later, on Sunday 31 May.
    statutory.end_parallel_process(inquest, by=panellist, ends_on=dt.date(2026, 5, 16))
    new_due = dt.date(2026, 5, 31)
    assert next_deadline(dhr, dt.date(2026, 5, 19)).due_on == new_due
    assert warn_review_deadlines(today=dt.date(2026, 5, 19)) == 0
    assert warn_review_deadlines(today=dt.date(2026, 5, 20)) == 0  # six working days before
    assert warn_review_deadlines(today=dt.date(2026, 5, 21)) == 1  # five

    assert warnings_of(dhr) == [DUE, new_due]
    assert "Due: Sunday 31 May 2026" in mailoutbox[-1].body
    assert len(mailoutbox) == 2


def test_met_overdue_and_finished_deadlines_are_not_warned_of(
    one_panel, panellist, chair, mailoutbox
):
    decided = refer_review(one_panel, panellist, "DHR", notified_on=NOTIFIED)
    decided = commission(decided, panellist, decided_on=dt.date(2026, 5, 1))
    declined = refer_review(one_panel, panellist, "DHR", notified_on=NOTIFIED)
    statutory.decide(
        declined,
        by=panellist,
        decision=Review.Decision.DO_NOT_COMMISSION,
        rationale="The death was not the result of abuse by a relative or partner.",
        decided_on=dt.date(2026, 5, 4),
        decided_by=panellist.person,
    )
    # Closed (say by correcting the record) with its decision clock still unmet.
    closed = refer_review(one_panel, panellist, "DHR", notified_on=NOTIFIED)
    Review.objects.filter(pk=closed.pk).update(stage=Review.Stage.CLOSED)
    overdue = refer_review(one_panel, panellist, "SAR", notified_on=dt.date(2026, 4, 10))

    assert next_deadline(decided, MONDAY).due_on > dt.date(2026, 10, 1)  # only completion left
    assert next_deadline(overdue, MONDAY).is_overdue
    assert warn_review_deadlines(today=MONDAY) == 0
    assert mailoutbox == []
    assert not DeadlineWarning.objects.exists()


def test_without_a_chair_nothing_is_sent_until_one_is_appointed(one_panel, panellist, mailoutbox):
    dhr = refer_review(one_panel, panellist, "DHR", notified_on=NOTIFIED)
    panel_member(one_panel, email="member@onepanel.example.org")  # members are not told
    former = panel_chair(one_panel, end=dt.date(2026, 3, 31))  # nor a past chair
    assert former.person.email

    assert warn_review_deadlines(today=MONDAY) == 0
    assert mailoutbox == []
    assert not DeadlineWarning.objects.exists()

    # A new Deputy Chair with no address on their record is reached at their login's address.
    deputy = panel_member(
        one_panel, role=Membership.Role.DEPUTY_CHAIR, start=dt.date(2026, 5, 1), email=""
    )
    assert warn_review_deadlines(today=dt.date(2026, 5, 19)) == 1
    (message,) = mailoutbox
    assert message.to == [deputy.email]
    assert "Working days left: 4" in message.body
    assert warnings_of(dhr) == [DUE]


def test_each_presiding_member_gets_a_message_with_the_link_and_nothing_personal(
    one_panel, dhr, mailoutbox
):
    deputy = panel_member(one_panel, role=Membership.Role.DEPUTY_CHAIR)
    assert warn_review_deadlines(today=MONDAY) == 1

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        ["chair@onepanel.example.org", deputy.person.email]
    )
    link = settings.SITE_URL + reverse("reviews:review_detail", args=[dhr.pk])
    for message in mailoutbox:
        assert len(message.to) == 1
        assert link in message.body
        for text in (message.subject, message.body):
            assert PSEUDONYM not in text
            assert "Heron Lane" not in text
            assert CIRCUMSTANCES not in text
    assert DeadlineWarning.objects.get(review=dhr).recipients == 2


def test_the_queries_do_not_grow_with_the_number_of_reviews(one_panel, panellist, chair):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            warn_review_deadlines(today=MONDAY)
        return len(captured)

    for _ in range(2):
        refer_review(one_panel, panellist, "CSPR", notified_on=dt.date(2026, 5, 11))
    few = queries()
    for _ in range(4):
        refer_review(one_panel, panellist, "SAR", notified_on=dt.date(2026, 5, 11))
    assert queries() == few


def test_the_warnings_are_scheduled_each_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["reviews-review-deadline-warnings"]
    assert entry["task"] == "reviews.tasks.warn_review_deadlines"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {40})
