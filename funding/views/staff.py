"""Grants officers' pages: the fund and its ledger, rounds, applications, decisions, awards.

The chair may read the dashboard, a fund's ledger and a round's comparison; every other page,
and every change, is for grants officers (and administrators). Money moves only through
``funding.ledger`` and applications move only through ``funding.services``.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView

from boards.forms import add_service_errors
from partnership.downloads import attachment
from partnership.exports import csv_response, filtered_or_nothing
from partnership.pages import FilterPageMixin, form_page

from .. import defaults, ledger, services
from ..filters import ApplicationFilter
from ..forms_staff import (
    AdjustForm,
    EmptyForm,
    InviteToPresentForm,
    NoteForm,
    ReasonForm,
    ReceiveForm,
    ReverseForm,
    RoundForm,
)
from ..models import (
    Application,
    ApplicationDocument,
    Assessment,
    Award,
    Criterion,
    Fund,
    FundingRound,
    LedgerEntry,
    MonitoringReturn,
    Stage,
    StageChange,
    balances,
    balances_by_fund,
)
from ..permissions import can_manage_funding, can_read_funding

ZERO = Decimal("0.00")


def _gate(check, message: str, *, read_only: bool = False):
    """Sign-in, then ``check``; on pages open to readers, a change is still for managers."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied(message)
            changing = request.method not in ("GET", "HEAD")
            if read_only and changing and not can_manage_funding(request.user):
                raise PermissionDenied("Only grants officers change the fund.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


manager_required = _gate(can_manage_funding, "Only grants officers work on the fund.")
reader_required = _gate(
    can_read_funding, "Your role does not give access to the fund.", read_only=True
)


def _crumbs(*pairs) -> list[tuple[str, str]]:
    return [("Community fund", reverse("funding:index")), *pairs]


# --- Dashboard ------------------------------------------------------------------------------


def _stage_counts(rounds) -> dict[int, list[tuple[str, int]]]:
    """For each round, (stage label, count) in pipeline order, leaving out empty stages."""
    rows = (
        Application.objects.filter(round__in=rounds)
        .values("round_id", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["round_id"], {})[row["stage"]] = row["n"]
    return {
        round_id: [(s.label, by_stage[s.value]) for s in Stage if by_stage.get(s.value)]
        for round_id, by_stage in counts.items()
    }


@reader_required
@require_GET
def index(request):
    today = timezone.localdate()
    all_funds = list(Fund.objects.order_by("-active", "name"))
    positions = balances_by_fund(fund.pk for fund in all_funds)
    funds = [(fund, positions[fund.pk]) for fund in all_funds]
    rounds = list(
        FundingRound.objects.select_related("fund")
        .filter(closes_on__gte=today - timedelta(days=365))
        .order_by("-opens_on")[:12]
    )
    counts = _stage_counts(rounds)
    for round_ in rounds:
        round_.stage_counts = counts.get(round_.pk, [])
        round_.total = sum(n for _, n in round_.stage_counts)
        round_.state = (
            "Open"
            if round_.opens_on <= today <= round_.closes_on
            else ("Opens soon" if round_.opens_on > today else "Closed")
        )
    return render(
        request,
        "funding/index.html",
        {
            "funds": funds,
            "rounds": rounds,
            "overdue_returns": MonitoringReturn.objects.overdue(today).count(),
            "can_manage": can_manage_funding(request.user),
        },
    )


# --- A fund and its ledger --------------------------------------------------------------------


def ledger_rows(fund: Fund) -> list[dict]:
    """Each entry with the balances as they stood after it, oldest first."""
    entries = fund.entries.select_related(
        "award__application", "created_by", "reverses", "reversed_by"
    ).order_by("on", "pk")
    running = {"received": ZERO, "committed": ZERO, "released": ZERO, "returned": ZERO}
    rows = []
    for entry in entries:
        column, _ = LedgerEntry.EFFECTS[entry.kind]
        running[column] += entry.signed_amount
        rows.append(
            {
                "entry": entry,
                "reversed_by": getattr(entry, "reversed_by", None),
                **running,
                "available": running["received"] + running["returned"] - running["committed"],
            }
        )
    return rows


FUND_FORMS = {"receive": ReceiveForm, "adjust": AdjustForm, "reverse": ReverseForm}


def _fund_form(name: str, fund: Fund, data=None):
    kwargs = {"fund": fund} if name == "reverse" else {}
    return FUND_FORMS[name](data, prefix=name, **kwargs)


def _fund_change(name: str, fund: Fund, data: dict, user) -> str:
    if name == "receive":
        entry = ledger.receive(fund, data["amount"], note=data["note"], on=data["on"], by=user)
        return f"£{entry.amount:,.2f} received into the fund."
    if name == "adjust":
        entry = ledger.adjust(
            fund, data["amount"], increase=data["direction"], reason=data["reason"], by=user
        )
        return f"{entry.get_kind_display()} of £{entry.amount:,.2f} recorded."
    entry = ledger.reverse(data["entry"], reason=data["reason"], by=user)
    return f"Entry #{entry.reverses_id} reversed by entry #{entry.pk}."


@reader_required
def fund_detail(request, pk):
    fund = get_object_or_404(Fund.objects.select_related("board"), pk=pk)
    can_manage = can_manage_funding(request.user)
    forms_ = {name: _fund_form(name, fund) for name in FUND_FORMS} if can_manage else {}
    if request.method == "POST":
        name = request.POST.get("form")
        if name not in FUND_FORMS:
            raise Http404("No such change to a fund.")
        form = forms_[name] = _fund_form(name, fund, request.POST)
        if form.is_valid():
            try:
                done = _fund_change(name, fund, form.cleaned_data, request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect("funding:fund_detail", pk=fund.pk)
    return render(
        request,
        "funding/staff/fund_detail.html",
        {
            "fund": fund,
            "balances": balances(fund.pk),
            "rows": ledger_rows(fund),
            "forms": forms_,
            "can_manage": can_manage,
            "rounds": fund.rounds.order_by("-opens_on"),
        },
    )


# --- Rounds ---------------------------------------------------------------------------------


@manager_required
def round_create(request):
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        round_ = form.save()
        defaults.install(round_)  # the standard eligibility questions, to adjust in the admin
        messages.success(request, f"Round “{round_.name}” created with the standard questions.")
        return redirect("funding:round_detail", pk=round_.pk)
    return form_page(
        request,
        form,
        title="New funding round",
        crumbs=_crumbs(),
        cancel_url=reverse("funding:index"),
        submit="Create the round",
    )


@manager_required
def round_edit(request, pk):
    round_ = get_object_or_404(FundingRound, pk=pk)
    form = RoundForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Round “{round_.name}” saved.")
        return redirect("funding:round_detail", pk=round_.pk)
    detail = reverse("funding:round_detail", args=[round_.pk])
    return form_page(
        request,
        form,
        title=f"Change {round_.name}",
        crumbs=_crumbs((round_.name, detail)),
        cancel_url=detail,
    )


@manager_required
def round_detail(request, pk):
    round_ = get_object_or_404(FundingRound.objects.select_related("fund"), pk=pk)
    return render(
        request,
        "funding/staff/round_detail.html",
        {
            "round": round_,
            "priority_areas": round_.priority_areas.all(),
            "key_themes": round_.key_themes.all(),
            "questions": round_.questions.all(),
            "stage_counts": _stage_counts([round_]).get(round_.pk, []),
            "is_open": round_.is_open(),
        },
    )


# --- Applications ---------------------------------------------------------------------------


def listed_applications():
    """Applications with the figures the list shows: the amount and when it last moved."""
    last_move = StageChange.objects.filter(application=OuterRef("pk")).order_by("-at", "-pk")
    return (
        Application.objects.select_related("round")
        .annotate(
            amount=Coalesce("amount_requested", "amount_estimate"),
            updated=Coalesce(Subquery(last_move.values("at")[:1]), "created_at"),
        )
        .order_by("-updated", "-pk")
    )


class ApplicationListView(FilterPageMixin, FilterView):
    filterset_class = ApplicationFilter
    template_name = "funding/staff/application_list.html"
    context_object_name = "applications"
    paginate_by = 50

    def get_queryset(self):
        return listed_applications()


application_list = manager_required(ApplicationListView.as_view())


CSV_COLUMNS = (
    "Reference",
    "Round",
    "Organisation",
    "Project",
    "Contact",
    "Contact e-mail",
    "Amount (£)",
    "Stage",
    "Priority areas",
    "Received",
    "Updated",
)


@manager_required
def application_export(request):
    filterset = ApplicationFilter(
        request.GET or None,
        queryset=listed_applications().prefetch_related("priority_areas"),
        request=request,
    )
    rows = (
        [
            a.reference,
            a.round.name,
            a.organisation_name,
            a.project_title,
            a.contact_name,
            a.contact_email,
            f"{a.amount:.2f}",
            a.get_stage_display(),
            "; ".join(area.name for area in a.priority_areas.all()),
            f"{timezone.localtime(a.created_at):%d/%m/%Y}",
            f"{timezone.localtime(a.updated):%d/%m/%Y}",
        ]
        for a in filtered_or_nothing(filterset)
    )
    return csv_response(f"applications-{timezone.localdate():%Y-%m-%d}.csv", CSV_COLUMNS, rows)


@dataclass(frozen=True)
class Move:
    """A button on an application's page: what it is called, the stage it leads to, its form."""

    label: str
    to: str | None
    form: type[forms.Form]
    style: str = "primary"

    def allowed(self, application: Application) -> bool:
        return self.to in services.MOVES[Stage(application.stage)]

    def label_for(self, application: Application) -> str:
        return self.label


def _invite(application, user, data):
    services.invite_to_present(application, by=user, when_where=data["when_where"])
    return "Invited to present; the applicant has been e-mailed."


def _presented(application, user, data):
    services.record_presentation(application, by=user, note=data["note"])
    return "Presentation recorded."


def _invite_full(application, user, data):
    services.invite_full_application(application, by=user)
    return "Invited to make a full application; the applicant has been sent a new link."


def _eligible(application, user, data):
    services.check_eligibility(application, by=user, eligible=True, reason=data["note"])
    return "Eligible: the application is ready for assessment."


def _ineligible(application, user, data):
    services.check_eligibility(application, by=user, eligible=False, reason=data["reason"])
    return "Declined; the applicant has been told why."


def _to_decision(application, user, data):
    services.send_to_decision(application, by=user)
    return "Sent to the board for a decision."


def _withdraw(application, user, data):
    services.withdraw(application, by=user, reason=data["reason"])
    return "Withdrawn."


def _resend(application, user, data):
    services.resend_link(application)
    return f"A new private link has been e-mailed to {application.contact_email}."


class ResendLink(Move):
    def allowed(self, application: Application) -> bool:
        expires = application.link_expires_at
        return expires is None or expires > timezone.now()


class Decline(Move):
    def allowed(self, application: Application) -> bool:
        # A decision is declined on the decision form, where the meeting is recorded.
        return application.stage != Stage.DECISION and super().allowed(application)

    def label_for(self, application: Application) -> str:
        # Before the formal application there is no eligibility check: it is simply declined.
        return self.label if application.stage == Stage.ELIGIBILITY else "Decline"


# action name -> (the button, what it does)
ACTIONS = {
    "invite_to_present": (
        Move("Invite to present", Stage.INVITED_TO_PRESENT, InviteToPresentForm),
        _invite,
    ),
    "record_presentation": (Move("Record the presentation", Stage.PRESENTED, NoteForm), _presented),
    "invite_full_application": (
        Move("Invite a full application", Stage.APPLICATION, EmptyForm),
        _invite_full,
    ),
    "eligible": (Move("Eligible: send to assessment", Stage.ASSESSMENT, NoteForm), _eligible),
    "ineligible": (
        Decline("Not eligible: decline", Stage.DECLINED, ReasonForm, "danger"),
        _ineligible,
    ),
    "send_to_decision": (
        Move("Send to the board for decision", Stage.DECISION, EmptyForm),
        _to_decision,
    ),
    "withdraw": (Move("Withdraw", Stage.WITHDRAWN, ReasonForm, "outline-danger"), _withdraw),
    "resend_link": (
        ResendLink("Resend the private link", None, EmptyForm, "outline-secondary"),
        _resend,
    ),
}


def available_moves(application: Application) -> list[dict]:
    return [
        {
            "action": name,
            "label": move.label_for(application),
            "style": move.style,
            "form": move.form(prefix=name),
        }
        for name, (move, _) in ACTIONS.items()
        if move.allowed(application)
    ]


def assessment_table(assessments: list[Assessment]) -> list[dict]:
    """One row per criterion: each assessor's score and comment, in the assessments' order."""
    by_assessment = [{s.criterion: s for s in a.scores.all()} for a in assessments]
    return [
        {"criterion": c.label, "scores": [scores.get(c.value) for scores in by_assessment]}
        for c in Criterion
    ]


@manager_required
def application_detail(request, pk):
    application = get_object_or_404(Application.objects.select_related("round__fund"), pk=pk)
    assessments = list(
        application.assessments.select_related("assessor").prefetch_related("scores")
    )
    award = Award.objects.filter(application=application).first()
    return render(
        request,
        "funding/staff/application_detail.html",
        {
            "application": application,
            "priority_areas": application.priority_areas.all(),
            "key_themes": application.key_themes.all(),
            "budget_lines": application.budget_lines.select_related("category"),
            "documents": application.documents.all(),
            "moves": application.moves.select_related("by"),
            "assessments": assessments,
            "assessment_rows": assessment_table(assessments),
            "decisions": application.decisions.select_related(
                "meeting__board", "item", "recorded_by"
            ),
            "award": award,
            "actions": available_moves(application),
            "can_assess": application.stage == Stage.ASSESSMENT,
            "can_decide": application.stage == Stage.DECISION,
            "problems": (
                services.completeness_problems(application)
                if application.stage == Stage.APPLICATION
                else {}
            ),
        },
    )


@manager_required
@require_POST
def application_move(request, pk, action):
    application = get_object_or_404(Application, pk=pk)
    if action not in ACTIONS:
        raise Http404("No such action.")
    move, run = ACTIONS[action]
    if not move.allowed(application):
        messages.error(
            request,
            f"“{move.label}” cannot be done at the “{application.get_stage_display()}” stage.",
        )
        return redirect(application)
    form = move.form(request.POST, prefix=action)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else move.label
            for error in errors:
                messages.error(request, f"{label}: {error}")
        return redirect(application)
    try:
        done = run(application, request.user, form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(application)


# Types a browser may be told a download is; anything else is sent as plain bytes.
SAFE_TYPES = {
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "image/jpeg",
    "image/png",
}


@manager_required
def document_download(request, pk):
    document = get_object_or_404(ApplicationDocument, pk=pk)
    return attachment(
        document.file,
        filename=document.original_name,
        content_type=(
            document.content_type
            if document.content_type in SAFE_TYPES
            else "application/octet-stream"
        ),
    )


urlpatterns = [
    path("", index, name="index"),
    path("funds/<int:pk>/", fund_detail, name="fund_detail"),
    path("rounds/new/", round_create, name="round_create"),
    path("rounds/<int:pk>/", round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", round_edit, name="round_edit"),
    path("applications/", application_list, name="application_list"),
    path("applications/export.csv", application_export, name="application_export"),
    path("applications/<int:pk>/", application_detail, name="application_detail"),
    path("applications/<int:pk>/move/<str:action>/", application_move, name="application_move"),
    path("documents/<int:pk>/", document_download, name="document_download"),
]
