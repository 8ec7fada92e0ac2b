"""Cases heard by a panel, the meetings they are listed for, and the actions agreed on them.

Case data is special-category personal data. Only the minimum is stored: a label (initials or a
pseudonym), categories needed for the statistics, and a keyed hash that links repeat referrals
without keeping anything that names the person. The personal fields stay out of the audit
history tables, so that erasing them (``reviews.services.erase_case``) leaves no copy behind;
the access log is the trail of who read or changed them.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from boards.models import Board, Meeting, Membership, Organisation, Person
from partnership.periods import add_months

from .panels import PanelRules

# Fields about the person the case is about. Erasure blanks the identifying ones; the
# categories are kept for the panel's statistics (counts only).
IDENTIFYING_FIELDS = ("subject_label", "person_key_hash", "consent_note", "closure_note")
CATEGORY_FIELDS = (
    "age_band",
    "gender",
    "ethnicity",
    "disability",
    "sexual_orientation",
    "children_in_household",
)
PERSONAL_FIELDS = IDENTIFYING_FIELDS + CATEGORY_FIELDS

NOT_KNOWN = "not_known", "Not known"
PREFER_NOT = "prefer_not", "Prefer not to say"


def current_panel_ids(user, day: date | None = None):
    """Ids of the panels ``user`` sits on ``day`` (today), through their Person, as a subquery."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none().values("board_id")
    return (
        Membership.objects.on(day or timezone.localdate())
        .filter(person__user=user, person__active=True, board__kind=Board.Kind.PANEL)
        .values("board_id")
    )


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user, day: date | None = None):
        """Cases of the panels the user is a member of today; nobody else sees any case."""
        return self.filter(panel_id__in=current_panel_ids(user, day))

    def for_panel(self, panel):
        return self.filter(panel=panel)

    def open(self):
        return self.exclude(status=Case.Status.CLOSED).filter(erased_at__isnull=True)

    def closed(self):
        return self.filter(status=Case.Status.CLOSED)

    def with_action_counts(self, today: date | None = None):
        """Each case with ``open_action_count`` and ``overdue_action_count``, in the same query.

        Subqueries rather than joined counts, so that other filters on related rows (a
        meeting's listings, say) cannot multiply the numbers.
        """
        today = today or timezone.localdate()
        open_actions = CaseAction.objects.filter(case=OuterRef("pk"), status=CaseAction.Status.OPEN)

        def count(actions):
            counted = actions.order_by().values("case").annotate(n=Count("pk")).values("n")
            return Coalesce(Subquery(counted[:1]), 0)

        return self.annotate(
            open_action_count=count(open_actions),
            overdue_action_count=count(open_actions.filter(due_on__lt=today)),
        )

    def due_for_disposal(self, today: date | None = None):
        """Closed, not yet erased, and closed at least the panel's retention period ago.

        Each panel has its own period, so the cut-off date is worked out per panel (a handful
        of rows) and the cases found in one query.
        """
        today = today or timezone.localdate()
        due = Q(pk__in=[])
        for panel_id, months in PanelRules.objects.values_list("panel_id", "retention_months"):
            due |= Q(panel_id=panel_id, closed_on__lte=add_months(today, -months))
        return self.closed().filter(erased_at__isnull=True).filter(due)


class Case(models.Model):
    class Status(models.TextChoices):
        REFERRED = "referred", "Referred"
        LISTED = "listed", "Listed for a meeting"
        HEARD = "heard", "Heard"
        ACTIONS_OPEN = "actions_open", "Actions open"
        CLOSED = "closed", "Closed"

    class RiskLevel(models.TextChoices):
        STANDARD = "standard", "Standard"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    class Consent(models.TextChoices):
        YES = "yes", "Consent given"
        NO = "no", "Consent refused"
        OVERRIDDEN = "overridden", "Shared without consent (override)"

    class ClosureReason(models.TextChoices):
        RISK_REDUCED = "risk_reduced", "Risk reduced"
        TRANSFERRED_OUT = "transferred_out", "Transferred out to another area"
        NO_FURTHER_ACTION = "no_further_action", "No further action"
        OTHER = "other", "Other"

    class AgeBand(models.TextChoices):
        UNDER_16 = "under_16", "Under 16"
        AGE_16_17 = "16_17", "16-17"
        AGE_18_24 = "18_24", "18-24"
        AGE_25_34 = "25_34", "25-34"
        AGE_35_44 = "35_44", "35-44"
        AGE_45_54 = "45_54", "45-54"
        AGE_55_64 = "55_64", "55-64"
        AGE_65_PLUS = "65_plus", "65 and over"
        NOT_KNOWN = NOT_KNOWN
        PREFER_NOT = PREFER_NOT

    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        ANOTHER = "another", "Non-binary or another gender"
        NOT_KNOWN = NOT_KNOWN
        PREFER_NOT = PREFER_NOT

    class Ethnicity(models.TextChoices):
        # The five high-level groups of the census for England and Wales.
        ASIAN = "asian", "Asian or Asian British"
        BLACK = "black", "Black, Black British, Caribbean or African"
        MIXED = "mixed", "Mixed or multiple ethnic groups"
        WHITE = "white", "White"
        OTHER = "other", "Other ethnic group"
        NOT_KNOWN = NOT_KNOWN
        PREFER_NOT = PREFER_NOT

    class Disability(models.TextChoices):
        YES = "yes", "Disabled"
        NO = "no", "Not disabled"
        NOT_KNOWN = NOT_KNOWN
        PREFER_NOT = PREFER_NOT

    class SexualOrientation(models.TextChoices):
        HETEROSEXUAL = "heterosexual", "Heterosexual or straight"
        GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
        BISEXUAL = "bisexual", "Bisexual"
        OTHER = "other", "Another sexual orientation"
        NOT_KNOWN = NOT_KNOWN
        PREFER_NOT = PREFER_NOT

    panel = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=30, unique=True, editable=False)
    reference_year = models.PositiveSmallIntegerField(editable=False)
    reference_number = models.PositiveIntegerField(editable=False)
    referral_date = models.DateField()
    referring_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="case_referrals"
    )
    referring_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_referrals",
        help_text="The professional who referred the case.",
    )
    # The reasons for referral. All but professional judgement follow from the panel's rules.
    reason_visible_high_risk = models.BooleanField("visible high risk", default=False)
    reason_professional_judgement = models.BooleanField("professional judgement", default=False)
    reason_potential_escalation = models.BooleanField("potential escalation", default=False)
    reason_repeat = models.BooleanField("repeat referral", default=False)
    risk_score = models.SmallIntegerField(
        null=True, blank=True, help_text="On the panel's risk measure; blank if not assessed."
    )
    police_incidents = models.SmallIntegerField("police incidents in the last 12 months", default=0)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, default=RiskLevel.HIGH)
    subject_label = models.CharField(
        "initials or pseudonym",
        max_length=40,
        blank=True,
        help_text="Never a full name.",
    )
    age_band = models.CharField(max_length=12, choices=AgeBand.choices, default="not_known")
    gender = models.CharField(max_length=12, choices=Gender.choices, default="not_known")
    ethnicity = models.CharField(max_length=12, choices=Ethnicity.choices, default="not_known")
    disability = models.CharField(max_length=12, choices=Disability.choices, default="not_known")
    sexual_orientation = models.CharField(
        max_length=12, choices=SexualOrientation.choices, default="not_known"
    )
    children_in_household = models.SmallIntegerField(
        "children in the household", null=True, blank=True, help_text="Blank if not known."
    )
    consent = models.CharField(max_length=12, choices=Consent.choices)
    consent_note = models.TextField(
        "reason for sharing without consent",
        blank=True,
        help_text="Needed when information is shared without consent.",
    )
    # HMAC-SHA256 of the normalised key the coordinator typed (see reviews.keys); the key
    # itself is never stored.
    person_key_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    repeat_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
        help_text="The same person's previous referral to this panel within the repeat window.",
    )
    transferred_in_from = models.CharField(
        "transferred in from", max_length=100, blank=True, help_text="The sending area."
    )
    transferred_in_on = models.DateField("transferred in on", null=True, blank=True)
    transferred_out_to = models.CharField(
        "transferred out to", max_length=100, blank=True, help_text="The receiving area."
    )
    transferred_out_on = models.DateField("transferred out on", null=True, blank=True)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.REFERRED)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(blank=True)
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=list(PERSONAL_FIELDS))

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-referral_date", "-reference_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "reference_year", "reference_number"],
                name="case_unique_number_per_panel_year",
            ),
            models.CheckConstraint(
                condition=Q(risk_score__isnull=True) | Q(risk_score__gte=0),
                name="case_risk_score_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(police_incidents__gte=0), name="case_incidents_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(children_in_household__isnull=True) | Q(children_in_household__gte=0),
                name="case_children_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False)
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="case_closed_has_a_date",
                violation_error_message="A closed case needs its closing date, and only then.",
            ),
        ]

    def __str__(self):
        # The reference only: this string reaches logs, admin pages and error reports.
        return self.reference or f"Case {self.pk}"

    def clean(self):
        errors = {}
        rules = getattr(self.panel, "panel_rules", None) if self.panel_id else None
        if self.panel_id and rules is None:
            errors["panel"] = "This panel has no rules yet: an administrator sets them up first."
        if (
            rules is not None
            and self.risk_score is not None
            and not rules.risk_score_min <= self.risk_score <= rules.risk_score_max
        ):
            errors["risk_score"] = (
                f"A {rules.risk_measure} score is from {rules.risk_score_min} to "
                f"{rules.risk_score_max}."
            )
        if self.police_incidents is None or not 0 <= self.police_incidents <= 999:
            errors["police_incidents"] = "Give the number of police incidents, 0 or more."
        if self.children_in_household is not None and not 0 <= self.children_in_household <= 30:
            errors["children_in_household"] = (
                "Give the number of children, 0 to 30, or leave it blank."
            )
        if self.referral_date and self.referral_date > timezone.localdate():
            errors["referral_date"] = "The referral date cannot be in the future."
        if self.consent == self.Consent.OVERRIDDEN and not self.consent_note.strip():
            errors["consent_note"] = "Say why information is shared without consent."
        if (
            self.referring_person_id
            and self.referring_organisation_id
            and self.referring_person.organisation_id != self.referring_organisation_id
        ):
            errors["referring_person"] = "The referrer must work for the referring organisation."
        if self.repeat_of_id:
            if self.repeat_of_id == self.pk:
                errors["repeat_of"] = "A case cannot repeat itself."
            elif self.repeat_of.panel_id != self.panel_id:
                errors["repeat_of"] = "A repeat links only to an earlier case of the same panel."
        if bool(self.transferred_in_from.strip()) != bool(self.transferred_in_on):
            errors["transferred_in_from"] = "Give both the sending area and the transfer date."
        if bool(self.transferred_out_to.strip()) != bool(self.transferred_out_on):
            errors["transferred_out_to"] = "Give both the receiving area and the transfer date."
        for field in ("transferred_in_on", "transferred_out_on", "closed_on"):
            day = getattr(self, field)
            if day and self.referral_date and day < self.referral_date:
                errors.setdefault(field, "This date cannot fall before the referral date.")
        if self.status == self.Status.CLOSED:
            if not self.closure_reason:
                errors["closure_reason"] = "Choose why the case is closing."
            elif self.closure_reason == self.ClosureReason.OTHER and not self.closure_note.strip():
                errors["closure_note"] = "Explain the reason for closing."
            elif (
                self.closure_reason == self.ClosureReason.TRANSFERRED_OUT
                and not self.transferred_out_to.strip()
            ):
                errors["transferred_out_to"] = "A transfer out needs the receiving area."
        elif self.closure_reason:
            errors["closure_reason"] = "Only a closed case has a closure reason."
        if errors:
            raise ValidationError(errors)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def reasons(self) -> list[str]:
        """The reasons for referral, as labels."""
        names = (
            "reason_visible_high_risk",
            "reason_professional_judgement",
            "reason_potential_escalation",
            "reason_repeat",
        )
        return [self._meta.get_field(n).verbose_name for n in names if getattr(self, n)]

    def retention_ends_on(self) -> date | None:
        """The day from which the closed case is due for disposal."""
        if not self.closed_on:
            return None
        return add_months(self.closed_on, self.panel.panel_rules.retention_months)


class CaseListingQuerySet(models.QuerySet):
    def for_meeting(self, meeting):
        """The meeting's case list in agenda order, with what a list row shows."""
        return (
            self.filter(meeting=meeting)
            .select_related("case", "case__referring_organisation")
            .order_by("order", "pk")
        )


class CaseListing(models.Model):
    """A case on a panel meeting's list, with its place and time."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="listings")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="case_listings")
    order = models.PositiveSmallIntegerField(help_text="Place on the meeting's case list.")
    minutes = models.PositiveSmallIntegerField(help_text="Time allowed for the case.")
    heard = models.BooleanField(default=False)
    history = HistoricalRecords()

    objects = CaseListingQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "meeting"], name="case_listed_once_per_meeting")
        ]

    def __str__(self):
        return f"{self.case.reference} at {self.meeting}"


class ConfidentialityAgreement(models.Model):
    """A person's agreement to keep a panel meeting's case information confidential."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="confidentiality_agreements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agreed_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "agreed_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="agreement_once_per_meeting")
        ]

    def __str__(self):
        return f"{self.user} agreed for {self.meeting}"


class CaseActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=CaseAction.Status.OPEN)

    def overdue(self, today: date | None = None):
        """Open actions past their due date on cases still open."""
        return (
            self.open()
            .filter(due_on__lt=today or timezone.localdate())
            .exclude(case__status=Case.Status.CLOSED)
        )

    def for_panels(self, panels):
        return self.filter(case__panel__in=panels)

    def visible_to(self, user, day: date | None = None):
        return self.filter(case__panel_id__in=current_panel_ids(user, day))

    def counts_by_agency(self):
        """(agency id, agency name, count) rows: what the overdue chase works from."""
        return (
            self.order_by()
            .values("agency_id", "agency__name")
            .annotate(count=Count("pk"))
            .order_by("agency__name")
        )


class CaseAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="case_actions")
    description = models.TextField("the action")
    owner = models.CharField(
        max_length=200, blank=True, help_text="Name or role of the professional responsible."
    )
    due_on = models.DateField("due")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    # The day the agency was last chased, so the daily job does not repeat itself.
    last_reminded_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The action's wording can describe the person; it stays out of the history tables.
    history = HistoricalRecords(excluded_fields=["description", "owner"])

    objects = CaseActionQuerySet.as_manager()

    class Meta:
        ordering = ["case", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", completed_on__isnull=False)
                | (~Q(status="done") & Q(completed_on__isnull=True)),
                name="case_action_done_has_a_date",
                violation_error_message="A done action needs its completion date, and only then.",
            ),
        ]

    def __str__(self):
        return f"{self.case.reference} action {self.pk}"

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status == self.Status.OPEN and self.due_on < (today or timezone.localdate())


class CaseActionUpdate(models.Model):
    action = models.ForeignKey(CaseAction, on_delete=models.CASCADE, related_name="updates")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField()
    history = HistoricalRecords(excluded_fields=["note"])

    class Meta:
        ordering = ["action", "at", "pk"]

    def __str__(self):
        return f"Update {self.pk} on {self.action}"
