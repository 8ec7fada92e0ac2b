"""The application pipeline: each move between stages is one function with its rules.

Every move is recorded (who, when, from and to) and e-mails the applicant where they would
expect to hear. E-mails carry the reference and the private link, never other applicants' data.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.periods import add_months

from . import ledger
from .models import (
    Application,
    ApplicationDocument,
    Assessment,
    Award,
    Criterion,
    Decision,
    Fund,
    FundingRound,
    Score,
    Stage,
    StageChange,
    balances_by_fund,
)
from .models.applications import NEEDS_CHARITY_NUMBER, NEEDS_COMPANY_NUMBER
from .notify import tell_applicant

# Which stages each stage may move to.
MOVES = {
    Stage.EXPRESSION: {Stage.INVITED_TO_PRESENT, Stage.DECLINED, Stage.WITHDRAWN},
    Stage.INVITED_TO_PRESENT: {Stage.PRESENTED, Stage.DECLINED, Stage.WITHDRAWN},
    Stage.PRESENTED: {Stage.APPLICATION, Stage.DECLINED, Stage.WITHDRAWN},
    Stage.APPLICATION: {Stage.ELIGIBILITY, Stage.WITHDRAWN},
    Stage.ELIGIBILITY: {Stage.ASSESSMENT, Stage.DECLINED, Stage.WITHDRAWN},
    Stage.ASSESSMENT: {Stage.DECISION, Stage.WITHDRAWN},
    Stage.DECISION: {Stage.AWARDED, Stage.DECLINED, Stage.WITHDRAWN},
    Stage.AWARDED: set(),
    Stage.DECLINED: set(),
    Stage.WITHDRAWN: set(),
}
FINAL = {Stage.AWARDED, Stage.DECLINED, Stage.WITHDRAWN}
CHARITY_NUMBER = re.compile(r"^\d{6,8}(-\d{1,2})?$")
COMPANY_NUMBER = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")
REQUIRED_DOCUMENTS = (
    ApplicationDocument.Kind.EQUALITY,
    ApplicationDocument.Kind.GOVERNING,
    ApplicationDocument.Kind.SAFEGUARDING,
)


def _move(application: Application, to: str, *, by=None, note: str = "") -> None:
    current = application.stage
    if to not in MOVES[Stage(current)]:
        raise ValidationError(
            f"An application at “{Stage(current).label}” cannot move to “{Stage(to).label}”."
        )
    application.stage = to
    if to in (Stage.DECLINED, Stage.WITHDRAWN):
        application.close_link_after(days=90)
    application.save()
    StageChange.objects.create(
        application=application, from_stage=current, to_stage=to, by=by, note=note
    )


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _next_reference(round_: FundingRound) -> str:
    """POCA-<year>-<number>, numbered through the year across the fund's rounds."""
    Fund.objects.select_for_update().get(pk=round_.fund_id)  # one number at a time
    year = timezone.localdate().year
    prefix = f"POCA-{year}-"
    last = (
        Application.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


@dataclass(frozen=True)
class Expression:
    organisation_name: str
    contact_name: str
    contact_email: str
    project_title: str
    summary: str
    amount_estimate: Decimal
    priority_areas: list
    contact_phone: str = ""


@transaction.atomic
def submit_expression(round_: FundingRound, data: Expression) -> tuple[Application, str]:
    """A new expression of interest; returns it with the secret of its private link."""
    errors = {}
    if not round_.is_open():
        errors["round"] = f"This round closed on {round_.closes_on:%-d %B %Y}."
    if not round_.min_grant <= data.amount_estimate <= round_.max_grant:
        errors["amount_estimate"] = (
            f"Grants in this round are from £{round_.min_grant:,.0f} to £{round_.max_grant:,.0f}."
        )
    allowed = set(round_.priority_areas.values_list("pk", flat=True))
    chosen = {area.pk for area in data.priority_areas}
    if not chosen:
        errors["priority_areas"] = "Choose at least one priority area your project addresses."
    elif not chosen <= allowed:
        errors["priority_areas"] = "Choose from this round's priority areas."
    if errors:
        raise ValidationError(errors)
    application = Application(
        round=round_,
        reference=_next_reference(round_),
        organisation_name=data.organisation_name,
        contact_name=data.contact_name,
        contact_email=data.contact_email,
        contact_phone=data.contact_phone,
        project_title=data.project_title,
        summary=data.summary,
        amount_estimate=data.amount_estimate,
    )
    token = application.issue_link()
    application.save()
    application.priority_areas.set(data.priority_areas)
    StageChange.objects.create(application=application, to_stage=Stage.EXPRESSION)
    tell_applicant(application, "expression_received", token)
    return application, token


@transaction.atomic
def resend_link(application: Application) -> str:
    """A fresh private link to the contact's address; the old link stops working."""
    application = _locked(application)
    token = application.issue_link()
    application.save(update_fields=["token_hash"])
    tell_applicant(application, "link", token)
    return token


@transaction.atomic
def invite_to_present(application: Application, *, by, when_where: str) -> None:
    application = _locked(application)
    if not when_where.strip():
        raise ValidationError({"when_where": "Say when and where the presentation will be."})
    _move(application, Stage.INVITED_TO_PRESENT, by=by, note=when_where)
    tell_applicant(application, "invited_to_present", when_where=when_where)


@transaction.atomic
def record_presentation(application: Application, *, by, note: str = "") -> None:
    _move(_locked(application), Stage.PRESENTED, by=by, note=note)


@transaction.atomic
def invite_full_application(application: Application, *, by) -> str:
    """Open the full application form; the applicant gets a fresh private link to it."""
    application = _locked(application)
    _move(application, Stage.APPLICATION, by=by)
    token = application.issue_link()
    application.save(update_fields=["token_hash"])
    tell_applicant(application, "invited_to_apply", token)
    return token


def completeness_problems(application: Application) -> dict[str, str]:
    """What stops a full application being submitted, by field, in plain words."""
    round_ = application.round
    problems = {}
    required = {
        "organisation_type": "Say what kind of organisation you are.",
        "address": "Give your organisation's address.",
        "need": "Describe the need your project meets.",
        "means": "Describe how the project will be delivered.",
        "evaluation": "Describe how you will evaluate the project.",
        "amount_requested": "Give the amount you are asking for.",
        "start_date": "Give the date the project starts.",
        "duration_months": "Give how many months the project lasts.",
    }
    for field, message in required.items():
        if getattr(application, field) in (None, ""):
            problems[field] = message
    kind = application.organisation_type
    if kind in NEEDS_CHARITY_NUMBER and not CHARITY_NUMBER.match(application.charity_number):
        problems["charity_number"] = "Give your charity number: 6 to 8 digits, e.g. 1234567."
    if kind in NEEDS_COMPANY_NUMBER and not COMPANY_NUMBER.match(application.company_number):
        problems["company_number"] = (
            "Give your Companies House number: 8 digits, or 2 letters and 6 digits."
        )
    amount = application.amount_requested
    if amount is not None and not round_.min_grant <= amount <= round_.max_grant:
        problems["amount_requested"] = (
            f"Grants in this round are from £{round_.min_grant:,.0f} to £{round_.max_grant:,.0f}."
        )
    months = application.duration_months
    if months is not None and not 1 <= months <= round_.max_months:
        problems["duration_months"] = f"Projects may last up to {round_.max_months} months."
    if application.start_date and application.start_date < timezone.localdate():
        problems["start_date"] = "The fund does not pay for work already done: start later."
    if not application.priority_areas.exists():
        problems["priority_areas"] = "Choose at least one priority area."
    lines = list(application.budget_lines.select_related("category"))
    excluded = [line.category for line in lines if line.category.excluded]
    if excluded:
        problems["budget"] = " ".join(
            f"{c.name}: {c.explanation or 'not funded.'}" for c in excluded
        )
    total = sum(line.amount for line in lines)
    if not total:
        problems.setdefault("budget", "List what the grant will pay for.")
    elif amount is not None and total != amount:
        problems.setdefault(
            "budget", f"The budget lines add up to £{total:,.2f}, not the £{amount:,.2f} requested."
        )
    have = set(application.documents.values_list("kind", flat=True))
    missing = [ApplicationDocument.Kind(k).label for k in REQUIRED_DOCUMENTS if k not in have]
    if ApplicationDocument.Kind.ACCOUNTS not in have and not application.established_under_a_year:
        missing.append("Latest annual accounts (or say the organisation is under a year old)")
    if missing:
        problems["documents"] = "Upload: " + "; ".join(missing) + "."
    if not application.declarations_confirmed:
        problems["declarations_confirmed"] = "Confirm the declarations."
    return problems


@transaction.atomic
def submit_full_application(application: Application) -> None:
    application = _locked(application)
    if application.stage != Stage.APPLICATION:
        raise ValidationError("This application is not open for changes.")
    if not application.round.is_open():
        raise ValidationError(f"The round closed on {application.round.closes_on:%-d %B %Y}.")
    problems = completeness_problems(application)
    if problems:
        raise ValidationError(problems)
    application.full_submitted_at = timezone.now()
    _move(application, Stage.ELIGIBILITY)
    tell_applicant(application, "application_received")


@transaction.atomic
def check_eligibility(application: Application, *, by, eligible: bool, reason: str = "") -> None:
    application = _locked(application)
    if eligible:
        _move(application, Stage.ASSESSMENT, by=by, note=reason)
        return
    if not reason.strip():
        raise ValidationError({"reason": "Say which rule the application does not meet."})
    _move(application, Stage.DECLINED, by=by, note=reason)
    tell_applicant(application, "declined", reason=reason)


@transaction.atomic
def record_assessment(
    application: Application, *, assessor, scores: dict[str, tuple[int, str]],
    recommendation: str, recommended_amount: Decimal | None = None, comments: str = "",
) -> Assessment:  # fmt: skip
    """Scores 0-5 on each of the eight criteria, with comments, and a recommendation."""
    if application.stage != Stage.ASSESSMENT:
        raise ValidationError("Only applications at the assessment stage can be scored.")
    if set(scores) != set(Criterion.values):
        raise ValidationError("Score every one of the eight criteria.")
    if any(not 0 <= score <= 5 for score, _ in scores.values()):
        raise ValidationError("Scores run from 0 to 5.")
    if recommendation == Assessment.Recommendation.PART and not recommended_amount:
        raise ValidationError({"recommended_amount": "Say how much to fund in part."})
    assessment, _ = Assessment.objects.update_or_create(
        application=application,
        assessor=assessor,
        defaults={"recommendation": recommendation, "recommended_amount": recommended_amount,
                  "comments": comments},
    )  # fmt: skip
    for criterion, (score, comment) in scores.items():
        Score.objects.update_or_create(
            assessment=assessment, criterion=criterion,
            defaults={"score": score, "comment": comment},
        )  # fmt: skip
    return assessment


@transaction.atomic
def send_to_decision(application: Application, *, by) -> None:
    application = _locked(application)
    if not application.assessments.exists():
        raise ValidationError("Assess the application before it goes to the board.")
    _move(application, Stage.DECISION, by=by)


@dataclass(frozen=True)
class TrancheSpec:
    amount: Decimal
    release_on: date
    review_on: date | None = None


@transaction.atomic
def record_decision(
    application: Application, *, meeting, outcome: str, by, item=None, reason: str = "",
    amount: Decimal | None = None, starts_on: date | None = None, months: int | None = None,
    conditions: str = "", tranches: list[TrancheSpec] = (),
) -> Decision:  # fmt: skip
    """The board's decision at ``meeting``; approval commits the award in the ledger."""
    application = _locked(application)
    if application.stage != Stage.DECISION:
        raise ValidationError("The application is not waiting for a decision.")
    if application.assessments.filter(assessor=by).exists():
        raise ValidationError(
            "You assessed this application, so another officer must record the decision."
        )
    board = application.round.fund.board
    if board is not None and meeting.board_id != board.pk:
        raise ValidationError(
            {"meeting": f"Choose a meeting of {board.name}, which decides awards."}
        )
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError({"item": "Choose an item on that meeting's agenda."})
    if outcome == Decision.Outcome.DECLINED and not reason.strip():
        raise ValidationError({"reason": "Give the reason the board declined the application."})
    decision = Decision.objects.create(
        application=application, meeting=meeting, item=item, outcome=outcome,
        reason=reason, recorded_by=by,
    )  # fmt: skip
    if outcome == Decision.Outcome.DEFERRED:
        StageChange.objects.create(
            application=application,
            from_stage=application.stage,
            to_stage=application.stage,
            by=by,
            note=f"Deferred: {reason}",
        )
        return decision
    if outcome == Decision.Outcome.DECLINED:
        _move(application, Stage.DECLINED, by=by, note=reason)
        tell_applicant(application, "declined", reason=reason)
        return decision
    _approve(application, decision, by=by, amount=amount, starts_on=starts_on, months=months,
             conditions=conditions, tranches=tranches)  # fmt: skip
    return decision


def _commitment_day(award, decision) -> date:
    """The day the ledger commits an award: the deciding meeting's, so the fund's position as at
    a past day counts it from its decision; but if the money that covers it was recorded after
    that meeting, the day it is recorded, so the fund never shows more committed than it held."""
    today = timezone.localdate()
    decided = min(decision.meeting.date, today)
    if decided < today:
        fund_id = award.application.round.fund_id
        if balances_by_fund([fund_id], as_at=decided)[fund_id].available < award.amount:
            return today
    return decided


def _approve(application, decision, *, by, amount, starts_on, months, conditions, tranches):
    errors = {}
    if not amount or amount <= 0:
        errors["amount"] = "Give the amount approved."
    elif application.amount_requested and amount > application.amount_requested:
        errors["amount"] = "The award cannot be more than was asked for."
    if not starts_on:
        errors["starts_on"] = "Give the date the grant starts."
    if not months or months < 1:
        errors["months"] = "Give the length of the grant in months."
    if not tranches:
        errors["tranches"] = "Set out at least one tranche."
    elif amount and sum(t.amount for t in tranches) != amount:
        errors["tranches"] = (
            f"The tranches add up to £{sum(t.amount for t in tranches):,.2f}, not £{amount:,.2f}."
        )
    if errors:
        raise ValidationError(errors)
    ends_on = add_months(starts_on, months) - timedelta(days=1)
    award = Award.objects.create(
        application=application, decision=decision, amount=amount, starts_on=starts_on,
        ends_on=ends_on, conditions=conditions,
    )  # fmt: skip
    for number, spec in enumerate(tranches, start=1):
        award.tranches.create(number=number, amount=spec.amount, release_on=spec.release_on,
                              review_on=spec.review_on)  # fmt: skip
    # Refused, undoing all of this, if the fund cannot cover it.
    ledger.commit(award, by=by, on=_commitment_day(award, decision))
    # Imported here: monitoring builds on the pipeline, not the other way round.
    from .monitoring import schedule_returns

    schedule_returns(award)
    _move(application, Stage.AWARDED, by=by)
    tell_applicant(application, "awarded", award=award)


@transaction.atomic
def withdraw(application: Application, *, by=None, reason: str = "") -> None:
    application = _locked(application)
    _move(application, Stage.WITHDRAWN, by=by, note=reason or "Withdrawn by the applicant.")
