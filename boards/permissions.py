"""Who may see and change board business.

Board officers and administrators manage every board. Anyone else sees only the boards they
sit on today (through their linked Person): someone whose seat has ended no longer sees the
board, its meetings or its papers. For any other board they get 404, so they learn nothing
about it. Reports follow the same seats (``visible_boards`` is the one rule for both).
"""

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from partnership import roles

from .models import Action, Board, Meeting, Membership, StrategicPlan
from .models.actions import REGISTER_RELATIONS

MANAGERS = (roles.BOARD_OFFICER,)  # administrators hold every role


def can_manage_boards(user) -> bool:
    return user.is_authenticated and roles.has_role(user, MANAGERS)


def visible_boards(user):
    """Boards the user sits on today; every board for a board officer. The one rule for the
    boards' pages and the reports area alike."""
    if can_manage_boards(user):
        return Board.objects.all()
    if not user.is_authenticated:
        return Board.objects.none()
    seats = Membership.objects.on(timezone.localdate()).filter(person__user=user)
    return Board.objects.filter(pk__in=seats.values("board_id"))


def get_board_for_user(user, pk) -> Board:
    board = visible_boards(user).filter(pk=pk).first()
    if board is None:
        raise Http404("No such board")
    return board


def get_meeting_for_user(user, pk) -> Meeting:
    meeting = (
        Meeting.objects.filter(board__in=visible_boards(user), pk=pk)
        .select_related("board")
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def get_action_for_user(user, pk) -> Action:
    action = (
        Action.objects.filter(board__in=visible_boards(user), pk=pk)
        .select_related(*REGISTER_RELATIONS)
        .first()
    )
    if action is None:
        raise Http404("No such action")
    return action


def plans_visible_to(user):
    """Plans of the boards the user sees, and plans where their organisation leads an action."""
    if can_manage_boards(user):
        return StrategicPlan.objects.all()
    if not user.is_authenticated:
        return StrategicPlan.objects.none()
    return StrategicPlan.objects.filter(
        Q(board__in=visible_boards(user))
        | Q(priorities__key_actions__lead_organisations__people__user=user)
    ).distinct()


def get_plan_for_user(user, pk) -> StrategicPlan:
    plan = plans_visible_to(user).filter(pk=pk).select_related("board", "status_key").first()
    if plan is None:
        raise Http404("No such plan")
    return plan


def can_update_progress(user, action) -> bool:
    """Board officers, and the contacts of the key action's lead organisations."""
    if can_manage_boards(user):
        return True
    person = getattr(user, "person", None) if user.is_authenticated else None
    return (
        person is not None and action.lead_organisations.filter(pk=person.organisation_id).exists()
    )
