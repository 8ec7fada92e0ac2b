"""Closed cases past their retention period, and the coordinator's approval to erase them.

The list names cases by reference, closing date and reason only. Members of a panel see its
list; only a coordinator who sits on the panel approves (``permissions.can_approve_disposal``),
and anyone else's approval is refused with 403 before anything is looked up.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from .. import permissions, services
from ..forms import DisposalForm
from .common import member_page, not_a_member


def _due(panel, today):
    return services.cases_due_for_disposal(today, panel).order_by("closed_on", "reference")


def _section(user, panel, today, bound: DisposalForm | None = None) -> dict:
    due = _due(panel, today)
    can_approve = permissions.can_approve_disposal(user, panel)
    form = None
    if can_approve:
        form = bound or DisposalForm(due=due, prefix=f"panel-{panel.pk}")
    return {
        "panel": panel,
        "cases": list(due),
        "retention_months": panel.panel_rules.retention_months,
        "form": form,
    }


@member_page
def disposals(request):
    user = request.user
    sits_on = list(permissions.panels_for(user).select_related("panel_rules"))
    # A panel still waiting for its rules holds no cases yet.
    panels = [panel for panel in sits_on if hasattr(panel, "panel_rules")]
    today = timezone.localdate()
    if request.method == "POST":
        if not any(permissions.can_approve_disposal(user, panel) for panel in panels):
            raise PermissionDenied("Only a coordinator who sits on the panel approves disposal.")
        panel = permissions.get_panel_for_user(user, request.POST.get("panel") or 0)
        decision = permissions.can_approve_disposal(user, panel)
        if not decision:
            raise PermissionDenied(decision.reason)
        form = DisposalForm(
            request.POST,
            due=_due(panel, today),
            prefix=f"panel-{panel.pk}",
            erase_all=request.POST.get("scope") == "all",
        )
        if form.is_valid():
            try:
                count = services.erase_cases(form.cleaned_data["cases"], approved_by=user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    f"Personal data erased from {count} case{'s' if count != 1 else ''} of "
                    f"{panel.display_name}. The access log keeps a record of each.",
                )
                return redirect("reviews:disposals")
        sections = [
            _section(user, p, today, bound=form if p.pk == panel.pk else None) for p in panels
        ]
    elif not sits_on:
        return not_a_member(request, "Cases due for disposal")
    else:
        sections = [_section(user, panel, today) for panel in panels]
    return render(request, "reviews/disposals.html", {"sections": sections})


# The disposal e-mails link to this address (``reviews.paths.DISPOSALS_PATH``).
urlpatterns = [path("disposals/", disposals, name="disposals")]
