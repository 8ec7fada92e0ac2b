"""The reports area: the chair's dashboard, asking for a report, its progress, and downloads.

Views stay thin: permission, form, service call, redirect. Every report is looked up through
``permissions.get_report_for_user``, which answers 404 to anyone who may not see it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boards.models import Membership, Priority
from boards.permissions import can_manage_boards
from partnership import pagecache, roles
from partnership.downloads import attachment
from partnership.periods import FinancialYear
from partnership.permissions import role_required

from . import annual, services
from .forms import (
    AnnualReportForm,
    NarrativeForm,
    PriorityFormSet,
    QuarterlyReportForm,
)
from .glance import partnership_glance
from .models import AnnualNarrative, PriorityNarrative, ReportRequest
from .permissions import REPORT_ROLES, get_report_for_user, report_boards, reports_listed_for
from .sections.narrative import narrative_text

LISTED_REPORTS = 20
# How often a waiting report's row asks for its status, in seconds.
POLL_SECONDS = 2


def _signing_boards(user, boards) -> set[int]:
    """Boards whose annual report the user may mark final: a chair's own boards."""
    if not roles.has_role(user, (roles.CHAIR,)):
        return set()
    if not can_manage_boards(user):
        return {board.pk for board in boards}  # a chair's report boards are those they sit on
    return set(
        Membership.objects.filter(person__user=user).values_list("board_id", flat=True).distinct()
    )


def _dashboard(request, form=None, annual_form=None, status: int = 200):
    user = request.user
    # Loaded once for all the forms and links on the page.
    boards = list(report_boards(user).order_by("parent_id", "name"))
    form = form or QuarterlyReportForm(user=user, boards=boards)
    annual_form = annual_form or AnnualReportForm(user=user, boards=boards)
    # Narrative links: the last complete year and the one under way.
    this_year = FinancialYear.containing(timezone.localdate())
    years = [this_year.previous(), this_year]
    written = {
        (board_id, year): updated_at
        for board_id, year, updated_at in AnnualNarrative.objects.filter(
            board_id__in=[board.pk for board in boards],
            year__in=[year.start_year for year in years],
        ).values_list("board_id", "year", "updated_at")
    }
    # Annual reports the user may sign off, however far down the list they have slipped.
    signing = _signing_boards(user, boards)
    sign_off = (
        list(
            reports_listed_for(user)
            .filter(kind=annual.IDENTIFIER, status=ReportRequest.Status.DONE, board_id__in=signing)
            .exclude(file="")
            .order_by("-finished_at")
        )
        if signing
        else []
    )
    return render(
        request,
        "reporting/index.html",
        {
            "form": form,
            "annual_form": annual_form,
            "boards": boards,
            "narratives": [
                (
                    board,
                    [
                        (year, written.get((board.pk, year.start_year)), narrative_url(board, year))
                        for year in years
                    ],
                )
                for board in boards
            ],
            "glance": partnership_glance(boards),
            "reports": reports_listed_for(user)[:LISTED_REPORTS],
            "sign_off": sign_off,
            "poll_seconds": POLL_SECONDS,
        },
        status=status,
    )


@login_required
@pagecache.cacheable  # the chair's landing page, reloaded while reports are built
@role_required(REPORT_ROLES)
def index(request):
    return _dashboard(request)


@role_required(REPORT_ROLES)
@require_POST
def request_quarterly(request):
    form = QuarterlyReportForm(request.POST, user=request.user)
    if not form.is_valid():
        return _dashboard(request, form=form)
    try:
        report = services.request_report(request.user, "quarterly", **form.inputs())
    except ValidationError as error:
        form.add_error(None, error)
        return _dashboard(request, form=form)
    except PermissionDenied as error:
        form.add_error("board", str(error))
        return _dashboard(request, form=form)
    return _requested(request, report)


def _requested(request, report, back: str = ""):
    """Tell the user the report is on its way and send them where its progress shows."""
    if report.reused:
        messages.info(request, f"{report.title} is already on its way; it is listed below.")
    else:
        messages.success(
            request,
            f"{report.title} has been requested. Its progress shows below, and we will e-mail you "
            "when it is ready.",
        )
    return redirect((back or reverse("reporting:index")) + "#reports")


@login_required
@require_GET
def status(request, pk):
    """One report's row: polled while it is built, and stops polling once it is done."""
    report = get_report_for_user(request.user, pk)
    # A chair watching their annual report finish can sign it off from the row itself.
    signable = report.downloadable and annual.can_mark_final(request.user, report)
    return render(
        request,
        "reporting/_report.html",
        {
            "report": report,
            "poll_seconds": POLL_SECONDS,
            "signable": signable,
        },
    )


@login_required
@require_GET
def download(request, pk):
    report = get_report_for_user(request.user, pk)
    if not report.downloadable:
        raise Http404("This report has no file to download")
    return attachment(
        report.file,
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
            request,
            "reporting/_report.html",
            {"report": report, "poll_seconds": POLL_SECONDS},
        )
    return redirect(reverse("reporting:index") + "#reports")


# --- The annual report ------------------------------------------------------------------


@role_required(REPORT_ROLES)
@require_POST
def request_annual(request):
    form = AnnualReportForm(request.POST, user=request.user)
    if not form.is_valid():
        return _dashboard(request, annual_form=form)
    try:
        report = services.request_report(request.user, annual.IDENTIFIER, **form.inputs())
    except ValidationError as error:
        form.add_error(None, error)
        return _dashboard(request, annual_form=form)
    except PermissionDenied as error:
        form.add_error("board", str(error))
        return _dashboard(request, annual_form=form)
    return _requested(request, report)


@login_required
@require_POST
def mark_final(request, pk):
    """A chair signs off one version of the annual report; an earlier final one is unmarked."""
    report = get_report_for_user(request.user, pk)  # 404 for anyone who may not see it
    if report.kind != annual.IDENTIFIER:
        raise Http404("Only an annual report is signed off")
    if not annual.can_mark_final(request.user, report):
        raise PermissionDenied("Only a chair who sits on the board can sign off its report.")
    try:
        annual.mark_final(report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except IntegrityError:  # another chair signed off a version at the same moment
        messages.error(request, "Another version was marked final at the same time. Try again.")
    else:
        messages.success(request, f"{report.title} is marked final and will be kept.")
    return redirect(reverse("reporting:index") + "#sign-off")


# --- The annual report's narrative ---------------------------------------------------------


def year_slug(year: FinancialYear) -> str:
    return year.label.replace("/", "-")


def narrative_url(board, year: FinancialYear) -> str:
    return reverse("reporting:narrative", args=[board.pk, year_slug(year)])


def _narrative_year(slug: str) -> FinancialYear:
    """The year in the address, if it is one a narrative can be written for; 404 otherwise."""
    try:
        year = annual.parse_year(slug)
    except ValueError:
        raise Http404("No such financial year") from None
    if year.start_year < 2000 or year.start > timezone.localdate():
        raise Http404("No narrative for that year")
    return year


def _preview(form, formset, year: FinancialYear) -> dict:
    """The narrative as the PDF will show it, from what was typed (nothing saved)."""
    text = form.cleaned_data
    label = year.label
    return {
        "sections": [
            (
                "Message from the Chair",
                narrative_text("chair_message", text["chair_message"], label),
            ),
            (
                "Introduction and purpose",
                narrative_text("introduction", text["introduction"], label),
            ),
            ("The area", narrative_text("area", text["area"], label)),
            ("What's next", narrative_text("whats_next", text["whats_next"], label)),
        ],
        "priorities": [
            {
                "priority": part.cleaned_data["priority"],
                "parts": [
                    (heading, narrative_text(name, part.cleaned_data[name], label))
                    for heading, name in (
                        ("Aims", "aims"),
                        ("Key achievements", "achievements"),
                        ("Impact", "impact"),
                    )
                ],
            }
            for part in formset.forms
        ],
    }


@transaction.atomic
def _save_narrative(user, board, year: FinancialYear, form, formset) -> AnnualNarrative:
    # update_or_create locks the row, and copes with two first saves at once.
    narrative, _ = AnnualNarrative.objects.update_or_create(
        board=board,
        year=year.start_year,
        defaults={
            **{name: form.cleaned_data[name] for name in AnnualNarrative.TEXT_FIELDS},
            "updated_by": user,
        },
    )
    for part in formset.forms:
        data = part.cleaned_data
        PriorityNarrative.objects.update_or_create(
            narrative=narrative,
            priority=data["priority"],
            defaults={name: data[name] for name in PriorityNarrative.TEXT_FIELDS},
        )
    return narrative


def _saved_forms(saved: AnnualNarrative | None, priorities, formset_options: dict):
    """The forms filled with what was saved (blank where nothing was)."""
    written = {item.priority_id: item for item in saved.priorities.all()} if saved else {}
    form = NarrativeForm(
        initial={name: getattr(saved, name) for name in AnnualNarrative.TEXT_FIELDS}
        if saved
        else None
    )
    initial = []
    for priority in priorities:
        item = written.get(priority.pk)
        texts = {
            name: getattr(item, name) if item else "" for name in PriorityNarrative.TEXT_FIELDS
        }
        initial.append({"priority": priority.pk, **texts})
    return form, PriorityFormSet(initial=initial, **formset_options)


@role_required(REPORT_ROLES)
@require_http_methods(["GET", "POST"])
def narrative(request, board, year):
    """Officers write the annual report's narrative for a board and year, and preview it."""
    board = report_boards(request.user).filter(pk=board).first()
    if board is None:
        raise Http404("No such board")
    year = _narrative_year(year)
    queryset = (
        Priority.objects.filter(
            plan__board=board,
            plan__start_year__lte=year.start_year,
            plan__end_year__gte=year.start_year,
        )
        .select_related("plan")
        .order_by("plan__start_year", "plan__title", "number")
    )
    priorities = list(queryset)
    saved = AnnualNarrative.objects.filter(board=board, year=year.start_year).first()
    formset_options = {
        "priorities": priorities,
        "queryset": queryset,
        "year_label": year.label,
        "prefix": "priority",
    }
    preview = None
    if request.method == "POST":
        form = NarrativeForm(request.POST)
        formset = PriorityFormSet(request.POST, **formset_options)
        if form.is_valid() and formset.is_valid():
            if "preview" in request.POST:
                preview = _preview(form, formset, year)
            else:
                _save_narrative(request.user, board, year, form, formset)
                messages.success(request, f"The narrative for {year.label} is saved.")
                return redirect(narrative_url(board, year))
    else:
        form, formset = _saved_forms(saved, priorities, formset_options)
    following = FinancialYear(year.start_year + 1)
    return render(
        request,
        "reporting/narrative.html",
        {
            "board": board,
            "year": year,
            "saved": saved,
            "form": form,
            "formset": formset,
            "preview": preview,
            "previous_url": narrative_url(board, year.previous()) if year.start_year > 2000 else "",
            "next_url": narrative_url(board, following)
            if following.start <= timezone.localdate()
            else "",
        },
    )
