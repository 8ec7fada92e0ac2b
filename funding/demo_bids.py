"""What the demo's bids to the community fund share: submitting the expression of interest,
filling in the full application and sending monitoring returns as a group would. Names and text
are invented."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from . import monitoring, services
from .models import ApplicationDocument, BudgetCategory, MonitoringReturn

PDF = b"%PDF-1.4\n% demo document\n%%EOF\n"
DOCUMENTS = ("equality", "governing", "safeguarding", "accounts")
APPLICANT_FIELDS = (
    "organisation_type", "charity_number", "company_number", "address", "need", "means",
    "evaluation", "amount_requested", "start_date", "duration_months", "declarations_confirmed",
    "established_under_a_year",
)  # fmt: skip


def submit_bid(round_, organisation: str, title: str, amount: Decimal, areas, *, email: str):
    """The expression of interest, sent through the public form's service."""
    application, _ = services.submit_expression(
        round_,
        services.Expression(
            organisation_name=organisation,
            contact_name="Demo Contact",
            contact_email=email,
            project_title=title,
            summary=f"{title}, run by {organisation}.",
            amount_estimate=amount,
            priority_areas=areas,
        ),
    )
    return application


def fill_application(
    application, kind: str, number: str, lines, areas, *, address: str, texts: tuple, **extra
) -> None:
    """The full application: the group's details, ``texts`` (need, means, evaluation), the
    budget ``lines`` as (category, description, amount) and the documents the round asks for."""
    application.organisation_type = kind
    if kind in ("charity", "cio"):
        application.charity_number = number
    elif kind in ("cic", "company"):
        application.company_number = number
    application.address = address
    application.need, application.means, application.evaluation = texts
    application.amount_requested = sum(Decimal(amount) for _, _, amount in lines)
    application.start_date = timezone.localdate() + timedelta(days=30)
    application.duration_months = 12
    application.declarations_confirmed = True
    application.established_under_a_year = kind == "group"
    for name, value in extra.items():
        setattr(application, name, value)
    # Only the applicant's fields: the stage in memory may be older than the one the services
    # saved on their own locked copy.
    application.save(update_fields=[*APPLICANT_FIELDS, *extra])
    application.priority_areas.set(areas)
    application.budget_lines.all().delete()
    for category, description, amount in lines:
        application.budget_lines.create(
            category=BudgetCategory.objects.get(name=category),
            description=description,
            amount=Decimal(amount),
        )
    for document in DOCUMENTS:
        if document == "accounts" and application.established_under_a_year:
            continue
        ApplicationDocument.objects.create(
            application=application,
            kind=document,
            original_name=f"{document}.pdf",
            content_type="application/pdf",
            size=len(PDF),
            file=ContentFile(PDF, name=f"{document}.pdf"),
        )


def send_return(report, officer, text: str, spent, *, accept=True, **final) -> None:
    """A return as the grantee would send it, dated when it was due, then reviewed (``final``:
    people, outcomes, unspent)."""
    monitoring.submit_return(
        report,
        monitoring.ReturnAnswers(
            text, Decimal(spent), people_reached=final.pop("people", None), **final
        ),
    )
    sent = timezone.make_aware(datetime.combine(report.due_on - timedelta(days=3), time(11)))
    MonitoringReturn.objects.filter(pk=report.pk).update(submitted_at=sent)
    if accept:
        monitoring.review_return(report, by=officer, accept=True)
