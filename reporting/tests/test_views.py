"""The reports pages: the dashboard, asking for a report, its progress, retry and downloads."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from boards.models import Membership
from boards.tests.factories import BoardFactory, MeetingFactory, at
from partnership import roles
from partnership.tests.factories import persona
from reporting import services
from reporting.models import ReportRequest
from tests.support import rows_shared_by_a_scope

from .fixtures import known_quarter
from .people import chair_of, sit_on

pytestmark = pytest.mark.django_db
S = ReportRequest.Status


@pytest.fixture
def chair(quarter):
    return chair_of(quarter.board)


@pytest.fixture
def built(chair, quarter, django_capture_on_commit_callbacks):
    """The chair's report on the known quarter, built."""
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(chair, "quarterly", **quarter.inputs)
    report.refresh_from_db()
    assert report.status == S.DONE
    return report


def queued(user, known, **overrides):
    return services.request_report(user, "quarterly", **{**known.inputs, **overrides})


# --- Downloads: the permission matrix --------------------------------------------------------


def user_for(who: str, quarter):
    if who == "owner":
        return ReportRequest.objects.get().requested_by
    if who == "chair elsewhere":
        return chair_of(BoardFactory(name="Northbank Board"), username="chair_elsewhere")
    if who == "chair on the same board":
        return chair_of(quarter.board, username="fellow_chair")
    if who == "member without the role":
        return sit_on(persona(None, "member_no_role"), quarter.board, Membership.Role.MEMBER)
    if who == "grants officer":
        return persona(roles.GRANTS_OFFICER)
    if who == "outsider":
        return persona(None)
    return persona(who)


class TestOneBuiltReport:
    """Tests that only read one built report: it is built once for them all (per xdist worker),
    not once per test. Each test's own changes are still rolled back after it."""

    @pytest.fixture(scope="class")
    @classmethod
    def shared(cls, django_db_setup, django_db_blocker):
        def build():
            from django.test import TestCase

            quarter = known_quarter()
            chair = chair_of(quarter.board)
            with TestCase.captureOnCommitCallbacks(execute=True):
                report = services.request_report(chair, "quarterly", **quarter.inputs)
            return quarter, chair.pk, report.pk

        with rows_shared_by_a_scope(django_db_blocker, build) as shared:
            yield shared

    @pytest.fixture
    def quarter(self, shared, db):
        return shared[0]

    @pytest.fixture
    def chair(self, shared, db):
        return get_user_model().objects.get(pk=shared[1])

    @pytest.fixture
    def built(self, shared, db):
        report = ReportRequest.objects.get(pk=shared[2])
        assert report.status == S.DONE
        return report

    @pytest.mark.parametrize(
        "who, expected",
        [
            ("owner", 200),
            ("chair elsewhere", 404),
            ("chair on the same board", 404),  # a chair's own request is theirs alone
            ("member without the role", 404),
            (roles.BOARD_OFFICER, 200),
            (roles.ADMINISTRATOR, 200),
            ("grants officer", 404),
            ("outsider", 404),
        ],
    )
    @pytest.mark.parametrize("view", ["download", "status"])
    def test_who_may_download_a_report_and_see_its_status(
        self, client, built, quarter, who, expected, view
    ):
        client.force_login(user_for(who, quarter))
        response = client.get(reverse(f"reporting:{view}", args=[built.pk]))
        assert response.status_code == expected

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, built):
        for view in ("download", "status"):
            response = client.get(reverse(f"reporting:{view}", args=[built.pk]))
            assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_the_download_is_the_pdf_as_an_attachment(self, client, chair, built):
        client.force_login(chair)
        response = client.get(reverse("reporting:download", args=[built.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert (
            'attachment; filename="partnership-board-quarterly-report-2025-26-q3.pdf"'
            in (response["Content-Disposition"])
        )
        assert b"".join(response.streaming_content).startswith(b"%PDF-")

    def test_a_finished_report_stops_polling_and_offers_the_download(self, client, chair, built):
        client.force_login(chair)
        html = client.get(reverse("reporting:status", args=[built.pk])).content.decode()
        assert "hx-trigger" not in html
        assert reverse("reporting:download", args=[built.pk]) in html


def test_an_unknown_report_is_404(client, chair):
    client.force_login(chair)
    response = client.get(
        reverse("reporting:download", args=["8f14e45f-ceea-467f-a0e6-1d7a6b8d0b1c"])
    )
    assert response.status_code == 404


def test_no_download_before_the_file_exists_or_after_it_is_removed(client, chair, quarter, built):
    client.force_login(chair)
    waiting = queued(chair, quarter, quarter=2)
    assert client.get(reverse("reporting:download", args=[waiting.pk])).status_code == 404
    services.delete_old_files(now=timezone.now() + dt.timedelta(days=365))
    assert client.get(reverse("reporting:download", args=[built.pk])).status_code == 404


def test_the_schedulers_draft_is_open_to_chairs_of_its_board_only(client, quarter):
    (draft,) = [
        d for d in services.queue_quarterly_drafts(today=dt.date(2026, 1, 8))
        if d.board_id == quarter.board.pk
    ]  # fmt: skip
    client.force_login(chair_of(quarter.board, username="board_chair"))
    assert client.get(reverse("reporting:status", args=[draft.pk])).status_code == 200
    client.force_login(chair_of(BoardFactory(name="Northbank Board"), username="other"))
    assert client.get(reverse("reporting:status", args=[draft.pk])).status_code == 404


# --- The status fragment -----------------------------------------------------------------


def test_a_waiting_report_polls_its_status(client, chair, quarter):
    report = queued(chair, quarter)
    ReportRequest.objects.filter(pk=report.pk).update(
        status=S.RUNNING, progress=45, stage="Gathering key statistics"
    )
    client.force_login(chair)
    html = client.get(reverse("reporting:status", args=[report.pk])).content.decode()
    assert f'hx-get="{reverse("reporting:status", args=[report.pk])}"' in html
    assert 'hx-trigger="every 2s"' in html and 'hx-swap="outerHTML"' in html
    assert 'aria-valuenow="45"' in html and "width: 45%" in html
    assert "Gathering key statistics" in html


def test_a_failed_report_shows_why_and_offers_a_retry(client, chair, quarter):
    report = queued(chair, quarter)
    ReportRequest.objects.filter(pk=report.pk).update(status=S.FAILED, error="The board is gone.")
    client.force_login(chair)
    html = client.get(reverse("reporting:status", args=[report.pk])).content.decode()
    assert "hx-trigger" not in html
    assert "The board is gone." in html
    assert f'hx-post="{reverse("reporting:retry", args=[report.pk])}"' in html


def test_retrying_from_the_page_rebuilds_the_report(
    client, chair, quarter, django_capture_on_commit_callbacks
):
    report = queued(chair, quarter)
    ReportRequest.objects.filter(pk=report.pk).update(status=S.FAILED, error="Fault")
    client.force_login(chair)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:retry", args=[report.pk]), headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    assert 'data-status="queued"' in response.content.decode()  # the row as it was queued
    report.refresh_from_db()
    assert report.status == S.DONE


def test_retry_without_javascript_returns_to_the_list(client, chair, quarter):
    report = queued(chair, quarter)
    ReportRequest.objects.filter(pk=report.pk).update(status=S.FAILED)
    client.force_login(chair)
    response = client.post(reverse("reporting:retry", args=[report.pk]))
    assert response.status_code == 302 and response.url.endswith("#reports")


def test_someone_else_cannot_retry_a_report(client, chair, quarter):
    report = queued(chair, quarter)
    ReportRequest.objects.filter(pk=report.pk).update(status=S.FAILED)
    client.force_login(chair_of(BoardFactory(name="Northbank Board"), username="other"))
    assert client.post(reverse("reporting:retry", args=[report.pk])).status_code == 404
    assert ReportRequest.objects.get(pk=report.pk).status == S.FAILED


# --- The dashboard ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        (roles.CHAIR, 200),
        (roles.BOARD_OFFICER, 200),
        (roles.ADMINISTRATOR, 200),
        (roles.GRANTS_OFFICER, 403),
        (roles.PANEL_COORDINATOR, 403),
        (None, 403),
    ],
)
def test_the_dashboard_is_for_chairs_officers_and_administrators(client, role, status):
    client.force_login(persona(role))
    assert client.get(reverse("reporting:index")).status_code == status


def test_a_chair_chooses_among_the_boards_they_sit_on_only(client, chair, quarter):
    BoardFactory(name="Northbank Board")
    client.force_login(chair)
    form = client.get(reverse("reporting:index")).context["form"]
    assert list(form.fields["board"].queryset) == [quarter.board]


def test_an_officer_chooses_among_every_board_but_the_panels(client, board_officer, quarter):
    client.force_login(board_officer)
    form = client.get(reverse("reporting:index")).context["form"]
    names = {board.name for board in form.fields["board"].queryset}
    assert names == {"Safer Riverside Partnership Board", "VAWG Forum"}


def test_the_partnership_at_a_glance(client, chair, quarter, time_machine):
    time_machine.move_to(dt.datetime(2026, 1, 8, 9, 0, tzinfo=dt.UTC))
    MeetingFactory(board=quarter.board, starts_at=at(dt.date(2026, 3, 12)))
    client.force_login(chair)
    response = client.get(reverse("reporting:index"))
    glance = response.context["glance"]
    assert [m.date for m in glance.next_meetings] == [dt.date(2026, 3, 12)]
    (attendance,) = glance.attendance
    # Five organisations (the chair's own sent no one): 2 + 2 + 4 of 15 places this year.
    assert (attendance.meetings, attendance.percentage) == (3, 53.3)
    assert glance.plans[0].total == 3
    assert glance.overdue_actions == 1  # action 1; action 2 falls due in February
    assert glance.funds[0].available == 38182
    # On 8 January the CSPR's Rapid Review falls due; the undecided DHR is long overdue.
    assert (glance.reviews_open, glance.reviews_overdue) == (4, 1)
    assert [line.reference for line in glance.reviews] == [
        "DHR-2025-02",
        "CSPR-2025-01",
        "DHR-2025-01",
        "SAR-2025-01",
    ]
    html = response.content.decode()
    assert "53.3%" in html and "£38,182.00" in html
    listed = re.sub(r"<[^>]+>", "", html)
    assert "CSPR-2025-01 (CSPR): Rapid Review, 8 Jan 2026 – Due today" in listed


def test_asking_from_the_dashboard_builds_and_lists_the_report(
    client, chair, quarter, django_capture_on_commit_callbacks
):
    client.force_login(chair)
    with django_capture_on_commit_callbacks(execute=True):  # the job runs at the commit
        response = client.post(
            reverse("reporting:request_quarterly"),
            {"board": quarter.board.pk, "year": "2025/26", "quarter": 3},
        )
    assert response.status_code == 302
    report = ReportRequest.objects.get()
    assert report.requested_by == chair and report.status == S.DONE
    html = client.get(response.url).content.decode()
    assert (
        "Quarterly report: Safer Riverside Partnership Board, 2025/26 Q3 has been requested" in html
    )
    assert reverse("reporting:download", args=[report.pk]) in html


def test_asking_twice_says_the_report_is_on_its_way(client, chair, quarter):
    client.force_login(chair)
    data = {"board": quarter.board.pk, "year": "2025/26", "quarter": 3}
    client.post(reverse("reporting:request_quarterly"), data)
    response = client.post(reverse("reporting:request_quarterly"), data, follow=True)
    assert ReportRequest.objects.count() == 1
    assert "is already on its way" in response.content.decode()


def test_a_chair_cannot_ask_about_another_board_through_the_form(client, chair):
    other = BoardFactory(name="Northbank Board")
    client.force_login(chair)
    response = client.post(
        reverse("reporting:request_quarterly"), {"board": other.pk, "year": "2025/26", "quarter": 3}
    )
    assert response.status_code == 200
    assert "board" in response.context["form"].errors
    assert not ReportRequest.objects.exists()


def test_a_quarter_that_has_not_started_is_refused(client, chair, quarter, time_machine):
    time_machine.move_to(dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC))
    client.force_login(chair)
    response = client.post(
        reverse("reporting:request_quarterly"),
        {"board": quarter.board.pk, "year": "2026/27", "quarter": 3},
    )
    assert "That quarter has not started yet." in response.content.decode()
    assert not ReportRequest.objects.exists()


def test_the_list_shows_own_requests_and_the_boards_drafts(client, chair, quarter, board_officer):
    mine = queued(chair, quarter)
    theirs = queued(board_officer, quarter, quarter=2)
    drafts = services.queue_quarterly_drafts(today=dt.date(2026, 1, 8))
    client.force_login(chair)
    listed = {r.pk for r in client.get(reverse("reporting:index")).context["reports"]}
    board_draft = next(d for d in drafts if d.board_id == quarter.board.pk)
    assert mine.pk in listed and board_draft.pk in listed
    assert theirs.pk not in listed


# Session, user and roles (3); the view's boards (1), narratives (1) and sign-off list (1); the
# glance, built once (the cache is cleared below): next meetings (1), the attendance grid (3, or
# 2 before the year's first meeting, when there is no attendance to read), plans and one summary
# (1 + 4), overdue actions (1), funds and one balance (2), the board tree (1) and the reviews
# beneath (5); the reports with their boards (1).
DASHBOARD_QUERIES = 25


@pytest.mark.parametrize("count", [2, 12])
@pytest.mark.parametrize(
    ("today", "fewer"),
    [
        # Three meetings held and marked in 2025/26.
        pytest.param(dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.UTC), 0, id="year-with-meetings"),
        pytest.param(dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC), 1, id="before-any-meeting"),
    ],
)
def test_dashboard_queries_do_not_grow_with_the_reports(
    client, chair, quarter, count, today, fewer, django_assert_num_queries, time_machine
):
    from django.core.cache import cache

    time_machine.move_to(today)
    for n in range(count):
        report = queued(chair, quarter, quarter=1 + n % 3)
        ReportRequest.objects.filter(pk=report.pk).update(status=S.FAILED)
    client.force_login(chair)
    cache.clear()
    with django_assert_num_queries(DASHBOARD_QUERIES - fewer):
        client.get(reverse("reporting:index"))
