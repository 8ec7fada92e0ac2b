"""The actions register: list, filters, CSV export, raising and updating actions."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django_filters.views import FilterView

from partnership.exports import csv_response, filtered_or_nothing
from partnership.pages import FilterPageMixin

from .. import services
from ..filters import ActionFilter
from ..forms import add_service_errors
from ..forms_actions import ActionForm, ActionUpdateForm
from ..models import Action, AgendaItem, Meeting
from ..permissions import (
    can_manage_boards,
    get_action_for_user,
    get_board_for_user,
    visible_boards,
)


class ActionListView(LoginRequiredMixin, FilterPageMixin, FilterView):
    filterset_class = ActionFilter
    template_name = "boards/actions/list.html"
    context_object_name = "actions"
    paginate_by = 50

    def get_queryset(self):
        return Action.objects.for_register(visible_boards(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        can_manage = can_manage_boards(self.request.user)
        context.update(
            can_manage=can_manage,
            boards_to_raise_on=(
                visible_boards(self.request.user).filter(active=True).order_by("name")
                if can_manage
                else []
            ),
        )
        return context


def _uk_date(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


CSV_COLUMNS = (
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
)


@login_required
def action_export(request):
    filterset = ActionFilter(
        request.GET or None,
        queryset=Action.objects.for_register(visible_boards(request.user)),
        request=request,
    )
    today = timezone.localdate()
    return csv_response(
        f"actions-register-{today:%Y-%m-%d}.csv",
        CSV_COLUMNS,
        (_register_row(action, today) for action in filtered_or_nothing(filterset)),
    )


def _register_row(action, today) -> list:
    latest = ""
    if action.latest_update_on:
        latest = f"{_uk_date(action.latest_update_on)}: {action.latest_update_note}"
    return [
        action.board.display_name,
        action.number,
        action.reference,
        action.title,
        action.description,
        action.owner_display,
        _uk_date(action.due_date),
        action.get_status_display(),
        _uk_date(action.completed_on),
        latest,
        "Yes" if action.is_overdue(today) else "No",
    ]


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _initial_from_query(request, board) -> dict:
    """Preselect the meeting and item named in the address, if they belong to this board."""
    initial = {}
    meeting_pk = _int_or_none(request.GET.get("meeting"))
    item_pk = _int_or_none(request.GET.get("item"))
    meeting = item = None
    if request.GET.get("meeting"):
        meeting = Meeting.objects.filter(board=board, pk=meeting_pk).first()
        if meeting is None:
            messages.warning(
                request, "That meeting is not one of this board's; choose one from the list."
            )
    if request.GET.get("item"):
        item = AgendaItem.objects.filter(meeting__board=board, pk=item_pk).first()
        if item is None or (meeting is not None and item.meeting_id != meeting.pk):
            item = None
            messages.warning(
                request,
                "That agenda item is not on this board's meeting; choose one from the list.",
            )
    if item is not None:
        initial["item"] = item
        meeting = meeting or item.meeting
    if meeting is not None:
        initial["meeting"] = meeting
    return initial


@login_required
def action_create(request, board_pk):
    board = get_board_for_user(request.user, board_pk)
    if not can_manage_boards(request.user):
        raise PermissionDenied("Only board officers can add actions to the register.")
    if request.method == "POST":
        form = ActionForm(request.POST, board=board)
        if form.is_valid():
            try:
                action = services.raise_action(board=board, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, f"Action {action.number} added to the {board.display_name} register."
                )
                return redirect(action)
    else:
        form = ActionForm(board=board, initial=_initial_from_query(request, board))
    return render(request, "boards/actions/form.html", {"form": form, "board": board})


# How the audit history names fields whose model names read badly on a page.
HISTORY_LABELS = {
    "owner_person": "Owner (person)",
    "owner_organisation": "Owner (organisation)",
    "item": "Agenda item",
    "raised_on": "Raised on",
    "completed_on": "Completed on",
}
HISTORY_KINDS = {"+": "Added", "~": "Changed", "-": "Deleted"}


def history_entries(action: Action) -> list[dict]:
    """Who changed what and when, newest first, with related records shown by name."""
    records = list(
        action.history.select_related("history_user").order_by("history_date", "history_id")
    )
    names = {}
    for field_name in ("owner_person", "owner_organisation", "meeting", "item", "board"):
        field = Action._meta.get_field(field_name)
        ids = {getattr(r, field.attname) for r in records} - {None}
        related = field.related_model._default_manager.all()
        if field_name == "owner_person":
            related = related.select_related("organisation")
        elif field_name == "item":
            related = related.select_related("meeting")
        names[field_name] = related.in_bulk(ids) if ids else {}

    def show(field_name, value):
        if value in (None, ""):
            return "—"
        field = Action._meta.get_field(field_name)
        if field_name in names:
            obj = names[field_name].get(value)
            if field_name == "item" and obj is not None:
                return f"{obj.reference}: {obj.title}"
            return str(obj) if obj is not None else f"(deleted, #{value})"
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, date):
            return _uk_date(value)
        return str(value)

    entries, previous = [], None
    for record in records:
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            changes = [
                {
                    "field": HISTORY_LABELS.get(
                        c.field, str(Action._meta.get_field(c.field).verbose_name).capitalize()
                    ),
                    "old": show(c.field, c.old),
                    "new": show(c.field, c.new),
                }
                for c in delta.changes
            ]
        previous = record
        if record.history_type == "~" and not changes:
            continue  # a save that changed nothing a reader would see
        user = record.history_user
        entries.append(
            {
                "when": record.history_date,
                "who": (user.get_full_name() or user.get_username()) if user else "The system",
                "kind": HISTORY_KINDS.get(record.history_type, record.history_type),
                "changes": changes,
            }
        )
    entries.reverse()
    return entries


@login_required
def action_detail(request, pk):
    action = get_action_for_user(request.user, pk)
    can_manage = can_manage_boards(request.user)
    form = None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only board officers can update actions.")
        form = ActionUpdateForm(request.POST, action=action)
        if form.is_valid():
            try:
                services.update_action(action, author=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Update added to action {action.number}.")
                return redirect(action)
    elif can_manage:
        form = ActionUpdateForm(action=action)
    return render(
        request,
        "boards/actions/detail.html",
        {
            "action": action,
            "board": action.board,
            "updates": action.updates.select_related("author"),
            "history": history_entries(action),
            "form": form,
            "can_manage": can_manage,
            "overdue": action.is_overdue(),
        },
    )


urlpatterns = [
    path("actions/", ActionListView.as_view(), name="action_list"),
    path("actions/export.csv", action_export, name="action_export"),
    path("<int:board_pk>/actions/new/", action_create, name="action_create"),
    path("actions/<int:pk>/", action_detail, name="action_detail"),
]
