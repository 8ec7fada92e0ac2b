"""Applications from the expression of interest to the decision, reached by a private link."""

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .rounds import BudgetCategory, FundingRound, KeyTheme, PriorityArea


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Stage(models.TextChoices):
    EXPRESSION = "expression", "Expression of interest"
    INVITED_TO_PRESENT = "invited", "Invited to present"
    PRESENTED = "presented", "Presentation held"
    APPLICATION = "application", "Full application"
    ELIGIBILITY = "eligibility", "Eligibility check"
    ASSESSMENT = "assessment", "Assessment"
    DECISION = "decision", "Awaiting decision"
    AWARDED = "awarded", "Awarded"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class OrganisationType(models.TextChoices):
    CHARITY = "charity", "Registered charity"
    CIO = "cio", "Charitable incorporated organisation"
    CIC = "cic", "Community interest company"
    COMPANY_GUARANTEE = "company", "Company limited by guarantee (not for profit)"
    COMMUNITY_GROUP = "group", "Unincorporated community group"


# Which types must give which registration number.
NEEDS_CHARITY_NUMBER = {OrganisationType.CHARITY, OrganisationType.CIO}
NEEDS_COMPANY_NUMBER = {OrganisationType.CIC, OrganisationType.COMPANY_GUARANTEE}


class Application(models.Model):
    round = models.ForeignKey(FundingRound, on_delete=models.PROTECT, related_name="applications")
    reference = models.CharField(max_length=20, unique=True)
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.EXPRESSION)
    # The private link's secret is kept only as a hash: a lost link is replaced, not recovered.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    link_expires_at = models.DateTimeField(null=True, blank=True)

    # Expression of interest.
    organisation_name = models.CharField(max_length=200)
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40, blank=True)
    project_title = models.CharField(max_length=200)
    summary = models.TextField(help_text="What the project will do, in a few sentences.")
    amount_estimate = models.DecimalField(max_digits=10, decimal_places=2)
    priority_areas = models.ManyToManyField(PriorityArea, related_name="applications")

    # Full application (saved as a draft until submitted).
    organisation_type = models.CharField(
        max_length=10, choices=OrganisationType.choices, blank=True
    )
    charity_number = models.CharField(max_length=20, blank=True)
    company_number = models.CharField(max_length=20, blank=True)
    address = models.TextField(blank=True)
    need = models.TextField("the need", blank=True)
    means = models.TextField("how it will be delivered", blank=True)
    evaluation = models.TextField("how it will be evaluated", blank=True)
    amount_requested = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(null=True, blank=True)
    match_funding = models.DecimalField(
        max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    match_funding_source = models.CharField(max_length=200, blank=True)
    key_themes = models.ManyToManyField(KeyTheme, related_name="applications", blank=True)
    established_under_a_year = models.BooleanField(default=False)
    declarations_confirmed = models.BooleanField(default=False)
    full_submitted_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[priority_areas, key_themes])

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.reference} {self.project_title}"

    def get_absolute_url(self):
        return reverse("funding:application_detail", args=[self.pk])

    def issue_link(self) -> str:
        """Make a new private link (the old one stops working); returns the secret once."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        return token

    @classmethod
    def by_token(cls, token: str):
        """The application a private link opens, or None if it is unknown or expired."""
        application = cls.objects.filter(token_hash=hash_token(token)).first()
        if application is None:
            return None
        if application.link_expires_at and application.link_expires_at < timezone.now():
            return None
        return application

    def close_link_after(self, days: int = 90) -> None:
        self.link_expires_at = timezone.now() + timedelta(days=days)


class ApplicationBudgetLine(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    category = models.ForeignKey(BudgetCategory, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200)
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "pk"]

    def __str__(self):
        return f"{self.category}: {self.description} £{self.amount:,.2f}"


def document_path(instance, filename) -> str:
    # A random stored name: the applicant's file name is kept only as text.
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}"


class ApplicationDocument(models.Model):
    class Kind(models.TextChoices):
        EQUALITY = "equality", "Equality and diversity policy"
        GOVERNING = "governing", "Governing document (with a dissolution clause)"
        SAFEGUARDING = "safeguarding", "Safeguarding policy"
        ACCOUNTS = "accounts", "Latest annual accounts"
        OTHER = "other", "Other supporting document"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    file = models.FileField(upload_to=document_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "kind", "uploaded_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"


class StageChange(models.Model):
    """Who moved an application from one stage to the next, and when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="moves")
    from_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "at", "pk"]

    def __str__(self):
        return f"{self.application_id}: {self.from_stage or 'new'} -> {self.to_stage}"
