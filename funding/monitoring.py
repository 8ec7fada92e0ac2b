"""Monitoring a grant: scheduled returns, milestones, change requests and closing the grant."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from partnership.periods import add_months

from . import ledger
from .models import Award, ChangeRequest, LedgerEntry, Milestone, MonitoringReturn
from .services import tell_applicant


@transaction.atomic
def schedule_returns(award: Award, *, every_months: int = 3) -> list[MonitoringReturn]:
    """A progress return every few months through the grant, and a final evaluation after it."""
    if every_months < 1:
        raise ValidationError({"every_months": "Returns must be at least a month apart."})
    award.returns.filter(status=MonitoringReturn.Status.DUE).delete()
    made, due = [], add_months(award.starts_on, every_months)
    while due <= award.ends_on:
        made.append(MonitoringReturn.objects.create(award=award, due_on=due))
        due = add_months(due, every_months)
    made.append(
        MonitoringReturn.objects.create(
            award=award, due_on=add_months(award.ends_on, 1), final=True
        )
    )
    return made


def add_milestone(award: Award, *, title: str, due_on: date) -> Milestone:
    if not award.starts_on <= due_on <= award.ends_on:
        raise ValidationError({"due_on": "A milestone falls within the grant's dates."})
    return Milestone.objects.create(award=award, title=title, due_on=due_on)


def _released(award: Award) -> Decimal:
    return award.tranches.filter(released_on__isnull=False).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal(0)


@transaction.atomic
def submit_return(report: MonitoringReturn, *, progress: str, spend_to_date: Decimal) -> None:
    """The grantee's report, sent through the private link."""
    report = MonitoringReturn.objects.select_for_update().get(pk=report.pk)
    if report.status not in (MonitoringReturn.Status.DUE, MonitoringReturn.Status.MORE_INFO):
        raise ValidationError("This return has already been sent.")
    errors = {}
    if not progress.strip():
        errors["progress"] = "Describe what the project has done since the last return."
    if spend_to_date is None or spend_to_date < 0:
        errors["spend_to_date"] = "Give the amount spent so far (0 or more)."
    elif spend_to_date > report.award.amount:
        errors["spend_to_date"] = f"The grant is £{report.award.amount:,.2f}; check the figure."
    if errors:
        raise ValidationError(errors)
    report.progress, report.spend_to_date = progress.strip(), spend_to_date
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
    report.save(update_fields=["status", "officer_note"])
    if not accept:
        tell_applicant(report.award.application, "more_information", report=report)


def request_change(award: Award, *, description: str) -> ChangeRequest:
    if award.status != Award.Status.ACTIVE:
        raise ValidationError("The grant has closed.")
    if not description.strip():
        raise ValidationError({"description": "Describe the change you would like to make."})
    return ChangeRequest.objects.create(award=award, description=description.strip())


@transaction.atomic
def decide_change(request: ChangeRequest, *, by, approve: bool, response: str) -> None:
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ChangeRequest.Status.PENDING:
        raise ValidationError("This change request has already been decided.")
    if not response.strip():
        raise ValidationError({"response": "Give the grantee a reply."})
    request.status = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.REFUSED
    request.decided_by, request.decided_at, request.response = by, timezone.now(), response.strip()
    request.save()
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
    committed = award.amount - sum(
        e.amount for e in award.entries.filter(kind=LedgerEntry.Kind.UNCOMMITTED, reverses=None)
    )
    unpaid = committed - _released(award)
    if unpaid > 0:
        ledger.uncommit(award, unpaid, reason=reason or "Grant closed with money unpaid", by=by)
    award.status = Award.Status.ENDED_EARLY if early else Award.Status.COMPLETED
    award.save(update_fields=["status"])
    application = award.application
    application.close_link_after(days=90)
    application.save(update_fields=["link_expires_at"])


def returns_to_remind(today: date | None = None):
    """Returns overdue or due within a week that nobody has been reminded of today."""
    today = today or timezone.localdate()
    return (
        MonitoringReturn.objects.filter(
            award__status=Award.Status.ACTIVE,
            status__in=[MonitoringReturn.Status.DUE, MonitoringReturn.Status.MORE_INFO],
            due_on__lte=today + timedelta(days=7),
        )
        .exclude(last_reminded_on=today)
        .select_related("award__application")
    )
