"""The fund's public pages: rounds, the eligibility checker, the expression of interest, and each
applicant's own pages behind their private link. Nobody here has an account.

The private link's secret is in the address, so every page under it tells the browser not to
keep it (no-store) and not to pass it on to other sites (same-origin referrers only; not
"no-referrer", under which browsers send "Origin: null" with form posts and Django's CSRF check
refuses them). Every public form is
rate limited by address and carries a honeypot; the rules themselves live in funding.services.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.defaults import page_not_found
from django_ratelimit.decorators import ratelimit

from boards.forms import add_service_errors
from partnership import pagecache
from partnership.downloads import attachment, safe_file_name

from .. import services
from ..forms_public import (
    DOCUMENT_TYPES,
    OCTET_STREAM,
    ApplicantForm,
    BudgetFormSet,
    DocumentForm,
    EligibilityForm,
    ExpressionForm,
    LostLinkForm,
    WithdrawForm,
)
from ..models import Application, BudgetCategory, FundingRound, OrganisationType, Stage
from ..notify import private_link

# Posts allowed per client address. Forms are generous enough for a person correcting
# mistakes; asking for a new link is rare, and each one sends an e-mail.
FORM_RATE = "10/m"
LOST_LINK_RATE = "5/h"


# --- Helpers ---------------------------------------------------------------------------------


def rate_limited(rate: str):
    """Count POSTs per address; over the limit, a polite 429 page instead of the view."""

    def decorator(view):
        @ratelimit(key="ip", rate=rate, method="POST", block=False)
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if getattr(request, "limited", False):
                return render(request, "funding/public/too_many.html", status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def keep_private(response):
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store, private"
    return response


def private_link_page(view):
    """A page whose address holds the secret: private headers on every answer, 404s included."""

    @wraps(view)
    def wrapped(request, token, *args, **kwargs):
        try:
            response = view(request, token, *args, **kwargs)
        except Http404 as exc:
            response = page_not_found(request, exc)
        return keep_private(response)

    return wrapped


def application_for(token: str) -> Application:
    application = Application.by_token(token)
    if application is None:
        raise Http404("No application has this link, or the link has expired.")
    return application


def _round(slug: str) -> FundingRound:
    return get_object_or_404(FundingRound.objects.select_related("fund"), slug=slug)


def _has_closed(round_: FundingRound) -> bool:
    return round_.closes_on < timezone.localdate() or not round_.fund.active


def _closed_page(request, round_: FundingRound):
    return render(request, "funding/public/closed.html", {"round": round_})


# --- Rounds ----------------------------------------------------------------------------------


def rounds(request):
    today = timezone.localdate()
    open_rounds = list(
        FundingRound.objects.open_on(today)
        .select_related("fund")
        .prefetch_related("priority_areas")
        .order_by("closes_on", "name")
    )
    next_round = None
    if not open_rounds:
        next_round = (
            FundingRound.objects.filter(opens_on__gt=today, fund__active=True)
            .order_by("opens_on")
            .first()
        )
    return render(
        request,
        "funding/public/rounds.html",
        {"open_rounds": open_rounds, "next_round": next_round},
    )


def round_public(request, slug):
    round_ = _round(slug)
    today = timezone.localdate()
    return render(
        request,
        "funding/public/round.html",
        {
            "round": round_,
            "is_open": round_.is_open(today),
            "not_yet_open": round_.opens_on > today and round_.fund.active,
            "priority_areas": round_.priority_areas.all(),
            "key_themes": round_.key_themes.all(),
            "not_funded": BudgetCategory.objects.filter(excluded=True),
            "organisation_types": OrganisationType.labels,
        },
    )


@rate_limited(FORM_RATE)
def eligibility(request, slug):
    round_ = _round(slug)
    if _has_closed(round_):
        return _closed_page(request, round_)
    questions = list(round_.questions.all())
    if request.method == "POST":
        form = EligibilityForm(questions, request.POST)
        if form.is_valid():
            return render(
                request,
                "funding/public/eligibility_result.html",
                {"round": round_, "failed": form.failed(), "is_open": round_.is_open()},
            )
    else:
        form = EligibilityForm(questions)
    return render(request, "funding/public/eligibility.html", {"round": round_, "form": form})


@rate_limited(FORM_RATE)
@pagecache.cacheable  # the fund's busiest public page while a round is open
def expression(request, slug):
    round_ = _round(slug)
    if not round_.is_open():
        return _closed_page(request, round_)
    if request.method == "POST":
        form = ExpressionForm(round_, request.POST)
        if form.is_valid():
            try:
                application, token = services.submit_expression(round_, form.expression())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                # The one time the link is shown on screen; the page must not be cached.
                return keep_private(
                    render(
                        request,
                        "funding/public/expression_received.html",
                        {"application": application, "link": private_link(token)},
                    )
                )
    else:
        form = ExpressionForm(round_)
    return render(request, "funding/public/expression.html", {"round": round_, "form": form})


@rate_limited(LOST_LINK_RATE)
def lost_link(request):
    if request.method == "POST":
        form = LostLinkForm(request.POST)
        if form.is_valid() or form.caught_robot:
            if not form.caught_robot:
                _resend_if_matching(form.cleaned_data["reference"], form.cleaned_data["email"])
            # The same answer whether or not anything matched, so the page reveals nothing.
            return render(request, "funding/public/lost_link_sent.html")
    else:
        form = LostLinkForm()
    return render(request, "funding/public/lost_link.html", {"form": form})


def _resend_if_matching(reference: str, email: str) -> None:
    application = Application.objects.filter(
        reference__iexact=reference.strip(), contact_email__iexact=email.strip()
    ).first()
    if application is None:
        return
    if application.link_expires_at and application.link_expires_at < timezone.now():
        return  # a closed application's link has lapsed for good; a new one would not open
    services.resend_link(application)


# --- The applicant's own pages ----------------------------------------------------------------

# Plain words for each stage: (where it stands, what happens next).
STAGE_WORDS = {
    Stage.EXPRESSION: (
        "We have your expression of interest.",
        "The community safety team reads every expression of interest. If the project fits "
        "the fund's priorities, we will e-mail you an invitation to present it to us.",
    ),
    Stage.INVITED_TO_PRESENT: (
        "You are invited to present your project.",
        "We have e-mailed you when and where the presentation will be. It is a conversation "
        "about the need, how you will deliver the project and how you will know it worked.",
    ),
    Stage.PRESENTED: (
        "Thank you for presenting your project.",
        "We will let you know by e-mail whether to make a full application.",
    ),
    Stage.APPLICATION: (
        "Your full application is open for you to complete.",
        "Fill in the application form and upload the documents we ask for. You can save a "
        "draft and come back to it. Submit it before the round closes.",
    ),
    Stage.ELIGIBILITY: (
        "We have your full application and are checking its eligibility.",
        "We check the application and documents against the fund's rules. If it meets them, "
        "assessors score it against the fund's eight criteria.",
    ),
    Stage.ASSESSMENT: (
        "Your application is being assessed.",
        "Assessors score it against the fund's criteria and make a recommendation to the board.",
    ),
    Stage.DECISION: (
        "Your application is waiting for the board's decision.",
        "The board decides at one of its meetings. We will e-mail you the outcome.",
    ),
    Stage.AWARDED: (
        "The board has awarded you a grant.",
        "We have e-mailed the amount and when it will be paid. During the grant you report on "
        "your milestones, and at the end you send an evaluation. Money not used within the "
        "grant, or spent on anything else, is returned; ask us before changing what it pays for.",
    ),
    Stage.DECLINED: (
        "Your application was not successful.",
        "We have e-mailed you the reason. You are welcome to apply to a future round.",
    ),
    Stage.WITHDRAWN: (
        "You withdrew this application.",
        "Nothing more will happen to it. You are welcome to apply to a future round.",
    ),
}


def _timeline(application: Application) -> list[dict]:
    # Dates and stages only: who moved it, and any staff notes, stay inside the team.
    timeline = []
    for move in application.moves.all():
        label = Stage(move.to_stage).label
        if move.from_stage == move.to_stage:
            label = f"{label}: the decision was put back to a later meeting"
        timeline.append({"at": move.at, "label": label})
    return timeline


@private_link_page
@rate_limited(FORM_RATE)
def applicant_home(request, token):
    application = application_for(token)
    can_withdraw = application.stage not in services.FINAL
    withdraw_form = None
    if request.method == "POST":
        if not can_withdraw:
            messages.info(request, "This application is closed; there is nothing to withdraw.")
            return redirect("funding:applicant_home", token)
        withdraw_form = WithdrawForm(request.POST)
        if withdraw_form.is_valid():
            try:
                services.withdraw(application)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Your application has been withdrawn.")
            return redirect("funding:applicant_home", token)
    elif can_withdraw and request.GET.get("withdraw") == "confirm":
        withdraw_form = WithdrawForm()
    status, next_steps = STAGE_WORDS[Stage(application.stage)]
    return render(
        request,
        "funding/public/applicant_home.html",
        {
            "application": application,
            "token": token,
            "status": status,
            "next_steps": next_steps,
            "timeline": _timeline(application),
            "is_draft": application.stage == Stage.APPLICATION,
            "can_withdraw": can_withdraw,
            "withdraw_form": withdraw_form,
            "documents": application.documents.all(),
        },
    )


def _problems(form, budget, budget_errors, document_errors) -> list[tuple[str, str, str]]:
    """Every refusal on the page as (what, message, anchor), for the summary at the top."""
    problems = []
    for name, errors in form.errors.items():
        if name == "__all__":
            problems += [("", message, "") for message in errors]
        else:
            problems += [(form[name].label, message, f"id_{name}") for message in errors]
    if budget.non_form_errors() or any(budget.errors):
        problems.append(("Budget", "Correct the budget lines marked below.", "budget"))
    problems += [("Budget", message, "budget") for message in budget_errors]
    problems += [("Documents", message, "documents") for message in document_errors]
    return problems


@private_link_page
@rate_limited(FORM_RATE)
def applicant_form(request, token):
    application = application_for(token)
    if application.stage != Stage.APPLICATION:
        messages.info(request, "The application form is closed: this application has moved on.")
        return redirect("funding:applicant_home", token)
    round_ = application.round
    budget_errors: list[str] = []
    document_errors: list[str] = []
    if request.method == "POST":
        form = ApplicantForm(round_, request.POST)
        budget = BudgetFormSet(request.POST, instance=application, prefix="budget")
        answers_ok = form.is_valid()
        budget_ok = budget.is_valid()
        if not form.caught_robot:
            with transaction.atomic():
                locked = Application.objects.select_for_update().get(pk=application.pk)
                if locked.stage != Stage.APPLICATION:
                    return redirect("funding:applicant_home", token)
                form.save_valid_answers(application)
                if budget_ok:  # the budget is saved whole or not at all
                    budget.save()
            if "submit" not in request.POST:
                if answers_ok and budget_ok:
                    messages.success(request, "Your draft is saved.")
                    return redirect("funding:applicant_form", token)
                messages.warning(
                    request,
                    "Your draft is saved, apart from the answers marked below, which were kept "
                    "as they were before.",
                )
            elif not (answers_ok and budget_ok):
                form.add_error(
                    None,
                    "Your draft is saved, but the application was not submitted: correct the "
                    "answers marked below first.",
                )
            else:
                try:
                    services.submit_full_application(application)
                except ValidationError as error:
                    application.refresh_from_db()
                    budget_errors, document_errors = _split_problems(form, error)
                else:
                    messages.success(
                        request,
                        "Thank you: your application is submitted. We have sent you an e-mail "
                        "to confirm it.",
                    )
                    return redirect("funding:applicant_home", token)
    else:
        form = ApplicantForm(round_, initial=ApplicantForm.initial_for(application))
        budget = BudgetFormSet(instance=application, prefix="budget")
    return render(
        request,
        "funding/public/applicant_form.html",
        {
            "application": application,
            "round": round_,
            "token": token,
            "form": form,
            "budget": budget,
            "budget_errors": budget_errors,
            "document_errors": document_errors,
            "problems": _problems(form, budget, budget_errors, document_errors),
            "documents": application.documents.all(),
        },
    )


def _split_problems(form, error: ValidationError) -> tuple[list[str], list[str]]:
    """Put the service's refusals next to their fields; the budget and the documents have
    sections of their own rather than fields."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return [], []
    problems = dict(error.message_dict)
    budget = problems.pop("budget", [])
    documents = problems.pop("documents", [])
    add_service_errors(form, ValidationError(problems))
    return budget, documents


@private_link_page
@rate_limited(FORM_RATE)
def applicant_documents(request, token):
    application = application_for(token)
    can_change = application.stage == Stage.APPLICATION
    form = DocumentForm()
    if request.method == "POST":
        if not can_change:
            messages.info(request, "Documents can only be changed while the application is open.")
            return redirect("funding:applicant_documents", token)
        if "remove" in request.POST:
            _remove_document(request, application)
            return redirect("funding:applicant_documents", token)
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            document = form.save(application)
            messages.success(request, f"“{document.original_name}” is uploaded.")
            return redirect("funding:applicant_documents", token)
    return render(
        request,
        "funding/public/applicant_documents.html",
        {
            "application": application,
            "token": token,
            "form": form,
            "can_change": can_change,
            "documents": application.documents.all(),
        },
    )


def _remove_document(request, application: Application) -> None:
    try:
        pk = int(request.POST["remove"])
    except ValueError:
        return
    document = application.documents.filter(pk=pk).first()
    if document is None:
        return
    stored = document.file.name
    storage = document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    messages.success(request, f"“{document.original_name}” is removed.")


@private_link_page
def applicant_document_download(request, token, pk):
    application = application_for(token)
    document = get_object_or_404(application.documents, pk=pk)
    content_type = document.content_type
    if content_type not in DOCUMENT_TYPES.values():
        content_type = OCTET_STREAM
    return attachment(
        document.file, filename=safe_file_name(document.original_name), content_type=content_type
    )


urlpatterns = [
    path("apply/", rounds, name="rounds"),
    # Before the round's slug, which would otherwise take "lost-link".
    path("apply/lost-link/", lost_link, name="resend_link"),
    path("apply/<slug:slug>/", round_public, name="round_public"),
    path("apply/<slug:slug>/eligibility/", eligibility, name="eligibility"),
    path("apply/<slug:slug>/interest/", expression, name="expression"),
    path("my/<str:token>/", applicant_home, name="applicant_home"),
    path("my/<str:token>/application/", applicant_form, name="applicant_form"),
    path("my/<str:token>/documents/", applicant_documents, name="applicant_documents"),
    path(
        "my/<str:token>/documents/<int:pk>/",
        applicant_document_download,
        name="applicant_document_download",
    ),
]
