"""The panel pages: the overview, the case list, export, statistics and the access log."""

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards.models import Membership
from boards.tests.factories import OrganisationFactory
from partnership.periods import FinancialYear
from reviews import services
from reviews.models import AccessLog, Case, CaseAction
from reviews.tests.factories import (
    CaseActionFactory,
    CaseFactory,
    coordinator,
    future_meeting,
    marac,
    member,
    past_meeting,
    refer,
)
from reviews.tests.pages import (
    assert_error_by_field,
    build_world,
    days,
    today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def url(name, *args):
    return reverse(f"reviews:{name}", args=args)


def list_rows():
    return AccessLog.objects.filter(action=AccessLog.Action.LIST)


# --- Overview -------------------------------------------------------------------------------


def test_the_overview_counts_each_panel_of_the_member(client, world):
    client.force_login(world.coordinator)
    response = client.get(url("index"))
    (row,) = response.context["summaries"]
    assert row["panel"] == world.panel
    # The open case (the closed one due for disposal does not count), its overdue action,
    # the coming meeting and the one case listed for it.
    assert (row["open_cases"], row["overdue_actions"], row["listed_for_next"]) == (1, 1, 1)
    assert row["next_meeting"] == world.future
    html = response.content.decode()
    assert url("panel", world.panel.pk) in html
    assert url("meeting", world.future.pk) in html
    assert world.other.name not in html


def test_someone_on_no_panel_sees_a_plain_page_about_no_panel(client, world, board_officer):
    client.force_login(board_officer)
    response = client.get(url("index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "You sit on no case panel." in html
    for name in (world.panel.name, world.other.name, world.case.reference):
        assert name not in html


def test_a_member_without_the_coordinator_role_reaches_the_pages_from_the_menu(client, world):
    client.force_login(world.panel_chair)  # sits on the panel, holds no role
    response = client.get(url("index"))
    assert response.status_code == 200
    assert "Case panels" in [item["label"] for item in response.context["nav_items"]]
    client.force_login(world.coordinator)
    response = client.get(url("index"))
    assert "Case panels" in [item["label"] for item in response.context["nav_items"]]


# --- Case list ------------------------------------------------------------------------------


def test_the_case_list_shows_references_never_labels(client, world):
    client.force_login(world.coordinator)
    response = client.get(url("panel", world.panel.pk))
    html = response.content.decode()
    assert world.case.reference in html
    assert world.due.reference in html
    assert "Client Alpha" not in html
    assert world.due.subject_label not in html
    listed = {case.reference: case for case in response.context["cases"]}
    row = listed[world.case.reference]
    assert (row.open_action_count, row.overdue_action_count) == (1, 1)
    assert "Visible high risk" in html
    assert world.agency.name in html


def test_the_case_list_writes_one_list_row_per_view(client, world):
    client.force_login(world.coordinator)
    before = list_rows().count()
    client.get(url("panel", world.panel.pk))
    client.get(url("panel", world.panel.pk) + "?state=open")
    rows = list(list_rows().order_by("pk"))[before:]
    assert len(rows) == 2
    assert all((r.panel, r.case, r.user) == (world.panel, None, world.coordinator) for r in rows)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("state=open", ["case"]),
        ("state=closed", ["due"]),
        ("status=listed", ["case"]),
        ("status=closed", ["due"]),
        ("risk_level=medium", []),
        ("repeat=true", []),
        ("repeat=false", ["case", "due"]),
        ("meeting={future}", ["case"]),
        ("meeting={later}", []),
        ("reference=2024", ["due"]),
    ],
)
def test_the_case_list_filters(client, world, query, expected):
    client.force_login(world.coordinator)
    query = query.format(future=world.future.pk, later=world.later.pk)
    response = client.get(url("panel", world.panel.pk) + "?" + query)
    shown = {case.pk for case in response.context["cases"]}
    assert shown == {getattr(world, name).pk for name in expected}


def test_the_meeting_filter_offers_only_the_panels_own_meetings(client, world):
    other_meeting = future_meeting(world.other)
    client.force_login(world.coordinator)
    response = client.get(url("panel", world.panel.pk))
    offered = set(response.context["filter"].form.fields["meeting"].queryset)
    assert offered == {world.past, world.future, world.later}
    assert other_meeting not in offered


def test_the_panel_page_links_to_its_coming_and_recent_meetings(client, world):
    client.force_login(world.coordinator)
    response = client.get(url("panel", world.panel.pk))
    assert response.context["upcoming"] == [world.future, world.later]
    assert response.context["recent"] == [world.past]
    html = response.content.decode()
    for meeting in (world.past, world.future, world.later):
        assert url("meeting", meeting.pk) in html


def _cases(panel, count, prefix="MARAC"):
    """``count`` cases, each with an overdue action and a place on a held meeting's list."""
    agency = OrganisationFactory()
    meeting = past_meeting(panel)
    for n in range(count):
        case = CaseFactory(
            panel=panel,
            referring_organisation=agency,
            reference=f"{prefix}-2025-{n + 100:03d}",
            reason_repeat=n % 2 == 0,
            reason_potential_escalation=True,
        )
        CaseActionFactory(case=case, agency=agency)
        case.listings.create(meeting=meeting, order=n + 1, minutes=15)


# Measured, for 10 cases and for 100: session, user, panel, the paginator's count, the panel's
# rules, the coming and the recent meetings, the Chair check for the log link, the access-log
# row, the roles for the menu, the meeting filter's choices, and the page of cases with their
# agencies and action counts.
CASE_LIST_QUERIES = 12


def _case_list_queries(panel, user) -> int:
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url("panel", panel.pk))
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("count", [10, 100])
def test_the_case_list_query_count_is_pinned(client, count, django_assert_max_num_queries):
    panel = marac()
    user = coordinator(panel)
    _cases(panel, count)
    client.force_login(user)
    with django_assert_max_num_queries(CASE_LIST_QUERIES):
        response = client.get(url("panel", panel.pk))
    assert len(response.context["cases"]) == min(count, 50)


def test_the_case_list_costs_the_same_queries_for_10_or_100_cases():
    small, large = marac(), marac(name="Northshire MARAC", prefix="NMARAC")
    small_user, large_user = coordinator(small), coordinator(large)
    _cases(small, 10)
    _cases(large, 100, prefix="NMARAC")
    assert _case_list_queries(small, small_user) == _case_list_queries(large, large_user)


# --- Export ---------------------------------------------------------------------------------


def test_the_export_asks_for_a_reason_and_warns_against_personal_data(client, world):
    client.force_login(world.coordinator)
    response = client.get(url("export", world.panel.pk))
    assert "Do not write any personal data here" in response.content.decode()
    before = AccessLog.objects.count()
    response = client.post(url("export", world.panel.pk), {"scope": "all", "justification": " "})
    assert_error_by_field(
        response, "justification", "Say why you need the list; it is kept in the access log."
    )
    assert AccessLog.objects.count() == before


def test_the_export_holds_no_labels_and_is_logged_with_its_reason(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("export", world.panel.pk),
        {"scope": "all", "justification": "Quarterly return to the strategic board"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["Reference", "Referral date", "Referring agency", "Reasons"]
    assert [row[0] for row in rows[1:]] == [world.due.reference, world.case.reference]
    assert "Client Alpha" not in body
    assert world.due.subject_label not in body
    (row,) = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
    assert row.justification == "Quarterly return to the strategic board"
    assert (row.panel, row.case, row.user) == (world.panel, None, world.coordinator)


def test_the_export_of_open_cases_leaves_out_closed_ones(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("export", world.panel.pk), {"scope": "open", "justification": "Meeting preparation"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [world.case.reference]


# --- Statistics -----------------------------------------------------------------------------


def test_statistics_show_counts_for_the_chosen_quarter(client, world):
    services.mark_heard(world.case, world.past, by=world.coordinator)
    year = FinancialYear.containing(world.past.date)
    quarter = year.quarter_of(world.past.date)
    client.force_login(world.coordinator)
    response = client.get(
        url("statistics", world.panel.pk) + f"?year={year.label}&quarter={quarter}"
    )
    stats = response.context["stats"]
    assert stats.cases_heard == 1
    html = response.content.decode()
    assert "Client Alpha" not in html
    assert world.case.reference not in html
    assert world.agency.name in html  # referrals by agency


def test_statistics_default_to_this_quarter_and_offer_the_whole_year(client, world):
    client.force_login(world.coordinator)
    response = client.get(url("statistics", world.panel.pk))
    year = FinancialYear.containing(today())
    assert response.context["stats"].start == year.quarter_bounds(year.quarter_of(today()))[0]
    response = client.get(url("statistics", world.panel.pk) + f"?year={year.label}&quarter=")
    assert (response.context["stats"].start, response.context["stats"].end) == (
        year.start,
        year.end,
    )


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("year=1990/91&quarter=1", "year", "Choose one of the financial years listed."),
        ("year={year}&quarter=5", "quarter", "Choose a quarter from 1 to 4."),
    ],
)
def test_a_bad_period_is_named_by_its_field(client, world, query, field, message):
    client.force_login(world.coordinator)
    query = query.format(year=FinancialYear.containing(today()).label)
    response = client.get(url("statistics", world.panel.pk) + "?" + query)
    assert_error_by_field(response, field, message)
    assert response.context["stats"] is None


# --- Access log -----------------------------------------------------------------------------


def test_the_chair_reads_the_access_log_and_filters_it(client, world):
    client.force_login(world.panel_chair)
    response = client.get(url("access_log", world.panel.pk))
    assert response.status_code == 200
    rows = list(response.context["rows"])
    assert rows and all(row.panel_id == world.panel.pk for row in rows)
    main = response.content.decode().split('id="main"')[1]
    assert 'method="post"' not in main  # read-only
    assert client.post(url("access_log", world.panel.pk)).status_code == 405

    response = client.get(
        url("access_log", world.panel.pk)
        + f"?case_reference={world.case.reference}&action=create&username=marac_coordinator"
    )
    (row,) = response.context["rows"]
    assert (row.case, row.action) == (world.case, AccessLog.Action.CREATE)

    tomorrow = days(1).isoformat()
    response = client.get(url("access_log", world.panel.pk) + f"?since={tomorrow}")
    assert list(response.context["rows"]) == []
    response = client.get(url("access_log", world.panel.pk) + f"?until={today().isoformat()}")
    assert len(response.context["rows"]) == len(rows)


def test_the_access_log_is_paginated(client, world):
    for _ in range(60):
        services.log_access(world.coordinator, world.case, AccessLog.Action.VIEW)
    client.force_login(world.panel_chair)
    response = client.get(url("access_log", world.panel.pk))
    assert len(response.context["rows"]) == 50
    assert response.context["is_paginated"]
    response = client.get(url("access_log", world.panel.pk) + "?page=2")
    assert response.status_code == 200


def test_the_access_log_offers_only_the_panels_own_users(client, world):
    services.log_access(world.other_member, None, AccessLog.Action.LIST, panel_id=world.other.pk)
    client.force_login(world.panel_chair)
    response = client.get(url("access_log", world.panel.pk))
    users = dict(response.context["filter"].form.fields["username"].choices)
    assert "marac_coordinator" in users
    assert "ccm_coordinator" not in users


def test_a_member_who_is_not_chair_is_told_why_the_log_is_closed(client, world):
    client.force_login(world.coordinator)
    response = client.get(url("access_log", world.panel.pk))
    assert response.status_code == 403
    assert "Only the panel's Chair and Deputy Chair read its access log." in (
        response.content.decode().replace("&#x27;", "'")
    )


def test_a_deputy_chair_reads_the_log_too(client, world):
    deputy = member(world.panel, role=Membership.Role.DEPUTY_CHAIR).person.user
    client.force_login(deputy)
    assert client.get(url("access_log", world.panel.pk)).status_code == 200


def test_only_chairs_see_the_access_log_link(client, world):
    link = url("access_log", world.panel.pk)
    client.force_login(world.coordinator)
    assert link not in client.get(url("panel", world.panel.pk)).content.decode()
    client.force_login(world.panel_chair)
    assert link in client.get(url("panel", world.panel.pk)).content.decode()


def test_overdue_counts_leave_out_actions_done_and_cases_closed(client, world):
    CaseActionFactory(case=world.case, agency=world.agency, status=CaseAction.Status.CANCELLED)
    client.force_login(world.coordinator)
    row = next(
        case
        for case in client.get(url("panel", world.panel.pk)).context["cases"]
        if case.pk == world.case.pk
    )
    assert (row.open_action_count, row.overdue_action_count) == (1, 1)


def test_with_action_counts_counts_each_case_once_whatever_it_is_joined_to():
    panel = marac()
    user = coordinator(panel)
    case = refer(panel, user)
    for due in (days(-5), days(5)):
        services.add_action(
            case, by=user, agency=case.referring_organisation, description="Visit", due_on=due
        )
    for meeting in (future_meeting(panel), future_meeting(panel, days_ahead=40)):
        services.list_for_meeting(case, meeting, by=user)
    rows = Case.objects.filter(listings__isnull=False).with_action_counts(today())
    assert {(row.open_action_count, row.overdue_action_count) for row in rows} == {(2, 1)}


def test_a_filter_that_makes_no_sense_shows_nothing_and_says_why(client, world):
    client.force_login(world.panel_chair)
    response = client.get(url("access_log", world.panel.pk) + "?since=31/31/2026")
    assert list(response.context["rows"]) == []
    assert_error_by_field(response, "since", "Enter a valid date.")
    response = client.get(url("panel", world.panel.pk) + "?status=lost")
    assert list(response.context["cases"]) == []
    assert_error_by_field(response, "status", "Select a valid choice.")
