"""Deadline arithmetic: working days across weekends and bank holidays of England and Wales,
calendar months across month ends, and pauses that move the deadline."""

import datetime as dt

import pytest

from reviews import clocks
from reviews.models import ClockRule, ParallelProcess, Review, ReviewType

D = dt.date


# --- Working days ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, working",
    [
        (D(2026, 4, 2), True),  # Thursday before Easter
        (D(2026, 4, 3), False),  # Good Friday
        (D(2026, 4, 4), False),  # Saturday
        (D(2026, 4, 6), False),  # Easter Monday
        (D(2026, 4, 7), True),
        (D(2026, 12, 28), False),  # Boxing Day falls on a Saturday: substitute Monday
        (D(2022, 9, 19), False),  # a one-off bank holiday (the state funeral)
        (D(2023, 5, 8), False),  # and another (the coronation)
        (D(2026, 3, 17), True),  # St Patrick's Day is a holiday in Northern Ireland only
        (D(2026, 11, 30), True),  # St Andrew's Day is a holiday in Scotland only
    ],
)
def test_working_days_follow_the_bank_holidays_of_england_and_wales(day, working):
    assert clocks.is_working_day(day) is working


def test_fifteen_working_days_from_a_monday_with_no_holidays():
    # 2 March 2026 is day 0; three whole weeks later is the 15th working day.
    assert clocks.add_working_days(D(2026, 3, 2), 15) == D(2026, 3, 23)


def test_a_notification_on_the_thursday_before_easter_skips_good_friday_and_easter_monday():
    # Without the holidays it would be Thursday 23 April; the two bank holidays push it on.
    assert clocks.add_working_days(D(2026, 4, 2), 15) == D(2026, 4, 27)


def test_a_notification_on_a_saturday_starts_counting_on_monday():
    assert clocks.add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)
    assert clocks.add_working_days(D(2026, 3, 7), 15) == D(2026, 3, 27)


def test_working_days_over_christmas_and_new_year():
    # Friday 18 December 2026: 25th (Fri), 28th (Boxing Day substitute) and 1 January are off.
    assert clocks.add_working_days(D(2026, 12, 18), 15) == D(2027, 1, 13)


def test_a_deadline_that_would_land_on_a_bank_holiday_moves_past_it():
    # 24 April 2026 + 5 working days would be 1 May; 4 May is the May Day bank holiday.
    assert clocks.add_working_days(D(2026, 4, 24), 5) == D(2026, 5, 1)
    assert clocks.add_working_days(D(2026, 4, 24), 6) == D(2026, 5, 5)


def test_working_days_between_counts_both_ways():
    assert clocks.working_days_between(D(2026, 4, 2), D(2026, 4, 27)) == 15
    assert clocks.working_days_between(D(2026, 4, 27), D(2026, 4, 2)) == -15
    assert clocks.working_days_between(D(2026, 4, 2), D(2026, 4, 2)) == 0
    # Friday to Monday is one working day; Friday before a bank holiday Monday to Tuesday too.
    assert clocks.working_days_between(D(2026, 3, 6), D(2026, 3, 9)) == 1
    assert clocks.working_days_between(D(2026, 5, 22), D(2026, 5, 26)) == 1


# --- Calendar months ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, months, due",
    [
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # no 31 February: the month's last day
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 3, 31), 6, D(2026, 9, 30)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2026, 11, 30), 1, D(2026, 12, 30)),
        (D(2026, 12, 25), 1, D(2027, 1, 25)),  # months ignore bank holidays
    ],
)
def test_calendar_months_across_month_ends(start, months, due):
    assert clocks.add_calendar_months(start, months) == due


# --- Pauses ------------------------------------------------------------------------------


def test_a_pause_moves_a_working_day_deadline_by_the_working_days_it_covers():
    # Paused Monday 9 to Friday 13 March 2026: five working days do not count.
    pause = [(D(2026, 3, 9), D(2026, 3, 13))]
    assert clocks.add_working_days(D(2026, 3, 2), 15, pause) == D(2026, 3, 30)


def test_a_pause_over_a_weekend_only_moves_nothing():
    pause = [(D(2026, 3, 7), D(2026, 3, 8))]
    assert clocks.add_working_days(D(2026, 3, 2), 15, pause) == D(2026, 3, 23)


def test_a_pause_moves_a_month_deadline_by_its_calendar_days():
    # Six months from 1 April 2026 is 1 October; a 10-day pause in June moves it to 11 October.
    pause = [(D(2026, 6, 1), D(2026, 6, 10))]
    assert clocks.add_calendar_months(D(2026, 4, 1), 6, pause) == D(2026, 10, 11)


def test_a_pause_before_the_clock_starts_or_after_the_deadline_changes_nothing():
    pauses = [(D(2026, 1, 1), D(2026, 3, 1)), (D(2026, 12, 1), D(2026, 12, 20))]
    assert clocks.add_calendar_months(D(2026, 4, 1), 6, pauses) == D(2026, 10, 1)


def test_overlapping_pauses_count_each_day_once():
    pauses = [(D(2026, 6, 1), D(2026, 6, 10)), (D(2026, 6, 5), D(2026, 6, 14))]
    assert clocks.add_calendar_months(D(2026, 4, 1), 6, pauses) == D(2026, 10, 15)


def test_a_pause_with_no_end_stops_the_clock():
    assert clocks.add_working_days(D(2026, 3, 2), 15, [(D(2026, 3, 9), None)]) is None
    assert clocks.add_calendar_months(D(2026, 4, 1), 6, [(D(2026, 6, 1), None)]) is None


def test_an_open_pause_that_starts_after_the_deadline_does_not_stop_it():
    assert clocks.add_working_days(D(2026, 3, 2), 15, [(D(2026, 4, 1), None)]) == D(2026, 3, 23)


# --- Deadlines of a review ---------------------------------------------------------------


def _review(code, **fields) -> Review:
    """An unsaved review: the deadline arithmetic needs no database rows of its own."""
    fields.setdefault("stage", Review.Stage.REFERRED)
    return Review(review_type=ReviewType(code=code), reference=f"{code}-2026-01", **fields)


def _clock(label, start, amount, unit, met_by):
    return ClockRule(label=label, start=start, amount=amount, unit=unit, met_by=met_by)


RAPID = _clock("Rapid Review", "notification", 15, "working_days", "decision")
DECISION = _clock("Decision", "notification", 1, "months", "decision")
COMPLETION = _clock("Completion", "decision", 6, "months", "published")


def test_a_rapid_review_shows_working_days_left():
    review = _review("CSPR", notified_on=D(2026, 4, 2))
    (deadline,) = clocks.deadlines(review, D(2026, 4, 20), [RAPID], [])
    assert deadline.due_on == D(2026, 4, 27)
    assert deadline.working_days_left == 5
    assert deadline.days_left == 7
    assert deadline.left_text == "5 working days left"
    assert deadline.state == "running"


def test_an_overdue_deadline_says_so_in_words():
    review = _review("DHR", notified_on=D(2026, 1, 31))
    (deadline,) = clocks.deadlines(review, D(2026, 3, 3), [DECISION], [])
    assert deadline.due_on == D(2026, 2, 28)
    assert deadline.is_overdue
    assert deadline.left_text == "Overdue by 3 days"
    one_day = clocks.deadlines(review, D(2026, 3, 1), [DECISION], [])[0]
    assert one_day.left_text == "Overdue by 1 day"
    due = clocks.deadlines(review, D(2026, 2, 28), [DECISION], [])[0]
    assert (due.left_text, due.is_overdue) == ("Due today", False)


def test_the_review_clock_starts_only_with_a_decision_to_commission():
    review = _review("DHR", notified_on=D(2026, 1, 5))
    assert [
        d.label for d in clocks.deadlines(review, D(2026, 1, 20), [DECISION, COMPLETION], [])
    ] == ["Decision"]
    review.stage, review.decision, review.decided_on = "commissioned", "commission", D(2026, 1, 26)
    found = clocks.deadlines(review, D(2026, 2, 1), [DECISION, COMPLETION], [])
    assert [(d.label, d.state, d.due_on) for d in found] == [
        ("Decision", "met", D(2026, 2, 5)),
        ("Completion", "running", D(2026, 7, 26)),
    ]
    assert (
        clocks.next_deadline(
            review, D(2026, 2, 1), clocks=[DECISION, COMPLETION], processes=[]
        ).label
        == "Completion"
    )


def test_a_decision_not_to_commission_starts_no_review_clock_and_ends_the_others():
    review = _review(
        "DHR",
        notified_on=D(2026, 1, 5),
        stage="not_commissioned",
        decision="do_not_commission",
        decided_on=D(2026, 2, 20),
    )
    (deadline,) = clocks.deadlines(review, D(2026, 3, 1), [DECISION, COMPLETION], [])
    assert deadline.state == "met late"
    assert deadline.left_text == "Met on 20 Feb 2026 (late)"
    assert (
        clocks.next_deadline(review, D(2026, 3, 1), clocks=[DECISION, COMPLETION], processes=[])
        is None
    )


def test_a_pausing_process_moves_the_review_deadline_and_an_open_one_stops_it():
    review = _review("CSPR", notified_on=D(2026, 3, 2))
    inquest = ParallelProcess(kind="inquest", starts_on=D(2026, 3, 9), ends_on=D(2026, 3, 13))
    (moved,) = clocks.deadlines(review, D(2026, 3, 20), [RAPID], [inquest])
    assert moved.due_on == D(2026, 3, 30)
    alongside = ParallelProcess(
        kind="criminal_trial", starts_on=D(2026, 3, 9), ends_on=None, pauses_clock=False
    )
    (unmoved,) = clocks.deadlines(review, D(2026, 3, 20), [RAPID], [alongside])
    assert unmoved.due_on == D(2026, 3, 23)
    still_running = ParallelProcess(kind="inquest", starts_on=D(2026, 3, 9), ends_on=None)
    (stopped,) = clocks.deadlines(review, D(2026, 3, 20), [RAPID], [still_running])
    assert (stopped.due_on, stopped.is_paused, stopped.is_overdue) == (None, True, False)
    assert stopped.left_text == "Clock paused"


def test_deadlines_sort_soonest_first_with_stopped_clocks_last():
    review = _review(
        "DHR",
        notified_on=D(2026, 1, 5),
        stage="commissioned",
        decision="commission",
        decided_on=D(2026, 1, 20),
    )
    open_pause = ParallelProcess(kind="inquest", starts_on=D(2026, 3, 1), ends_on=None)
    found = clocks.deadlines(review, D(2026, 2, 1), [COMPLETION, DECISION], [open_pause])
    assert [d.label for d in found] == ["Decision", "Completion"]
    assert found[1].is_paused


@pytest.mark.django_db
def test_the_installed_types_carry_the_statutory_clocks():
    rapid = ClockRule.objects.get(review_type__code="CSPR", label="Rapid Review")
    assert (rapid.amount, rapid.unit, rapid.start, rapid.statutory) == (
        15,
        ClockRule.Unit.WORKING_DAYS,
        ClockRule.Start.NOTIFICATION,
        True,
    )
    assert rapid.describe() == "15 working days from notification"
    dhr = {c.label: c for c in ClockRule.objects.filter(review_type__code="DHR")}
    assert (dhr["Decision"].amount, dhr["Decision"].unit) == (1, ClockRule.Unit.MONTHS)
    assert (dhr["Completion"].amount, dhr["Completion"].start) == (6, ClockRule.Start.DECISION)
    assert ReviewType.objects.get(code="SAR").asks_mandatory
    assert set(ReviewType.objects.values_list("code", flat=True)) >= {"CSPR", "SAR", "DHR", "LLR"}


def test_on_a_past_day_later_events_are_not_yet_known():
    """A report for a quarter that has ended sees the clocks as they stood at its end."""
    review = _review(
        "DHR",
        notified_on=D(2025, 8, 1),
        stage="not_commissioned",
        decision="do_not_commission",
        decided_on=D(2026, 1, 20),
    )
    (at_quarter_end,) = clocks.deadlines(review, D(2025, 12, 31), [DECISION, COMPLETION], [])
    assert at_quarter_end.state == "overdue"  # not decided on 31 December
    assert at_quarter_end.left_text == "Overdue by 121 days"
    (now,) = clocks.deadlines(review, D(2026, 2, 1), [DECISION, COMPLETION], [])
    assert now.state == "met late"
    review.stage, review.decision = "closed", "commission"
    review.closed_on = D(2026, 12, 1)
    labels = [d.label for d in clocks.deadlines(review, D(2026, 1, 10), [DECISION, COMPLETION], [])]
    assert labels == ["Decision"]  # the completion clock starts only on 20 January


def test_a_long_finished_pause_moves_the_deadline_rather_than_stopping_it():
    pause = [(D(2026, 5, 1), D(2030, 5, 1))]
    due = clocks.add_calendar_months(D(2026, 4, 1), 12, pause)
    assert due == D(2027, 4, 1) + (D(2030, 5, 1) - D(2026, 5, 1)) + dt.timedelta(days=1)
