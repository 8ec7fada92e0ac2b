"""Grants officers' pages for awards once made: payments, monitoring, changes and closing.

Money moves only through ``funding.ledger``; returns, milestones, changes and closing go
through ``funding.monitoring``. Every form on the award page posts to its own view, and a
refusal shows the whole award page again with the message beside the field.
"""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, Min, OuterRef, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_filters.views import FilterView

from boards.forms import add_service_errors
from partnership.exports import csv_response, filtered_or_nothing
from partnership.pages import FilterPageMixin

from .. import ledger, monitoring
from ..filters import AwardFilter, ReturnFilter
from ..forms_staff import (
    ChangeDecisionForm,
    CloseAwardForm,
    MilestoneForm,
    MilestoneMetForm,
    ReturnForm,
    ReturnReviewForm,
    ScheduleForm,
    TrancheReviewForm,
    UncommitForm,
)
from ..models import Award, ChangeRequest, LedgerEntry, Milestone, MonitoringReturn, Tranche
from .staff import ZERO, manager_required

# --- The award page ---------------------------------------------------------------------------


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


# The award page's forms, each with its prefix; a view that refuses passes its bound form in.
PAGE_FORMS = {
    "return_form": (ReturnForm, "return"),
    "uncommit_form": (UncommitForm, "uncommit"),
    "schedule_form": (ScheduleForm, "schedule"),
    "milestone_form": (MilestoneForm, "milestone"),
    "close_form": (CloseAwardForm, "close"),
}


def _award_page(request, award, *, review_form=None, met_form=None, change_form=None, **bound):
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
    milestones = list(award.milestones.all())
    for milestone in milestones:
        milestone.late = milestone.is_late(today)
        milestone.form = (
            met_form
            if met_form is not None and met_form.prefix == f"met-{milestone.pk}"
            else MilestoneMetForm(
                prefix=f"met-{milestone.pk}",
                initial={"achieved_on": milestone.achieved_on or today, "note": milestone.note},
            )
        )
    returns = list(award.returns.all())
    for report in returns:
        report.overdue = report.is_overdue(today)
    changes = list(award.change_requests.select_related("decided_by"))
    for change in changes:
        if change.status == ChangeRequest.Status.PENDING:
            change.form = (
                change_form
                if change_form is not None and change_form.prefix == f"change-{change.pk}"
                else ChangeDecisionForm(prefix=f"change-{change.pk}")
            )
    forms = {
        name: bound.get(name) or form_class(prefix=prefix)
        for name, (form_class, prefix) in PAGE_FORMS.items()
    }
    if "schedule_form" not in bound:
        forms["schedule_form"] = ScheduleForm(
            prefix="schedule", initial={"every_months": award.return_every_months}
        )
    return render(
        request,
        "funding/staff/award_detail.html",
        {
            "award": award,
            "application": award.application,
            "active": award.status == Award.Status.ACTIVE,
            "tranches": tranches,
            "entries": entries,
            "totals": award_totals(entries),
            "milestones": milestones,
            "returns": returns,
            "changes": changes,
            **forms,
        },
    )


def _award(pk) -> Award:
    return get_object_or_404(
        Award.objects.select_related("application__round__fund", "decision__meeting__board"),
        pk=pk,
    )


def _done(request, award: Award, message: str, anchor: str = ""):
    messages.success(request, message)
    return redirect(award.get_absolute_url() + (f"#{anchor}" if anchor else ""))


@manager_required
def award_detail(request, pk):
    return _award_page(request, _award(pk))


# --- Payments ---------------------------------------------------------------------------------


@manager_required
@require_POST
def tranche_review(request, pk):
    tranche = get_object_or_404(Tranche, pk=pk)
    award = _award(tranche.award_id)
    form = TrancheReviewForm(request.POST, instance=tranche, prefix=f"review-{tranche.pk}")
    if form.is_valid():
        try:
            monitoring.record_tranche_review(
                tranche,
                reviewed_on=form.cleaned_data["reviewed_on"],
                note=form.cleaned_data["review_note"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, award, f"Review of tranche {tranche.number} recorded.")
    tranche.refresh_from_db()  # the page shows the tranche as saved, not as typed
    form.instance = tranche
    return _award_page(request, award, review_form=form)


@manager_required
@require_POST
def tranche_release(request, pk):
    tranche = get_object_or_404(Tranche, pk=pk)
    try:
        entry = ledger.release(tranche, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Tranche {tranche.number} released: £{entry.amount:,.2f} paid.")
    return redirect("funding:award_detail", pk=tranche.award_id)


def _post(request, award: Award, form, slot: str, act, anchor: str = ""):
    """One of the award page's forms: ``act(cleaned_data)`` calls the service and returns the
    message to show; a refusal shows the whole page again, the form in ``slot`` with its errors.
    """
    if form.is_valid():
        try:
            message = act(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, award, message, anchor)
    return _award_page(request, award, **{slot: form})


@manager_required
@require_POST
def award_return(request, pk):
    award = _award(pk)

    def act(data):
        ledger.return_funds(award, data["amount"], note=data["note"], on=data["on"],
                            by=request.user)  # fmt: skip
        return f"£{data['amount']:,.2f} returned to the fund."

    return _post(request, award, ReturnForm(request.POST, prefix="return"), "return_form", act)


@manager_required
@require_POST
def award_uncommit(request, pk):
    award = _award(pk)

    def act(data):
        ledger.uncommit(award, data["amount"], reason=data["reason"], by=request.user)
        return f"£{data['amount']:,.2f} of the commitment released back to the fund."

    form = UncommitForm(request.POST, prefix="uncommit")
    return _post(request, award, form, "uncommit_form", act)


# --- Monitoring -------------------------------------------------------------------------------


@manager_required
@require_POST
def award_schedule(request, pk):
    award = _award(pk)

    def act(data):
        made = monitoring.schedule_returns(award, every_months=data["every_months"])
        return f"{len(made)} returns scheduled."

    form = ScheduleForm(request.POST, prefix="schedule")
    return _post(request, award, form, "schedule_form", act, "returns")


@manager_required
@require_POST
def milestone_add(request, pk):
    award = _award(pk)

    def act(data):
        monitoring.add_milestone(award, **data)
        return "Milestone added."

    form = MilestoneForm(request.POST, prefix="milestone")
    return _post(request, award, form, "milestone_form", act, "milestones")


@manager_required
@require_POST
def milestone_met(request, pk):
    milestone = get_object_or_404(Milestone, pk=pk)

    def act(data):
        monitoring.record_milestone(milestone, **data)
        return f"Milestone “{milestone.title}” updated."

    form = MilestoneMetForm(request.POST, prefix=f"met-{milestone.pk}")
    return _post(request, _award(milestone.award_id), form, "met_form", act, "milestones")


@manager_required
@require_POST
def change_decide(request, pk):
    change = get_object_or_404(ChangeRequest, pk=pk)

    def act(data):
        approve = data["outcome"] == "approve"
        monitoring.decide_change(
            change, by=request.user, approve=approve, response=data["response"]
        )
        return f"Change {'agreed' if approve else 'refused'}; the grantee has been told."

    form = ChangeDecisionForm(request.POST, prefix=f"change-{change.pk}")
    return _post(request, _award(change.award_id), form, "change_form", act, "changes")


@manager_required
@require_POST
def award_close(request, pk):
    award = _award(pk)

    def act(data):
        monitoring.close_award(award, by=request.user, **data)
        return "The grant is closed."

    return _post(request, award, CloseAwardForm(request.POST, prefix="close"), "close_form", act)


@manager_required
def return_review(request, pk):
    report = get_object_or_404(
        MonitoringReturn.objects.select_related("award__application__round", "reviewed_by"),
        pk=pk,
    )
    award = report.award
    form = ReturnReviewForm()
    if request.method == "POST" and report.status != MonitoringReturn.Status.SUBMITTED:
        messages.error(request, "Only a submitted return can be reviewed.")
        return redirect("funding:return_review", pk=report.pk)
    if request.method == "POST":
        form = ReturnReviewForm(request.POST)
        if form.is_valid():
            accept = form.cleaned_data["outcome"] == "accept"
            try:
                monitoring.review_return(
                    report, by=request.user, accept=accept, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                message = "Return accepted." if accept else "The grantee has been asked for more."
                return _done(request, award, message, "returns")
    today = timezone.localdate()
    return render(
        request,
        "funding/staff/return_review.html",
        {
            "report": report,
            "award": award,
            "application": award.application,
            "form": form,
            "can_review": report.status == MonitoringReturn.Status.SUBMITTED,
            "overdue": report.is_overdue(today),
        },
    )


# --- Lists ------------------------------------------------------------------------------------


def _per_award(queryset, total):
    """One figure per award as a subquery, so several of them never multiply each other's rows."""
    return Subquery(
        queryset.filter(award=OuterRef("pk")).values("award").annotate(v=total).values("v")[:1]
    )


def listed_awards():
    """Awards with what the list shows, in one query: paid so far and what needs doing."""
    today = timezone.localdate()
    open_returns = MonitoringReturn.objects.waiting()
    payments = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.RELEASED)
    signed = Case(When(reverses__isnull=True, then=F("amount")), default=-F("amount"))
    return (
        Award.objects.select_related("application__round")
        .annotate(
            paid=Coalesce(_per_award(payments, Sum(signed)), ZERO),
            next_due=_per_award(open_returns, Min("due_on")),
            overdue=Coalesce(_per_award(MonitoringReturn.objects.overdue(today), Count("pk")), 0),
            to_review=Coalesce(
                _per_award(
                    MonitoringReturn.objects.filter(status=MonitoringReturn.Status.SUBMITTED),
                    Count("pk"),
                ),
                0,
            ),
            pending_changes=Coalesce(
                _per_award(
                    ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING), Count("pk")
                ),
                0,
            ),
        )
        .order_by("-starts_on", "-pk")
    )


class AwardListView(FilterPageMixin, FilterView):
    filterset_class = AwardFilter
    template_name = "funding/staff/award_list.html"
    context_object_name = "awards"
    paginate_by = 50

    def get_queryset(self):
        return listed_awards()


award_list = manager_required(AwardListView.as_view())


AWARD_COLUMNS = (
    "Reference",
    "Round",
    "Organisation",
    "Project",
    "Awarded (£)",
    "Paid (£)",
    "Starts",
    "Ends",
    "Status",
    "Next return due",
    "Overdue returns",
    "Returns to review",
    "Changes waiting",
)


@manager_required
def award_export(request):
    filterset = AwardFilter(request.GET or None, queryset=listed_awards(), request=request)
    rows = (
        [
            award.application.reference,
            award.application.round.name,
            award.application.organisation_name,
            award.application.project_title,
            f"{award.amount:.2f}",
            f"{award.paid or ZERO:.2f}",
            award.starts_on.isoformat(),
            award.ends_on.isoformat(),
            award.get_status_display(),
            award.next_due.isoformat() if award.next_due else "",
            award.overdue,
            award.to_review,
            award.pending_changes,
        ]
        for award in filtered_or_nothing(filterset)
    )
    return csv_response(f"grants-{timezone.localdate():%Y-%m-%d}.csv", AWARD_COLUMNS, rows)


class ReturnListView(FilterPageMixin, FilterView):
    filterset_class = ReturnFilter
    template_name = "funding/staff/return_list.html"
    context_object_name = "returns"
    paginate_by = 50

    def get_queryset(self):
        return MonitoringReturn.objects.select_related("award__application__round").order_by(
            "due_on", "pk"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for report in context["returns"]:
            report.overdue = report.is_overdue(today)
        return context


return_list = manager_required(ReturnListView.as_view())


urlpatterns = [
    path("awards/", award_list, name="award_list"),
    path("awards/export.csv", award_export, name="award_export"),
    path("awards/<int:pk>/", award_detail, name="award_detail"),
    path("awards/<int:pk>/return/", award_return, name="award_return"),
    path("awards/<int:pk>/uncommit/", award_uncommit, name="award_uncommit"),
    path("awards/<int:pk>/schedule/", award_schedule, name="award_schedule"),
    path("awards/<int:pk>/milestones/", milestone_add, name="milestone_add"),
    path("awards/<int:pk>/close/", award_close, name="award_close"),
    path("awards/milestones/<int:pk>/", milestone_met, name="milestone_met"),
    path("awards/changes/<int:pk>/", change_decide, name="change_decide"),
    path("awards/tranches/<int:pk>/review/", tranche_review, name="tranche_review"),
    path("awards/tranches/<int:pk>/release/", tranche_release, name="tranche_release"),
    path("returns/", return_list, name="return_list"),
    path("returns/<int:pk>/", return_review, name="return_review"),
]
