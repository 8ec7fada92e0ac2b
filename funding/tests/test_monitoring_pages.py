"""Monitoring pages: the grantee's, behind the private link, and the grants officers'."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from funding import ledger, monitoring
from funding.models import Award, ChangeRequest, Milestone, MonitoringReturn
from funding.monitoring import ReturnAnswers
from funding.tests.factories import FundFactory, award_of
from funding.tests.test_staff_pages import assert_error_by_field, messages_of

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0), tick=False):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()  # the rate limit counts posts in the cache


def url(name: str, *args) -> str:
    return reverse(f"funding:{name}", args=args)


def make_award(amount="12000", **names):
    fund = FundFactory()
    ledger.receive(fund, D("60000"), note="Receipts", on=dt.date(2026, 3, 1))
    award = award_of(amount, fund, tranches=[("6000", dt.date(2026, 4, 1), None),
                                             ("6000", dt.date(2026, 10, 1), None)])  # fmt: skip
    ledger.commit(award)
    monitoring.schedule_returns(award)  # 1 Jul, 1 Oct 2026, 1 Jan 2027; evaluation 30 Apr 2027
    token = award.application.issue_link()
    award.application.save()
    return award, token


@pytest.fixture
def grant():
    return make_award()


# --- The grantee ------------------------------------------------------------------------------


def test_the_grant_page_shows_returns_payments_and_flags_the_overdue_one(client, grant):
    award, token = grant
    ledger.release(award.tranches.get(number=1), on=dt.date(2026, 4, 2))
    response = client.get(url("grant_home", token))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    assert "Paid 2 Apr 2026" in html
    overdue = [r for r in response.context["returns"] if r.overdue]
    assert [r.due_on for r in overdue] == [dt.date(2026, 7, 1), dt.date(2026, 10, 1)]
    assert html.count("Overdue</span>") == 2


def test_the_applicant_status_page_links_to_the_grant(client, grant):
    award, token = grant
    html = client.get(url("applicant_home", token)).content.decode()
    assert url("grant_home", token) in html


def test_an_application_without_a_grant_has_no_grant_page(client, grant):
    from funding.tests.factories import ApplicationFactory

    application = ApplicationFactory()
    token = application.issue_link()
    application.save()
    assert client.get(url("grant_home", token)).status_code == 404
    assert client.get(url("grant_home", "not-a-real-token")).status_code == 404


def test_another_grants_return_is_not_found_through_this_link(client, grant):
    award, token = grant
    other, _ = make_award()
    theirs = other.returns.first()
    assert client.get(url("grant_return", token, theirs.pk)).status_code == 404
    response = client.post(url("grant_return", token, theirs.pk), {"progress": "x"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == MonitoringReturn.Status.DUE


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"progress": "", "spend_to_date": "100"}, "progress", "Describe what the project"),
        ({"progress": "Ran", "spend_to_date": ""}, "spend_to_date", "Give the amount spent"),
        ({"progress": "Ran", "spend_to_date": "lots"}, "spend_to_date", "Give an amount in pounds"),
        ({"progress": "Ran", "spend_to_date": "12000.01"}, "spend_to_date", "The grant is"),
        ({"progress": "Ran", "spend_to_date": "1", "people_reached": "-3"}, "people_reached",
         "greater than or equal to 0"),
        ({"progress": "x" * 6001, "spend_to_date": "1"}, "progress", "at most 6000 characters"),
    ],
)  # fmt: skip
def test_a_bad_return_is_refused_by_the_field_and_saves_nothing(
    client, grant, data, field, message
):
    award, token = grant
    report = award.returns.order_by("due_on").first()
    response = client.post(url("grant_return", token, report.pk), data)
    assert_error_by_field(response, field, message)
    report.refresh_from_db()
    assert report.status == MonitoringReturn.Status.DUE and report.progress == ""


def test_a_return_is_sent_then_shown_read_only(client, grant):
    award, token = grant
    report = award.returns.order_by("due_on").first()
    response = client.post(
        url("grant_return", token, report.pk),
        {"progress": "Ran 12 sessions", "spend_to_date": "£2,500", "people_reached": "40"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.spend_to_date, report.people_reached) == (
        MonitoringReturn.Status.SUBMITTED, D("2500"), 40,
    )  # fmt: skip
    page = client.get(url("grant_return", token, report.pk))
    assert page.context["form"] is None and "Ran 12 sessions" in page.content.decode()
    again = client.post(url("grant_return", token, report.pk), {"progress": "changed"})
    assert again.status_code == 302
    report.refresh_from_db()
    assert report.progress == "Ran 12 sessions"


def test_the_evaluation_asks_what_difference_it_made_and_what_is_unspent(client, grant):
    award, token = grant
    final = award.returns.get(final=True)
    response = client.post(
        url("grant_return", token, final.pk), {"progress": "Done", "spend_to_date": "11000"}
    )
    assert_error_by_field(response, "outcomes", "Say what difference the project made")
    assert_error_by_field(response, "unspent", "Give the amount not spent")
    response = client.post(
        url("grant_return", token, final.pk),
        {"progress": "Done", "spend_to_date": "11000", "outcomes": "Fewer call-outs",
         "unspent": "1000"},
    )  # fmt: skip
    assert response.status_code == 302
    final.refresh_from_db()
    assert (final.outcomes, final.unspent) == ("Fewer call-outs", D("1000"))


def test_a_robot_filling_the_honeypot_sends_nothing(client, grant):
    award, token = grant
    report = award.returns.order_by("due_on").first()
    response = client.post(
        url("grant_return", token, report.pk),
        {"progress": "Spam", "spend_to_date": "1", "website": "http://spam.example"},
    )
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == MonitoringReturn.Status.DUE


def test_grantee_asks_for_more_time_with_a_date_or_is_told_why_not(client, grant):
    award, token = grant
    data = {"kind": "timetable", "description": "Late"}
    response = client.post(url("grant_change", token), data)
    assert_error_by_field(response, "new_ends_on", "Give the end date you are asking for")
    response = client.post(url("grant_change", token), {"kind": "", "description": ""})
    assert_error_by_field(response, "kind", "Choose what kind of change")
    assert_error_by_field(response, "description", "Describe the change")
    response = client.post(
        url("grant_change", token),
        {"kind": "timetable", "description": "Venue", "new_ends_on": "2027-12-31"},
    )
    assert_error_by_field(response, "new_ends_on", "at most 12 months")
    assert not ChangeRequest.objects.exists()
    response = client.post(
        url("grant_change", token), {"kind": "budget", "description": "Move £300 to kit"}
    )
    assert response.status_code == 302
    assert award.change_requests.get().kind == ChangeRequest.Kind.BUDGET


def test_the_grantee_forms_are_rate_limited(client, grant, time_machine):
    time_machine.move_to(dt.datetime.now(tz=dt.UTC), tick=False)  # one rate-limit window
    award, token = grant
    codes = [
        client.post(url("grant_change", token), {"kind": "", "description": ""}).status_code
        for _ in range(11)
    ]
    assert codes[:10] == [200] * 10 and codes[10] == 429


def test_a_closed_grant_takes_no_more_returns_or_changes(client, grant):
    award, token = grant
    monitoring.close_award(award, by=None, early=True, reason="Club folded")
    page = client.get(url("grant_home", token))
    assert "Ended early" in page.content.decode()
    assert client.get(url("grant_change", token)).status_code == 302
    assert not award.returns.filter(status=MonitoringReturn.Status.DUE).exists()


# --- The grants officer -----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, grant):
    award, _ = grant
    for address in (url("award_list"), url("return_review", award.returns.first().pk)):
        response = client.get(address)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_award_list_flags_what_needs_attention_and_filters_on_it(client, grants_officer, grant):
    award, _ = grant
    quiet, _ = make_award()
    quiet.returns.filter(due_on__lt=TODAY).update(status=MonitoringReturn.Status.ACCEPTED)
    monitoring.request_change(award, kind="other", description="New venue")
    client.force_login(grants_officer)
    rows = {a.pk: a for a in client.get(url("award_list")).context["awards"]}
    assert (rows[award.pk].overdue, rows[award.pk].pending_changes) == (2, 1)
    assert (rows[quiet.pk].overdue, rows[quiet.pk].pending_changes) == (0, 0)
    assert rows[award.pk].next_due == dt.date(2026, 7, 1)
    filtered = client.get(url("award_list"), {"attention": "overdue"}).context["awards"]
    assert [a.pk for a in filtered] == [award.pk]


def test_paid_so_far_counts_a_reversed_payment_once_each_way(client, grants_officer, grant):
    award, _ = grant
    first = ledger.release(award.tranches.get(number=1), on=dt.date(2026, 4, 2))
    ledger.reverse(first, reason="Wrong account")
    ledger.release(award.tranches.get(number=1), on=dt.date(2026, 4, 3))
    ledger.release(award.tranches.get(number=2), on=dt.date(2026, 10, 2))
    client.force_login(grants_officer)
    (row,) = client.get(url("award_list")).context["awards"]
    assert row.paid == D("12000")


def test_award_list_export_matches_the_filters(client, grants_officer, grant):
    award, _ = grant
    make_award()
    client.force_login(grants_officer)
    response = client.get(url("award_export"), {"q": award.application.reference})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Reference" and len(rows) == 2
    assert rows[1][0] == award.application.reference and rows[1][10] == "2"


@pytest.mark.parametrize("count", [3, 30])
def test_award_list_takes_the_same_queries_for_few_or_many(
    client, grants_officer, count, django_assert_max_num_queries
):
    for _ in range(count):
        make_award("1000")
    client.force_login(grants_officer)
    with django_assert_max_num_queries(7):
        response = client.get(url("award_list"))
    assert len(response.context["awards"]) == count


def test_return_list_shows_only_overdue_returns_of_live_grants(client, grants_officer, grant):
    award, _ = grant
    closed, _ = make_award()
    monitoring.close_award(closed, by=None, early=True, reason="Stopped")
    client.force_login(grants_officer)
    response = client.get(url("return_list"), {"state": "overdue"})
    assert [r.award_id for r in response.context["returns"]] == [award.pk, award.pk]
    assert response.content.decode().count("Overdue</span>") == 2


def test_officer_asks_for_more_with_a_note_then_accepts(
    client, grants_officer, grant, django_capture_on_commit_callbacks
):
    award, _ = grant
    report = award.returns.order_by("due_on").first()
    monitoring.submit_return(report, ReturnAnswers("Ran sessions", D("2000")))
    client.force_login(grants_officer)
    response = client.post(url("return_review", report.pk), {"outcome": "more", "note": ""})
    assert_error_by_field(response, "note", "Say what more the grantee needs to send")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("return_review", report.pk), {"outcome": "more", "note": "Attendance, please"}
        )
    assert response.status_code == 302
    assert "Attendance, please" in mail.outbox[-1].body
    report.refresh_from_db()
    assert report.status == MonitoringReturn.Status.MORE_INFO
    assert report.reviewed_by == grants_officer
    monitoring.submit_return(report, ReturnAnswers("Ran sessions; 80 attendances", D("2000")))
    client.post(url("return_review", report.pk), {"outcome": "accept"})
    report.refresh_from_db()
    assert report.status == MonitoringReturn.Status.ACCEPTED
    page = client.get(url("return_review", report.pk))
    assert page.context["can_review"] is False


def test_a_return_not_yet_sent_cannot_be_reviewed(client, grants_officer, grant):
    award, _ = grant
    report = award.returns.order_by("due_on").first()
    client.force_login(grants_officer)
    response = client.post(url("return_review", report.pk), {"outcome": "accept"}, follow=True)
    assert "Only a submitted return can be reviewed." in messages_of(response)
    report.refresh_from_db()
    assert report.status == MonitoringReturn.Status.DUE


def test_officer_adds_and_meets_milestones_with_bad_dates_refused(client, grants_officer, grant):
    award, _ = grant
    client.force_login(grants_officer)
    response = client.post(
        url("milestone_add", award.pk),
        {"milestone-title": "Launch event", "milestone-due_on": "2025-01-01"},
    )
    assert_error_by_field(response, "milestone-due_on", "A milestone falls within the grant")
    assert not Milestone.objects.exists()
    client.post(
        url("milestone_add", award.pk),
        {"milestone-title": "Launch event", "milestone-due_on": "2026-05-01"},
    )
    milestone = award.milestones.get()
    prefix = f"met-{milestone.pk}"
    response = client.post(
        url("milestone_met", milestone.pk),
        {f"{prefix}-achieved_on": "2026-12-25", f"{prefix}-note": ""},
    )
    assert_error_by_field(response, f"{prefix}-achieved_on", "once it has been met")
    client.post(
        url("milestone_met", milestone.pk),
        {f"{prefix}-achieved_on": "2026-05-02", f"{prefix}-note": "120 came"},
    )
    milestone.refresh_from_db()
    assert milestone.achieved_on == dt.date(2026, 5, 2)


def test_officer_agrees_more_time_and_the_evaluation_moves(
    client, grants_officer, grant, django_capture_on_commit_callbacks
):
    award, _ = grant
    round_ = award.application.round
    round_.max_months = 18
    round_.save()
    change = monitoring.request_change(
        award, kind="timetable", description="Venue late", new_ends_on=dt.date(2027, 6, 30)
    )
    client.force_login(grants_officer)
    prefix = f"change-{change.pk}"
    response = client.post(url("change_decide", change.pk), {f"{prefix}-outcome": "approve"})
    assert_error_by_field(response, f"{prefix}-response", "Give the grantee a reply")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("change_decide", change.pk),
            {f"{prefix}-outcome": "approve", f"{prefix}-response": "Agreed"},
        )
    award.refresh_from_db()
    assert award.ends_on == dt.date(2027, 6, 30)
    assert award.returns.get(final=True).due_on == dt.date(2027, 7, 30)
    assert "approved" in mail.outbox[-1].body


def test_officer_reschedules_returns_within_bounds(client, grants_officer, grant):
    award, _ = grant
    client.force_login(grants_officer)
    response = client.post(url("award_schedule", award.pk), {"schedule-every_months": "13"})
    assert_error_by_field(response, "schedule-every_months", "less than or equal to 12")
    assert award.returns.count() == 4
    client.post(url("award_schedule", award.pk), {"schedule-every_months": "6"})
    assert list(award.returns.values_list("due_on", flat=True)) == [
        dt.date(2026, 10, 1), dt.date(2027, 4, 30)
    ]  # fmt: skip


def test_closing_a_grant_needs_its_evaluation_or_a_reason(client, grants_officer, grant):
    award, _ = grant
    client.force_login(grants_officer)
    response = client.post(url("award_close", award.pk), {})
    assert "Accept the end-of-grant evaluation" in response.content.decode()
    response = client.post(url("award_close", award.pk), {"close-early": "on"})
    assert_error_by_field(response, "close-reason", "Say why the grant is ending early")
    award.refresh_from_db()
    assert award.status == Award.Status.ACTIVE
    response = client.post(
        url("award_close", award.pk), {"close-early": "on", "close-reason": "Club folded"}
    )
    assert response.status_code == 302
    award.refresh_from_db()
    assert (award.status, award.closed_on) == (Award.Status.ENDED_EARLY, TODAY)
    assert "The grant is closed." in messages_of(client.get(award.get_absolute_url()))
