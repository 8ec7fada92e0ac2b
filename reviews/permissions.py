"""Who may see a case panel's business: its current members, and nobody else.

Membership of the panel (a boards.Membership in force today, through the user's Person) is the
only key. Roles do not widen it: administrators and board officers manage panels and their
membership, but read no case unless they sit on the panel. Anyone else gets 404 for every case,
meeting list and action of the panel, so they learn nothing about it.

Views may also require a role (``partnership.permissions.role_required``) to reach the area at
all; that narrows access further and never widens it.
"""

from datetime import date
from typing import NamedTuple

from django.http import Http404
from django.utils import timezone

from boards.models import Board, Meeting, Membership
from partnership import roles

from .models import (
    Case,
    CaseAction,
    CaseListing,
    ConfidentialityAgreement,
    ParallelProcess,
    Recommendation,
    RecommendationAction,
    Review,
    current_panel_ids,
    current_review_panel_ids,
)

# The relations a case page shows without further queries.
CASE_RELATIONS = (
    "panel",
    "panel__panel_rules",
    "referring_organisation",
    "referring_person",
    "repeat_of",
)


class Decision(NamedTuple):
    """A yes or no, with the reason a page can show when it is no."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def panels_for(user, day: date | None = None):
    """The panels the user is a member of today (or on ``day``)."""
    return Board.objects.filter(pk__in=current_panel_ids(user, day)).order_by("name")


def _panel_kinds(user) -> frozenset[str]:
    """The kinds of panel (case, review) the user sits on today: one query per request."""
    cached = getattr(user, "_csp_panel_kinds", None)
    if cached is None:
        cached = frozenset()
        if getattr(user, "is_authenticated", False):
            cached = frozenset(
                Membership.objects.on(timezone.localdate())
                .filter(
                    person__user=user,
                    person__active=True,
                    board__kind__in=(Board.Kind.PANEL, Board.Kind.REVIEW_PANEL),
                )
                .values_list("board__kind", flat=True)
                .distinct()
            )
        user._csp_panel_kinds = cached
    return cached


def sits_on_a_panel(user) -> bool:
    """Whether the user is a member of any case panel today."""
    return Board.Kind.PANEL in _panel_kinds(user)


def is_panel_member(user, panel: Board, day: date | None = None) -> bool:
    return current_panel_ids(user, day).filter(board_id=panel.pk).exists()


def _current_membership(user, panel: Board) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.on(timezone.localdate())
        .filter(board=panel, person__user=user, person__active=True)
        .first()
    )


def is_panel_chair(user, panel: Board) -> bool:
    """The panel's Chair or Deputy Chair today: they read the panel's access log."""
    membership = _current_membership(user, panel)
    return membership is not None and membership.presides


def is_panel_coordinator(user, panel: Board) -> bool:
    """A current member who holds the Panel coordinator role."""
    return is_panel_member(user, panel) and roles.has_role(user, (roles.PANEL_COORDINATOR,))


def get_panel_for_user(user, pk) -> Board:
    panel = panels_for(user).filter(pk=pk).first()
    if panel is None:
        raise Http404("No such panel")
    return panel


def get_case_for_user(user, pk) -> Case:
    """The case if the user is a current member of its panel; 404 for anyone else."""
    case = Case.objects.visible_to(user).select_related(*CASE_RELATIONS).filter(pk=pk).first()
    if case is None:
        raise Http404("No such case")
    return case


def get_panel_meeting_for_user(user, pk) -> Meeting:
    """A meeting of one of the user's panels; 404 otherwise."""
    meeting = (
        Meeting.objects.filter(pk=pk, board_id__in=current_panel_ids(user))
        .select_related("board")
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def get_case_action_for_user(user, pk) -> CaseAction:
    action = (
        CaseAction.objects.visible_to(user)
        .select_related("case", "case__panel", "agency")
        .filter(pk=pk)
        .first()
    )
    if action is None:
        raise Http404("No such action")
    return action


def get_listing_for_user(user, pk) -> CaseListing:
    """A case's place on a meeting's list, if the case is on one of the user's panels; 404."""
    listing = (
        CaseListing.objects.filter(pk=pk, case__panel_id__in=current_panel_ids(user))
        .select_related("case", "case__panel", "meeting", "meeting__board")
        .first()
    )
    if listing is None:
        raise Http404("No such listing")
    return listing


def has_agreed(user, meeting: Meeting) -> bool:
    return ConfidentialityAgreement.objects.filter(meeting=meeting, user=user).exists()


def can_open_meeting_list(user, meeting: Meeting) -> Decision:
    """A member opens a meeting's case list after agreeing to keep it confidential."""
    if not is_panel_member(user, meeting.board):
        return Decision(False, "Only the panel's members can open its case list.")
    if not has_agreed(user, meeting):
        return Decision(False, "Record your confidentiality agreement for this meeting first.")
    return Decision(True)


def can_read_access_log(user, panel: Board) -> Decision:
    if not is_panel_chair(user, panel):
        return Decision(False, "Only the panel's Chair and Deputy Chair read its access log.")
    return Decision(True)


def can_approve_disposal(user, panel: Board) -> Decision:
    if not is_panel_coordinator(user, panel):
        return Decision(False, "Only a coordinator who sits on the panel approves disposal.")
    return Decision(True)


# --- Statutory reviews (the One Panel) ----------------------------------------------------
# The same rule as the case panels: a current member of the review panel sees its reviews;
# anyone else, administrators included, gets 404.


def review_panels_for(user, day: date | None = None):
    """The review panels (One Panels) the user is a member of today."""
    return Board.objects.filter(pk__in=current_review_panel_ids(user, day)).order_by("name")


def sits_on_a_review_panel(user) -> bool:
    """Whether the user is a member of any review panel (One Panel) today."""
    return Board.Kind.REVIEW_PANEL in _panel_kinds(user)


def is_review_panel_member(user, panel: Board) -> bool:
    return current_review_panel_ids(user).filter(board_id=panel.pk).exists()


def get_review_panel_for_user(user, pk) -> Board:
    panel = review_panels_for(user).filter(pk=pk).first()
    if panel is None:
        raise Http404("No such panel")
    return panel


REVIEW_RELATIONS = ("panel", "review_type", "referring_organisation", "decided_by")


def get_review_for_user(user, pk) -> Review:
    """The review if the user sits on its panel today; 404 for anyone else."""
    review = Review.objects.visible_to(user).select_related(*REVIEW_RELATIONS).filter(pk=pk).first()
    if review is None:
        raise Http404("No such review")
    return review


def get_recommendation_for_user(user, pk) -> Recommendation:
    recommendation = (
        Recommendation.objects.filter(pk=pk, review__panel_id__in=current_review_panel_ids(user))
        .select_related("review", "review__panel")
        .first()
    )
    if recommendation is None:
        raise Http404("No such recommendation")
    return recommendation


def get_review_action_for_user(user, pk) -> RecommendationAction:
    action = (
        RecommendationAction.objects.filter(
            pk=pk, recommendation__review__panel_id__in=current_review_panel_ids(user)
        )
        .select_related("recommendation", "recommendation__review", "organisation")
        .first()
    )
    if action is None:
        raise Http404("No such action")
    return action


def get_parallel_process_for_user(user, pk) -> ParallelProcess:
    process = (
        ParallelProcess.objects.filter(pk=pk, review__panel_id__in=current_review_panel_ids(user))
        .select_related("review", "review__panel")
        .first()
    )
    if process is None:
        raise Http404("No such process")
    return process
