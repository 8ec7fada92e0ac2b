"""Monitoring a grant: scheduled returns, milestones, change requests and closing the grant."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.periods import add_months

from . import ledger
from .models import Award, ChangeRequest, Milestone, MonitoringReturn, Tranche
from .notify import tell_applicant


@transaction.atomic
def schedule_returns(award: Award, *, every_months: int | None = None) -> list[MonitoringReturn]:
    """Progress returns every few months through the grant, and an evaluation after it ends.

    Returns already sent keep their place: only those still due are laid out again, after the
    last one the grantee has sent, so changing the interval or the end date never asks twice for
    the same period.
    """
    every = award.return_every_months if every_months is None else every_months
    if every < 1 or every > 12:
        raise ValidationError({"every_months": "Returns are due between 1 and 12 months apart."})
    award = Award.objects.select_for_update().get(pk=award.pk)
    if award.status != Award.Status.ACTIVE:
        raise ValidationError("The grant has closed; its returns can no longer change.")
    if award.return_every_months != every:
        award.return_every_months = every
        award.save(update_fields=["return_every_months"])
    award.returns.filter(status=MonitoringReturn.Status.DUE).delete()
    sent = award.returns.order_by("-due_on")
    made = []
    if not sent.filter(final=True).exists():
        last = sent.filter(final=False).first()
        due = add_months(award.starts_on, every)
        while last and due <= last.due_on:
            due = add_months(due, every)
        while due <= award.ends_on:
            made.append(MonitoringReturn.objects.create(award=award, due_on=due))
            due = add_months(due, every)
        made.append(
            MonitoringReturn.objects.create(
                award=award, due_on=add_months(award.ends_on, 1), final=True
            )
        )
    return made


def add_milestone(award: Award, *, title: str, due_on: date) -> Milestone:
    errors = {}
    if award.status != Award.Status.ACTIVE:
        raise ValidationError("The grant has closed.")
    if not title.strip():
        errors["title"] = "Say what the milestone is."
    if due_on is None or not award.starts_on <= due_on <= award.ends_on:
        errors["due_on"] = (
            f"A milestone falls within the grant: {award.starts_on:%d/%m/%Y} "
            f"to {award.ends_on:%d/%m/%Y}."
        )
    if errors:
        raise ValidationError(errors)
    return Milestone.objects.create(award=award, title=title.strip(), due_on=due_on)


@transaction.atomic
def record_milestone(milestone: Milestone, *, achieved_on: date | None, note: str = "") -> None:
    """Mark a milestone met (or, with no date, not met after all)."""
    milestone = Milestone.objects.select_for_update().select_related("award").get(pk=milestone.pk)
    if achieved_on and achieved_on > timezone.localdate():
        raise ValidationError({"achieved_on": "Record a milestone once it has been met."})
    if achieved_on and achieved_on < milestone.award.starts_on:
        raise ValidationError({"achieved_on": "That is before the grant started."})
    milestone.achieved_on, milestone.note = achieved_on, note.strip()
    milestone.save(update_fields=["achieved_on", "note"])


@transaction.atomic
def record_tranche_review(tranche: Tranche, *, reviewed_on: date, note: str, by=None) -> None:
    """The review a tranche waits for (e.g. nine months into a two-year post)."""
    tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
    if tranche.released_on:
        raise ValidationError("This tranche has been paid; its review can no longer change.")
    errors = {}
    if reviewed_on is None:
        errors["reviewed_on"] = "Give the date the review was held."
    elif reviewed_on > timezone.localdate():
        errors["reviewed_on"] = "Record a review once it has been held."
    if not note.strip():
        errors["review_note"] = "Say what the review found."
    if errors:
        raise ValidationError(errors)
    tranche.reviewed_on, tranche.review_note = reviewed_on, note.strip()
    tranche.save(update_fields=["reviewed_on", "review_note"])


@dataclass(frozen=True)
class ReturnAnswers:
    progress: str
    spend_to_date: Decimal | None
    people_reached: int | None = None
    difficulties: str = ""
    outcomes: str = ""
    unspent: Decimal | None = None


@transaction.atomic
def submit_return(report: MonitoringReturn, answers: ReturnAnswers) -> None:
    """The grantee's report, sent through the private link."""
    report = MonitoringReturn.objects.select_for_update().select_related("award").get(pk=report.pk)
    if report.award.status != Award.Status.ACTIVE:
        raise ValidationError("The grant has closed; returns can no longer be sent.")
    if not report.open:
        raise ValidationError("This return has already been sent.")
    errors = {}
    grant = report.award.amount
    if not answers.progress.strip():
        errors["progress"] = "Describe what the project has done since the last return."
    if answers.spend_to_date is None or answers.spend_to_date < 0:
        errors["spend_to_date"] = "Give the amount spent so far (0 or more)."
    elif answers.spend_to_date > grant:
        errors["spend_to_date"] = f"The grant is £{grant:,.2f}; check the figure."
    if answers.people_reached is not None and answers.people_reached < 0:
        errors["people_reached"] = "Give the number of people reached (0 or more)."
    if report.final:
        if not answers.outcomes.strip():
            errors["outcomes"] = "Say what difference the project made."
        if answers.unspent is None or answers.unspent < 0:
            errors["unspent"] = "Give the amount not spent (0 if it was all spent)."
        elif answers.unspent > grant:
            errors["unspent"] = f"The grant is £{grant:,.2f}; check the figure."
    if errors:
        raise ValidationError(errors)
    report.progress, report.spend_to_date = answers.progress.strip(), answers.spend_to_date
    report.people_reached = answers.people_reached
    report.difficulties = answers.difficulties.strip()
    if report.final:
        report.outcomes, report.unspent = answers.outcomes.strip(), answers.unspent
    report.status, report.submitted_at = MonitoringReturn.Status.SUBMITTED, timezone.now()
    report.save()


@transaction.atomic
def review_return(report: MonitoringReturn, *, by, accept: bool, note: str = "") -> None:
    """The officer accepts a return, or asks for more (which needs to say what)."""
    report = MonitoringReturn.objects.select_for_update().get(pk=report.pk)
    if report.status != MonitoringReturn.Status.SUBMITTED:
        raise ValidationError("Only a submitted return can be reviewed.")
    if not accept and not note.strip():
        raise ValidationError({"note": "Say what more the grantee needs to send."})
    report.status = (
        MonitoringReturn.Status.ACCEPTED if accept else MonitoringReturn.Status.MORE_INFO
    )
    report.officer_note = note.strip()
    report.reviewed_by, report.reviewed_at = by, timezone.now()
    report.save(update_fields=["status", "officer_note", "reviewed_by", "reviewed_at"])
    if not accept:
        tell_applicant(report.award.application, "more_information", report=report)


def _longest_end(award: Award) -> date:
    months = award.application.round.max_months
    return add_months(award.starts_on, months) - timedelta(days=1)


@transaction.atomic
def request_change(
    award: Award, *, kind: str, description: str, new_ends_on: date | None = None
) -> ChangeRequest:
    """The grantee asks to change the grant; nothing changes until an officer agrees."""
    award = Award.objects.select_for_update().select_related("application__round").get(pk=award.pk)
    if award.status != Award.Status.ACTIVE:
        raise ValidationError("The grant has closed.")
    errors = {}
    if kind not in ChangeRequest.Kind.values:
        errors["kind"] = "Choose what kind of change this is."
    if not description.strip():
        errors["description"] = "Describe the change you would like to make."
    if kind == ChangeRequest.Kind.TIMETABLE:
        if new_ends_on is None:
            errors["new_ends_on"] = "Give the end date you are asking for."
        elif new_ends_on <= award.ends_on:
            errors["new_ends_on"] = f"The grant already runs to {award.ends_on:%d/%m/%Y}."
        elif new_ends_on > _longest_end(award):
            errors["new_ends_on"] = (
                f"Grants in this round run for at most "
                f"{award.application.round.max_months} months, to "
                f"{_longest_end(award):%d/%m/%Y}."
            )
    if award.change_requests.filter(status=ChangeRequest.Status.PENDING).count() >= 3:
        errors["description"] = "Three requests are already waiting; we will reply first."
    if errors:
        raise ValidationError(errors)
    return ChangeRequest.objects.create(
        award=award,
        kind=kind,
        description=description.strip(),
        new_ends_on=new_ends_on if kind == ChangeRequest.Kind.TIMETABLE else None,
    )


@transaction.atomic
def decide_change(request: ChangeRequest, *, by, approve: bool, response: str) -> None:
    """Agree or refuse a change; agreeing more time moves the end date and the returns with it."""
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ChangeRequest.Status.PENDING:
        raise ValidationError("This change request has already been decided.")
    if not response.strip():
        raise ValidationError({"response": "Give the grantee a reply."})
    award = Award.objects.select_for_update().get(pk=request.award_id)
    if award.status != Award.Status.ACTIVE:
        raise ValidationError("The grant has closed.")
    request.status = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.REFUSED
    request.decided_by, request.decided_at, request.response = by, timezone.now(), response.strip()
    request.save()
    if approve and request.new_ends_on and request.new_ends_on > award.ends_on:
        award.ends_on = request.new_ends_on
        award.save(update_fields=["ends_on"])
        schedule_returns(award)
    tell_applicant(request.award.application, "change_decided", request=request)


@transaction.atomic
def close_award(award: Award, *, by, early: bool = False, reason: str = "") -> None:
    """End the grant: unpaid commitment goes back to the fund and the private link expires."""
    award = Award.objects.select_for_update().get(pk=award.pk)
    if award.status != Award.Status.ACTIVE:
        raise ValidationError("The grant is already closed.")
    if (
        not early
        and not award.returns.filter(final=True, status=MonitoringReturn.Status.ACCEPTED).exists()
    ):
        raise ValidationError("Accept the end-of-grant evaluation before closing the grant.")
    if early and not reason.strip():
        raise ValidationError({"reason": "Say why the grant is ending early."})
    unpaid = ledger.unpaid(award)
    if unpaid > 0:
        ledger.uncommit(award, unpaid, reason=reason or "Grant closed with money unpaid", by=by)
    award.status = Award.Status.ENDED_EARLY if early else Award.Status.COMPLETED
    award.closed_on, award.closing_note = timezone.localdate(), reason.strip()
    award.save(update_fields=["status", "closed_on", "closing_note"])
    award.returns.filter(status=MonitoringReturn.Status.DUE).delete()
    application = award.application
    application.close_link_after(days=90)
    application.save(update_fields=["link_expires_at"])


def returns_to_remind(today: date | None = None):
    """Returns overdue or due within a week that nobody has been reminded of today."""
    today = today or timezone.localdate()
    return (
        MonitoringReturn.objects.waiting()
        .filter(award__status=Award.Status.ACTIVE, due_on__lte=today + timedelta(days=7))
        .exclude(last_reminded_on=today)
        .select_related("award__application")
    )
