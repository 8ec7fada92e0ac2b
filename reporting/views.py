"""The reports area: the chair's dashboard, asking for a report, its progress, and downloads.

Views stay thin: permission, form, service call, redirect. Every report is looked up through
``permissions.get_report_for_user``, which answers 404 to anyone who may not see it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from partnership.permissions import role_required

from . import services
from .forms import QuarterlyReportForm
from .glance import partnership_glance
from .permissions import REPORT_ROLES, get_report_for_user, report_boards, reports_listed_for

LISTED_REPORTS = 20
# How often a waiting report's row asks for its status, in seconds.
POLL_SECONDS = 2


def _dashboard(request, form, status: int = 200):
    boards = report_boards(request.user)
    return render(
        request,
        "reporting/index.html",
        {
            "form": form,
            "glance": partnership_glance(boards),
            "reports": reports_listed_for(request.user)[:LISTED_REPORTS],
            "poll_seconds": POLL_SECONDS,
        },
        status=status,
    )


@role_required(REPORT_ROLES)
def index(request):
    return _dashboard(request, QuarterlyReportForm(user=request.user))


@role_required(REPORT_ROLES)
@require_POST
def request_quarterly(request):
    form = QuarterlyReportForm(request.POST, user=request.user)
    if not form.is_valid():
        return _dashboard(request, form)
    try:
        report = services.request_report(request.user, "quarterly", **form.inputs())
    except ValidationError as error:
        form.add_error(None, error)
        return _dashboard(request, form)
    except PermissionDenied as error:
        form.add_error("board", str(error))
        return _dashboard(request, form)
    if report.reused:
        messages.info(request, f"{report.title} is already on its way; it is listed below.")
    else:
        messages.success(
            request,
            f"{report.title} is being built. Its progress shows below, and we will e-mail you "
            "when it is ready.",
        )
    return redirect(reverse("reporting:index") + "#reports")


@login_required
@require_GET
def status(request, pk):
    """One report's row: polled while it is built, and stops polling once it is done."""
    report = get_report_for_user(request.user, pk)
    return render(
        request, "reporting/_report.html", {"report": report, "poll_seconds": POLL_SECONDS}
    )


@login_required
@require_GET
def download(request, pk):
    report = get_report_for_user(request.user, pk)
    if not report.downloadable:
        raise Http404("This report has no file to download")
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404("This report's file is missing") from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=report.filename,
        content_type=report.content_type or "application/octet-stream",
    )


@login_required
@require_POST
def retry(request, pk):
    report = get_report_for_user(request.user, pk)
    try:
        report = services.retry_report(report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if request.headers.get("HX-Request"):
        return render(
            request, "reporting/_report.html", {"report": report, "poll_seconds": POLL_SECONDS}
        )
    return redirect(reverse("reporting:index") + "#reports")
