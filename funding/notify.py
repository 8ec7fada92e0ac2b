"""E-mails to applicants and grantees, sent by the worker once the change has committed."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from partnership.tasks import send_email

from .models import Application


def private_link(token: str) -> str:
    return settings.SITE_URL + reverse("funding:applicant_home", args=[token])


def tell_applicant(application: Application, template: str, token: str | None = None, **extra):
    """E-mail the applicant's contact; ``template`` names funding/email/<template>.txt.

    Only a freshly issued token can be put in a message: the database keeps its hash.
    """
    context = {"application": application, "link": private_link(token) if token else None, **extra}
    subject = (
        f"{application.reference}: "
        + render_to_string(f"funding/email/{template}_subject.txt", context).strip()
    )
    body = render_to_string(f"funding/email/{template}.txt", context)
    # Sent by the worker after the commit: never for a rolled-back change, never in the request.
    send_email.delay_on_commit(subject, body, [application.contact_email])
