"""Monitoring a grant: returns on a schedule, review, changes, closing, and reminders."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from funding import ledger, monitoring
from funding.models import Award, ChangeRequest, MonitoringReturn, balances
from funding.monitoring import ReturnAnswers
from funding.tasks import send_monitoring_reminders
from funding.tests.factories import FundFactory, award_of

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def award():
    fund = FundFactory()
    ledger.receive(fund, D("50000"), note="Receipts")
    award = award_of("12000", fund, tranches=[("6000", dt.date(2026, 4, 1), None),
                                              ("6000", dt.date(2026, 10, 1), None)])  # fmt: skip
    ledger.commit(award)
    return award


def test_returns_are_scheduled_quarterly_with_a_final_evaluation(award):
    made = monitoring.schedule_returns(award)
    assert [r.due_on for r in made] == [
        dt.date(2026, 7, 1), dt.date(2026, 10, 1), dt.date(2027, 1, 1),  # grant ends 31 Mar
        dt.date(2027, 4, 30),  # the evaluation, a month after it ends
    ]  # fmt: skip
    assert [r.final for r in made] == [False] * 3 + [True]


def test_a_return_is_submitted_then_accepted_or_sent_back_for_more(
    award, django_capture_on_commit_callbacks
):
    first = monitoring.schedule_returns(award)[0]
    with pytest.raises(ValidationError) as refused:
        monitoring.submit_return(first, ReturnAnswers(progress=" ", spend_to_date=D("-1")))
    assert set(refused.value.message_dict) == {"progress", "spend_to_date"}
    monitoring.submit_return(first, ReturnAnswers("Ran 12 sessions", D("2500")))
    with pytest.raises(ValidationError, match="Say what more"):
        monitoring.review_return(first, by=None, accept=False, note="")
    with django_capture_on_commit_callbacks(execute=True):
        monitoring.review_return(first, by=None, accept=False, note="Attendance figures, please")
    first.refresh_from_db()
    assert first.status == MonitoringReturn.Status.MORE_INFO
    assert "Attendance figures, please" in mail.outbox[-1].body
    monitoring.submit_return(first, ReturnAnswers("Ran 12 sessions, 140 attendances", D("2500")))
    monitoring.review_return(first, by=None, accept=True)
    first.refresh_from_db()
    assert first.status == MonitoringReturn.Status.ACCEPTED
    with pytest.raises(ValidationError, match="already been sent"):
        monitoring.submit_return(first, ReturnAnswers("again", D("1")))


def test_spend_above_the_grant_is_refused(award):
    report = monitoring.schedule_returns(award)[0]
    with pytest.raises(ValidationError, match="The grant is £12,000.00"):
        monitoring.submit_return(report, ReturnAnswers("x", D("12000.01")))


def test_change_requests_need_a_decision_with_a_reply(award, django_capture_on_commit_callbacks):
    request = monitoring.request_change(
        award, kind=ChangeRequest.Kind.BUDGET, description="Move £500 from leaflets to kit"
    )
    with pytest.raises(ValidationError, match="reply"):
        monitoring.decide_change(request, by=None, approve=True, response="")
    with django_capture_on_commit_callbacks(execute=True):
        monitoring.decide_change(request, by=None, approve=True, response="Agreed.")
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.APPROVED
    assert "approved" in mail.outbox[-1].body
    with pytest.raises(ValidationError, match="already been decided"):
        monitoring.decide_change(request, by=None, approve=False, response="No")


def test_closing_early_gives_unpaid_commitment_back_and_expires_the_link(award):
    ledger.release(award.tranches.get(number=1), on=dt.date(2026, 4, 1))
    before = balances(award.application.round.fund_id).available
    with pytest.raises(ValidationError, match="Say why"):
        monitoring.close_award(award, by=None, early=True)
    monitoring.close_award(award, by=None, early=True, reason="Project ended when the venue closed")
    award.refresh_from_db()
    assert award.status == Award.Status.ENDED_EARLY
    assert balances(award.application.round.fund_id).available == before + D("6000")
    assert award.application.link_expires_at is not None


def test_a_grant_closes_normally_only_after_its_evaluation_is_accepted(award):
    reports = monitoring.schedule_returns(award)
    with pytest.raises(ValidationError, match="end-of-grant evaluation"):
        monitoring.close_award(award, by=None)
    final = reports[-1]
    with pytest.raises(ValidationError) as refused:
        monitoring.submit_return(final, ReturnAnswers("Evaluation attached", D("12000")))
    assert set(refused.value.message_dict) == {"outcomes", "unspent"}
    monitoring.submit_return(
        final,
        ReturnAnswers(
            "All sessions ran", D("11800"), people_reached=96, outcomes="Fewer call-outs",
            unspent=D("200"),
        ),
    )  # fmt: skip
    monitoring.review_return(final, by=None, accept=True)
    monitoring.close_award(award, by=None)
    award.refresh_from_db()
    assert award.status == Award.Status.COMPLETED
    assert award.closed_on is not None
    assert not award.returns.filter(status=MonitoringReturn.Status.DUE).exists()
    with pytest.raises(ValidationError, match="closed"):
        monitoring.request_change(award, kind="other", description="More time")


def test_milestones_fall_within_the_grant(award):
    with pytest.raises(ValidationError, match="within the grant"):
        monitoring.add_milestone(award, title="Launch", due_on=dt.date(2025, 1, 1))
    assert monitoring.add_milestone(award, title="Launch", due_on=dt.date(2026, 5, 1)).pk


def test_reminders_go_to_overdue_and_soon_due_returns_once_a_day(
    award, django_capture_on_commit_callbacks
):
    monitoring.schedule_returns(award)  # due 1 Jul, 1 Oct 2026 ...
    with time_machine.travel(dt.datetime(2026, 9, 26, 8, 0), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert send_monitoring_reminders() == 2  # 1 Jul overdue, 1 Oct within a week
        assert send_monitoring_reminders() == 0  # not twice on the same day
    bodies = [m.body for m in mail.outbox]
    assert any("is now 87 days overdue" in b for b in bodies)
    assert any("is due on 1 October 2026" in b for b in bodies)
    assert all(m.to == [award.application.contact_email] for m in mail.outbox)
    overdue = MonitoringReturn.objects.overdue(dt.date(2026, 9, 26))
    assert [r.due_on for r in overdue] == [dt.date(2026, 7, 1)]


def test_rescheduling_keeps_returns_already_sent_and_asks_for_no_period_twice(award):
    first = monitoring.schedule_returns(award)[0]
    monitoring.submit_return(first, ReturnAnswers("Started", D("1000")))
    made = monitoring.schedule_returns(award, every_months=2)
    assert [r.due_on for r in made] == [
        dt.date(2026, 8, 1), dt.date(2026, 10, 1), dt.date(2026, 12, 1), dt.date(2027, 2, 1),
        dt.date(2027, 4, 30),
    ]  # fmt: skip
    assert list(award.returns.values_list("due_on", flat=True)).count(dt.date(2026, 7, 1)) == 1
    award.refresh_from_db()
    assert award.return_every_months == 2
    with pytest.raises(ValidationError, match="between 1 and 12"):
        monitoring.schedule_returns(award, every_months=0)


def test_more_time_is_asked_within_the_rounds_longest_grant_and_moves_the_evaluation(
    award, django_capture_on_commit_callbacks
):
    monitoring.schedule_returns(award)
    with pytest.raises(ValidationError) as refused:
        monitoring.request_change(award, kind="timetable", description="Venue delayed")
    assert "new_ends_on" in refused.value.message_dict
    with pytest.raises(ValidationError, match="at most 12 months"):
        monitoring.request_change(
            award, kind="timetable", description="Venue delayed", new_ends_on=dt.date(2027, 6, 30)
        )
    round_ = award.application.round
    round_.max_months = 18
    round_.save()
    request = monitoring.request_change(
        award, kind="timetable", description="Venue delayed", new_ends_on=dt.date(2027, 6, 30)
    )
    award.refresh_from_db()
    assert award.ends_on == dt.date(2027, 3, 31)  # nothing changes before it is agreed
    with django_capture_on_commit_callbacks(execute=True):
        monitoring.decide_change(request, by=None, approve=True, response="Agreed")
    award.refresh_from_db()
    assert award.ends_on == dt.date(2027, 6, 30)
    assert award.returns.get(final=True).due_on == dt.date(2027, 7, 30)


def test_a_tranche_review_is_recorded_once_held_and_never_after_payment(award):
    tranche = award.tranches.get(number=2)
    with pytest.raises(ValidationError) as refused:
        monitoring.record_tranche_review(tranche, reviewed_on=dt.date(2099, 1, 1), note=" ")
    assert set(refused.value.message_dict) == {"reviewed_on", "review_note"}
    monitoring.record_tranche_review(tranche, reviewed_on=dt.date(2026, 9, 1), note="On track")
    tranche.refresh_from_db()
    assert (tranche.reviewed_on, tranche.review_note) == (dt.date(2026, 9, 1), "On track")
    ledger.release(tranche, on=dt.date(2026, 10, 1))
    with pytest.raises(ValidationError, match="has been paid"):
        monitoring.record_tranche_review(tranche, reviewed_on=dt.date(2026, 9, 2), note="Again")


def test_milestones_are_met_on_a_real_date(award):
    milestone = monitoring.add_milestone(award, title="Launch", due_on=dt.date(2026, 5, 1))
    with pytest.raises(ValidationError, match="once it has been met"):
        monitoring.record_milestone(milestone, achieved_on=dt.date(2099, 1, 1))
    with pytest.raises(ValidationError, match="before the grant"):
        monitoring.record_milestone(milestone, achieved_on=dt.date(2026, 1, 1))
    monitoring.record_milestone(milestone, achieved_on=dt.date(2026, 5, 3), note="Launched")
    milestone.refresh_from_db()
    assert milestone.achieved_on == dt.date(2026, 5, 3)
    assert not milestone.is_late(dt.date(2026, 6, 1))


def test_a_reversed_payment_leaves_its_tranche_waiting_to_be_paid_again(award):
    tranche = award.tranches.get(number=1)
    paid = ledger.release(tranche, on=dt.date(2026, 4, 1))
    ledger.reverse(paid, reason="Paid to the wrong account")
    tranche.refresh_from_db()
    assert tranche.released_on is None and tranche.released_by is None
    fund_id = award.application.round.fund_id
    assert balances(fund_id).released == D("0")
    ledger.release(tranche, on=dt.date(2026, 4, 2))  # and can be paid properly
    assert balances(fund_id).released == D("6000")


def test_an_awards_commitment_is_released_not_reversed(award):
    commitment = award.entries.get(kind="committed")
    with pytest.raises(ValidationError, match="release the unpaid part"):
        ledger.reverse(commitment, reason="Mistake")


def test_a_payment_the_grantee_has_partly_returned_cannot_be_reversed(award):
    tranche = award.tranches.get(number=1)
    paid = ledger.release(tranche, on=dt.date(2026, 4, 1))
    ledger.return_funds(award, D("500"), note="Unused")
    with pytest.raises(ValidationError, match="reverse the return first"):
        ledger.reverse(paid, reason="Mistake")
    tranche.refresh_from_db()
    assert tranche.released_on == dt.date(2026, 4, 1)


def test_emails_are_plain_text_with_apostrophes_and_ampersands_as_typed(
    award, django_capture_on_commit_callbacks
):
    application = award.application
    application.project_title = "Children's groups & parents' café"
    application.save()
    request = monitoring.request_change(award, kind="other", description="A new venue")
    with django_capture_on_commit_callbacks(execute=True):
        monitoring.decide_change(request, by=None, approve=True, response="Yes, that's fine")
    message = mail.outbox[-1]
    assert "Yes, that's fine" in message.body
    assert "&#x27;" not in message.body + message.subject and "&amp;" not in message.body
