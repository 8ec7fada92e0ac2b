"""The actions agreed on a case, and the overdue list the reminder e-mails point to."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from partnership.pages import form_page

from .. import permissions, services
from ..forms import (
    ActionForm,
    ActionUpdateForm,
    CancelActionForm,
    CompleteActionForm,
    add_service_errors,
)
from ..models import AccessLog, CaseAction
from .common import case_crumbs, member_page, not_a_member


def _action_title(action: CaseAction) -> str:
    """Names the action by its case's reference and agency, never by its wording."""
    due = f"{action.due_on:%-d %B %Y}"
    return f"{action.case.reference}: action for {action.agency.name}, due {due}"


@member_page
def action_add(request, pk):
    case = permissions.get_case_for_user(request.user, pk)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_action(case, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Action for {form.cleaned_data['agency'].name} added to {case.reference}."
            )
            return redirect(reverse("reviews:case", args=[case.pk]) + "#actions")
    return form_page(
        request,
        form,
        title=f"Add an action to {case.reference}",
        crumbs=case_crumbs(case),
        cancel_url=reverse("reviews:case", args=[case.pk]),
        submit="Add the action",
    )


@member_page
def action_update(request, pk):
    action = permissions.get_case_action_for_user(request.user, pk)
    case = action.case
    if request.method == "POST":
        form = ActionUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.update_action(action, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Action on {case.reference} updated.")
                return redirect(reverse("reviews:case", args=[case.pk]) + "#actions")
    else:
        # The form shows the action's wording, which may describe the person.
        services.log_access(
            request.user, case, AccessLog.Action.VIEW, detail=f"action {action.pk} edit form"
        )
        form = ActionUpdateForm(initial=ActionUpdateForm.initial_for(action))
    return form_page(
        request,
        form,
        title=f"Update an action on {case.reference}",
        crumbs=case_crumbs(case),
        cancel_url=reverse("reviews:case", args=[case.pk]),
        submit="Save",
        intro="Change the action, add a progress note, or both.",
    )


def _finish(request, pk, form_class, service, *, title, submit, done):
    action = permissions.get_case_action_for_user(request.user, pk)
    case = action.case
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(action, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Action on {case.reference} {done}.")
            return redirect(reverse("reviews:case", args=[case.pk]) + "#actions")
    return form_page(
        request,
        form,
        title=f"{title} on {case.reference}",
        crumbs=case_crumbs(case),
        cancel_url=reverse("reviews:case", args=[case.pk]),
        submit=submit,
        intro=_action_title(action) + ".",
    )


@member_page
def action_complete(request, pk):
    return _finish(
        request,
        pk,
        CompleteActionForm,
        services.complete_action,
        title="Mark an action done",
        submit="Mark done",
        done="marked done",
    )


@member_page
def action_cancel(request, pk):
    return _finish(
        request,
        pk,
        CancelActionForm,
        services.cancel_action,
        title="Cancel an action",
        submit="Cancel the action",
        done="cancelled",
    )


@member_page
@require_GET
def overdue_actions(request):
    """Open actions past their due date on the user's panels, grouped by agency.

    The list shows the actions' wording, so each panel it covers gets one ``list`` row in the
    access log.
    """
    panels = list(permissions.panels_for(request.user))
    if not panels:
        return not_a_member(request, "Overdue case actions")
    today = timezone.localdate()
    actions = list(
        CaseAction.objects.overdue(today)
        .filter(case__panel__in=panels)
        .select_related("case", "case__panel", "agency")
        .order_by("agency__name", "due_on", "pk")
    )
    for action in actions:
        action.days_overdue = (today - action.due_on).days
    shown = {action.case.panel_id: action.case.panel for action in actions}
    for _, panel in sorted(shown.items()):
        services.log_access(
            request.user, None, AccessLog.Action.LIST, panel_id=panel.pk, detail="overdue actions"
        )
    return render(request, "reviews/overdue.html", {"actions": actions, "panels": panels})


# The reminder e-mails link to this address (``reviews.paths.OVERDUE_ACTIONS_PATH``).
urlpatterns = [
    path("actions/overdue/", overdue_actions, name="overdue_actions"),
    path("cases/<int:pk>/actions/new/", action_add, name="action_add"),
    path("actions/<int:pk>/update/", action_update, name="action_update"),
    path("actions/<int:pk>/complete/", action_complete, name="action_complete"),
    path("actions/<int:pk>/cancel/", action_cancel, name="action_cancel"),
]
