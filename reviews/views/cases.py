"""A case: its page (each view logged), corrections, listing for a meeting, closing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from partnership.pages import form_page

from .. import permissions, services
from ..forms import CaseForm, CloseCaseForm, ListingForm, TransferOutForm, add_service_errors
from ..models import AccessLog, Case, CaseAction, CaseActionUpdate
from .common import case_crumbs, member_page
from .panels import rules_message

# How many of the case's own access-log rows its page shows to the panel's chairs.
CASE_LOG_ROWS = 50


def _open_case(case: Case) -> bool:
    return not case.is_closed and not case.is_erased


@member_page
@require_GET
def case_detail(request, pk):
    case = permissions.get_case_for_user(request.user, pk)
    services.log_access(request.user, case, AccessLog.Action.VIEW)
    actions = case.actions.select_related("agency").prefetch_related(
        Prefetch("updates", queryset=CaseActionUpdate.objects.select_related("by"))
    )
    can_read_log = permissions.can_read_access_log(request.user, case.panel)
    return render(
        request,
        "reviews/case_detail.html",
        {
            "case": case,
            "panel": case.panel,
            "rules": case.panel.panel_rules,
            "repeat_of": case.repeat_of,
            "repeats": case.repeats.only("reference", "referral_date").order_by("referral_date"),
            "listings": case.listings.select_related("meeting").order_by("meeting__starts_at"),
            "actions": actions,
            "open": _open_case(case),
            "today": timezone.localdate(),
            "can_read_log": can_read_log,
            "log_rows": (AccessLog.objects.for_case(case)[:CASE_LOG_ROWS] if can_read_log else []),
            "log_size": CASE_LOG_ROWS,
        },
    )


@member_page
def case_edit(request, pk):
    case = permissions.get_case_for_user(request.user, pk)
    rules = case.panel.panel_rules
    if request.method == "POST":
        form = CaseForm(request.POST, rules=rules, editing=True)
        if form.is_valid():
            try:
                case = services.update_case(case, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, rules_message(case, "saved"))
                return redirect("reviews:case", pk=case.pk)
    else:
        # The form shows the case's personal details: that is a view of the case.
        services.log_access(request.user, case, AccessLog.Action.VIEW, detail="edit form")
        form = CaseForm(initial=CaseForm.initial_for(case), rules=rules, editing=True)
    return render(
        request,
        "reviews/case_form.html",
        {
            "form": form,
            "panel": case.panel,
            "case": case,
            "title": f"Correct {case.reference}",
            "crumbs": case_crumbs(case),
            "submit": "Save the changes",
            "cancel_url": reverse("reviews:case", args=[case.pk]),
        },
    )


@member_page
def case_listing(request, pk):
    """Put the case on one of the panel's coming meetings."""
    case = permissions.get_case_for_user(request.user, pk)
    form = ListingForm(request.POST or None, panel=case.panel, rules=case.panel.panel_rules)
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.list_for_meeting(
                case,
                form.cleaned_data["meeting"],
                by=request.user,
                order=form.cleaned_data["order"],
                minutes=form.cleaned_data["minutes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{case.reference} listed for the meeting on {listing.meeting.date:%-d %B %Y}, "
                f"place {listing.order}, {listing.minutes} minutes.",
            )
            return redirect("reviews:case", pk=case.pk)
    return form_page(
        request,
        form,
        title=f"List {case.reference} for a meeting",
        crumbs=case_crumbs(case),
        cancel_url=reverse("reviews:case", args=[case.pk]),
        submit="List the case",
        intro="Meetings are scheduled with the panel's board pages; only its coming meetings "
        "are offered here.",
    )


@member_page
def case_close(request, pk):
    case = permissions.get_case_for_user(request.user, pk)
    form = CloseCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.close_case(case, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            reason = case.get_closure_reason_display()
            messages.success(request, f"{case.reference} closed: {reason}.")
            return redirect("reviews:case", pk=case.pk)
    open_actions = CaseAction.objects.filter(case=case).open().count()
    intro = "A closed case takes no more actions or listings."
    if open_actions:
        intro += (
            f" It has {open_actions} open action{'s' if open_actions != 1 else ''}: closing "
            "cancels them, so say why in the note."
        )
    return form_page(
        request,
        form,
        title=f"Close {case.reference}",
        crumbs=case_crumbs(case),
        cancel_url=reverse("reviews:case", args=[case.pk]),
        submit="Close the case",
        intro=intro,
    )


@member_page
def case_transfer_out(request, pk):
    """A MARAC-to-MARAC transfer: the case goes to another area's panel and closes here."""
    case = permissions.get_case_for_user(request.user, pk)
    form = TransferOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.transfer_out(case, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{case.reference} transferred out to {case.transferred_out_to} and closed.",
            )
            return redirect("reviews:case", pk=case.pk)
    return form_page(
        request,
        form,
        title=f"Transfer {case.reference} out",
        crumbs=case_crumbs(case),
        cancel_url=reverse("reviews:case", args=[case.pk]),
        submit="Transfer and close",
        intro="The case closes here with the reason “transferred out”. Send the case "
        "information to the receiving panel by secure e-mail, as your protocol says.",
    )


urlpatterns = [
    path("cases/<int:pk>/", case_detail, name="case"),
    path("cases/<int:pk>/edit/", case_edit, name="case_edit"),
    path("cases/<int:pk>/list/", case_listing, name="case_listing"),
    path("cases/<int:pk>/close/", case_close, name="case_close"),
    path("cases/<int:pk>/transfer-out/", case_transfer_out, name="case_transfer_out"),
]
