"""Meetings: scheduling, the agenda and papers, attendance with quorum, declarations, minutes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from partnership import pagecache, roles
from partnership.downloads import attachment
from partnership.pages import form_page

from .. import services
from ..forms import (
    AgendaItemForm,
    AttendanceForm,
    DeclarationForm,
    MeetingForm,
    PaperForm,
    add_service_errors,
)
from ..models import Action, AgendaItem, Attendance, Meeting, Paper
from ..permissions import can_manage_boards, get_meeting_for_user
from .common import managed_board, managed_meeting


def _crumbs(meeting_or_board):
    board = getattr(meeting_or_board, "board", meeting_or_board)
    crumbs = [("Boards", reverse("boards:index")), (board.display_name, board.get_absolute_url())]
    if isinstance(meeting_or_board, Meeting):
        crumbs.append((f"{meeting_or_board.date:%-d %B %Y}", meeting_or_board.get_absolute_url()))
    return crumbs


def _meeting_page_data(meeting: Meeting) -> dict:
    """Everything the meeting and minutes pages show, in a fixed number of queries."""
    items = list(
        meeting.items.prefetch_related(
            "papers",
            Prefetch("declarations", to_attr="declared"),
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("owner_person", "owner_organisation"),
                to_attr="raised",
            ),
        )
    )
    attendance = list(
        meeting.attendance.select_related(
            "membership__person", "membership__organisation", "deputy"
        )
    )
    by_status = {status: [] for status in Attendance.Status.values}
    for row in attendance:
        by_status[row.status].append(row)
    outstanding = (
        Action.objects.outstanding_at(meeting)
        .select_related("owner_person", "owner_organisation", "meeting", "item__meeting")
        .order_by("number")
    )
    return {
        "meeting": meeting,
        "items": items,
        "present": [r for r in attendance if r.membership.role != "officer" and r.present],
        "officers": [r for r in attendance if r.membership.role == "officer" and r.present],
        "apologies": by_status["apologies"],
        "absent": by_status["absent"],
        "declarations": meeting.declarations.select_related("person", "item"),
        "outstanding": outstanding,
        "quorum": services.saved_quorum(meeting) if attendance else None,
        "others_present": [line for line in meeting.others_present.splitlines() if line.strip()],
    }


@login_required
def meeting_detail(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    context = _meeting_page_data(meeting)
    context["can_manage"] = can_manage_boards(request.user)
    # Chairs and officers build the agenda pack (in the reports area, linked by address only),
    # for the active boards that report; case panels do not.
    board = meeting.board
    context["can_build_pack"] = (
        board.active
        and board.kind not in (board.Kind.PANEL, board.Kind.REVIEW_PANEL)
        and roles.has_role(request.user, (roles.CHAIR, roles.BOARD_OFFICER))
    )
    context["crumbs"] = _crumbs(meeting.board)
    context["previous"] = meeting.previous()
    # Corrections to attendance after the meeting, with who made them (the audit history).
    context["attendance_changes"] = (
        Attendance.history.filter(meeting_id=meeting.pk, history_type="~")
        .select_related("history_user", "membership__person")
        .order_by("-history_date")[:20]
    )
    return render(request, "boards/meeting_detail.html", context)


@login_required
def minutes(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    context = _meeting_page_data(meeting)
    context["crumbs"] = _crumbs(meeting)
    return render(request, "boards/minutes.html", context)


@login_required
def meeting_edit(request, board_pk=None, pk=None):
    if pk:
        meeting = managed_meeting(request.user, pk)
        board = meeting.board
    else:
        board = managed_board(request.user, board_pk)
        meeting = Meeting(board=board)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        messages.success(request, "Meeting saved.")
        return redirect(meeting)
    return form_page(
        request,
        form,
        title="Edit the meeting" if pk else f"Schedule a meeting of {board.display_name}",
        crumbs=_crumbs(meeting if pk else board),
        cancel_url=meeting.get_absolute_url() if pk else board.get_absolute_url(),
    )


@login_required
@require_POST
def meeting_cancel(request, pk):
    meeting = managed_meeting(request.user, pk)
    if meeting.status in (Meeting.Status.HELD, Meeting.Status.INQUORATE):
        messages.error(request, "This meeting has taken place; it cannot be cancelled.")
    else:
        meeting.status = Meeting.Status.CANCELLED
        meeting.save(update_fields=["status"])
        messages.success(request, "Meeting cancelled. It no longer counts in the attendance grid.")
    return redirect(meeting)


@login_required
@require_POST
def standard_items(request, pk):
    meeting = managed_meeting(request.user, pk)
    added = services.add_standard_items(meeting)
    if added:
        names = ", ".join(item.title.lower() for item in added)
        messages.success(request, f"Added {names}.")
    else:
        messages.info(request, "The agenda already has every standard item.")
    return redirect(meeting)


@login_required
def item_edit(request, meeting_pk=None, pk=None):
    if pk:
        item = get_object_or_404(AgendaItem, pk=pk)
        meeting = managed_meeting(request.user, item.meeting_id)
    else:
        meeting = managed_meeting(request.user, meeting_pk)
        last = meeting.items.order_by("-number").first()
        item = AgendaItem(meeting=meeting, number=(last.number + 1) if last else 1)
    form = AgendaItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved item {item.number}.")
        return redirect(f"{meeting.get_absolute_url()}#item-{item.number}")
    return form_page(
        request,
        form,
        title=f"Edit item {item.number}" if pk else "Add an agenda item",
        crumbs=_crumbs(meeting),
        cancel_url=meeting.get_absolute_url(),
    )


@login_required
def paper_upload(request, item_pk):
    item = get_object_or_404(AgendaItem, pk=item_pk)
    meeting = managed_meeting(request.user, item.meeting_id)
    form = PaperForm(request.POST or None, request.FILES or None, instance=Paper(item=item))
    if request.method == "POST" and form.is_valid():
        paper = form.save()
        messages.success(request, f"Uploaded {paper.title}.")
        return redirect(f"{meeting.get_absolute_url()}#item-{item.number}")
    return form_page(
        request,
        form,
        title=f"Add a paper to item {item.number}",
        crumbs=_crumbs(meeting),
        cancel_url=meeting.get_absolute_url(),
        submit="Upload",
        intro="PDF, Word, Excel, PowerPoint or OpenDocument files.",
    )


@login_required
def paper_download(request, pk):
    paper = get_object_or_404(Paper.objects.select_related("item"), pk=pk)
    get_meeting_for_user(request.user, paper.item.meeting_id)
    return attachment(paper.file, filename=paper.original_name)


def _attendance_form(request, meeting):
    memberships = services.members_on(meeting)
    saved = {a.membership_id: a for a in meeting.attendance.all()}
    return AttendanceForm(
        request.POST or None, meeting=meeting, memberships=memberships, saved=saved
    ), saved


@login_required
@pagecache.cacheable  # the screen left open through a meeting and reloaded often
def attendance(request, pk):
    meeting = managed_meeting(request.user, pk)
    form, saved = _attendance_form(request, meeting)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.record_attendance(meeting, form.entries())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Attendance saved. {result.label}: {result.explanation}.")
            return redirect(meeting)
    if request.method == "POST":
        quorum = services.quorum_for(meeting, form.proposed_statuses(), form.memberships)
    else:
        quorum = services.quorum_for(
            meeting, {mid: a.status for mid, a in saved.items()}, form.memberships
        )
    return render(
        request,
        "boards/attendance.html",
        {"meeting": meeting, "form": form, "quorum": quorum, "crumbs": _crumbs(meeting)},
    )


@login_required
@require_POST
def attendance_quorum(request, pk):
    """The quorum indicator for the choices on screen, before they are saved (htmx)."""
    meeting = managed_meeting(request.user, pk)
    form, _ = _attendance_form(request, meeting)
    quorum = services.quorum_for(meeting, form.proposed_statuses(), form.memberships)
    return render(request, "boards/_quorum.html", {"quorum": quorum})


@login_required
def declaration_add(request, meeting_pk):
    meeting = managed_meeting(request.user, meeting_pk)
    form = DeclarationForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_declaration(
                meeting,
                person=form.cleaned_data["person"],
                interest=form.cleaned_data["interest"],
                kind=form.cleaned_data["kind"],
                item=form.cleaned_data["item"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Declaration recorded.")
            return redirect(meeting)
    return form_page(
        request,
        form,
        title="Record a declaration of interest",
        crumbs=_crumbs(meeting),
        cancel_url=meeting.get_absolute_url(),
    )


@login_required
@require_POST
def approve_minutes(request, pk):
    meeting = managed_meeting(request.user, pk)
    try:
        previous = services.approve_previous_minutes(meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Minutes of {previous.date:%-d %B %Y} approved.")
    return redirect(meeting)


urlpatterns = [
    path("<int:board_pk>/meetings/new/", meeting_edit, name="meeting_create"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/minutes/", minutes, name="minutes"),
    path("meetings/<int:pk>/standard-items/", standard_items, name="standard_items"),
    path("meetings/<int:pk>/approve-minutes/", approve_minutes, name="approve_minutes"),
    path("meetings/<int:meeting_pk>/items/new/", item_edit, name="item_create"),
    path("items/<int:pk>/", item_edit, name="item_edit"),
    path("items/<int:item_pk>/papers/new/", paper_upload, name="paper_upload"),
    path("papers/<int:pk>/", paper_download, name="paper_download"),
    path("meetings/<int:pk>/attendance/", attendance, name="attendance"),
    path("meetings/<int:pk>/attendance/quorum/", attendance_quorum, name="attendance_quorum"),
    path("meetings/<int:meeting_pk>/declarations/new/", declaration_add, name="declaration_add"),
]
