"""Statutory reviews of the One Panel: the deadline dashboard, referral, the review's page,
decision, national notifications, the stages, parallel processes and the access log.

Only the panel's current members see anything; anyone else gets 404 (``permissions``). Every
page of a review is logged; the services in ``reviews.statutory`` apply the rules, log each
change and refuse bad input beside the field it is about, saving nothing.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_filters import CharFilter

from boards.models import Membership
from partnership.pages import form_page

from .. import clocks, permissions, statutory
from ..filters import AccessLogFilter
from ..forms_statutory import (
    AdvanceForm,
    DecisionForm,
    EndProcessForm,
    NotificationForm,
    ProcessForm,
    ReferralForm,
    add_service_errors,
)
from ..models import AccessLog, Review
from .common import member_page, private
from .panels import AccessLogList

Stage = Review.Stage
VIEW = AccessLog.Action.VIEW

# The button that moves a review into each stage, and the message once it has.
STEP_BUTTONS = {
    Stage.REVIEWER_APPOINTED: ("Appoint the reviewer", "reviewer appointed"),
    Stage.IN_PROGRESS: ("Start the review", "review started"),
    Stage.DRAFT: ("Record the draft report", "draft report received"),
    Stage.QUALITY_ASSURANCE: ("Send for quality assurance", "sent for quality assurance"),
    Stage.PUBLISHED: ("Record publication", "published"),
    Stage.CLOSED: ("Close the review", "closed"),
}

# The date each stage of the commissioned path was reached.
STAGE_DATE_FIELDS = {Stage.REFERRED: "referred_on", **statutory.STAGE_DATES}


def _posted(request):
    """The submitted data, or None on a GET: an empty POST still binds the form."""
    return request.POST if request.method == "POST" else None


def _dashboard_url() -> str:
    return reverse("reviews:statutory_dashboard")


def _detail_url(review: Review) -> str:
    return reverse("reviews:review_detail", args=[review.pk])


def _crumbs(review: Review | None = None) -> list[tuple[str, str]]:
    crumbs = [("Statutory reviews", _dashboard_url())]
    if review is not None:
        crumbs.append((review.reference, _detail_url(review)))
    return crumbs


def _presiding_panel_ids(user, panels) -> set[int]:
    """The panels (of ``panels``) the user chairs or deputises for today, in one query."""
    return set(
        Membership.objects.on(timezone.localdate())
        .filter(board__in=panels, person__user=user, person__active=True)
        .filter(role__in=(Membership.Role.CHAIR, Membership.Role.DEPUTY_CHAIR))
        .values_list("board_id", flat=True)
    )


# --- Dashboard ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardRow:
    review: Review
    deadline: clocks.Deadline | None

    @property
    def sort_key(self) -> tuple:
        # Dated deadlines soonest first, then stopped clocks, then reviews with none running.
        if self.deadline is None:
            return (2, date.max, self.review.reference)
        return (
            1 if self.deadline.is_paused else 0,
            self.deadline.due_on or date.max,
            self.review.reference,
        )


def dashboard_rows(reviews, today: date) -> list[DashboardRow]:
    """Each review with its next deadline, soonest first, from the prefetched clocks."""
    rows = [
        DashboardRow(
            review,
            clocks.next_deadline(
                review,
                today,
                clocks=review.review_type.clocks.all(),
                processes=review.parallel_processes.all(),
            ),
        )
        for review in reviews
    ]
    return sorted(rows, key=lambda row: row.sort_key)


@member_page
@require_GET
def dashboard(request):
    panels = list(permissions.review_panels_for(request.user))
    if not panels:
        return render(request, "reviews/statutory/no_panel.html", {"title": "Statutory reviews"})
    today = timezone.localdate()
    finished = request.GET.get("show") == "finished"
    reviews = Review.objects.filter(panel__in=panels).select_related("review_type", "panel")
    if finished:
        reviews = reviews.filter(stage__in=Review.FINISHED).order_by("-decided_on", "reference")
        rows = [DashboardRow(review, None) for review in reviews]
    else:
        reviews = reviews.live().prefetch_related("review_type__clocks", "parallel_processes")
        rows = dashboard_rows(reviews, today)
    presiding = _presiding_panel_ids(request.user, panels)
    for panel in panels:
        statutory.log_review_list(
            request.user, panel, "finished reviews" if finished else "live reviews dashboard"
        )
    return render(
        request,
        "reviews/statutory/dashboard.html",
        {
            "panels": [(panel, panel.pk in presiding) for panel in panels],
            "several_panels": len(panels) > 1,
            "rows": rows,
            "finished": finished,
            "today": today,
        },
    )


# --- Referral -----------------------------------------------------------------------------


def _referral_page(request, form, *, title, crumbs, submit, cancel_url):
    return render(
        request,
        "reviews/statutory/referral_form.html",
        {
            "form": form,
            "title": title,
            "crumbs": crumbs,
            "submit": submit,
            "cancel_url": cancel_url,
        },
    )


@member_page
def refer(request, pk):
    panel = permissions.get_review_panel_for_user(request.user, pk)
    form = ReferralForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            review = statutory.refer(panel, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Referral recorded as {review.reference} ({review.review_type.name}). "
                "The panel's decision is next.",
            )
            return redirect("reviews:review_detail", pk=review.pk)
    return _referral_page(
        request,
        form,
        title=f"Refer a case to {panel.display_name}",
        crumbs=_crumbs(),
        submit="Record the referral",
        cancel_url=_dashboard_url(),
    )


def _require_referred(review: Review, doing: str) -> None:
    if review.stage != Stage.REFERRED:
        raise PermissionDenied(
            f"{review.reference} has been decided ({review.get_stage_display().lower()}); "
            f"its {doing} can no longer change."
        )


@member_page
def review_edit(request, pk):
    """Correct the referral while the panel has not yet decided."""
    review = permissions.get_review_for_user(request.user, pk)
    _require_referred(review, "referral")
    if request.method == "POST":
        form = ReferralForm(request.POST, review=review)
        if form.is_valid():
            try:
                review = statutory.update_referral(review, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"{review.reference}: the referral is corrected.")
                return redirect("reviews:review_detail", pk=review.pk)
    else:
        statutory.log_review_access(request.user, review, VIEW, "referral edit form")
        form = ReferralForm(initial=ReferralForm.initial_for(review), review=review)
    return _referral_page(
        request,
        form,
        title=f"Correct the referral of {review.reference}",
        crumbs=_crumbs(review),
        submit="Save the changes",
        cancel_url=_detail_url(review),
    )


# --- The review's page --------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineStep:
    label: str
    on: date | None
    state: str  # "done", "now" or "to come"


def timeline(review: Review) -> list[TimelineStep]:
    """The stages the review has passed and has still to pass, with their dates."""
    if review.stage in (Stage.NOT_COMMISSIONED, Stage.OTHER_LEARNING):
        return [
            TimelineStep(Stage.REFERRED.label, review.referred_on, "done"),
            TimelineStep(review.get_stage_display(), review.decided_on, "now"),
        ]
    here = Review.PATH.index(review.stage)
    steps = []
    for index, stage in enumerate(Review.PATH):
        state = "done" if index < here else "now" if index == here else "to come"
        on = getattr(review, STAGE_DATE_FIELDS[stage]) if index <= here else None
        steps.append(TimelineStep(Stage(stage).label, on, state))
    return steps


def bodies_not_notified(review: Review, notifications) -> list[str]:
    """The type's suggested national bodies with no notification recorded yet."""
    told = {notification.body.casefold() for notification in notifications}
    return [body for body in review.review_type.bodies_to_notify if body.casefold() not in told]


@member_page
@require_GET
def review_detail(request, pk):
    review = permissions.get_review_for_user(request.user, pk)
    statutory.log_review_access(request.user, review, VIEW)
    today = timezone.localdate()
    type_clocks = list(review.review_type.clocks.all())
    processes = list(review.parallel_processes.all())
    deadlines = clocks.deadlines(review, today, clocks=type_clocks, processes=processes)
    started = {deadline.clock.pk for deadline in deadlines}
    waiting = [clock for clock in type_clocks if clock.pk not in started] if review.is_live else []
    met_ids = set(review.criteria_met.values_list("pk", flat=True))
    criteria = [(c, c.pk in met_ids) for c in review.review_type.criteria.all()]
    notifications = list(review.notifications.all())
    recommendations = list(
        review.recommendations.prefetch_related("lead_organisations", "actions__organisation")
    )
    next_stage = review.next_stage
    return render(
        request,
        "reviews/statutory/review_detail.html",
        {
            "review": review,
            "panel": review.panel,
            "today": today,
            "deadlines": deadlines,
            "waiting_clocks": waiting,
            "processes": processes,
            "criteria": criteria,
            "agencies_involved": list(review.agencies_involved.all()),
            "notifications": notifications,
            "bodies_pending": bodies_not_notified(review, notifications)
            if review.is_decided
            else [],
            "timeline": timeline(review),
            "next_stage": next_stage,
            "next_button": STEP_BUTTONS[next_stage][0] if next_stage else "",
            "recommendations": recommendations,
            "progress": statutory.progress_by_review([review], today)[review.pk],
            "disseminations": list(review.disseminations.select_related("organisation")),
            "can_take_recommendations": review.stage in statutory.TAKES_RECOMMENDATIONS,
            "can_read_log": review.panel_id in _presiding_panel_ids(request.user, [review.panel]),
        },
    )


# --- Decision and national notifications ------------------------------------------------


@member_page
def review_decide(request, pk):
    review = permissions.get_review_for_user(request.user, pk)
    _require_referred(review, "decision")
    form = DecisionForm(_posted(request), panel=review.panel, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            review = statutory.decide(
                review,
                by=request.user,
                decision=form.cleaned_data["decision"],
                rationale=form.cleaned_data["rationale"],
                decided_on=form.cleaned_data["decided_on"],
                decided_by=form.cleaned_data["decided_by"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = f"{review.reference}: decision recorded ({review.get_decision_display()})."
            bodies = review.review_type.bodies_to_notify
            if bodies:
                text += f" Record the notifications to {', '.join(bodies)}."
            messages.success(request, text)
            return redirect("reviews:review_detail", pk=review.pk)
    return form_page(
        request,
        form,
        title=f"Decide on {review.reference}",
        crumbs=_crumbs(review),
        cancel_url=_detail_url(review),
        submit="Record the decision",
        intro=f"{review.review_type.name} referral of {review.subject_pseudonym}, notified on "
        f"{review.notified_on:%-d %B %Y}. A decision to commission starts the review's own "
        "clocks; every decision needs its rationale.",
    )


@member_page
def review_notification_add(request, pk):
    review = permissions.get_review_for_user(request.user, pk)
    suggestions = review.review_type.bodies_to_notify
    initial = {"body": request.GET.get("body", "")[:120]} if request.method == "GET" else None
    form = NotificationForm(_posted(request), initial=initial, suggestions=suggestions)
    if request.method == "POST" and form.is_valid():
        try:
            notification = statutory.record_notification(
                review, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{review.reference}: notification to {notification.body} recorded "
                f"({notification.sent_on:%-d %B %Y}).",
            )
            return redirect("reviews:review_detail", pk=review.pk)
    return form_page(
        request,
        form,
        title=f"Record a national notification for {review.reference}",
        crumbs=_crumbs(review),
        cancel_url=_detail_url(review),
        submit="Record the notification",
        intro="The date the national body was told, no earlier than the partnership's own "
        "notification.",
    )


# --- The stages ------------------------------------------------------------------------


@member_page
def review_advance(request, pk, stage):
    review = permissions.get_review_for_user(request.user, pk)
    step = statutory.STEPS.get(stage)
    if step is None:
        raise Http404("No such stage")
    form = AdvanceForm(_posted(request), stage=stage)
    if request.method == "POST" and form.is_valid():
        try:
            review = statutory.advance(review, by=request.user, to=stage, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{review.reference}: {STEP_BUTTONS[stage][1]}.")
            return redirect("reviews:review_detail", pk=review.pk)
    intro = f"{review.reference} is {review.get_stage_display().lower()}."
    if review.stage != step.after:
        intro += f" This step follows “{Stage(step.after).label}”, so it cannot be recorded yet."
    elif stage == Stage.CLOSED:
        intro += " A review closes once every recommendation is complete."
    return form_page(
        request,
        form,
        title=f"{STEP_BUTTONS[stage][0]}: {review.reference}",
        crumbs=_crumbs(review),
        cancel_url=_detail_url(review),
        submit=STEP_BUTTONS[stage][0],
        intro=intro,
    )


# --- Parallel processes ----------------------------------------------------------------


@member_page
def review_process_add(request, pk):
    review = permissions.get_review_for_user(request.user, pk)
    form = ProcessForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            process = statutory.add_parallel_process(review, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            paused = " The clocks are paused while it runs." if process.pauses_clock else ""
            messages.success(
                request,
                f"{review.reference}: {process.get_kind_display().lower()} recorded.{paused}",
            )
            return redirect("reviews:review_detail", pk=review.pk)
    return form_page(
        request,
        form,
        title=f"Record a parallel process for {review.reference}",
        crumbs=_crumbs(review),
        cancel_url=_detail_url(review),
        submit="Record the process",
        intro="An inquest, criminal trial or other process alongside the review. One that "
        "pauses the clock moves every deadline on by the days it runs.",
    )


@member_page
def review_process_end(request, pk):
    process = permissions.get_parallel_process_for_user(request.user, pk)
    review = process.review
    form = EndProcessForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            statutory.end_parallel_process(process, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{review.reference}: the {process.get_kind_display().lower()} ended on "
                f"{process.ends_on:%-d %B %Y}.",
            )
            return redirect("reviews:review_detail", pk=review.pk)
    return form_page(
        request,
        form,
        title=f"End the {process.get_kind_display().lower()} of {review.reference}",
        crumbs=_crumbs(review),
        cancel_url=_detail_url(review),
        submit="Record the end",
        intro=f"It started on {process.starts_on:%-d %B %Y}. The clocks run again from the day "
        "after it ends.",
    )


# --- Access log -------------------------------------------------------------------------


class ReviewAccessLogFilter(AccessLogFilter):
    case_reference = CharFilter(label="Review reference", lookup_expr="icontains")


class ReviewAccessLog(AccessLogList):
    """The One Panel's access log, read-only, for its Chair and Deputy Chair."""

    filterset_class = ReviewAccessLogFilter
    template_name = "reviews/statutory/access_log.html"

    def get_panel(self, user, pk):
        return permissions.get_review_panel_for_user(user, pk)


urlpatterns = [
    path("statutory/", dashboard, name="statutory_dashboard"),
    path("statutory/panels/<int:pk>/refer/", refer, name="statutory_refer"),
    path(
        "statutory/panels/<int:pk>/access-log/",
        private(require_GET(ReviewAccessLog.as_view())),
        name="statutory_access_log",
    ),
    path("statutory/<int:pk>/", review_detail, name="review_detail"),
    path("statutory/<int:pk>/edit/", review_edit, name="review_edit"),
    path("statutory/<int:pk>/decide/", review_decide, name="review_decide"),
    path(
        "statutory/<int:pk>/notifications/new/",
        review_notification_add,
        name="review_notification_add",
    ),
    path("statutory/<int:pk>/advance/<str:stage>/", review_advance, name="review_advance"),
    path("statutory/<int:pk>/processes/new/", review_process_add, name="review_process_add"),
    path("statutory/processes/<int:pk>/end/", review_process_end, name="review_process_end"),
]
