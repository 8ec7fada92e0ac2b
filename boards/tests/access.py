"""The boards app's entries in the permission matrix (see tests/test_permission_matrix.py).

Board pages are for the people who sit on the board today, board officers and administrators;
anyone else gets 404, a former member included. Changes are for board officers: a member who
sees the board gets 403, anyone else 404. The partnership's own lists (organisations, people,
indicators) are for board officers too (403 for everyone else signed in).
"""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from boards.models import AgendaItem, BudgetLine, Indicator, Membership, Paper, TermsOfReference
from boards.tests.factories import (
    ActionFactory,
    BoardFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    at,
    plan_with_actions,
)
from partnership import roles
from partnership.tests.access import (
    ADMIN,
    CHAIR_A,
    FORMER_A,
    MEMBER_A,
    MEMBER_B,
    OFFICER,
    World,
    everyone,
    get,
    only,
    post,
    public,
)
from partnership.tests.factories import UserFactory

SEES_A = (MEMBER_A, CHAIR_A, OFFICER, ADMIN)
MANAGERS = (OFFICER, ADMIN)


def of_a(ok: int = 200) -> dict:
    """A page of board A: its members today and the managers get ``ok``, the rest 404."""
    return only(ok, SEES_A, 404)


def change_a(ok: int = 200) -> dict:
    """A change to board A: managers ``ok``, its members 403 (they see it), the rest 404."""
    return only(ok, MANAGERS, 404, member_a=403, chair_a=403)


def managers(ok: int = 200) -> dict:
    return only(ok, MANAGERS, 403)


def _seat(board, role_name=None, *, username, seat=Membership.Role.MEMBER, end=None):
    user = UserFactory(username=username, roles=[role_name] if role_name else [])
    person = PersonFactory(user=user)
    MembershipFactory(board=board, person=person, role=seat, end_date=end)
    return user


def build(world: World) -> None:
    today = timezone.localdate()
    a = BoardFactory(name="Safer Riverside Board A")
    b = BoardFactory(name="Safer Riverside Board B")
    world.board_a, world.board_b = a, b
    world.users[MEMBER_A] = _seat(a, username="matrix_member_a")
    world.users[MEMBER_B] = _seat(b, username="matrix_member_b")
    world.users[FORMER_A] = _seat(a, username="matrix_former_a", end=today - dt.timedelta(days=1))
    world.users[CHAIR_A] = _seat(
        a, roles.CHAIR, username="matrix_chair_a", seat=Membership.Role.CHAIR
    )
    world.membership = a.memberships.first()
    world.meeting = MeetingFactory(board=a, starts_at=at(today - dt.timedelta(days=7)))
    world.item = AgendaItem.objects.create(
        meeting=world.meeting, number=1, title="Strategic assessment", purpose="decision"
    )
    world.paper = Paper.objects.create(
        item=world.item,
        title="Assessment",
        file=SimpleUploadedFile("assessment.pdf", b"%PDF-1.4 matrix"),
    )
    world.terms = TermsOfReference.objects.create(
        board=a,
        version="2026",
        document=SimpleUploadedFile("terms.pdf", b"%PDF-1.4 matrix"),
        approved_on=today - dt.timedelta(days=30),
        review_due=today + dt.timedelta(days=300),
    )
    world.action = ActionFactory(board=a, meeting=world.meeting)
    world.plan, world.priority, (world.key_action,) = plan_with_actions(1, board=a)
    world.indicator = Indicator.objects.create(name="Knife crime with injury", category="Violence")
    world.budget_line = BudgetLine.objects.create(
        board=a,
        year=2025,
        kind=BudgetLine.Kind.values[0],
        organisation=world.membership.organisation,
        category="Staffing",
        amount=Decimal("1000"),
    )
    world.organisation = world.membership.organisation
    world.person = world.membership.person


def _a(w):
    return [w.board_a.pk]


def _meeting(w):
    return [w.meeting.pk]


ENTRIES = [
    get("boards:index", everyone(200)),
    get("boards:board_create", managers()),
    post("boards:board_create", managers()),
    get("boards:board_detail", of_a(), _a),
    get("boards:board_edit", change_a(), _a),
    post("boards:board_edit", change_a(), _a),
    get("boards:membership_create", change_a(), _a),
    post("boards:membership_create", change_a(), _a),
    get("boards:membership_edit", change_a(), lambda w: [w.board_a.pk, w.membership.pk]),
    post("boards:membership_edit", change_a(), lambda w: [w.board_a.pk, w.membership.pk]),
    get("boards:terms_add", change_a(), _a),
    post("boards:terms_add", change_a(), _a),
    get("boards:terms_download", of_a(), lambda w: [w.terms.pk]),
    get("boards:organisation_list", managers()),
    get("boards:organisation_create", managers()),
    post("boards:organisation_create", managers()),
    get("boards:organisation_edit", managers(), lambda w: [w.organisation.pk]),
    post("boards:organisation_edit", managers(), lambda w: [w.organisation.pk]),
    get("boards:person_create", managers()),
    post("boards:person_create", managers()),
    get("boards:person_edit", managers(), lambda w: [w.person.pk]),
    post("boards:person_edit", managers(), lambda w: [w.person.pk]),
    get("boards:meeting_create", change_a(), _a),
    post("boards:meeting_create", change_a(), _a),
    get("boards:meeting_detail", of_a(), _meeting),
    get("boards:meeting_edit", change_a(), _meeting),
    post("boards:meeting_edit", change_a(), _meeting),
    get("boards:meeting_cancel", everyone(405), _meeting),
    post("boards:meeting_cancel", change_a(302), _meeting),
    get("boards:minutes", of_a(), _meeting),
    post("boards:minutes", of_a(), _meeting),
    post("boards:standard_items", change_a(302), _meeting),
    post("boards:approve_minutes", change_a(302), _meeting),
    get("boards:item_create", change_a(), _meeting),
    post("boards:item_create", change_a(), _meeting),
    get("boards:item_edit", change_a(), lambda w: [w.item.pk]),
    post("boards:item_edit", change_a(), lambda w: [w.item.pk]),
    get("boards:paper_upload", change_a(), lambda w: [w.item.pk]),
    post("boards:paper_upload", change_a(), lambda w: [w.item.pk]),
    get("boards:paper_download", of_a(), lambda w: [w.paper.pk]),
    get("boards:attendance", change_a(), _meeting),
    post("boards:attendance", change_a(), _meeting),
    post("boards:attendance_quorum", change_a(200), _meeting),
    get("boards:declaration_add", change_a(), lambda w: [w.meeting.pk]),
    post("boards:declaration_add", change_a(), lambda w: [w.meeting.pk]),
    get("boards:action_list", everyone(200)),
    get("boards:action_export", everyone(200)),
    get("boards:action_create", change_a(), _a),
    post("boards:action_create", change_a(), _a),
    get("boards:action_detail", of_a(), lambda w: [w.action.pk]),
    post("boards:action_detail", change_a(), lambda w: [w.action.pk]),
    get("boards:attendance_grid", of_a(), _a),
    get("boards:attendance_grid_csv", of_a(), _a),
    get("boards:attendance_grid_xlsx", of_a(), _a),
    get("boards:meeting_ics", of_a(), _meeting),
    # The calendar feed's address is its key: anyone holding it subscribes, signed in or not.
    get("boards:board_feed", public(200), lambda w: [w.board_a.calendar_token]),
    get("boards:plan_list", everyone(200)),
    get("boards:plan_create", managers()),
    post("boards:plan_create", managers()),
    get("boards:plan_detail", of_a(), lambda w: [w.plan.pk]),
    get("boards:plan_edit", change_a(), lambda w: [w.plan.pk]),
    post("boards:plan_edit", change_a(), lambda w: [w.plan.pk]),
    get("boards:plan_csv", of_a(), lambda w: [w.plan.pk]),
    get("boards:plan_xlsx", of_a(), lambda w: [w.plan.pk]),
    get("boards:priority_create", change_a(), lambda w: [w.plan.pk]),
    post("boards:priority_create", change_a(), lambda w: [w.plan.pk]),
    get("boards:priority_edit", change_a(), lambda w: [w.priority.pk]),
    post("boards:priority_edit", change_a(), lambda w: [w.priority.pk]),
    get("boards:key_action_create", change_a(), lambda w: [w.priority.pk]),
    post("boards:key_action_create", change_a(), lambda w: [w.priority.pk]),
    get("boards:key_action_detail", of_a(), lambda w: [w.key_action.pk]),
    post("boards:key_action_detail", change_a(), lambda w: [w.key_action.pk]),
    get("boards:key_action_edit", change_a(), lambda w: [w.key_action.pk]),
    post("boards:key_action_edit", change_a(), lambda w: [w.key_action.pk]),
    get("boards:statistics", everyone(200)),
    get("boards:statistics_csv", everyone(200)),
    get("boards:indicator_create", managers()),
    post("boards:indicator_create", managers()),
    get("boards:indicator_detail", everyone(200), lambda w: [w.indicator.pk]),
    post("boards:indicator_detail", managers(), lambda w: [w.indicator.pk]),
    get("boards:indicator_edit", managers(), lambda w: [w.indicator.pk]),
    post("boards:indicator_edit", managers(), lambda w: [w.indicator.pk]),
    get("boards:indicator_import", managers()),
    post("boards:indicator_import", managers()),
    get("boards:indicator_import_confirm", everyone(405)),
    # With no preview waiting in the session, the officer is sent back to the import page.
    post("boards:indicator_import_confirm", managers(302)),
    get("boards:budget", of_a(), _a),
    get("boards:budget_xlsx", of_a(), _a),
    get("boards:budget_line_create", change_a(), _a),
    post("boards:budget_line_create", change_a(), _a),
    get("boards:budget_line_edit", change_a(), lambda w: [w.budget_line.pk]),
    post("boards:budget_line_edit", change_a(), lambda w: [w.budget_line.pk]),
    post("boards:budget_line_delete", change_a(302), lambda w: [w.budget_line.pk]),
    get("boards:partnership_budget", managers()),
]
