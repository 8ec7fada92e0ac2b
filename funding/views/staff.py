"""Grants officers' pages: the fund and its ledger, rounds, applications, decisions, awards.

The chair may read the dashboard, a fund's ledger and a round's comparison; every other page,
and every change, is for grants officers (and administrators). Money moves only through
``funding.ledger`` and applications move only through ``funding.services``.
"""

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView

from .. import defaults, ledger, services
from ..filters import ApplicationFilter
from ..forms_staff import (
    AdjustForm,
    AssessmentForm,
    DecisionForm,
    EmptyForm,
    InviteToPresentForm,
    NoteForm,
    ReasonForm,
    ReceiveForm,
    ReleaseForm,
    ReturnForm,
    ReverseForm,
    RoundForm,
    TrancheFormSet,
    TrancheReviewForm,
    UncommitForm,
    add_errors,
)
from ..models import (
    Application,
    ApplicationDocument,
    Assessment,
    Award,
    Criterion,
    Decision,
    Fund,
    FundingRound,
    LedgerEntry,
    MonitoringReturn,
    Score,
    Stage,
    StageChange,
    Tranche,
    balances,
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


def _form_page(request, form, *, title, crumbs, cancel_url, submit="Save", intro=""):
    return render(
        request,
        "funding/staff/form.html",
        {
            "form": form,
            "title": title,
            "crumbs": crumbs,
            "cancel_url": cancel_url,
            "submit": submit,
            "intro": intro,
        },
    )


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
    funds = [(fund, balances(fund.pk)) for fund in Fund.objects.order_by("-active", "name")]
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
                add_errors(form, exc)
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
    return _form_page(
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
    return _form_page(
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


class ApplicationListView(FilterView):
    filterset_class = ApplicationFilter
    template_name = "funding/staff/application_list.html"
    context_object_name = "applications"
    paginate_by = 50

    def get_queryset(self):
        return listed_applications()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        page = context.get("page_obj")
        context.update(
            page_numbers=(
                page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
                if page is not None
                else []
            ),
            filter_query=query.urlencode(),
            filtered=any(query.values()),
        )
        return context


application_list = manager_required(ApplicationListView.as_view())

# Excel runs a cell that starts with one of these as a formula; a leading quote stops it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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
    # As on the page: filters that make no sense give an empty file, not every application.
    applications = filterset.qs if not filterset.is_bound or filterset.is_valid() else []
    today = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="applications-{today:%Y-%m-%d}.csv"'
    response.write("\ufeff")  # tells Excel the file is UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for a in applications:
        writer.writerow(
            [
                _cell(a.reference),
                _cell(a.round.name),
                _cell(a.organisation_name),
                _cell(a.project_title),
                _cell(a.contact_name),
                _cell(a.contact_email),
                f"{a.amount:.2f}",
                a.get_stage_display(),
                _cell("; ".join(area.name for area in a.priority_areas.all())),
                f"{timezone.localtime(a.created_at):%d/%m/%Y}",
                f"{timezone.localtime(a.updated):%d/%m/%Y}",
            ]
        )
    return response


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
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing.") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=(
            document.content_type
            if document.content_type in SAFE_TYPES
            else "application/octet-stream"
        ),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Assessment and comparison --------------------------------------------------------------


@manager_required
def assess(request, pk):
    application = get_object_or_404(Application.objects.select_related("round"), pk=pk)
    mine = application.assessments.filter(assessor=request.user).prefetch_related("scores").first()
    if request.method == "POST":
        form = AssessmentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_assessment(
                    application,
                    assessor=request.user,
                    scores=form.scores(),
                    recommendation=data["recommendation"],
                    recommended_amount=data["recommended_amount"],
                    comments=data["comments"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "Your assessment has been saved.")
                return redirect(application)
    else:
        form = AssessmentForm(initial=AssessmentForm.initial_from(mine))
        if application.stage != Stage.ASSESSMENT:
            messages.warning(request, "Only applications at the assessment stage can be scored.")
    return render(
        request,
        "funding/staff/assess.html",
        {"application": application, "form": form, "updating": mine is not None},
    )


COMPARED = (Stage.ASSESSMENT, Stage.DECISION, Stage.AWARDED, Stage.DECLINED)
STILL_TO_DECIDE = (Stage.ASSESSMENT, Stage.DECISION)


def _selected_ids(request) -> set[int] | None:
    """The applications ticked on the page; None before anything has been chosen."""
    if "compared" not in request.GET:
        return None
    return {int(v) for v in request.GET.getlist("selected") if v.isdigit()}


def comparison(round_: FundingRound, selected: set[int] | None) -> tuple[list[dict], Decimal]:
    """The round's applications in rank order, with what funding the selected ones would leave.

    Without a selection, the ones most assessors recommend (in full or in part) are selected.
    Awarded applications are already committed in the ledger, so they are never counted again.
    """
    applications = list(
        round_.applications.filter(stage__in=COMPARED)
        .annotate(
            requested=Coalesce("amount_requested", "amount_estimate"),
            award_amount=F("award__amount"),
        )
        .order_by("reference")
    )
    averages: dict[int, dict[str, float]] = {}
    for row in (
        Score.objects.filter(
            assessment__application__round=round_, assessment__application__stage__in=COMPARED
        )
        .values("assessment__application_id", "criterion")
        .annotate(avg=Avg("score"))
        .order_by()
    ):
        averages.setdefault(row["assessment__application_id"], {})[row["criterion"]] = row["avg"]
    R = Assessment.Recommendation
    recommendations = {
        row["application_id"]: row
        for row in Assessment.objects.filter(
            application__round=round_, application__stage__in=COMPARED
        )
        .values("application_id")
        .annotate(
            n=Count("pk"),
            fund=Count("pk", filter=Q(recommendation=R.FUND)),
            part=Count("pk", filter=Q(recommendation=R.PART)),
            decline=Count("pk", filter=Q(recommendation=R.DECLINE)),
            part_amount=Avg("recommended_amount", filter=Q(recommendation=R.PART)),
        )
        .order_by()
    }
    rows = []
    for application in applications:
        scores = averages.get(application.pk, {})
        rec = recommendations.get(application.pk, {"n": 0, "fund": 0, "part": 0, "decline": 0})
        proposed = application.requested
        if rec["part"] > rec["fund"] and rec.get("part_amount"):
            proposed = Decimal(rec["part_amount"]).quantize(Decimal("0.01"))
        recommended = rec["fund"] + rec["part"] > rec["decline"]
        rows.append(
            {
                "application": application,
                "averages": [scores.get(c.value) for c in Criterion],
                "total": sum(scores.values()) if scores else None,
                "recommendations": rec,
                "proposed": proposed,
                "open": application.stage in STILL_TO_DECIDE,
                "selected": application.stage in STILL_TO_DECIDE
                and (recommended if selected is None else application.pk in selected),
            }
        )
    rows.sort(key=lambda r: (r["total"] is None, -(r["total"] or 0), r["application"].reference))
    available = balances(round_.fund_id).available
    running = ZERO
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        if row["selected"]:
            running += row["proposed"]
        row["running"] = running
        row["after"] = available - running
    return rows, available


@reader_required
@require_GET
def round_compare(request, pk):
    round_ = get_object_or_404(FundingRound.objects.select_related("fund"), pk=pk)
    rows, available = comparison(round_, _selected_ids(request))
    chosen = sum((r["proposed"] for r in rows if r["selected"]), ZERO)
    return render(
        request,
        "funding/staff/round_compare.html",
        {
            "round": round_,
            "rows": rows,
            "criteria": list(Criterion),
            "available": available,
            "chosen": chosen,
            "after": available - chosen,
            "can_manage": can_manage_funding(request.user),
        },
    )


# --- The decision -----------------------------------------------------------------------------


def _tranche_specs(formset) -> list[services.TrancheSpec]:
    return [
        services.TrancheSpec(data["amount"], data["release_on"], data.get("review_on"))
        for data in sorted((d for d in formset.cleaned_data if d), key=lambda d: d["release_on"])
    ]


@manager_required
def decide(request, pk):
    application = get_object_or_404(Application.objects.select_related("round__fund__board"), pk=pk)
    fund = application.round.fund
    tranche_errors: list[str] = []
    if request.method == "POST":
        form = DecisionForm(request.POST, fund=fund)
        formset = TrancheFormSet(request.POST, prefix="tranches")
        approving = form.approving
        # Tranches matter only to an approval; a decline or deferral ignores them.
        valid = form.is_valid() and (formset.is_valid() or not approving)
        if valid:
            data = form.cleaned_data
            try:
                decision = services.record_decision(
                    application,
                    by=request.user,
                    meeting=data["meeting"],
                    item=data["item"],
                    outcome=data["outcome"],
                    reason=data["reason"],
                    amount=data["amount"] if approving else None,
                    starts_on=data["starts_on"] if approving else None,
                    months=data["months"] if approving else None,
                    conditions=data["conditions"] if approving else "",
                    tranches=_tranche_specs(formset) if approving else [],
                )
            except ValidationError as exc:
                add_errors(form, exc, elsewhere=tranche_errors)
            else:
                messages.success(
                    request, f"Decision recorded: {decision.get_outcome_display().lower()}."
                )
                if decision.outcome == Decision.Outcome.APPROVED:
                    return redirect("funding:award_detail", pk=application.award.pk)
                return redirect(application)
    else:
        form = DecisionForm(
            fund=fund,
            initial={
                "amount": application.amount_requested,
                "starts_on": application.start_date,
                "months": application.duration_months,
            },
        )
        formset = TrancheFormSet(prefix="tranches")
        if application.stage != Stage.DECISION:
            messages.warning(request, "This application is not waiting for a decision.")
    return render(
        request,
        "funding/staff/decide.html",
        {
            "application": application,
            "form": form,
            "formset": formset,
            "tranche_errors": tranche_errors,
            "available": balances(fund.pk).available,
        },
    )


# --- Awards ---------------------------------------------------------------------------------


def tranche_status(tranche: Tranche, today: date) -> str:
    if tranche.released_on:
        return f"Released {tranche.released_on:%d/%m/%Y}"
    if tranche.review_on and not tranche.reviewed_on:
        return f"Waiting for its review (due {tranche.review_on:%d/%m/%Y})"
    if tranche.release_on > today:
        return f"Due from {tranche.release_on:%d/%m/%Y}"
    return "Ready to release"


def award_totals(entries) -> dict[str, Decimal]:
    totals = {"committed": ZERO, "released": ZERO, "returned": ZERO}
    for entry in entries:
        column, _ = LedgerEntry.EFFECTS[entry.kind]
        if column in totals:
            totals[column] += entry.signed_amount
    totals["unpaid"] = totals["committed"] - totals["released"]
    return totals


def _award_page(request, award, *, review_form=None, return_form=None, uncommit_form=None):
    today = timezone.localdate()
    tranches = list(award.tranches.all())
    entries = list(award.entries.select_related("created_by", "tranche").order_by("on", "pk"))
    for tranche in tranches:
        tranche.status = tranche_status(tranche, today)
        awaiting_review = tranche.review_on and not tranche.reviewed_on
        tranche.releasable = (
            not tranche.released_on and tranche.release_on <= today and not awaiting_review
        )
        if review_form is not None and review_form.instance.pk == tranche.pk:
            tranche.review_form = review_form
        elif tranche.review_on and not tranche.released_on:
            tranche.review_form = TrancheReviewForm(
                instance=tranche,
                prefix=f"review-{tranche.pk}",
                initial={} if tranche.reviewed_on else {"reviewed_on": today},
            )
    return render(
        request,
        "funding/staff/award_detail.html",
        {
            "award": award,
            "application": award.application,
            "tranches": tranches,
            "entries": entries,
            "totals": award_totals(entries),
            "return_form": return_form or ReturnForm(prefix="return"),
            "uncommit_form": uncommit_form or UncommitForm(prefix="uncommit"),
        },
    )


def _award(pk) -> Award:
    return get_object_or_404(
        Award.objects.select_related("application__round__fund", "decision__meeting__board"),
        pk=pk,
    )


@manager_required
def award_detail(request, pk):
    return _award_page(request, _award(pk))


@manager_required
@require_POST
def tranche_review(request, pk):
    tranche = get_object_or_404(Tranche, pk=pk)
    award = _award(tranche.award_id)
    form = TrancheReviewForm(request.POST, instance=tranche, prefix=f"review-{tranche.pk}")
    if form.is_valid():
        form.save()
        messages.success(request, f"Review of tranche {tranche.number} recorded.")
        return redirect("funding:award_detail", pk=award.pk)
    tranche.refresh_from_db()  # the page shows the tranche as saved, not as typed
    form.instance = tranche
    return _award_page(request, award, review_form=form)


@manager_required
@require_POST
def tranche_release(request, pk):
    tranche = get_object_or_404(Tranche, pk=pk)
    form = ReleaseForm(request.POST, prefix=f"release-{tranche.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            entry = ledger.release(tranche, by=request.user, on=form.cleaned_data["on"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, f"Tranche {tranche.number} released: £{entry.amount:,.2f} paid."
            )
    return redirect("funding:award_detail", pk=tranche.award_id)


@manager_required
@require_POST
def award_return(request, pk):
    award = _award(pk)
    form = ReturnForm(request.POST, prefix="return")
    if form.is_valid():
        data = form.cleaned_data
        try:
            ledger.return_funds(
                award, data["amount"], note=data["note"], on=data["on"], by=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"£{data['amount']:,.2f} returned to the fund.")
            return redirect("funding:award_detail", pk=award.pk)
    return _award_page(request, award, return_form=form)


@manager_required
@require_POST
def award_uncommit(request, pk):
    award = _award(pk)
    form = UncommitForm(request.POST, prefix="uncommit")
    if form.is_valid():
        data = form.cleaned_data
        try:
            ledger.uncommit(award, data["amount"], reason=data["reason"], by=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, f"£{data['amount']:,.2f} of the commitment released back to the fund."
            )
            return redirect("funding:award_detail", pk=award.pk)
    return _award_page(request, award, uncommit_form=form)


urlpatterns = [
    path("", index, name="index"),
    path("funds/<int:pk>/", fund_detail, name="fund_detail"),
    path("rounds/new/", round_create, name="round_create"),
    path("rounds/<int:pk>/", round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", round_edit, name="round_edit"),
    path("rounds/<int:pk>/compare/", round_compare, name="round_compare"),
    path("applications/", application_list, name="application_list"),
    path("applications/export.csv", application_export, name="application_export"),
    path("applications/<int:pk>/", application_detail, name="application_detail"),
    path("applications/<int:pk>/move/<str:action>/", application_move, name="application_move"),
    path("applications/<int:pk>/assess/", assess, name="assess"),
    path("applications/<int:pk>/decide/", decide, name="decide"),
    path("documents/<int:pk>/", document_download, name="document_download"),
    path("awards/<int:pk>/", award_detail, name="award_detail"),
    path("awards/<int:pk>/return/", award_return, name="award_return"),
    path("awards/<int:pk>/uncommit/", award_uncommit, name="award_uncommit"),
    path("awards/tranches/<int:pk>/review/", tranche_review, name="tranche_review"),
    path("awards/tranches/<int:pk>/release/", tranche_release, name="tranche_release"),
]
