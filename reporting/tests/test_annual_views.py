"""The annual report's pages: the narrative with its preview, asking for the report, and the
chair's sign-off (mark final), with who may do each."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boards.models import Membership
from boards.tests.factories import BoardFactory, plan_with_actions
from partnership import roles
from partnership.tests.factories import persona
from reporting import services
from reporting.models import AnnualNarrative, PriorityNarrative, ReportRequest

from .people import chair_of, sit_on

pytestmark = pytest.mark.django_db
S = ReportRequest.Status
TODAY = dt.datetime(2026, 4, 20, 9, 0, tzinfo=dt.UTC)
TOO_LONG = "x" * 20_001


@pytest.fixture(autouse=True)
def april_2026(time_machine):
    time_machine.move_to(TODAY)


@pytest.fixture(autouse=True)
def no_worker(monkeypatch):
    """Requests are queued but not built: the tests that need a file give it one."""
    queued = []
    monkeypatch.setattr(services, "_queue", queued.append)
    return queued


@pytest.fixture
def chair(quarter):
    return chair_of(quarter.board)


def narrative_url(board, year="2025-26"):
    return reverse("reporting:narrative", args=[board.pk, year])


def priority_of(board):
    return board.plans.get().priorities.get()


def posted(board, **overrides) -> dict:
    """A full narrative form for the board's one priority."""
    data = {
        "chair_message": "A **good** year.",
        "introduction": "Why we exist.",
        "area": "Riverside.",
        "whats_next": "More of the same.",
        "priority-TOTAL_FORMS": "1",
        "priority-INITIAL_FORMS": "1",
        "priority-MIN_NUM_FORMS": "0",
        "priority-MAX_NUM_FORMS": "1000",
        "priority-0-priority": str(priority_of(board).pk),
        "priority-0-aims": "Fewer victims.",
        "priority-0-achievements": "- A hub opened",
        "priority-0-impact": "Knife crime fell.",
    }
    data.update(overrides)
    return data


# --- The narrative page --------------------------------------------------------------------


def test_the_narrative_page_has_a_part_per_priority(client, chair, quarter):
    client.force_login(chair)
    response = client.get(narrative_url(quarter.board))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Safer Riverside Partnership Board, 2025/26." in html
    assert "Priority 1: Reduce serious violence" in html
    assert 'name="priority-0-priority"' in html and 'name="chair_message"' in html
    assert "<script" not in html.split("<main", 1)[-1].split("</main>", 1)[0]


def test_saving_the_narrative_keeps_it_with_its_history(client, chair, quarter):
    client.force_login(chair)
    response = client.post(narrative_url(quarter.board), posted(quarter.board, save="1"))
    assert response.status_code == 302 and response.url == narrative_url(quarter.board)
    narrative = AnnualNarrative.objects.get(board=quarter.board, year=2025)
    assert narrative.chair_message == "A **good** year." and narrative.updated_by == chair
    (written,) = narrative.priorities.all()
    assert (written.priority, written.aims) == (priority_of(quarter.board), "Fewer victims.")
    assert narrative.history.get().history_user == chair

    response = client.post(
        narrative_url(quarter.board), posted(quarter.board, save="1", area="Riverside, again.")
    )
    narrative.refresh_from_db()
    assert narrative.area == "Riverside, again." and narrative.history.count() == 2
    assert PriorityNarrative.objects.count() == 1  # updated, not added
    page = client.get(narrative_url(quarter.board)).content.decode()
    assert "Riverside, again." in page and "Fewer victims." in page


def test_preview_shows_the_text_as_the_report_will_and_saves_nothing(client, chair, quarter):
    client.force_login(chair)
    response = client.post(
        narrative_url(quarter.board),
        posted(
            quarter.board,
            preview="1",
            introduction="",
            whats_next="Next year <script>alert('x')</script>[more](javascript:alert(1))",
        ),
    )
    assert response.status_code == 200
    preview = response.content.decode().split('data-testid="preview"', 1)[1].split("</section>")[0]
    assert "<p>A <strong>good</strong> year.</p>" in preview
    assert "No introduction has been written for 2025/26." in preview
    assert "<li>A hub opened</li>" in preview
    assert "<script" not in preview and "javascript:" not in preview
    assert not AnnualNarrative.objects.exists()


def test_text_over_the_limit_is_refused_by_its_field(client, chair, quarter):
    client.force_login(chair)
    for field in ("chair_message", "priority-0-impact"):
        response = client.post(
            narrative_url(quarter.board), posted(quarter.board, save="1", **{field: TOO_LONG})
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Nothing was saved." in html
        assert "Keep this to 20,000 characters or fewer; it has 20,001." in html
        errors = response.context["form"].errors or response.context["formset"].errors[0]
        assert list(errors) == [field.removeprefix("priority-0-")]
    assert not AnnualNarrative.objects.exists()


def test_another_boards_priority_is_refused_by_its_field(client, chair, quarter):
    _, elsewhere, _ = plan_with_actions(1, board=BoardFactory(name="Northbank Board"))
    client.force_login(chair)
    response = client.post(
        narrative_url(quarter.board),
        posted(quarter.board, save="1", **{"priority-0-priority": str(elsewhere.pk)}),
    )
    assert response.status_code == 200
    assert response.context["formset"].errors[0] == {
        "priority": ["That priority is not in this board's plan for 2025/26."]
    }
    assert "That priority is not in this board" in response.content.decode()
    assert not AnnualNarrative.objects.exists() and not PriorityNarrative.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"priority-TOTAL_FORMS": "0", "priority-INITIAL_FORMS": "0"},  # a priority left out
        {"priority-0-priority": "not a number"},
        {"priority-TOTAL_FORMS": "x"},  # a broken management form
    ],
)
def test_a_tampered_priority_list_saves_nothing_and_never_fails(client, chair, quarter, overrides):
    client.force_login(chair)
    response = client.post(narrative_url(quarter.board), posted(quarter.board, **overrides))
    assert response.status_code == 200
    assert "Nothing was saved." in response.content.decode()
    assert not AnnualNarrative.objects.exists()


@pytest.mark.parametrize(
    "who, board, year, expected",
    [
        ("chair", "own", "2025-26", 200),
        ("chair", "own", "2024-25", 200),
        ("chair", "other", "2025-26", 404),  # a board the chair does not sit on
        ("chair", "unknown", "2025-26", 404),
        ("chair", "own", "2025-27", 404),  # not a financial year
        ("chair", "own", "twenty", 404),
        ("chair", "own", "2027-28", 404),  # not started
        ("officer", "other", "2025-26", 200),  # officers write for every board
        ("grants officer", "own", "2025-26", 403),
        ("member without the role", "own", "2025-26", 403),
    ],
)
def test_who_may_open_which_narrative(client, chair, quarter, who, board, year, expected):
    other = BoardFactory(name="Northbank Board")
    users = {
        "chair": chair,
        "officer": persona(roles.BOARD_OFFICER),
        "grants officer": persona(roles.GRANTS_OFFICER),
        "member without the role": sit_on(
            persona(None, "member_no_role"), quarter.board, Membership.Role.MEMBER
        ),
    }
    boards = {"own": quarter.board.pk, "other": other.pk, "unknown": 987654}
    client.force_login(users[who])
    response = client.get(reverse("reporting:narrative", args=[boards[board], year]))
    assert response.status_code == expected


def test_a_chair_cannot_post_a_narrative_for_another_board(client, chair, quarter):
    other = BoardFactory(name="Northbank Board")
    client.force_login(chair)
    response = client.post(narrative_url(other), posted(quarter.board, save="1"))
    assert response.status_code == 404
    assert not AnnualNarrative.objects.exists()


def test_a_board_without_a_plan_has_only_the_board_wide_parts(client, board_officer):
    board = BoardFactory(name="Quiet Board")
    client.force_login(board_officer)
    html = client.get(narrative_url(board)).content.decode()
    assert "no strategic plan covering 2025/26" in html
    response = client.post(
        narrative_url(board),
        {
            "chair_message": "Short.",
            "priority-TOTAL_FORMS": "0",
            "priority-INITIAL_FORMS": "0",
            "save": "1",
        },
    )
    assert response.status_code == 302
    assert AnnualNarrative.objects.get(board=board).chair_message == "Short."


# --- Asking for the annual report --------------------------------------------------------


def test_a_chair_asks_for_the_annual_report_and_asking_again_reuses_it(client, chair, quarter):
    client.force_login(chair)
    data = {"board": quarter.board.pk, "year": "2025/26"}
    response = client.post(reverse("reporting:request_annual"), data, follow=True)
    report = ReportRequest.objects.get()
    assert (report.kind, report.inputs) == (
        "annual",
        {"board": quarter.board.pk, "year": "2025/26"},
    )
    assert report.title == "Annual report: Safer Riverside Partnership Board, 2025/26"
    assert "has been requested" in response.content.decode()
    response = client.post(reverse("reporting:request_annual"), data, follow=True)
    assert ReportRequest.objects.count() == 1
    assert "is already on its way" in response.content.decode()


def test_the_dashboard_offers_the_annual_report_and_the_narrative(client, chair, quarter):
    client.force_login(chair)
    response = client.get(reverse("reporting:index"))
    html = response.content.decode()
    assert "Ask for an annual report" in html and "Build the annual report" in html
    assert list(response.context["annual_form"].fields["board"].queryset) == [quarter.board]
    assert response.context["annual_form"].initial["year"] == "2025/26"
    assert f'href="{narrative_url(quarter.board)}"' in html
    assert "narrative for 2025/26</a> (not started)" in html
    assert f'href="{narrative_url(quarter.board, "2026-27")}"' in html


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"year": "2025/26"}, "board", "Choose one of the boards you sit on."),
        ({"year": "2031/32"}, "year", "Choose one of the financial years offered."),
        ({"year": ""}, "year", "This field is required."),
    ],
)
def test_bad_requests_for_the_annual_report_are_refused(
    client, chair, quarter, data, field, message
):
    other = BoardFactory(name="Northbank Board")
    client.force_login(chair)
    response = client.post(reverse("reporting:request_annual"), {"board": other.pk, **data})
    assert response.status_code == 200
    assert message in response.context["annual_form"].errors[field][0]
    assert not ReportRequest.objects.exists()


# --- Mark final ----------------------------------------------------------------------------


def annual_report(user, board, *, done=True) -> ReportRequest:
    report = services.request_report(user, "annual", board=board.pk, year="2025/26")
    if done:
        report.status, report.finished_at = S.DONE, timezone.now()
        report.file.save(f"{report.pk.hex}.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
        report.filename, report.content_type = "annual.pdf", "application/pdf"
        report.save()
    return report


def mark(client, report):
    return client.post(reverse("reporting:mark_final", args=[report.pk]))


def test_the_chair_marks_a_version_final_and_a_later_one_replaces_it(client, chair, quarter):
    first = annual_report(chair, quarter.board)
    second = annual_report(chair, quarter.board)
    client.force_login(chair)

    html = client.get(reverse("reporting:index")).content.decode()
    assert "Sign off the annual report" in html
    assert html.count(">Mark final<") == 2

    response = mark(client, first)
    assert response.status_code == 302 and response.url.endswith("#sign-off")
    first.refresh_from_db()
    assert first.final
    response = mark(client, second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.final and not first.final
    html = client.get(reverse("reporting:index")).content.decode()
    assert html.count(">Mark final<") == 1 and ">Final</span>" in html
    assert first.history.filter(final=True).exists()  # the sign-off is in the audit history


def test_the_chair_signs_off_the_annual_report_an_officer_asked_for(
    client, chair, quarter, board_officer
):
    report = annual_report(board_officer, quarter.board)
    client.force_login(chair)
    assert report in client.get(reverse("reporting:index")).context["reports"]
    assert client.get(reverse("reporting:download", args=[report.pk])).status_code == 200
    assert mark(client, report).status_code == 302
    report.refresh_from_db()
    assert report.final
    # The chair of another board sees none of it.
    client.force_login(chair_of(BoardFactory(name="Northbank Board"), username="other_chair"))
    assert report not in client.get(reverse("reporting:index")).context["reports"]
    assert client.get(reverse("reporting:download", args=[report.pk])).status_code == 404


def test_one_final_per_board_and_year_even_behind_the_page(chair, quarter):
    first = annual_report(chair, quarter.board)
    second = annual_report(chair, quarter.board)
    ReportRequest.objects.filter(pk=first.pk).update(final=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRequest.objects.filter(pk=second.pk).update(final=True)


def test_a_board_officer_who_is_not_a_chair_cannot_mark_final(
    client, chair, quarter, board_officer
):
    report = annual_report(chair, quarter.board)
    client.force_login(board_officer)
    assert mark(client, report).status_code == 403
    report.refresh_from_db()
    assert not report.final


def test_a_chair_of_another_board_gets_404(client, chair, quarter):
    report = annual_report(chair, quarter.board)
    client.force_login(chair_of(BoardFactory(name="Northbank Board"), username="other_chair"))
    assert mark(client, report).status_code == 404
    report.refresh_from_db()
    assert not report.final


def test_an_administrator_who_sits_on_no_board_cannot_mark_final(
    client, chair, quarter, administrator
):
    report = annual_report(chair, quarter.board)
    client.force_login(administrator)
    assert mark(client, report).status_code == 403


def test_a_quarterly_report_is_not_signed_off_here(client, chair, quarter):
    report = services.request_report(chair, "quarterly", **quarter.inputs)
    client.force_login(chair)
    assert mark(client, report).status_code == 404


def test_a_report_still_being_built_cannot_be_marked_final(client, chair, quarter):
    report = annual_report(chair, quarter.board, done=False)
    client.force_login(chair)
    response = mark(client, report)
    assert response.status_code == 302
    report.refresh_from_db()
    assert not report.final
    page = client.get(reverse("reporting:index")).content.decode()
    assert "Only a report that is ready can be marked final." in page


def test_mark_final_is_post_only_and_needs_the_csrf_token(chair, quarter):
    report = annual_report(chair, quarter.board)
    client = Client(enforce_csrf_checks=True)
    client.force_login(chair)
    url = reverse("reporting:mark_final", args=[report.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    report.refresh_from_db()
    assert not report.final


def test_a_final_report_outlives_the_clean_up(client, chair, quarter):
    final = annual_report(chair, quarter.board)
    draft = annual_report(chair, quarter.board)
    client.force_login(chair)
    mark(client, final)
    ReportRequest.objects.update(finished_at=timezone.now() - dt.timedelta(days=400))
    assert services.delete_old_files() == 1
    final.refresh_from_db()
    draft.refresh_from_db()
    assert final.downloadable and draft.file_removed


@pytest.mark.parametrize(
    "who, expected",
    [("owner", 200), ("chair elsewhere", 404), (roles.BOARD_OFFICER, 200), ("outsider", 404)],
)
def test_who_may_download_an_annual_report(client, chair, quarter, who, expected):
    report = annual_report(chair, quarter.board)
    users = {
        "owner": chair,
        "chair elsewhere": chair_of(BoardFactory(name="Northbank Board"), username="other"),
        roles.BOARD_OFFICER: persona(roles.BOARD_OFFICER),
        "outsider": persona(None),
    }
    client.force_login(users[who])
    response = client.get(reverse("reporting:download", args=[report.pk]))
    assert response.status_code == expected


def test_the_sign_off_list_costs_the_same_whatever_the_number_of_versions(client, chair, quarter):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(chair)
    counts = []
    for versions in (1, 5):
        while ReportRequest.objects.filter(kind="annual").count() < versions:
            annual_report(chair, quarter.board)
        cache.clear()  # the glance is cached: count the sign-off list alone
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("reporting:index")).content.decode()
        assert html.count(">Mark final<") == versions
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "raw, errors",
    [
        ({"board": 987654, "year": "2025/26"}, {"board": ["Choose a board."]}),
        ({"year": "2025/27"}, {"year": ["Choose a financial year like 2025/26."]}),
        ({"year": "2027-28"}, {"year": ["That financial year has not started yet."]}),
    ],
)
def test_the_kind_checks_its_inputs_by_field(quarter, raw, errors):
    from django.core.exceptions import ValidationError

    from reporting.annual import AnnualReport

    with pytest.raises(ValidationError) as caught:
        AnnualReport().clean_inputs({"board": quarter.board.pk, **raw})
    assert caught.value.message_dict == errors
    cleaned = AnnualReport().clean_inputs({"board": str(quarter.board.pk), "year": "2025-26"})
    assert cleaned == {"board": quarter.board.pk, "year": "2025/26"}


def test_a_former_member_of_the_board_cannot_mark_final(client, chair, quarter):
    report = annual_report(chair, quarter.board)
    Membership.objects.filter(board=quarter.board, person__user=chair).update(
        end_date=timezone.localdate() - dt.timedelta(days=1)
    )
    client.force_login(chair)
    assert mark(client, report).status_code in (403, 404)
    report.refresh_from_db()
    assert not report.final
