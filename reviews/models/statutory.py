"""Statutory reviews: referrals to the One Panel, their clocks, recommendations and learning.

A review type (CSPR, SAR, DHR, local learning review, or any other the administrator adds) is
configuration: its criteria checklist and its clock rules are rows, so a new type needs no
code. Subjects are named only by pseudonym ("Child C", "Adult M"); nothing here identifies a
person, yet the pages are for One Panel members alone and every access is logged, as with the
case panels.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from boards.models import Board, Membership, Organisation, Person


def current_review_panel_ids(user, day: date | None = None):
    """Ids of the review panels ``user`` sits on ``day`` (today), as a subquery."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none().values("board_id")
    return (
        Membership.objects.on(day or timezone.localdate())
        .filter(person__user=user, person__active=True, board__kind=Board.Kind.REVIEW_PANEL)
        .values("board_id")
    )


class ReviewType(models.Model):
    code = models.CharField(
        max_length=12,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z][A-Z0-9]{1,11}$",
                "Use 2 to 12 capital letters or digits, starting with a letter.",
            )
        ],
        help_text='Starts each review\'s reference, e.g. "DHR" gives DHR-2026-02.',
    )
    name = models.CharField(max_length=120, unique=True)
    basis = models.CharField(
        "legal basis",
        max_length=200,
        blank=True,
        help_text="E.g. Care Act 2014 s44; left blank for a local review.",
    )
    statutory = models.BooleanField(default=True, help_text="Untick for a local learning review.")
    pseudonym_hint = models.CharField(
        max_length=40, default="Child A", help_text='How subjects are named, e.g. "Adult M".'
    )
    asks_mandatory = models.BooleanField(
        "asks mandatory or discretionary",
        default=False,
        help_text="Ask whether the review is mandatory or discretionary (as a SAR under s44).",
    )
    notify_bodies = models.CharField(
        "national bodies to notify",
        max_length=300,
        blank=True,
        help_text='Comma-separated, e.g. "National Panel, Ofsted"; suggested on the decision.',
    )
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    @property
    def bodies_to_notify(self) -> list[str]:
        return [part.strip() for part in self.notify_bodies.split(",") if part.strip()]


class ReviewCriterion(models.Model):
    """One line of a review type's criteria checklist."""

    class Kind(models.TextChoices):
        MANDATORY = "mandatory", "Mandatory if met"
        DISCRETIONARY = "discretionary", "Discretionary"
        CONDITION = "condition", "Condition"

    review_type = models.ForeignKey(ReviewType, on_delete=models.CASCADE, related_name="criteria")
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.CONDITION)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review_type", "order", "pk"]
        verbose_name_plural = "review criteria"

    def __str__(self):
        return self.text


class ClockRule(models.Model):
    """A deadline of a review type: so long after a start event, met when a stage is reached."""

    class Start(models.TextChoices):
        NOTIFICATION = "notification", "Notification"
        DECISION = "decision", "Decision to commission"

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", "Working days (England and Wales)"
        CALENDAR_DAYS = "calendar_days", "Calendar days"
        MONTHS = "months", "Calendar months"

    class MetBy(models.TextChoices):
        DECISION = "decision", "The panel's decision"
        REVIEWER = "reviewer", "A reviewer appointed"
        DRAFT = "draft", "The draft report received"
        PUBLISHED = "published", "Publication"

    review_type = models.ForeignKey(ReviewType, on_delete=models.CASCADE, related_name="clocks")
    label = models.CharField(max_length=80, help_text='E.g. "Rapid Review" or "Decision".')
    start = models.CharField(max_length=14, choices=Start.choices)
    amount = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=14, choices=Unit.choices)
    met_by = models.CharField(max_length=10, choices=MetBy.choices)
    statutory = models.BooleanField(
        default=True, help_text="Set by law or statutory guidance; untick for a local target."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["review_type", "start", "amount"]

    def __str__(self):
        return f"{self.label}: {self.describe()}"

    def clean(self):
        if self.amount == 0:
            raise ValidationError({"amount": "A deadline is at least one day or month away."})
        if self.start == self.Start.DECISION and self.met_by == self.MetBy.DECISION:
            raise ValidationError({"met_by": "A clock that starts at the decision ends later."})

    def describe(self) -> str:
        unit = {
            self.Unit.WORKING_DAYS: "working day",
            self.Unit.CALENDAR_DAYS: "day",
            self.Unit.MONTHS: "month",
        }[self.unit]
        plural = "" if self.amount == 1 else "s"
        start = "notification" if self.start == self.Start.NOTIFICATION else "the decision"
        return f"{self.amount} {unit}{plural} from {start}"


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user, day: date | None = None):
        return self.filter(panel_id__in=current_review_panel_ids(user, day))

    def live(self):
        """Reviews still being considered or carried out (not declined, not closed)."""
        return self.exclude(stage__in=Review.FINISHED)


class Review(models.Model):
    class Stage(models.TextChoices):
        REFERRED = "referred", "Referred"
        COMMISSIONED = "commissioned", "Commissioned"
        REVIEWER_APPOINTED = "reviewer_appointed", "Reviewer appointed"
        IN_PROGRESS = "in_progress", "In progress"
        DRAFT = "draft", "Draft report"
        QUALITY_ASSURANCE = "quality_assurance", "Quality assurance"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"
        NOT_COMMISSIONED = "not_commissioned", "Not commissioned"
        OTHER_LEARNING = "other_learning", "Other learning"

    class Decision(models.TextChoices):
        COMMISSION = "commission", "Commission a review"
        DO_NOT_COMMISSION = "do_not_commission", "Do not commission"
        OTHER_LEARNING = "other_learning", "Other learning (not a statutory review)"

    class Basis(models.TextChoices):
        MANDATORY = "mandatory", "Mandatory"
        DISCRETIONARY = "discretionary", "Discretionary"

    # The order of the commissioned path; a review moves one step at a time along it.
    PATH = (
        Stage.REFERRED,
        Stage.COMMISSIONED,
        Stage.REVIEWER_APPOINTED,
        Stage.IN_PROGRESS,
        Stage.DRAFT,
        Stage.QUALITY_ASSURANCE,
        Stage.PUBLISHED,
        Stage.CLOSED,
    )
    FINISHED = (Stage.CLOSED, Stage.NOT_COMMISSIONED, Stage.OTHER_LEARNING)
    DECIDED_STAGES = tuple(stage for stage in PATH[1:]) + (
        Stage.NOT_COMMISSIONED,
        Stage.OTHER_LEARNING,
    )

    panel = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        related_name="statutory_reviews",
        limit_choices_to={"kind": Board.Kind.REVIEW_PANEL},
    )
    review_type = models.ForeignKey(ReviewType, on_delete=models.PROTECT, related_name="reviews")
    reference = models.CharField(max_length=30, unique=True, editable=False)
    reference_year = models.PositiveSmallIntegerField(editable=False)
    reference_number = models.PositiveIntegerField(editable=False)
    subject_pseudonym = models.CharField(
        "subject's pseudonym", max_length=40, help_text='E.g. "Child C" or "Adult M"; never a name.'
    )
    incident_on = models.DateField("date of the incident")
    notified_on = models.DateField(
        "date of notification", help_text="The day the partnership was told; the clocks start here."
    )
    referred_on = models.DateField("date of referral to the panel", default=timezone.localdate)
    referring_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="review_referrals"
    )
    circumstances = models.TextField(
        "summary of the circumstances",
        help_text="What happened, briefly and without names or addresses.",
    )
    agencies_involved = models.ManyToManyField(
        Organisation, blank=True, related_name="reviews_involved_in"
    )
    criteria_met = models.ManyToManyField(ReviewCriterion, blank=True, related_name="reviews")
    basis = models.CharField(
        "mandatory or discretionary", max_length=14, choices=Basis.choices, blank=True
    )
    stage = models.CharField(max_length=18, choices=Stage.choices, default=Stage.REFERRED)

    decision = models.CharField(max_length=18, choices=Decision.choices, blank=True)
    decision_rationale = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_decisions",
        help_text="Who made the decision for the panel (usually its Chair).",
    )

    reviewer_name = models.CharField("independent reviewer", max_length=200, blank=True)
    reviewer_appointed_on = models.DateField(null=True, blank=True)
    terms_of_reference = models.TextField(blank=True)
    terms_agreed_on = models.DateField("terms of reference agreed on", null=True, blank=True)
    started_on = models.DateField("review started on", null=True, blank=True)
    draft_received_on = models.DateField(null=True, blank=True)
    quality_assurance_on = models.DateField("sent for quality assurance on", null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    publication_url = models.URLField("link to the published report", blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closing_note = models.TextField(blank=True)

    # The 7-minute briefing, written once the findings are known.
    findings = models.TextField(
        "key findings", blank=True, help_text="One finding per paragraph; they are numbered."
    )
    briefing_summary = models.TextField("what happened, in brief", blank=True)
    briefing_why = models.TextField("why it matters", blank=True)
    briefing_practice = models.TextField("what practitioners should do", blank=True)
    briefing_questions = models.TextField(
        "questions for reflection", blank=True, help_text="One question per line."
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-notified_on", "-reference_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["review_type", "reference_year", "reference_number"],
                name="review_unique_number_per_type_year",
            ),
            models.CheckConstraint(
                condition=Q(notified_on__gte=models.F("incident_on")),
                name="review_notified_after_incident",
                violation_error_message="The notification cannot come before the incident.",
            ),
            models.CheckConstraint(
                condition=~Q(stage="published") | Q(published_on__isnull=False),
                name="review_published_has_date",
                violation_error_message="A published review needs its publication date.",
            ),
        ]

    def __str__(self):
        return self.reference or f"Review {self.pk}"

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.incident_on and self.incident_on > today:
            errors["incident_on"] = "The incident date cannot be in the future."
        if self.notified_on and self.notified_on > today:
            errors["notified_on"] = "The notification date cannot be in the future."
        if self.incident_on and self.notified_on and self.notified_on < self.incident_on:
            errors["notified_on"] = "The notification cannot come before the incident."
        if self.panel_id and self.panel.kind != Board.Kind.REVIEW_PANEL:
            errors["panel"] = "Statutory reviews belong to a review panel (the One Panel)."
        if errors:
            raise ValidationError(errors)

    # --- What the stage allows -------------------------------------------------------------

    @property
    def is_live(self) -> bool:
        return self.stage not in self.FINISHED

    @property
    def is_decided(self) -> bool:
        return self.stage != self.Stage.REFERRED

    @property
    def is_commissioned(self) -> bool:
        return self.stage in self.PATH[1:]

    @property
    def next_stage(self) -> str | None:
        """The step after this one on the commissioned path, if any."""
        if not self.is_commissioned or self.stage == self.Stage.CLOSED:
            return None
        return self.PATH[self.PATH.index(self.stage) + 1]

    @property
    def finding_list(self) -> list[str]:
        return [part.strip() for part in self.findings.split("\n\n") if part.strip()]

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.briefing_questions.splitlines() if line.strip()]

    @property
    def briefing_ready(self) -> bool:
        """Every part of the 7-minute briefing has been written."""
        return all(
            part.strip()
            for part in (
                self.findings,
                self.briefing_summary,
                self.briefing_why,
                self.briefing_practice,
                self.briefing_questions,
            )
        )


class NationalNotification(models.Model):
    """A notification of the case or decision to a national body, with its date."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="notifications")
    body = models.CharField(
        max_length=120, help_text="E.g. Child Safeguarding Practice Review Panel, Home Office."
    )
    sent_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sent_on", "pk"]

    def __str__(self):
        return f"{self.body}, {self.sent_on:%d %b %Y}"


class ParallelProcess(models.Model):
    """An inquest, criminal trial or other process running alongside the review.

    One that pauses the clock stops every deadline from its start until its end; with no end
    date it is still running and the clocks stay stopped.
    """

    class Kind(models.TextChoices):
        INQUEST = "inquest", "Inquest"
        CRIMINAL_TRIAL = "criminal_trial", "Criminal trial"
        POLICE_INVESTIGATION = "police_investigation", "Police investigation"
        DISCIPLINARY = "disciplinary", "Disciplinary or regulatory process"
        OTHER = "other", "Other"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="parallel_processes")
    kind = models.CharField(max_length=22, choices=Kind.choices)
    description = models.CharField(max_length=300, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Blank while it continues.")
    pauses_clock = models.BooleanField(
        "pauses the clock", default=True, help_text="Untick if the review carries on alongside it."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name_plural = "parallel processes"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="parallel_process_ends_after_start",
                violation_error_message="A process cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.starts_on:%d %b %Y}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "A process cannot end before it starts."})

    @property
    def ongoing(self) -> bool:
        return self.ends_on is None


class Recommendation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETE = "complete", "Complete"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField("recommendation")
    lead_organisations = models.ManyToManyField(Organisation, related_name="review_recommendations")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    evidence = models.TextField(
        "evidence of completion", blank=True, help_text="What shows the recommendation is met."
    )
    completed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "number"], name="recommendation_number_per_review"
            ),
            models.CheckConstraint(
                condition=Q(status="open", completed_on__isnull=True)
                | (Q(status="complete", completed_on__isnull=False) & ~Q(evidence="")),
                name="recommendation_complete_has_evidence",
                violation_error_message="A complete recommendation needs its date and evidence.",
            ),
        ]

    def __str__(self):
        return f"{self.review.reference} recommendation {self.number}"


class RecommendationActionQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=RecommendationAction.Status.COMPLETE)

    def overdue(self, today: date | None = None):
        return self.open().filter(due_on__lt=today or timezone.localdate())


class RecommendationAction(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField("action")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="review_actions"
    )
    owner = models.CharField(
        max_length=200, help_text="The named post or person who owns it, e.g. Head of Service."
    )
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    evidence = models.TextField("evidence of completion", blank=True)
    completed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = RecommendationActionQuerySet.as_manager()

    class Meta:
        ordering = ["recommendation", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="complete") | (Q(completed_on__isnull=False) & ~Q(evidence="")),
                name="review_action_complete_has_evidence",
                violation_error_message="A complete action needs its date and evidence.",
            ),
        ]

    def __str__(self):
        return f"Action on {self.recommendation}"

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status != self.Status.COMPLETE and self.due_on < (today or timezone.localdate())


class BriefingDissemination(models.Model):
    """An agency's record that it has shared the review's 7-minute briefing with its staff."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="disseminations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="briefings_disseminated"
    )
    disseminated_on = models.DateField()
    how = models.CharField(
        "how it was shared", max_length=300, help_text="E.g. team meetings, staff bulletin."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["disseminated_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "organisation"], name="one_dissemination_per_agency"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} shared the briefing on {self.disseminated_on:%d %b %Y}"


class DeadlineWarning(models.Model):
    """That the chair was warned of one deadline of one review, so the warning goes once.

    A deadline that moves (a pause, say) has a new date and may be warned of again.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="warnings")
    clock = models.ForeignKey(ClockRule, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "clock", "due_on"], name="one_warning_per_deadline"
            ),
        ]

    def __str__(self):
        return f"Warning for {self.review} due {self.due_on:%d %b %Y}"
