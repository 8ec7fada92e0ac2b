"""A member's panels: the overview, each panel's case list, referrals, export, statistics and
access log."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET
from django_filters.views import FilterView

from boards.models import Meeting
from partnership import pagecache
from partnership.exports import csv_response
from partnership.pages import FilterPageMixin, form_page
from partnership.periods import QUARTER_NAMES, FinancialYear

from .. import permissions, services
from ..filters import AccessLogFilter, CaseFilter
from ..forms import CaseForm, ExportForm, StatisticsPeriodForm, add_service_errors
from ..models import AccessLog, Case, CaseAction, CaseListing
from ..statistics import panel_statistics_for_quarter, panel_statistics_for_year
from .common import member_page, not_a_member, panel_crumbs, private

# --- Overview ---------------------------------------------------------------------------


def panel_summaries(panels: list, today: date) -> list[dict]:
    """Each panel with its counts and next meeting, in four queries however many panels."""
    ids = [panel.pk for panel in panels]
    open_cases = dict(
        Case.objects.filter(panel_id__in=ids)
        .open()
        .order_by()
        .values_list("panel_id")
        .annotate(n=Count("pk"))
    )
    overdue = dict(
        CaseAction.objects.overdue(today)
        .filter(case__panel_id__in=ids)
        .order_by()
        .values_list("case__panel_id")
        .annotate(n=Count("pk"))
    )
    next_meetings = {}
    for meeting in Meeting.objects.upcoming().filter(board_id__in=ids).order_by("starts_at"):
        next_meetings.setdefault(meeting.board_id, meeting)
    listed = dict(
        CaseListing.objects.filter(meeting__in=list(next_meetings.values()))
        .order_by()
        .values_list("meeting__board_id")
        .annotate(n=Count("pk"))
    )
    return [
        {
            "panel": panel,
            "open_cases": open_cases.get(panel.pk, 0),
            "overdue_actions": overdue.get(panel.pk, 0),
            "next_meeting": next_meetings.get(panel.pk),
            "listed_for_next": listed.get(panel.pk, 0),
        }
        for panel in panels
    ]


@member_page
@require_GET
def index(request):
    panels = list(permissions.panels_for(request.user))
    if not panels:
        return not_a_member(request, "Case panels")
    return render(
        request,
        "reviews/index.html",
        {"summaries": panel_summaries(panels, timezone.localdate())},
    )


# --- A panel's case list ------------------------------------------------------------------


def _log_list(request, pk) -> None:
    services.log_access(request.user, None, AccessLog.Action.LIST, panel_id=pk)


class PanelCaseList(LoginRequiredMixin, FilterPageMixin, FilterView):
    """The panel's cases by reference (never by label), with their action counts.

    Each page view writes one ``list`` row in the access log.
    """

    filterset_class = CaseFilter
    template_name = "reviews/panel.html"
    context_object_name = "cases"
    paginate_by = 50

    # A kept page is served without running the view, and still writes its access-log row.
    @method_decorator(pagecache.cacheable(on_serve=_log_list))
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.panel = permissions.get_panel_for_user(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        _log_list(request, self.panel.pk)
        return response

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "panel": self.panel}

    def get_queryset(self):
        return (
            Case.objects.for_panel(self.panel)
            .with_action_counts()
            .select_related("referring_organisation")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meetings = Meeting.objects.filter(board=self.panel).annotate(listed=Count("case_listings"))
        now = timezone.now()
        context.update(
            panel=self.panel,
            rules=getattr(self.panel, "panel_rules", None),
            upcoming=list(meetings.upcoming().order_by("starts_at")[:4]),
            recent=list(meetings.filter(starts_at__lt=now).order_by("-starts_at")[:4]),
            can_read_log=permissions.can_read_access_log(self.request.user, self.panel),
        )
        return context


# --- Referral -----------------------------------------------------------------------------


def rules_fired(case: Case) -> list[str]:
    """What the automatic rules found, naming other cases by reference only."""
    rules = case.panel.panel_rules
    fired = []
    if case.reason_visible_high_risk:
        fired.append(
            f"visible high risk (score {case.risk_score}, threshold {rules.high_risk_threshold})"
        )
    if case.reason_potential_escalation:
        fired.append(f"potential escalation ({case.police_incidents} police incidents)")
    if case.reason_repeat and case.repeat_of_id:
        previous = Case.objects.only("reference").get(pk=case.repeat_of_id)
        fired.append(f"repeat referral, linked to {previous.reference}")
    return fired


def rules_message(case: Case, done: str) -> str:
    fired = rules_fired(case)
    if fired:
        return f"{case.reference} {done}. Automatic rules: {'; '.join(fired)}."
    return (
        f"{case.reference} {done}. No automatic rule applied: referred on professional judgement."
    )


@member_page
def refer(request, pk):
    panel = permissions.get_panel_for_user(request.user, pk)
    rules = getattr(panel, "panel_rules", None)
    if rules is None:
        raise PermissionDenied("This panel has no rules yet: an administrator sets them up first.")
    form = CaseForm(request.POST or None, rules=rules)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.refer_case(panel, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, rules_message(case, "recorded"))
            return redirect("reviews:case", pk=case.pk)
    return render(
        request,
        "reviews/case_form.html",
        {
            "form": form,
            "panel": panel,
            "title": f"Refer a case to {panel.display_name}",
            "crumbs": panel_crumbs(panel),
            "submit": "Record the referral",
            "cancel_url": reverse("reviews:panel", args=[panel.pk]),
        },
    )


# --- Export -------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "Reference",
    "Referral date",
    "Referring agency",
    "Reasons",
    "Risk score",
    "Risk level",
    "Status",
    "Closed on",
    "Closure reason",
    "Transferred in on",
    "Transferred out on",
)


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def export_rows(cases):
    for case in cases:
        yield [
            case.reference,
            _iso(case.referral_date),
            case.referring_organisation.name,
            "; ".join(str(reason) for reason in case.reasons),
            case.risk_score if case.risk_score is not None else "",
            case.get_risk_level_display(),
            case.get_status_display(),
            _iso(case.closed_on),
            case.get_closure_reason_display() if case.closure_reason else "",
            _iso(case.transferred_in_on),
            _iso(case.transferred_out_on),
        ]


@member_page
def export(request, pk):
    """The panel's case list as CSV, with no labels, once the user has said why they need it."""
    panel = permissions.get_panel_for_user(request.user, pk)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cases = Case.objects.for_panel(panel).select_related("referring_organisation")
        if form.cleaned_data["scope"] == "open":
            cases = cases.exclude(status=Case.Status.CLOSED)
        cases = list(cases.order_by("reference_year", "reference_number"))
        services.log_access(
            request.user,
            None,
            AccessLog.Action.EXPORT,
            form.cleaned_data["justification"],
            panel_id=panel.pk,
            detail=f"case list exported: {len(cases)} cases ({form.cleaned_data['scope']})",
        )
        prefix = panel.panel_rules.reference_prefix if hasattr(panel, "panel_rules") else "cases"
        filename = f"{prefix}-cases-{timezone.localdate():%Y-%m-%d}.csv"
        return csv_response(filename, EXPORT_COLUMNS, export_rows(cases))
    return form_page(
        request,
        form,
        title=f"Export the case list of {panel.display_name}",
        crumbs=panel_crumbs(panel),
        cancel_url=reverse("reviews:panel", args=[panel.pk]),
        submit="Download the CSV",
        intro="The file holds references, dates, agencies, reasons, risk and status: no "
        "initials or pseudonyms. Each export is recorded in the access log with your reason.",
    )


# --- Statistics ---------------------------------------------------------------------------


@member_page
@require_GET
def statistics(request, pk):
    panel = permissions.get_panel_for_user(request.user, pk)
    form = StatisticsPeriodForm(request.GET or None, initial=StatisticsPeriodForm.initial_for())
    stats = period = None
    if form.is_bound and form.is_valid():
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    elif not form.is_bound:
        year, quarter = form.initial["year"], form.initial["quarter"]
    else:
        year = quarter = None
    if year is not None:
        if quarter:
            stats = panel_statistics_for_quarter(panel, year, quarter)
            period = f"{QUARTER_NAMES[quarter]} of {year}"
        else:
            stats = panel_statistics_for_year(panel, year)
            period = f"the financial year {FinancialYear.parse(year)}"
    demographics = []
    if stats is not None:
        labels = {field: Case._meta.get_field(field).verbose_name for field in stats.demographics}
        demographics = [
            (str(labels[field]).capitalize(), rows) for field, rows in stats.demographics.items()
        ]
    return render(
        request,
        "reviews/statistics.html",
        {
            "panel": panel,
            "form": form,
            "stats": stats,
            "period": period,
            "demographics": demographics,
        },
    )


# --- Access log ---------------------------------------------------------------------------


class AccessLogList(LoginRequiredMixin, FilterPageMixin, FilterView):
    """The panel's access log, read-only, for its Chair and Deputy Chair."""

    filterset_class = AccessLogFilter
    template_name = "reviews/access_log.html"
    context_object_name = "rows"
    paginate_by = 50

    def get_panel(self, user, pk):
        return permissions.get_panel_for_user(user, pk)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.panel = self.get_panel(request.user, kwargs["pk"])
            decision = permissions.can_read_access_log(request.user, self.panel)
            if not decision:
                raise PermissionDenied(decision.reason)
        return super().dispatch(request, *args, **kwargs)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "panel": self.panel}

    def get_queryset(self):
        return AccessLog.objects.for_panel(self.panel)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "panel": self.panel}


urlpatterns = [
    path("", index, name="index"),
    path("panels/<int:pk>/", private(require_GET(PanelCaseList.as_view())), name="panel"),
    path("panels/<int:pk>/refer/", refer, name="refer"),
    path("panels/<int:pk>/export/", export, name="export"),
    path("panels/<int:pk>/statistics/", statistics, name="statistics"),
    path(
        "panels/<int:pk>/access-log/",
        private(require_GET(AccessLogList.as_view())),
        name="access_log",
    ),
]
