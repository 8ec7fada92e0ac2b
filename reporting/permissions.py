"""Who may ask for reports, on which boards, and who may see a report once built.

Chairs, board officers and administrators use the reports area. Board officers and
administrators report on every board; anyone else only on the boards they sit on today (their
chair's seat or a member's): someone who has left a board no longer receives its reports. A built
report is for the person who asked, for board officers, and for the people with the reports role
who sit on its board when the scheduler made it as a draft, or when it is an annual report (an
officer prepares it, the chair signs it off) or a meeting's agenda pack. Anyone else gets 404,
so a report's address tells them nothing.
"""

from django.db.models import Q
from django.http import Http404

from boards.models import Board
from boards.permissions import can_manage_boards, visible_boards
from partnership import roles

from .models import ReportRequest

REPORT_ROLES = (roles.CHAIR, roles.BOARD_OFFICER)  # administrators hold every role
# Kinds every reports user on the board sees, whoever asked for them.
SHARED_WITH_THE_BOARD = ("annual", "agenda_pack")


def can_use_reports(user) -> bool:
    return user.is_authenticated and roles.has_role(user, REPORT_ROLES)


def report_boards(user):
    """Boards the user may ask for a report on. Case panels report through their parent board."""
    if not can_use_reports(user):
        return Board.objects.none()
    return (
        visible_boards(user)
        .filter(active=True)
        .exclude(kind__in=(Board.Kind.PANEL, Board.Kind.REVIEW_PANEL))
    )


def reports_listed_for(user):
    """The dashboard's list: the user's own requests and the scheduler's drafts for their boards."""
    if not can_use_reports(user):
        return ReportRequest.objects.none()
    shared = Q(requested_by__isnull=True) | Q(kind__in=SHARED_WITH_THE_BOARD)
    theirs = shared & Q(board__in=visible_boards(user))
    return ReportRequest.objects.filter(Q(requested_by=user) | theirs).select_related("board")


def can_see_report(user, report: ReportRequest) -> bool:
    if not can_use_reports(user):
        return False
    if report.requested_by_id == user.pk or can_manage_boards(user):
        return True
    return (
        (report.requested_by_id is None or report.kind in SHARED_WITH_THE_BOARD)
        and report.board_id is not None
        and visible_boards(user).filter(pk=report.board_id).exists()
    )


def get_report_for_user(user, pk) -> ReportRequest:
    """The report if the user may see it; 404 otherwise (unknown and forbidden look the same)."""
    report = ReportRequest.objects.filter(pk=pk).select_related("board").first()
    if report is None or not can_see_report(user, report):
        raise Http404("No such report")
    return report
