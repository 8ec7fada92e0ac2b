"""The grantee's pages behind the private link: the grant, its returns and change requests.

The same link that carried the application carries the grant, until 90 days after it closes.
Every page keeps the link private, and every form is rate limited with a honeypot, as on the
application pages; the rules are in ``funding.monitoring``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone

from boards.forms import add_service_errors

from .. import monitoring
from ..forms_public import ChangeRequestForm, MonitoringReturnForm
from ..models import Award
from .public import FORM_RATE, application_for, private_link_page, rate_limited


def _award(token: str) -> Award:
    application = application_for(token)
    award = Award.objects.filter(application=application).select_related("application").first()
    if award is None:
        raise Http404("This application has no grant.")
    return award


@private_link_page
def grant_home(request, token):
    award = _award(token)
    today = timezone.localdate()
    returns = list(award.returns.all())
    for report in returns:
        report.overdue = report.is_overdue(today)
    milestones = list(award.milestones.all())
    for milestone in milestones:
        milestone.late = milestone.is_late(today)
    return render(
        request,
        "funding/grantee/grant.html",
        {
            "award": award,
            "application": award.application,
            "token": token,
            "tranches": award.tranches.all(),
            "milestones": milestones,
            "returns": returns,
            "changes": award.change_requests.all(),
            "active": award.status == Award.Status.ACTIVE,
        },
    )


@private_link_page
@rate_limited(FORM_RATE)
def grant_return(request, token, pk):
    award = _award(token)
    report = get_object_or_404(award.returns, pk=pk)
    can_send = report.open and award.status == Award.Status.ACTIVE
    form = None
    if request.method == "POST":
        if not can_send:
            messages.info(request, "This return has been sent and can no longer change.")
            return redirect("funding:grant_home", token)
        form = MonitoringReturnForm(request.POST, final=report.final)
        if form.is_valid():
            try:
                monitoring.submit_return(report, form.answers())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                what = "evaluation" if report.final else "return"
                messages.success(request, f"Thank you: your {what} has been sent to the team.")
                return redirect("funding:grant_home", token)
    elif can_send:
        form = MonitoringReturnForm(
            initial=MonitoringReturnForm.initial_for(report), final=report.final
        )
    return render(
        request,
        "funding/grantee/return.html",
        {"award": award, "application": award.application, "token": token, "report": report,
         "form": form, "overdue": report.is_overdue(timezone.localdate())},
    )  # fmt: skip


@private_link_page
@rate_limited(FORM_RATE)
def grant_change(request, token):
    award = _award(token)
    if award.status != Award.Status.ACTIVE:
        messages.info(request, "The grant has closed; changes can no longer be asked for.")
        return redirect("funding:grant_home", token)
    if request.method == "POST":
        form = ChangeRequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                monitoring.request_change(
                    award,
                    kind=data["kind"],
                    description=data["description"],
                    new_ends_on=data["new_ends_on"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, "Your request has been sent. We will reply by e-mail and here."
                )
                return redirect("funding:grant_home", token)
    else:
        form = ChangeRequestForm()
    return render(
        request,
        "funding/grantee/change.html",
        {"award": award, "application": award.application, "token": token, "form": form},
    )


urlpatterns = [
    path("my/<str:token>/grant/", grant_home, name="grant_home"),
    path("my/<str:token>/grant/returns/<int:pk>/", grant_return, name="grant_return"),
    path("my/<str:token>/grant/change/", grant_change, name="grant_change"),
]
