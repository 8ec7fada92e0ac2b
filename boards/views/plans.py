"""Strategic plans: the plan table with its summary, exports, and progress updates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify

from partnership.exports import csv_response
from partnership.pages import form_page

from .. import plan_services
from ..forms import add_service_errors
from ..forms_plans import KeyActionForm, PlanFilterForm, PlanForm, PriorityForm, ProgressForm
from ..models import KeyAction, Priority, StrategicPlan
from ..permissions import (
    can_manage_boards,
    can_update_progress,
    get_plan_for_user,
    plans_visible_to,
)
from ..plans import PlanFilters, plan_actions, plan_summary, plan_table_rows
from .common import require_manager


def _crumbs(plan=None):
    crumbs = [("Boards", reverse("boards:index")), ("Plans", reverse("boards:plan_list"))]
    if plan:
        crumbs.append((plan.title, plan.get_absolute_url()))
    return crumbs


def _managed_plan(user, pk) -> StrategicPlan:
    plan = get_plan_for_user(user, pk)
    require_manager(user)
    return plan


@login_required
def plan_list(request):
    plans = plans_visible_to(request.user).select_related("board")
    return render(
        request,
        "boards/plans/list.html",
        {"plans": plans, "can_manage": can_manage_boards(request.user)},
    )


def _filtered(request, plan):
    form = PlanFilterForm(request.GET or None, plan=plan)
    filters = PlanFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = PlanFilters(
            priority=data["priority"].pk if data["priority"] else None,
            organisation=data["organisation"].pk if data["organisation"] else None,
            status=data["status"].pk if data["status"] else None,
            domain=data["domain"],
            overdue=data["overdue"],
        )
    return form, plan_actions(plan, filters)


@login_required
def plan_detail(request, pk):
    plan = get_plan_for_user(request.user, pk)
    form, actions = _filtered(request, plan)
    actions = list(actions)
    today = timezone.localdate()
    groups = {}
    for action in actions:
        action.overdue = action.is_overdue(today)
        groups.setdefault(action.priority, []).append(action)
    return render(
        request,
        "boards/plans/detail.html",
        {
            "plan": plan,
            "summary": plan_summary(plan, today),
            "groups": groups,
            "shown": len(actions),
            "filter_form": form,
            "query": request.GET.urlencode(),
            "can_manage": can_manage_boards(request.user),
            "crumbs": _crumbs(),
        },
    )


def _export_name(plan, extension):
    return f"{slugify(plan.title)}-{timezone.localdate():%Y-%m-%d}.{extension}"


@login_required
def plan_csv(request, pk):
    plan = get_plan_for_user(request.user, pk)
    _, actions = _filtered(request, plan)
    return csv_response(_export_name(plan, "csv"), None, plan_table_rows(actions))


@login_required
def plan_xlsx(request, pk):
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    plan = get_plan_for_user(request.user, pk)
    _, actions = _filtered(request, plan)
    actions = list(actions)
    book = Workbook()
    sheet = book.active
    sheet.title = "Action plan"
    sheet.append([f"{plan.title} ({plan.period_label})"])
    sheet["A1"].font = Font(bold=True, size=13)
    rows = plan_table_rows(actions)
    sheet.append(rows[0])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    status_column = rows[0].index("Status") + 1
    for action, row in zip(actions, rows[1:], strict=True):
        sheet.append(row)
        cell = sheet.cell(row=sheet.max_row, column=status_column)
        cell.fill = PatternFill("solid", fgColor=action.status.background.lstrip("#"))
        cell.font = Font(color=action.status.text_colour.lstrip("#"))
    for column, width in zip("ABCDEFGHI", (8, 30, 45, 45, 25, 12, 24, 9, 40), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name(plan, "xlsx")}"'
    return response


@login_required
def plan_edit(request, pk=None):
    if pk:
        plan = _managed_plan(request.user, pk)
    else:
        require_manager(request.user)
        from ..models import StatusKey
        from ..status_presets import DEFAULT_PRESET

        plan = StrategicPlan(status_key=StatusKey.objects.filter(name=DEFAULT_PRESET).first())
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        plan = form.save()
        messages.success(request, f"Saved {plan.title}.")
        return redirect(plan)
    return form_page(
        request,
        form,
        title=f"Edit {plan.title}" if pk else "Add a strategic plan",
        crumbs=_crumbs(plan if pk else None),
        cancel_url=plan.get_absolute_url() if pk else reverse("boards:plan_list"),
    )


@login_required
def priority_edit(request, plan_pk=None, pk=None):
    if pk:
        priority = get_object_or_404(Priority, pk=pk)
        plan = _managed_plan(request.user, priority.plan_id)
    else:
        plan = _managed_plan(request.user, plan_pk)
        last = plan.priorities.order_by("-number").first()
        priority = Priority(plan=plan, number=(last.number + 1) if last else 1)
    form = PriorityForm(request.POST or None, instance=priority)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved priority {priority.number}.")
        return redirect(plan)
    return form_page(
        request,
        form,
        title=f"Edit priority {priority.number}" if pk else "Add a priority",
        crumbs=_crumbs(plan),
        cancel_url=plan.get_absolute_url(),
    )


@login_required
def key_action_edit(request, priority_pk=None, pk=None):
    if pk:
        action = get_object_or_404(KeyAction.objects.select_related("priority__plan"), pk=pk)
        priority = action.priority
    else:
        priority = get_object_or_404(Priority.objects.select_related("plan"), pk=priority_pk)
        action = KeyAction()
    plan = _managed_plan(request.user, priority.plan_id)
    form = KeyActionForm(request.POST or None, instance=action, priority=priority)
    if request.method == "POST" and form.is_valid():
        action = form.save()
        messages.success(request, f"Saved key action {action.number}.")
        return redirect(action)
    return form_page(
        request,
        form,
        title=f"Edit key action {action.number}"
        if pk
        else f"Add a key action to priority {priority.number}",
        crumbs=_crumbs(plan),
        cancel_url=action.get_absolute_url() if pk else plan.get_absolute_url(),
    )


@login_required
def key_action_detail(request, pk):
    action = get_object_or_404(
        KeyAction.objects.select_related("priority__plan__status_key", "status"), pk=pk
    )
    plan = get_plan_for_user(request.user, action.priority.plan_id)
    may_update = can_update_progress(request.user, action)
    form = ProgressForm(request.POST or None, action=action) if may_update else None
    if request.method == "POST":
        if not may_update:
            raise PermissionDenied("Only board officers and the lead services update progress.")
        if form.is_valid():
            try:
                plan_services.record_progress(
                    action,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    on=form.cleaned_data["on"],
                    author=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Progress on {action.number} recorded.")
                return redirect(action)
    return render(
        request,
        "boards/plans/key_action.html",
        {
            "plan": plan,
            "action": action,
            "overdue": action.is_overdue(),
            "updates": action.updates.select_related("status", "author"),
            "leads": action.lead_organisations.all(),
            "form": form,
            "can_manage": can_manage_boards(request.user),
            "crumbs": _crumbs(plan),
        },
    )


urlpatterns = [
    path("plans/", plan_list, name="plan_list"),
    path("plans/new/", plan_edit, name="plan_create"),
    path("plans/<int:pk>/", plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plan_edit, name="plan_edit"),
    path("plans/<int:pk>/export.csv", plan_csv, name="plan_csv"),
    path("plans/<int:pk>/export.xlsx", plan_xlsx, name="plan_xlsx"),
    path("plans/<int:plan_pk>/priorities/new/", priority_edit, name="priority_create"),
    path("priorities/<int:pk>/edit/", priority_edit, name="priority_edit"),
    path("priorities/<int:priority_pk>/actions/new/", key_action_edit, name="key_action_create"),
    path("key-actions/<int:pk>/", key_action_detail, name="key_action_detail"),
    path("key-actions/<int:pk>/edit/", key_action_edit, name="key_action_edit"),
]
