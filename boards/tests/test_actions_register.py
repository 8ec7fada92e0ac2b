"""The actions register: list and filters, CSV export, raising and updating actions, access."""

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from boards.models import Action, ActionUpdate, AgendaItem
from boards.tests.factories import (
    ActionFactory,
    BoardFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    at,
)
from partnership.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("boards:action_list")
EXPORT = reverse("boards:action_export")


def today():
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def listed(response) -> list[int]:
    return [a.pk for a in response.context["actions"]]


def item_on(meeting, number=6, title="Community safety strategy refresh"):
    return AgendaItem.objects.create(
        meeting=meeting, number=number, title=title, purpose=AgendaItem.Purpose.DECISION
    )


def assert_error_by_field(response, field: str, message: str):
    """The message is on the form's field and printed in that field's error slot."""
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, []))
    html = response.content.decode()
    assert re.search(
        rf'id="error_\d+_id_{field}"[^>]*>\s*<strong>{re.escape(escape(message))}', html
    )


@pytest.fixture
def board():
    return BoardFactory(name="Safer Riverside Partnership Board", short_name="SRPB")


@pytest.fixture
def action(board):
    return ActionFactory(
        board=board,
        title="Publish the strategic assessment",
        raised_on=days(-30),
        due_date=days(20),
    )


@pytest.fixture
def board_member(board):
    """A signed-in user whose Person sits on ``board`` and holds no role."""
    user = UserFactory(username="member")
    MembershipFactory(board=board, person=PersonFactory(user=user))
    return user


@pytest.fixture
def other_board_member():
    user = UserFactory(username="elsewhere")
    MembershipFactory(
        board=BoardFactory(name="Reducing Reoffending Group"), person=PersonFactory(user=user)
    )
    return user


# --- Access -------------------------------------------------------------------------------


def _urls(board, action):
    return {
        "list": LIST,
        "export": EXPORT,
        "create": reverse("boards:action_create", args=[board.pk]),
        "detail": reverse("boards:action_detail", args=[action.pk]),
    }


@pytest.mark.parametrize(
    ("who", "page", "expected"),
    [
        ("board_officer", "list", 200),
        ("board_officer", "export", 200),
        ("board_officer", "create", 200),
        ("board_officer", "detail", 200),
        ("administrator", "create", 200),
        ("administrator", "detail", 200),
        ("board_member", "list", 200),
        ("board_member", "export", 200),
        ("board_member", "detail", 200),
        ("board_member", "create", 403),
        ("outsider", "list", 200),
        ("outsider", "detail", 404),
        ("outsider", "create", 404),
        ("chair", "detail", 404),
        ("grants_officer", "create", 404),
        ("other_board_member", "detail", 404),
        ("other_board_member", "create", 404),
        (None, "list", 302),
        (None, "export", 302),
        (None, "create", 302),
        (None, "detail", 302),
    ],
)
def test_permission_matrix(client, request, board, action, who, page, expected):
    if who:
        client.force_login(request.getfixturevalue(who))
    url = _urls(board, action)[page]

    response = client.get(url)

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


def test_user_without_membership_sees_an_empty_register(client, outsider, action):
    client.force_login(outsider)
    response = client.get(LIST)
    assert listed(response) == []
    assert action.title not in response.content.decode()


def test_member_of_another_board_sees_only_their_boards_actions(client, other_board_member, action):
    theirs = ActionFactory(board=other_board_member.person.memberships.get().board)
    client.force_login(other_board_member)
    assert listed(client.get(LIST)) == [theirs.pk]


def test_member_cannot_post_an_update(client, board_member, action):
    client.force_login(board_member)
    response = client.post(
        action.get_absolute_url(),
        {"note": "Done", "status": "complete", "on": today().isoformat()},
    )
    assert response.status_code == 403
    assert not ActionUpdate.objects.exists()
    action.refresh_from_db()
    assert action.status == Action.Status.ONGOING


def test_member_sees_no_update_form(client, board_member, action):
    client.force_login(board_member)
    response = client.get(action.get_absolute_url())
    assert response.context["form"] is None
    assert "Add the update" not in response.content.decode()


def test_outsider_cannot_post_an_update_to_an_action_they_cannot_see(client, outsider, action):
    client.force_login(outsider)
    response = client.post(
        action.get_absolute_url(), {"note": "x", "status": "complete", "on": "2026-01-01"}
    )
    assert response.status_code == 404
    assert not ActionUpdate.objects.exists()


# --- The list and its filters -------------------------------------------------------------


@pytest.fixture
def mixed_register(board):
    """Actions on two boards, with different owners, statuses and due dates."""
    police = OrganisationFactory(name="Riverside Police", short_name="Police")
    council = OrganisationFactory(name="Riverside Borough Council", short_name="Council")
    alex = PersonFactory(full_name="Alex Morgan", organisation=council)
    other_board = BoardFactory(name="Reducing Reoffending Group", short_name="RRG")
    made = {
        "overdue": ActionFactory(
            board=board,
            title="Refresh the ASB hotspot map",
            owner_organisation=police,
            raised_on=days(-60),
            due_date=days(-5),
        ),
        "soon": ActionFactory(
            board=board,
            title="Circulate the draft plan",
            description="Send the draft partnership plan to all members",
            owner_person=alex,
            owner_organisation=None,
            raised_on=days(-20),
            due_date=days(3),
        ),
        "complete": ActionFactory(
            board=board,
            title="Book the venue",
            owner_organisation=council,
            raised_on=days(-60),
            due_date=days(-10),
            status=Action.Status.COMPLETE,
            completed_on=days(-12),
        ),
        "other_board": ActionFactory(
            board=other_board,
            title="Review the reoffending data",
            owner_organisation=police,
            raised_on=days(-20),
            due_date=days(40),
        ),
    }
    made["alex"], made["police"], made["council"], made["other_board_obj"] = (
        alex,
        police,
        council,
        other_board,
    )
    return made


def test_register_lists_overdue_first_then_by_due_date(client, board_officer, mixed_register):
    client.force_login(board_officer)
    response = client.get(LIST)
    r = mixed_register
    assert listed(response) == [
        r["overdue"].pk,
        r["complete"].pk,
        r["soon"].pk,
        r["other_board"].pk,
    ]


def test_action_past_its_due_date_shows_as_overdue(client, board_officer, mixed_register):
    client.force_login(board_officer)
    response = client.get(LIST)
    html = response.content.decode()
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)
    overdue_row = next(row for row in rows if "Refresh the ASB hotspot map" in row)
    complete_row = next(row for row in rows if "Book the venue" in row)
    assert '<span class="badge text-bg-danger">Overdue</span>' in overdue_row
    assert "Overdue" not in complete_row  # past its date, but complete


def test_row_shows_reference_owner_and_latest_update(client, board_officer, board):
    meeting = MeetingFactory(board=board, starts_at=at(dt.date(2020, 12, 4)))
    item = item_on(meeting)
    action = ActionFactory(
        board=board,
        meeting=meeting,
        item=item,
        raised_on=dt.date(2020, 12, 4),
        due_date=days(10),
        owner_person=PersonFactory(full_name="Sam Patel"),
        owner_organisation=OrganisationFactory(name="Riverside Fire", short_name="Fire"),
    )
    ActionUpdate.objects.create(action=action, on=days(-9), note="Old news", status="ongoing")
    ActionUpdate.objects.create(
        action=action, on=days(-1), note="Draft shared with the police lead", status="ongoing"
    )
    client.force_login(board_officer)

    html = client.get(LIST).content.decode()

    assert "04.12.20 Item 6" in html
    assert "Sam Patel (Fire)" in html
    assert "Draft shared with the police lead" in html
    assert "Old news" not in html
    assert "SRPB" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (lambda r: {"board": r["other_board_obj"].pk}, ["other_board"]),
        (lambda r: {"owner_person": r["alex"].pk}, ["soon"]),
        (lambda r: {"owner_organisation": r["police"].pk}, ["overdue", "other_board"]),
        (lambda r: {"status": "complete"}, ["complete"]),
        (lambda r: {"status": "ongoing"}, ["overdue", "soon", "other_board"]),
        (lambda r: {"overdue": "true"}, ["overdue"]),
        (lambda r: {"overdue": "false"}, ["complete", "soon", "other_board"]),
        (lambda r: {"q": "hotspot"}, ["overdue"]),
        (lambda r: {"q": "partnership plan"}, ["soon"]),  # matches the description
        (
            lambda r: {"status": "ongoing", "owner_organisation": r["police"].pk},
            ["overdue", "other_board"],
        ),
    ],
)
def test_filters_narrow_the_register(client, board_officer, mixed_register, params, expected):
    client.force_login(board_officer)
    response = client.get(LIST, params(mixed_register))
    assert listed(response) == [mixed_register[key].pk for key in expected]


def test_member_cannot_filter_to_a_board_they_do_not_sit_on(client, board_member, mixed_register):
    client.force_login(board_member)
    response = client.get(LIST, {"board": mixed_register["other_board_obj"].pk})
    assert listed(response) == []
    board_choices = response.context["filter"].form.fields["board"].queryset
    assert mixed_register["other_board_obj"] not in board_choices


def test_register_paginates_at_fifty(client, board_officer, board):
    for n in range(51):
        ActionFactory(board=board, number=n + 1, due_date=days(n), raised_on=days(-1))
    client.force_login(board_officer)

    first = client.get(LIST, {"status": "ongoing"})
    second = client.get(LIST, {"status": "ongoing", "page": 2})

    assert len(listed(first)) == 50
    assert len(listed(second)) == 1
    html = first.content.decode()
    assert 'aria-label="Pages of the register"' in html
    assert 'aria-current="page"' in html
    assert "?status=ongoing&amp;page=2" in html


# One query count for 5 or 50 rows: no query per row for the board, owner, reference or update.
LIST_QUERIES = 9


@pytest.mark.parametrize("count", [5, 50])
def test_register_query_count_does_not_grow_with_rows(
    client, board_officer, board, django_assert_num_queries, count
):
    meeting = MeetingFactory(board=board, starts_at=at(days(-40)))
    item = item_on(meeting)
    for n in range(count):
        action = ActionFactory(
            board=board,
            number=n + 1,
            meeting=meeting,
            item=item,
            owner_person=PersonFactory(),
            raised_on=days(-40),
            due_date=days(n - 2),
        )
        ActionUpdate.objects.create(action=action, on=days(-1), note="On track", status="ongoing")
    client.force_login(board_officer)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST)

    assert len(listed(response)) == count


# --- CSV export ---------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_export_has_the_register_columns_and_a_dated_filename(client, board_officer, board):
    meeting = MeetingFactory(board=board, starts_at=at(dt.date(2020, 12, 4)))
    action = ActionFactory(
        board=board,
        meeting=meeting,
        item=item_on(meeting),
        title="Publish the strategic assessment",
        description="Agree and publish the 2021 assessment",
        owner_person=PersonFactory(full_name="Siân Ellis", organisation__short_name="Police"),
        owner_organisation=None,
        raised_on=dt.date(2020, 12, 4),
        due_date=dt.date(2021, 3, 31),
    )
    ActionUpdate.objects.create(
        action=action, on=dt.date(2021, 4, 2), note="Published", status="complete"
    )
    action.status, action.completed_on = Action.Status.COMPLETE, dt.date(2021, 4, 2)
    action.save()
    client.force_login(board_officer)

    response = client.get(EXPORT)

    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="actions-register-{today():%Y-%m-%d}.csv"' in response["Content-Disposition"]
    header, row = read_csv(response)
    assert header == [
        "Board",
        "Number",
        "Reference",
        "Action",
        "Description",
        "Owner",
        "Due date",
        "Status",
        "Completed on",
        "Latest update",
        "Overdue",
    ]
    assert row == [
        "SRPB",
        str(action.number),
        "04.12.20 Item 6",
        "Publish the strategic assessment",
        "Agree and publish the 2021 assessment",
        "Siân Ellis (Police)",
        "31/03/2021",
        "Complete",
        "02/04/2021",
        "02/04/2021: Published",
        "No",
    ]


def test_csv_export_honours_the_filters(client, board_officer, mixed_register):
    client.force_login(board_officer)

    rows = read_csv(client.get(EXPORT, {"owner_organisation": mixed_register["police"].pk}))
    overdue_only = read_csv(client.get(EXPORT, {"overdue": "true"}))

    assert [r[3] for r in rows[1:]] == [
        "Refresh the ASB hotspot map",
        "Review the reoffending data",
    ]
    assert [r[3] for r in overdue_only[1:]] == ["Refresh the ASB hotspot map"]
    assert overdue_only[1][-1] == "Yes"


def test_csv_export_holds_only_the_boards_the_user_can_see(client, board_member, mixed_register):
    client.force_login(board_member)
    rows = read_csv(client.get(EXPORT))
    assert "Review the reoffending data" not in [r[3] for r in rows[1:]]
    assert len(rows) == 4


def test_csv_export_neutralises_spreadsheet_formulas(client, board_officer, board):
    ActionFactory(board=board, title='=HYPERLINK("http://example.com")', due_date=days(5))
    client.force_login(board_officer)
    _, row = read_csv(client.get(EXPORT))
    assert row[3].startswith("'=")


# --- Raising an action --------------------------------------------------------------------


def create_url(board, **query):
    url = reverse("boards:action_create", args=[board.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def valid_action_data(**overrides):
    data = {
        "title": "Report knife crime trends",
        "description": "Bring the quarterly trend analysis to the next meeting",
        "owner_person": "",
        "owner_organisation": OrganisationFactory(name="Riverside Police").pk,
        "due_date": days(30).isoformat(),
        "meeting": "",
        "item": "",
    }
    data.update(overrides)
    return data


def test_officer_raises_an_action_and_lands_on_its_page(client, board_officer, board):
    ActionFactory(board=board, number=4)
    meeting = MeetingFactory(board=board, starts_at=at(days(-7)))
    item = item_on(meeting)
    client.force_login(board_officer)

    response = client.post(
        create_url(board), valid_action_data(meeting=meeting.pk, item=item.pk), follow=True
    )

    action = Action.objects.get(title="Report knife crime trends")
    assert response.redirect_chain[-1][0] == action.get_absolute_url()
    assert action.number == 5
    assert action.item == item
    assert action.raised_on == meeting.date
    assert "Action 5 added" in response.content.decode()


def test_create_form_preselects_the_meeting_and_item_from_the_address(client, board_officer, board):
    meeting = MeetingFactory(board=board, starts_at=at(days(-7)))
    item = item_on(meeting)
    client.force_login(board_officer)

    response = client.get(create_url(board, meeting=meeting.pk, item=item.pk))

    assert response.context["form"].initial == {"meeting": meeting, "item": item}


def test_create_form_ignores_a_meeting_of_another_board_with_a_message(
    client, board_officer, board
):
    elsewhere = MeetingFactory(starts_at=at(days(-7)))
    client.force_login(board_officer)

    response = client.get(create_url(board, meeting=elsewhere.pk, item=item_on(elsewhere).pk))

    assert response.status_code == 200
    assert response.context["form"].initial == {}
    html = response.content.decode()
    assert escape("That meeting is not one of this board's") in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"owner_organisation": ""}, "owner_person", "Name an owner"),
        ({"due_date": ""}, "due_date", "This field is required."),
        ({"due_date": "2001-01-01"}, "due_date", "The action cannot be due before it was raised."),
    ],
)
def test_create_form_refuses_bad_input_by_the_field(
    client, board_officer, board, overrides, field, message
):
    client.force_login(board_officer)
    response = client.post(create_url(board), valid_action_data(**overrides))
    assert_error_by_field(response, field, message)
    assert not Action.objects.exists()


def test_create_form_refuses_an_item_of_another_meeting(client, board_officer, board):
    first = MeetingFactory(board=board, starts_at=at(days(-40)))
    second = MeetingFactory(board=board, starts_at=at(days(-7)))
    client.force_login(board_officer)

    response = client.post(
        create_url(board), valid_action_data(meeting=second.pk, item=item_on(first).pk)
    )

    assert_error_by_field(response, "item", "Choose an item on the chosen meeting's agenda.")
    assert not Action.objects.exists()


def test_create_form_refuses_an_item_of_another_board(client, board_officer, board):
    other_item = item_on(MeetingFactory(starts_at=at(days(-7))))
    client.force_login(board_officer)

    response = client.post(create_url(board), valid_action_data(item=other_item.pk))

    assert_error_by_field(response, "item", "Select a valid choice.")
    assert not Action.objects.exists()


def test_member_cannot_post_a_new_action(client, board_member, board):
    client.force_login(board_member)
    response = client.post(create_url(board), valid_action_data())
    assert response.status_code == 403
    assert not Action.objects.exists()


# --- The action's page and its updates ----------------------------------------------------


def test_officer_adds_an_update_that_completes_the_action(client, board_officer, action):
    client.force_login(board_officer)

    response = client.post(
        action.get_absolute_url(),
        {"note": "Published on the website", "status": "complete", "on": today().isoformat()},
        follow=True,
    )

    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETE
    assert action.completed_on == today()
    update = action.updates.get()
    assert update.author == board_officer
    html = response.content.decode()
    assert "Published on the website" in html
    assert "Update added to action" in html


def test_update_form_defaults_to_today(client, board_officer, action):
    client.force_login(board_officer)
    response = client.get(action.get_absolute_url())
    assert response.context["form"].initial["on"] == today()
    assert f'value="{today():%Y-%m-%d}"' in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"note": ""}, "note", "Say what has happened."),
        ({"note": "   "}, "note", "Say what has happened."),
        ({"on": "2001-01-01"}, "on", "An update cannot come before the action was raised."),
    ],
)
def test_update_form_refuses_bad_input_by_the_field(
    client, board_officer, action, overrides, field, message
):
    client.force_login(board_officer)
    data = {"note": "Published", "status": "complete", "on": today().isoformat()}
    data.update(overrides)

    response = client.post(action.get_absolute_url(), data)

    assert_error_by_field(response, field, message)
    assert not ActionUpdate.objects.exists()
    action.refresh_from_db()
    assert action.status == Action.Status.ONGOING
    assert action.completed_on is None


def test_detail_lists_updates_newest_first_with_their_author(client, board_officer, action):
    writer = UserFactory(username="writer", first_name="Priya", last_name="Shah")
    ActionUpdate.objects.create(
        action=action, on=days(-10), note="First draft", status="ongoing", author=writer
    )
    ActionUpdate.objects.create(
        action=action, on=days(-2), note="Second draft", status="ongoing", author=writer
    )
    client.force_login(board_officer)

    response = client.get(action.get_absolute_url())

    assert [u.note for u in response.context["updates"]] == ["Second draft", "First draft"]
    html = response.content.decode()
    assert html.index("Second draft") < html.index("First draft")
    assert "Priya Shah" in html


def test_detail_shows_who_changed_what_in_the_history(client, board_officer, action):
    client.force_login(board_officer)
    client.post(
        action.get_absolute_url(),
        {"note": "Done", "status": "complete", "on": today().isoformat()},
    )

    response = client.get(action.get_absolute_url())

    latest = response.context["history"][0]
    assert latest["kind"] == "Changed"
    assert latest["who"] == board_officer.get_full_name()
    assert {"field": "Status", "old": "Ongoing", "new": "Complete"} in latest["changes"]
    assert response.context["history"][-1]["kind"] == "Added"
    assert "Ongoing → Complete" in response.content.decode()
