"""Grants officers' pages for scoring, comparing, deciding and paying awards.

The chair may read the dashboard, a fund's ledger and a round's comparison; every other page,
and every change, is for grants officers (and administrators). Money moves only through
``funding.ledger`` and applications move only through ``funding.services``.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET

from boards.forms import add_service_errors

from .. import services
from ..forms_staff import (
    AssessmentForm,
    DecisionForm,
    TrancheFormSet,
)
from ..models import (
    Application,
    Assessment,
    Criterion,
    Decision,
    FundingRound,
    Score,
    Stage,
    balances,
)
from ..permissions import can_manage_funding
from .staff import ZERO, manager_required, reader_required

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
                add_service_errors(form, exc)
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
                add_service_errors(form, exc, elsewhere=tranche_errors)
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


urlpatterns = [
    path("rounds/<int:pk>/compare/", round_compare, name="round_compare"),
    path("applications/<int:pk>/assess/", assess, name="assess"),
    path("applications/<int:pk>/decide/", decide, name="decide"),
]
