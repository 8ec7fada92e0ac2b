"""What a statutory review teaches: its numbered recommendations and their actions, the
implementation progress the board follows, and the 7-minute briefing with its record of which
agencies have shared it.

Every page is for the One Panel's current members; anyone else gets 404 (``permissions``).
The services in ``reviews.statutory`` apply the rules and log each change; a refusal comes back
beside the field it is about and nothing is saved.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from boards.forms import add_service_errors
from partnership.pages import form_page
from partnership.pdf import render_pdf

from .. import permissions, statutory
from ..forms_learning import (
    BRIEFING_ORDER,
    ActionUpdateForm,
    BriefingForm,
    CompleteRecommendationForm,
    DisseminationForm,
    RecommendationActionForm,
    RecommendationForm,
    briefing_label,
    missing_briefing_parts,
)
from ..models import AccessLog, Recommendation, Review
from .common import member_page

VIEW = AccessLog.Action.VIEW


def _detail_url(review: Review, anchor: str = "") -> str:
    url = reverse("reviews:review_detail", args=[review.pk])
    return f"{url}#{anchor}" if anchor else url


def _crumbs(review: Review, *more) -> list[tuple[str, str]]:
    return [
        ("Statutory reviews", reverse("reviews:statutory_dashboard")),
        (review.reference, _detail_url(review)),
        *more,
    ]


def _refuse(request, message: str, url: str):
    """A page that cannot be used now: back to where it is linked from, saying why."""
    messages.error(request, message)
    return redirect(url)


def _missing_text(parts: list[str]) -> str:
    return "; ".join(part.lower() for part in parts)


def _is_complete(recommendation: Recommendation) -> bool:
    return recommendation.status == Recommendation.Status.COMPLETE


def _complete_refusal(request, recommendation: Recommendation):
    return _refuse(
        request,
        f"Recommendation {recommendation.number} is complete; it cannot change.",
        _detail_url(recommendation.review, f"recommendation-{recommendation.number}"),
    )


def _shorten(text: str, limit: int = 200) -> str:
    """One line of ``text`` for a form's introduction, ending as a sentence."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text if text.endswith((".", "?", "!")) else text + "."
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


# --- Recommendations and their actions ------------------------------------------------------


@member_page
def recommendation_add(request, pk):
    review = permissions.get_review_for_user(request.user, pk)
    if review.stage not in statutory.TAKES_RECOMMENDATIONS:
        return _refuse(
            request,
            f"{review.reference} is {review.get_stage_display().lower()}: recommendations are "
            "added from the reviewer's appointment until publication.",
            _detail_url(review, "recommendations"),
        )
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recommendation = statutory.add_recommendation(
                review, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Recommendation {recommendation.number} added to {review.reference}."
            )
            return redirect(_detail_url(review, f"recommendation-{recommendation.number}"))
    return form_page(
        request,
        form,
        title=f"Add a recommendation to {review.reference}",
        crumbs=_crumbs(review),
        cancel_url=_detail_url(review, "recommendations"),
        submit="Add the recommendation",
        intro="Each recommendation is numbered in turn and tracked through the actions the lead "
        "organisations agree.",
    )


@member_page
def recommendation_action_add(request, pk):
    recommendation = permissions.get_recommendation_for_user(request.user, pk)
    review = recommendation.review
    if _is_complete(recommendation):
        return _complete_refusal(request, recommendation)
    form = RecommendationActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action = statutory.add_action(recommendation, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Action for {action.organisation.name} added to recommendation "
                f"{recommendation.number}.",
            )
            return redirect(_detail_url(review, f"recommendation-{recommendation.number}"))
    return form_page(
        request,
        form,
        title=f"Add an action to recommendation {recommendation.number}",
        crumbs=_crumbs(review),
        cancel_url=_detail_url(review, f"recommendation-{recommendation.number}"),
        submit="Add the action",
        intro=f"{review.reference}, recommendation {recommendation.number}: "
        f"{_shorten(recommendation.text)}",
    )


@member_page
def recommendation_action_update(request, pk):
    action = permissions.get_review_action_for_user(request.user, pk)
    recommendation = action.recommendation
    review = recommendation.review
    if _is_complete(recommendation):
        return _complete_refusal(request, recommendation)
    form = ActionUpdateForm(request.POST or None, initial=ActionUpdateForm.initial_for(action))
    if request.method == "POST" and form.is_valid():
        try:
            action = statutory.update_action(action, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Action for {action.organisation.name} on recommendation "
                f"{recommendation.number}: {action.get_status_display().lower()}.",
            )
            return redirect(_detail_url(review, f"recommendation-{recommendation.number}"))
    return form_page(
        request,
        form,
        title=f"Update an action on recommendation {recommendation.number}",
        crumbs=_crumbs(review),
        cancel_url=_detail_url(review, f"recommendation-{recommendation.number}"),
        submit="Save the action",
        intro=f"{action.organisation.name}, owned by {action.owner}: "
        f"{_shorten(action.description)} To mark it complete, give the evidence that it is done.",
    )


@member_page
def recommendation_complete(request, pk):
    recommendation = permissions.get_recommendation_for_user(request.user, pk)
    review = recommendation.review
    if _is_complete(recommendation):
        return _complete_refusal(request, recommendation)
    form = CompleteRecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            statutory.complete_recommendation(recommendation, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Recommendation {recommendation.number} is complete.")
            return redirect(_detail_url(review, f"recommendation-{recommendation.number}"))
    open_actions = recommendation.actions.open().count()
    intro = "A recommendation closes with the evidence that it is met."
    if open_actions:
        intro += (
            f" It has {open_actions} open action{'' if open_actions == 1 else 's'}: complete "
            f"{'it' if open_actions == 1 else 'them'} first."
        )
    return form_page(
        request,
        form,
        title=f"Complete recommendation {recommendation.number} of {review.reference}",
        crumbs=_crumbs(review),
        cancel_url=_detail_url(review, f"recommendation-{recommendation.number}"),
        submit="Mark it complete",
        intro=intro,
    )


# --- Implementation progress -----------------------------------------------------------------


@member_page
@require_GET
def statutory_progress(request, pk):
    """Every commissioned review's recommendations and actions, and each organisation's share:
    the same number of queries however many reviews."""
    panel = permissions.get_review_panel_for_user(request.user, pk)
    today = timezone.localdate()
    reviews = list(
        panel.statutory_reviews.filter(stage__in=Review.PATH[1:])
        .select_related("review_type")
        .order_by("reference")
    )
    by_review = statutory.progress_by_review(reviews, today)
    rows = [(review, by_review[review.pk]) for review in reviews]
    total = statutory.Progress(
        **{
            field: sum(getattr(progress, field) for _, progress in rows)
            for field in (
                "recommendations",
                "recommendations_complete",
                "actions",
                "actions_complete",
                "actions_overdue",
            )
        }
    )
    statutory.log_review_list(request.user, panel, "implementation progress")
    return render(
        request,
        "reviews/learning/progress.html",
        {
            "panel": panel,
            "rows": rows,
            "total": total,
            "organisations": statutory.progress_by_organisation(panel, today),
            "today": today,
        },
    )


# --- The 7-minute briefing ---------------------------------------------------------------------


def _briefing_context(review: Review) -> dict:
    return {
        "review": review,
        "title": f"7-minute briefing: {review.reference} {review.review_type.name}",
        "labels": {field: briefing_label(field) for field in BRIEFING_ORDER},
        "missing": missing_briefing_parts(review),
    }


@member_page
def review_briefing_edit(request, pk):
    review = permissions.get_review_for_user(request.user, pk)
    if not review.is_commissioned:
        return _refuse(
            request,
            f"{review.reference} is {review.get_stage_display().lower()}: only a commissioned "
            "review has a 7-minute briefing.",
            _detail_url(review, "briefing"),
        )
    if request.method == "POST":
        form = BriefingForm(request.POST)
        if form.is_valid():
            changed = {
                field: value.strip()
                for field, value in form.cleaned_data.items()
                if value.strip() != getattr(review, field)
            }
            if not changed:
                messages.info(request, "Nothing in the briefing changed.")
                return redirect("reviews:review_briefing", pk=review.pk)
            try:
                review = statutory.update_briefing(review, by=request.user, **changed)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                missing = missing_briefing_parts(review)
                if missing:
                    note = f"Still to write: {_missing_text(missing)}."
                else:
                    note = "Every part is written: it is ready to share."
                messages.success(request, f"Briefing for {review.reference} saved. {note}")
                return redirect("reviews:review_briefing", pk=review.pk)
    else:
        # The form shows the briefing's text: a view of the review.
        statutory.log_review_access(request.user, review, VIEW, "briefing edit form")
        form = BriefingForm(initial=BriefingForm.initial_for(review))
    return form_page(
        request,
        form,
        title=f"7-minute briefing for {review.reference}",
        crumbs=_crumbs(review),
        cancel_url=_detail_url(review, "briefing"),
        submit="Save the briefing",
        intro="A one-page summary of the learning, for practitioners to read and talk over in "
        "about seven minutes. Name the subject by pseudonym only; give no other personal "
        "details. Parts may be saved as they are written.",
    )


@member_page
@require_GET
def review_briefing(request, pk):
    """The briefing as a page that prints (the browser's print leaves out the site's chrome)."""
    review = permissions.get_review_for_user(request.user, pk)
    statutory.log_review_access(request.user, review, VIEW, "briefing")
    context = _briefing_context(review)
    context["crumbs"] = _crumbs(review)
    return render(request, "reviews/learning/briefing.html", context)


@member_page
@require_GET
def review_briefing_pdf(request, pk):
    review = permissions.get_review_for_user(request.user, pk)
    missing = missing_briefing_parts(review)
    if missing:
        return _refuse(
            request,
            f"The briefing for {review.reference} is not ready for its PDF. Still to write: "
            f"{_missing_text(missing)}.",
            reverse("reviews:review_briefing", args=[review.pk]),
        )
    statutory.log_review_access(request.user, review, VIEW, "briefing pdf")
    context = _briefing_context(review)
    context["running_title"] = f"7-minute briefing {review.reference}"
    response = HttpResponse(
        render_pdf("reviews/pdf/briefing.html", context), content_type="application/pdf"
    )
    filename = f"7-minute-briefing-{slugify(review.reference)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@member_page
def review_dissemination_add(request, pk):
    review = permissions.get_review_for_user(request.user, pk)
    missing = missing_briefing_parts(review)
    if missing:
        return _refuse(
            request,
            f"Write every part of the briefing before recording who shared it. Still to write: "
            f"{_missing_text(missing)}.",
            _detail_url(review, "briefing"),
        )
    form = DisseminationForm(
        request.POST or None, initial={"disseminated_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = statutory.record_dissemination(review, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{record.organisation.name} shared the briefing for {review.reference} on "
                f"{record.disseminated_on:%-d %B %Y}.",
            )
            return redirect(_detail_url(review, "briefing"))
    shared = [
        record.organisation.name
        for record in review.disseminations.select_related("organisation").order_by(
            "organisation__name"
        )
    ]
    intro = "One record for each agency that has shared the briefing with its staff."
    if shared:
        intro += f" Already recorded: {', '.join(shared)}."
    return form_page(
        request,
        form,
        title=f"Record who shared the briefing for {review.reference}",
        crumbs=_crumbs(review),
        cancel_url=_detail_url(review, "briefing"),
        submit="Record it",
        intro=intro,
    )


urlpatterns = [
    path(
        "statutory/<int:pk>/recommendations/new/",
        recommendation_add,
        name="recommendation_add",
    ),
    path(
        "statutory/recommendations/<int:pk>/actions/new/",
        recommendation_action_add,
        name="recommendation_action_add",
    ),
    path(
        "statutory/actions/<int:pk>/update/",
        recommendation_action_update,
        name="recommendation_action_update",
    ),
    path(
        "statutory/recommendations/<int:pk>/complete/",
        recommendation_complete,
        name="recommendation_complete",
    ),
    path("statutory/panels/<int:pk>/progress/", statutory_progress, name="statutory_progress"),
    path("statutory/<int:pk>/briefing/", review_briefing_edit, name="review_briefing_edit"),
    path("statutory/<int:pk>/briefing/view/", review_briefing, name="review_briefing"),
    path("statutory/<int:pk>/briefing.pdf", review_briefing_pdf, name="review_briefing_pdf"),
    path(
        "statutory/<int:pk>/disseminations/new/",
        review_dissemination_add,
        name="review_dissemination_add",
    ),
]
