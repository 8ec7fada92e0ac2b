"""Boards, members, organisations and people: access, forms and refusals."""

import datetime as dt

import pytest
from django.urls import reverse

from boards.models import Board, Membership, Organisation
from boards.tests.factories import (
    BoardFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
)
from partnership.tests.factories import persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return BoardFactory(name="Safer Riverside Partnership Board")


@pytest.fixture
def member_user(board):
    """A signed-in user who sits on the board but holds no officer role."""
    user = persona(None, username="board_member")
    MembershipFactory(board=board, person=PersonFactory(user=user))
    return user


def urls(board, meeting):
    return {
        "board": reverse("boards:board_detail", args=[board.pk]),
        "board_edit": reverse("boards:board_edit", args=[board.pk]),
        "member_add": reverse("boards:membership_create", args=[board.pk]),
        "terms_add": reverse("boards:terms_add", args=[board.pk]),
        "meeting": reverse("boards:meeting_detail", args=[meeting.pk]),
        "minutes": reverse("boards:minutes", args=[meeting.pk]),
        "meeting_add": reverse("boards:meeting_create", args=[board.pk]),
        "attendance": reverse("boards:attendance", args=[meeting.pk]),
        "item_add": reverse("boards:item_create", args=[meeting.pk]),
        "declaration_add": reverse("boards:declaration_add", args=[meeting.pk]),
    }


VIEW_PAGES = {"board", "meeting", "minutes"}


@pytest.mark.parametrize(
    "who", ["board_officer", "administrator", "member_user", "outsider", "chair", "anonymous"]
)
def test_permission_matrix(client, request, board, who):
    meeting = MeetingFactory(board=board)
    user = None if who == "anonymous" else request.getfixturevalue(who)
    if user:
        client.force_login(user)
    for name, url in urls(board, meeting).items():
        status = client.get(url).status_code
        if who in ("board_officer", "administrator"):
            expected = 200
        elif who == "member_user":
            expected = 200 if name in VIEW_PAGES else 403
        elif who == "anonymous":
            expected = 302
        else:  # signed in, not on the board: it does not exist for them
            expected = 404
        assert status == expected, (who, name, status)


def test_boards_list_shows_only_the_boards_a_member_sits_on(client, board, member_user):
    BoardFactory(name="Another Board")
    client.force_login(member_user)
    response = client.get(reverse("boards:index"))
    assert [b.name for b in response.context["boards"]] == [board.name]


def test_organisation_lists_are_for_officers_only(client, member_user, board_officer):
    client.force_login(member_user)
    assert client.get(reverse("boards:organisation_list")).status_code == 403
    client.force_login(board_officer)
    assert client.get(reverse("boards:organisation_list")).status_code == 200


def board_data(**overrides):
    data = {
        "name": "Reducing Reoffending Group",
        "kind": "sub_group",
        "meeting_frequency": "quarterly",
        "quorum_kind": "fraction",
        "quorum_numerator": "1",
        "quorum_denominator": "4",
        "quorum_rounding": "up",
        "quorum_requires_chair": "on",
    }
    data.update(overrides)
    return data


def test_officer_adds_a_board(client, board_officer, board):
    client.force_login(board_officer)
    response = client.post(reverse("boards:board_create"), board_data(parent=board.pk))
    created = Board.objects.get(name="Reducing Reoffending Group")
    assert response.status_code == 302
    assert created.parent == board
    assert created.history.count() == 1


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"quorum_numerator": "5"}, "quorum_numerator", "at most the whole membership"),
        ({"quorum_kind": "fixed"}, "quorum_fixed", "Give the number of voting members"),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_bad_board_settings_are_refused_next_to_the_field(
    client, board_officer, overrides, field, message
):
    client.force_login(board_officer)
    response = client.post(reverse("boards:board_create"), board_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert b"Nothing was saved." in response.content
    assert not Board.objects.filter(name="Reducing Reoffending Group").exists()


def test_a_board_cannot_report_to_its_own_sub_group(client, board_officer, board):
    child = BoardFactory(parent=board)
    client.force_login(board_officer)
    response = client.post(
        reverse("boards:board_edit", args=[board.pk]), board_data(name=board.name, parent=child.pk)
    )
    assert "cannot report to itself" in " ".join(response.context["form"].errors["parent"])


def membership_data(person, **overrides):
    data = {
        "person": person.pk,
        "organisation": person.organisation_id,
        "role": "member",
        "voting": "on",
        "start_date": "2026-04-01",
    }
    data.update(overrides)
    return data


def test_officer_adds_a_member_with_a_deputy(client, board_officer, board):
    person = PersonFactory()
    deputy = PersonFactory(organisation=person.organisation)
    client.force_login(board_officer)
    response = client.post(
        reverse("boards:membership_create", args=[board.pk]),
        membership_data(person, deputy=deputy.pk),
    )
    assert response.status_code == 302
    assert Membership.objects.get(board=board).deputy == deputy


@pytest.mark.parametrize(
    "case, field, message",
    [
        ("ends_before_start", "end_date", "cannot end before it starts"),
        ("own_deputy", "deputy", "cannot be their own deputy"),
        ("deputy_elsewhere", "deputy", "The deputy must work for"),
        ("overlap", "start_date", "already a member of the board"),
    ],
)
def test_membership_refusals_show_by_the_field_and_save_nothing(
    client, board_officer, board, case, field, message
):
    person = PersonFactory()
    extra = {
        "ends_before_start": {"end_date": "2026-03-01"},
        "own_deputy": {"deputy": person.pk},
        "deputy_elsewhere": {"deputy": PersonFactory().pk},
        "overlap": {},
    }[case]
    if case == "overlap":
        MembershipFactory(board=board, person=person, start_date=dt.date(2025, 1, 1))
    before = Membership.objects.count()
    client.force_login(board_officer)
    response = client.post(
        reverse("boards:membership_create", args=[board.pk]), membership_data(person, **extra)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Membership.objects.count() == before


def test_deputy_from_another_organisation_allowed_where_the_board_says_so(client, board_officer):
    board = BoardFactory(deputies_from_other_organisations=True)
    person = PersonFactory()
    client.force_login(board_officer)
    response = client.post(
        reverse("boards:membership_create", args=[board.pk]),
        membership_data(person, deputy=PersonFactory().pk),
    )
    assert response.status_code == 302


def test_officer_adds_an_organisation_and_a_duplicate_is_refused(client, board_officer):
    client.force_login(board_officer)
    data = {"name": "Riverside Homes", "sector": "housing", "active": "on"}
    assert client.post(reverse("boards:organisation_create"), data).status_code == 302
    again = client.post(reverse("boards:organisation_create"), data)
    assert again.status_code == 200
    assert "already exists" in " ".join(again.context["form"].errors["name"])
    assert Organisation.objects.filter(name="Riverside Homes").count() == 1


def test_person_needs_an_organisation_and_a_valid_email(client, board_officer):
    client.force_login(board_officer)
    response = client.post(
        reverse("boards:person_create"), {"full_name": "Ann Other", "email": "not-an-address"}
    )
    errors = response.context["form"].errors
    assert "organisation" in errors and "email" in errors


def test_terms_of_reference_upload_sets_the_review_a_year_on_and_flags_it_overdue(
    client, board_officer, board
):
    client.force_login(board_officer)
    pdf = _upload("terms.pdf", b"%PDF-1.7\n% test document\n")
    response = client.post(
        reverse("boards:terms_add", args=[board.pk]),
        {"version": "2024", "approved_on": "2024-05-01", "document": pdf},
    )
    assert response.status_code == 302
    terms = board.terms_of_reference.get()
    assert terms.review_due == dt.date(2025, 5, 1)
    page = client.get(board.get_absolute_url())
    assert b"Review overdue" in page.content
    download = client.get(reverse("boards:terms_download", args=[terms.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("terms.exe", b"MZ\x90\x00", "Upload a document of one of these types"),
        ("terms.pdf", b"this is not a pdf", "not a PDF document"),
        ("terms.pdf", b"", "The submitted file is empty."),
    ],
)
def test_bad_terms_of_reference_upload_is_refused(
    client, board_officer, board, name, content, message
):
    client.force_login(board_officer)
    response = client.post(
        reverse("boards:terms_add", args=[board.pk]),
        {"version": "2024", "approved_on": "2024-05-01", "document": _upload(name, content)},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["document"])
    assert not board.terms_of_reference.exists()


def test_an_oversized_upload_is_refused(client, board_officer, board, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    client.force_login(board_officer)
    big = _upload("terms.pdf", b"%PDF-" + b"0" * (3 * 1024 * 1024))
    response = client.post(
        reverse("boards:terms_add", args=[board.pk]),
        {"version": "2024", "approved_on": "2024-05-01", "document": big},
    )
    assert "larger than 2 MB" in " ".join(response.context["form"].errors["document"])


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_board_page_lists_members_on_today_only(client, board_officer, board):
    current = MembershipFactory(board=board)
    MembershipFactory(board=board, start_date=dt.date(2020, 1, 1), end_date=dt.date(2021, 1, 1))
    client.force_login(board_officer)
    response = client.get(board.get_absolute_url())
    assert list(response.context["members"]) == [current]
