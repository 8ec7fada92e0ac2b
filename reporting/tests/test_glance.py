"""The dashboard's glance: kept in the cache for the day, rebuilt as soon as the data changes."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards.models import Attendance, Board
from boards.tests.factories import BoardFactory, MembershipFactory
from reporting.glance import build_glance, partnership_glance

from .people import chair_of

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 8)
# The glance of one board built from the database: next meetings, the attendance grid (3),
# plans and one summary (1 + 4), overdue actions, funds and one balance (2), the board tree
# and the reviews beneath (1 + 5). From the cache it costs only the query for the boards.
GLANCE_QUERIES = 1 + 1 + 3 + 5 + 1 + 2 + 6


@pytest.fixture
def chair(quarter):
    return chair_of(quarter.board)


def boards_of(known):
    return Board.objects.filter(pk=known.board.pk)


def dashboard(client) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reporting:index"))
    assert response.status_code == 200
    return len(queries), response.context["glance"]


def test_a_second_visit_to_the_dashboard_takes_the_glance_from_the_cache(
    client, chair, time_machine
):
    time_machine.move_to(dt.datetime(2026, 1, 8, 9, 0, tzinfo=dt.UTC))
    client.force_login(chair)
    first, built = dashboard(client)
    second, cached = dashboard(client)
    assert second == first - GLANCE_QUERIES + 1
    assert cached.attendance[0].percentage == built.attendance[0].percentage


def test_the_glance_counts_its_queries(quarter, django_assert_num_queries):
    with django_assert_num_queries(GLANCE_QUERIES):
        partnership_glance(boards_of(quarter), today=TODAY)
    with django_assert_num_queries(1):
        partnership_glance(boards_of(quarter), today=TODAY)
    loaded = list(boards_of(quarter))  # as the view has them
    with django_assert_num_queries(0):
        partnership_glance(loaded, today=TODAY)


def test_recorded_attendance_shows_on_the_next_visit(quarter, django_capture_on_commit_callbacks):
    before = partnership_glance(boards_of(quarter), today=TODAY).attendance[0]
    absent = Attendance.objects.filter(
        meeting__board=quarter.board, status=Attendance.Status.ABSENT
    ).first()
    absent.status = Attendance.Status.ATTENDED
    with django_capture_on_commit_callbacks(execute=True) as committed:
        absent.save()  # a request's save, committed at its end
    assert committed  # the cache moves on when the change commits, not before
    after = partnership_glance(boards_of(quarter), today=TODAY).attendance[0]
    assert after.attended == before.attended + 1
    assert after == build_glance(list(boards_of(quarter)), TODAY).attendance[0]


def test_each_day_and_each_set_of_boards_has_its_own_glance(quarter, django_assert_num_queries):
    partnership_glance(boards_of(quarter), today=TODAY)
    with django_assert_num_queries(GLANCE_QUERIES):
        tomorrow = partnership_glance(boards_of(quarter), today=TODAY + dt.timedelta(days=1))
    assert tomorrow.today == TODAY + dt.timedelta(days=1)
    both = Board.objects.filter(pk__in=[quarter.board.pk, quarter.panel.pk])
    assert len(partnership_glance(both, today=TODAY).attendance) == 2


def test_attendance_costs_the_same_queries_for_one_board_or_six():
    made = [BoardFactory() for _ in range(6)]
    for board in made:
        MembershipFactory(board=board)

    def cost(boards):
        with CaptureQueriesContext(connection) as queries:
            glance = build_glance(boards, TODAY)
        assert len(glance.attendance) == len(boards)
        return len(queries)

    assert cost(made[:1]) == cost(made)


def test_page_views_of_case_panels_leave_the_glance_in_the_cache(
    quarter, django_capture_on_commit_callbacks
):
    from reporting.glance import data_changed
    from reviews.models import AccessLog

    with django_capture_on_commit_callbacks() as moved:
        data_changed(AccessLog)  # written on every view of a case
        data_changed(Attendance.history.model)  # the audit trail beside every save
    assert moved == []
    with django_capture_on_commit_callbacks() as moved:
        data_changed(Attendance)
    assert len(moved) == 1
