"""Partner agencies, people, boards and who sits on them."""

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partnership.periods import add_months

from ..storage import keep_original_name, terms_path
from ..validators import validate_document


class Organisation(models.Model):
    class Sector(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        POLICE = "police", "Police"
        FIRE = "fire", "Fire and rescue"
        PROBATION = "probation", "Probation"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education"
        HOUSING = "housing", "Housing"
        VOLUNTARY = "voluntary", "Voluntary and community"
        BUSINESS = "business", "Business"
        VICTIM_SERVICES = "victim_services", "Victim services"
        ELECTED = "elected", "Elected members"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    sector = models.CharField(max_length=30, choices=Sector.choices)
    responsible_authority = models.BooleanField(
        "responsible authority",
        default=False,
        help_text="A statutory partner under the Crime and Disorder Act 1998; others are invited.",
    )
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Person(models.Model):
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The sign-in account of this person, if they have one.",
    )
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "people"

    def __str__(self):
        return f"{self.full_name} ({self.organisation.display_name})"


class Board(models.Model):
    class Kind(models.TextChoices):
        STRATEGIC = "strategic", "Strategic board"
        BUSINESS = "business", "Business management group"
        SUB_GROUP = "sub_group", "Sub-group"
        PANEL = "panel", "Panel"
        REVIEW_PANEL = "review_panel", "Statutory review panel (One Panel)"
        TASK_AND_FINISH = "task_and_finish", "Task-and-finish group"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        SIX_WEEKLY = "six_weekly", "Every six weeks"
        BIMONTHLY = "bimonthly", "Every two months"
        QUARTERLY = "quarterly", "Quarterly"
        TWICE_YEARLY = "twice_yearly", "Twice a year"
        AS_NEEDED = "as_needed", "As needed"

    class QuorumKind(models.TextChoices):
        FRACTION = "fraction", "A fraction of the voting members"
        FIXED = "fixed", "A fixed number of voting members"

    class Rounding(models.TextChoices):
        UP = "up", "Round up"
        DOWN = "down", "Round down"
        NEAREST = "nearest", "Round to the nearest (halves up)"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_boards",
        help_text="The board this one reports to.",
    )
    meeting_frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    purpose = models.TextField(blank=True)
    quorum_kind = models.CharField(
        max_length=10, choices=QuorumKind.choices, default=QuorumKind.FRACTION
    )
    quorum_numerator = models.PositiveSmallIntegerField(default=1)
    quorum_denominator = models.PositiveSmallIntegerField(default=4)
    quorum_rounding = models.CharField(max_length=10, choices=Rounding.choices, default=Rounding.UP)
    quorum_fixed = models.PositiveSmallIntegerField(
        "fixed quorum", null=True, blank=True, help_text="Used when the quorum is a fixed number."
    )
    quorum_requires_chair = models.BooleanField(
        "the Chair (or Deputy Chair) must be present", default=True
    )
    deputies_from_other_organisations = models.BooleanField(
        "deputies may come from another organisation", default=False
    )
    calendar_token = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("boards:board_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def clean(self):
        errors = {}
        if self.quorum_kind == self.QuorumKind.FRACTION:
            if not self.quorum_denominator:
                errors["quorum_denominator"] = "The fraction needs a number below the line."
            elif not self.quorum_numerator or self.quorum_numerator > self.quorum_denominator:
                errors["quorum_numerator"] = (
                    "The fraction must be more than none and at most the whole membership."
                )
        elif not self.quorum_fixed:
            errors["quorum_fixed"] = "Give the number of voting members that makes a quorum."
        ancestor, seen = self.parent, set()
        while ancestor is not None and self.pk is not None:
            if ancestor.pk == self.pk or ancestor.pk in seen:
                errors["parent"] = "A board cannot report to itself or to one of its sub-groups."
                break
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
        if errors:
            raise ValidationError(errors)

    def quorum_rule_text(self) -> str:
        if self.quorum_kind == self.QuorumKind.FIXED:
            text = f"{self.quorum_fixed} voting members"
        else:
            text = f"{self.quorum_numerator}/{self.quorum_denominator} of the voting members"
            text += f" ({self.get_quorum_rounding_display().lower()})"
        if self.quorum_requires_chair:
            text += ", plus the Chair or Deputy Chair"
        return text


class TermsOfReference(models.Model):
    REVIEW_MONTHS = 12

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="terms_of_reference")
    version = models.CharField(max_length=40, help_text='For example "2026" or "v3".')
    document = models.FileField(upload_to=terms_path, validators=[validate_document])
    # The uploader's file name, as text only: the stored name is generated (boards.storage).
    original_name = models.CharField(max_length=200, blank=True, editable=False)
    approved_on = models.DateField()
    review_due = models.DateField(blank=True, help_text="Left blank, twelve months after approval.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "-approved_on"]
        constraints = [
            models.UniqueConstraint(fields=["board", "version"], name="tor_unique_version")
        ]
        verbose_name = "terms of reference"
        verbose_name_plural = "terms of reference"

    def __str__(self):
        return f"{self.board.display_name} terms of reference {self.version}"

    def save(self, *args, **kwargs):
        if not self.review_due and self.approved_on:
            self.review_due = add_months(self.approved_on, self.REVIEW_MONTHS)
        keep_original_name(self, self.document)
        super().save(*args, **kwargs)

    def clean(self):
        if self.review_due and self.approved_on and self.review_due < self.approved_on:
            raise ValidationError({"review_due": "The review cannot fall before approval."})

    def review_overdue(self, today: date | None = None) -> bool:
        return self.review_due < (today or timezone.localdate())


class MembershipQuerySet(models.QuerySet):
    def on(self, day: date):
        """Memberships in force on ``day``: what counts for that day's meeting."""
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )

    def overlapping(self, start: date, end: date | None):
        qs = self.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        return qs if end is None else qs.filter(start_date__lte=end)


class Membership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        DEPUTY_CHAIR = "deputy_chair", "Deputy Chair"
        MEMBER = "member", "Member"
        ADVISER = "adviser", "Adviser"
        OFFICER = "officer", "Officer in attendance"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    voting = models.BooleanField(default=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text="The organisation this person represents on the board.",
    )
    deputy = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputising_for",
        help_text="Named deputy who may attend in this member's place.",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["board", "organisation__name", "person__full_name"]

    def __str__(self):
        return f"{self.person.full_name}, {self.get_role_display()} of {self.board.display_name}"

    @property
    def presides(self) -> bool:
        return self.role in (self.Role.CHAIR, self.Role.DEPUTY_CHAIR)

    def active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    def clean(self):
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = "The membership cannot end before it starts."
        if self.deputy_id and self.deputy_id == self.person_id:
            errors["deputy"] = "A person cannot be their own deputy."
        elif (
            self.deputy_id
            and self.board_id
            and self.organisation_id
            and not self.board.deputies_from_other_organisations
            and self.deputy.organisation_id != self.organisation_id
        ):
            errors["deputy"] = (
                f"The deputy must work for {self.organisation}; this board does not accept "
                "deputies from other organisations."
            )
        if self.board_id and self.person_id and self.start_date and "end_date" not in errors:
            clash = (
                Membership.objects.filter(board_id=self.board_id, person_id=self.person_id)
                .exclude(pk=self.pk)
                .overlapping(self.start_date, self.end_date)
            )
            if clash.exists():
                errors["start_date"] = (
                    "This person is already a member of the board for part of these dates."
                )
        if errors:
            raise ValidationError(errors)
