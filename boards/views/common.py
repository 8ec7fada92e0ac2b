"""Helpers shared by the board views."""

from django.core.exceptions import PermissionDenied

from ..models import Board, Meeting
from ..permissions import can_manage_boards, get_board_for_user, get_meeting_for_user


def managed_board(user, pk) -> Board:
    """The board if the user may change it; 404 if they cannot see it, 403 if only see it."""
    board = get_board_for_user(user, pk)
    if not can_manage_boards(user):
        raise PermissionDenied("Only board officers change boards.")
    return board


def managed_meeting(user, pk) -> Meeting:
    meeting = get_meeting_for_user(user, pk)
    if not can_manage_boards(user):
        raise PermissionDenied("Only board officers change meetings.")
    return meeting


def require_manager(user) -> None:
    if not can_manage_boards(user):
        raise PermissionDenied("Only board officers change the partnership's lists.")
