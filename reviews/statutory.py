"""Operations on statutory reviews: referral, decision, the stages, pauses, recommendations,
the 7-minute briefing and its dissemination.

As in ``reviews.services``: each call takes the user acting (``by``), runs in one transaction,
refuses anyone not sitting on the review's panel (``PermissionDenied``; views have already
given outsiders a 404), and raises ``ValidationError`` keyed by the argument's name so a form
shows the message beside its field. Nothing is saved half-way, and each call writes one
access-log row naming the review by reference only.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from boards.models import Board, Membership, Organisation, Person

from .models import (
    AccessLog,
    BriefingDissemination,
    NationalNotification,
    ParallelProcess,
    Recommendation,
    RecommendationAction,
    Review,
    ReviewCriterion,
    ReviewType,
)
from .permissions import is_review_panel_member

Action = AccessLog.Action
Stage = Review.Stage


def log_review_access(user, review: Review, action: str, detail: str = "") -> AccessLog:
    """One access-log row for a review; ``detail`` names what was touched, never its values."""
    signed_in = getattr(user, "is_authenticated", False)
    return AccessLog.objects.create(
        user=user if signed_in else None,
        username=user.get_username() if signed_in else "system",
        panel_id=review.panel_id,
        review=review,
        case_reference=review.reference,
        action=Action(action),
        detail=detail[:300],
    )


def log_review_list(user, panel: Board, detail: str = "") -> AccessLog:
    return AccessLog.objects.create(
        user=user,
        username=user.get_username(),
        panel=panel,
        action=Action.LIST,
        detail=detail[:300],
    )


# --- Helpers -----------------------------------------------------------------------------


def _require_member(user, panel: Board) -> None:
    if not is_review_panel_member(user, panel):
        raise PermissionDenied("Only the One Panel's current members can do this.")


def _locked(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("panel", "review_type")
        .get(pk=review.pk)
    )


def _check(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _saved(obj, by) -> None:
    obj._history_user = by if getattr(by, "is_authenticated", False) else None
    obj.save()


def _full_clean(obj, errors: dict, exclude=()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            errors.setdefault(field, list(messages))
    _check(errors)


def _date_not_before(errors: dict, field: str, day: date | None, earliest: date | None, what: str):
    """Refuse a missing date, a future one, or one before ``earliest`` (``what`` names it)."""
    if day is None:
        errors.setdefault(field, ["Enter the date."])
    elif day > timezone.localdate():
        errors.setdefault(field, ["This date cannot be in the future."])
    elif earliest is not None and day < earliest:
        errors.setdefault(field, [f"This date cannot come before {what} ({earliest:%d %b %Y})."])


def _require_stage(review: Review, *stages: str, doing: str) -> None:
    if review.stage not in stages:
        raise ValidationError(
            f"{review.reference} is {review.get_stage_display().lower()}; it cannot {doing} now."
        )


# --- Referral ----------------------------------------------------------------------------


def _allocate_reference(review_type: ReviewType, year: int) -> tuple[str, int]:
    """The type's next reference for ``year``, e.g. DHR-2026-02, with the type row locked."""
    ReviewType.objects.select_for_update().filter(pk=review_type.pk).first()
    last = Review.objects.filter(review_type=review_type, reference_year=year).aggregate(
        n=Max("reference_number")
    )["n"]
    number = (last or 0) + 1
    while Review.objects.filter(reference=f"{review_type.code}-{year}-{number:02d}").exists():
        number += 1
    return f"{review_type.code}-{year}-{number:02d}", number


def _check_criteria(review_type: ReviewType, criteria: Iterable, errors: dict) -> list:
    chosen = list(criteria)
    foreign = [c for c in chosen if c.review_type_id != review_type.pk]
    if foreign:
        errors.setdefault(
            "criteria_met", [f"Tick only criteria of a {review_type.name} ({foreign[0].text})."]
        )
    return chosen


@transaction.atomic
def refer(
    panel: Board,
    *,
    by,
    review_type: ReviewType,
    subject_pseudonym: str,
    incident_on: date,
    notified_on: date,
    referring_organisation: Organisation,
    circumstances: str,
    agencies_involved: Iterable[Organisation] = (),
    criteria_met: Iterable[ReviewCriterion] = (),
    basis: str = "",
    referred_on: date | None = None,
) -> Review:
    """Record a referral to the One Panel; the clocks start from the notification date."""
    _require_member(by, panel)
    errors: dict = {}
    referred_on = referred_on or timezone.localdate()
    if review_type is None or not review_type.active:
        errors["review_type"] = ["Choose the type of review."]
    if not (subject_pseudonym or "").strip():
        errors["subject_pseudonym"] = ['Give the pseudonym, e.g. "Child C"; never a name.']
    if not (circumstances or "").strip():
        errors["circumstances"] = ["Summarise the circumstances, without names or addresses."]
    criteria = []
    if review_type is not None and "review_type" not in errors:
        criteria = _check_criteria(review_type, criteria_met, errors)
        if review_type.asks_mandatory and not basis:
            errors["basis"] = ["Say whether the review would be mandatory or discretionary."]
        if basis and not review_type.asks_mandatory:
            basis = ""
    if notified_on and referred_on < notified_on:
        errors.setdefault(
            "notified_on", ["The notification cannot come after the referral is recorded."]
        )
    _check(errors)
    review = Review(
        panel=panel,
        review_type=review_type,
        subject_pseudonym=subject_pseudonym.strip(),
        incident_on=incident_on,
        notified_on=notified_on,
        referred_on=referred_on,
        referring_organisation=referring_organisation,
        circumstances=circumstances.strip(),
        basis=basis,
        created_by=by,
    )
    _full_clean(review, errors, exclude=["reference", "reference_year", "reference_number"])
    review.reference_year = referred_on.year
    review.reference, review.reference_number = _allocate_reference(review_type, referred_on.year)
    _saved(review, by)
    review.agencies_involved.set(agencies_involved)
    review.criteria_met.set(criteria)
    log_review_access(by, review, Action.CREATE, "referral")
    return review


@transaction.atomic
def update_referral(review: Review, *, by, **changes) -> Review:
    """Correct the referral's details while the panel has not yet decided."""
    _require_member(by, review.panel)
    review = _locked(review)
    _require_stage(review, Stage.REFERRED, doing="have its referral changed")
    errors: dict = {}
    agencies = changes.pop("agencies_involved", None)
    criteria = changes.pop("criteria_met", None)
    allowed = {
        "subject_pseudonym",
        "incident_on",
        "notified_on",
        "referring_organisation",
        "circumstances",
        "basis",
    }
    for field, value in changes.items():
        if field not in allowed:
            raise ValueError(f"{field} is not changed here")
        setattr(review, field, value.strip() if isinstance(value, str) else value)
    if criteria is not None:
        criteria = _check_criteria(review.review_type, criteria, errors)
    if review.review_type.asks_mandatory and not review.basis:
        errors["basis"] = ["Say whether the review would be mandatory or discretionary."]
    if review.notified_on and review.notified_on > review.referred_on:
        errors.setdefault(
            "notified_on", ["The notification cannot come after the referral was recorded."]
        )
    _full_clean(review, errors)
    _saved(review, by)
    if agencies is not None:
        review.agencies_involved.set(agencies)
    if criteria is not None:
        review.criteria_met.set(criteria)
    log_review_access(by, review, Action.CHANGE, "referral: " + ", ".join(sorted(changes)))
    return review


# --- Decision and national notifications ------------------------------------------------

DECISION_STAGES = {
    Review.Decision.COMMISSION: Stage.COMMISSIONED,
    Review.Decision.DO_NOT_COMMISSION: Stage.NOT_COMMISSIONED,
    Review.Decision.OTHER_LEARNING: Stage.OTHER_LEARNING,
}


def _is_member_on(person: Person, panel: Board, day: date) -> bool:
    return Membership.objects.on(day).filter(board=panel, person=person).exists()


@transaction.atomic
def decide(
    review: Review,
    *,
    by,
    decision: str,
    rationale: str,
    decided_on: date,
    decided_by: Person | None,
) -> Review:
    """The panel's decision on a referral, with its reasons, date and who made it."""
    _require_member(by, review.panel)
    review = _locked(review)
    _require_stage(review, Stage.REFERRED, doing="be decided again")
    errors: dict = {}
    if decision not in DECISION_STAGES:
        errors["decision"] = ["Choose the decision."]
    if not (rationale or "").strip():
        errors["rationale"] = ["Give the rationale for the decision."]
    _date_not_before(errors, "decided_on", decided_on, review.notified_on, "the notification")
    if decided_by is None:
        errors["decided_by"] = ["Say who made the decision."]
    elif decided_on and not _is_member_on(decided_by, review.panel, decided_on):
        errors["decided_by"] = ["The decision is made by a member of the panel on that date."]
    _check(errors)
    review.decision = decision
    review.decision_rationale = rationale.strip()
    review.decided_on = decided_on
    review.decided_by = decided_by
    review.stage = DECISION_STAGES[decision]
    _saved(review, by)
    log_review_access(by, review, Action.CHANGE, f"decision: {review.get_decision_display()}")
    return review


@transaction.atomic
def record_notification(
    review: Review, *, by, body: str, sent_on: date, note: str = ""
) -> NationalNotification:
    _require_member(by, review.panel)
    errors: dict = {}
    if not (body or "").strip():
        errors["body"] = ["Name the national body told."]
    _date_not_before(errors, "sent_on", sent_on, review.notified_on, "the notification")
    _check(errors)
    notification = NationalNotification(
        review=review, body=body.strip(), sent_on=sent_on, note=(note or "").strip()
    )
    _full_clean(notification, errors)
    _saved(notification, by)
    log_review_access(by, review, Action.CHANGE, "national notification")
    return notification


# --- The stages after a decision to commission -----------------------------------------


@dataclass(frozen=True)
class Step:
    """How a review moves into ``stage``: from which stage, with which date field."""

    stage: str
    after: str
    date_field: str
    verb: str  # for messages: "appoint a reviewer"


STEPS = {
    step.stage: step
    for step in (
        Step(Stage.REVIEWER_APPOINTED, Stage.COMMISSIONED, "reviewer_appointed_on", "appoint"),
        Step(Stage.IN_PROGRESS, Stage.REVIEWER_APPOINTED, "started_on", "start"),
        Step(Stage.DRAFT, Stage.IN_PROGRESS, "draft_received_on", "receive the draft"),
        Step(
            Stage.QUALITY_ASSURANCE,
            Stage.DRAFT,
            "quality_assurance_on",
            "go to quality assurance",
        ),
        Step(Stage.PUBLISHED, Stage.QUALITY_ASSURANCE, "published_on", "be published"),
        Step(Stage.CLOSED, Stage.PUBLISHED, "closed_on", "close"),
    )
}

# The date each stage was reached, to check the next one does not come before it.
STAGE_DATES = {
    Stage.COMMISSIONED: "decided_on",
    **{step.stage: step.date_field for step in STEPS.values()},
}


@transaction.atomic
def advance(review: Review, *, by, to: str, on: date, **details) -> Review:
    """Move the review one stage on, with the date it happened and that stage's details.

    Appointing a reviewer needs the reviewer's name and the terms of reference; publishing
    needs the date (and takes the link); closing needs every recommendation complete.
    """
    _require_member(by, review.panel)
    review = _locked(review)
    step = STEPS.get(to)
    if step is None:
        raise ValueError(f"{to} is not a stage a review moves into")
    _require_stage(review, step.after, doing=step.verb)
    errors: dict = {}
    before = getattr(review, STAGE_DATES[step.after])
    label = Stage(step.after).label.lower()
    _date_not_before(errors, "on", on, before, f"the review was {label}")
    if to == Stage.REVIEWER_APPOINTED:
        name = (details.get("reviewer_name") or "").strip()
        terms = (details.get("terms_of_reference") or "").strip()
        agreed = details.get("terms_agreed_on")
        if not name:
            errors["reviewer_name"] = ["Name the independent reviewer."]
        if not terms:
            errors["terms_of_reference"] = ["Set out the terms of reference."]
        if agreed is not None:
            _date_not_before(errors, "terms_agreed_on", agreed, review.decided_on, "the decision")
        review.reviewer_name, review.terms_of_reference, review.terms_agreed_on = (
            name,
            terms,
            agreed,
        )
    elif to == Stage.PUBLISHED:
        review.publication_url = (details.get("publication_url") or "").strip()
    elif to == Stage.CLOSED:
        open_count = review.recommendations.filter(status=Recommendation.Status.OPEN).count()
        if open_count:
            errors["on"] = [
                f"{open_count} recommendation{'' if open_count == 1 else 's'} still open: "
                "a review closes when every recommendation is complete."
            ]
        review.closing_note = (details.get("closing_note") or "").strip()
    _check(errors)
    setattr(review, step.date_field, on)
    review.stage = to
    _full_clean(review, errors)
    _saved(review, by)
    log_review_access(by, review, Action.CHANGE, f"stage: {review.get_stage_display()}")
    return review


# --- Parallel processes (pauses) -------------------------------------------------------


@transaction.atomic
def add_parallel_process(
    review: Review,
    *,
    by,
    kind: str,
    starts_on: date,
    ends_on: date | None = None,
    description: str = "",
    pauses_clock: bool = True,
) -> ParallelProcess:
    _require_member(by, review.panel)
    errors: dict = {}
    if review.stage in Review.FINISHED:
        raise ValidationError(f"{review.reference} is finished; its clocks no longer run.")
    process = ParallelProcess(
        review=review,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        description=(description or "").strip(),
        pauses_clock=pauses_clock,
    )
    if starts_on and review.incident_on and starts_on < review.incident_on:
        errors["starts_on"] = ["A parallel process cannot start before the incident."]
    if ends_on and ends_on > timezone.localdate():
        errors["ends_on"] = ["Leave the end blank until the process has ended."]
    _full_clean(process, errors)
    _saved(process, by)
    log_review_access(by, review, Action.CHANGE, f"parallel process: {process.get_kind_display()}")
    return process


@transaction.atomic
def end_parallel_process(process: ParallelProcess, *, by, ends_on: date) -> ParallelProcess:
    _require_member(by, process.review.panel)
    errors: dict = {}
    if process.ends_on is not None:
        raise ValidationError("This process has already ended.")
    _date_not_before(errors, "ends_on", ends_on, process.starts_on, "its start")
    _check(errors)
    process.ends_on = ends_on
    _full_clean(process, errors)
    _saved(process, by)
    log_review_access(by, process.review, Action.CHANGE, "parallel process ended")
    return process


# --- Recommendations and their actions --------------------------------------------------

# Recommendations arrive with the review's findings, from appointment to publication.
TAKES_RECOMMENDATIONS = (
    Stage.REVIEWER_APPOINTED,
    Stage.IN_PROGRESS,
    Stage.DRAFT,
    Stage.QUALITY_ASSURANCE,
    Stage.PUBLISHED,
)


@transaction.atomic
def add_recommendation(
    review: Review, *, by, text: str, lead_organisations: Iterable[Organisation]
) -> Recommendation:
    _require_member(by, review.panel)
    review = _locked(review)
    _require_stage(review, *TAKES_RECOMMENDATIONS, doing="take recommendations")
    errors: dict = {}
    leads = list(lead_organisations)
    if not (text or "").strip():
        errors["text"] = ["Write the recommendation."]
    if not leads:
        errors["lead_organisations"] = ["Choose at least one lead organisation."]
    _check(errors)
    last = review.recommendations.aggregate(n=Max("number"))["n"]
    recommendation = Recommendation(review=review, number=(last or 0) + 1, text=text.strip())
    _full_clean(recommendation, errors)
    _saved(recommendation, by)
    recommendation.lead_organisations.set(leads)
    log_review_access(by, review, Action.CHANGE, f"recommendation {recommendation.number} added")
    return recommendation


def _open_recommendation(recommendation: Recommendation) -> Recommendation:
    locked = (
        Recommendation.objects.select_for_update()
        .select_related("review")
        .get(pk=recommendation.pk)
    )
    if locked.status == Recommendation.Status.COMPLETE:
        raise ValidationError(f"Recommendation {locked.number} is complete; it cannot change.")
    return locked


@transaction.atomic
def add_action(
    recommendation: Recommendation,
    *,
    by,
    description: str,
    organisation: Organisation,
    owner: str,
    due_on: date,
) -> RecommendationAction:
    review = recommendation.review
    _require_member(by, review.panel)
    recommendation = _open_recommendation(recommendation)
    errors: dict = {}
    if not (description or "").strip():
        errors["description"] = ["Describe the action."]
    if not (owner or "").strip():
        errors["owner"] = ["Name the post or person who owns the action."]
    if due_on and review.decided_on and due_on < review.decided_on:
        errors["due_on"] = ["The due date cannot come before the decision to review."]
    action = RecommendationAction(
        recommendation=recommendation,
        description=(description or "").strip(),
        organisation=organisation,
        owner=(owner or "").strip(),
        due_on=due_on,
    )
    _full_clean(action, errors)
    _saved(action, by)
    log_review_access(by, review, Action.CHANGE, f"recommendation {recommendation.number} action")
    return action


@transaction.atomic
def update_action(
    action: RecommendationAction,
    *,
    by,
    status: str,
    evidence: str = "",
    completed_on: date | None = None,
    due_on: date | None = None,
) -> RecommendationAction:
    """Move an action on. Completing it needs the evidence of completion and its date."""
    review = action.recommendation.review
    _require_member(by, review.panel)
    _open_recommendation(action.recommendation)
    action = RecommendationAction.objects.select_for_update().get(pk=action.pk)
    errors: dict = {}
    if status not in RecommendationAction.Status.values:
        errors["status"] = ["Choose the action's status."]
    evidence = (evidence or "").strip()
    if status == RecommendationAction.Status.COMPLETE:
        if not evidence:
            errors["evidence"] = ["Give the evidence that the action is complete."]
        completed_on = completed_on or timezone.localdate()
        _date_not_before(errors, "completed_on", completed_on, review.decided_on, "the decision")
    else:
        completed_on = None
    _check(errors)
    action.status, action.evidence, action.completed_on = status, evidence, completed_on
    if due_on is not None:
        action.due_on = due_on
    _full_clean(action, errors)
    _saved(action, by)
    log_review_access(
        by, review, Action.CHANGE, f"recommendation {action.recommendation.number} action status"
    )
    return action


@transaction.atomic
def complete_recommendation(
    recommendation: Recommendation, *, by, evidence: str, completed_on: date | None = None
) -> Recommendation:
    """Close a recommendation: every action complete, and the evidence that it is met."""
    review = recommendation.review
    _require_member(by, review.panel)
    recommendation = _open_recommendation(recommendation)
    errors: dict = {}
    evidence = (evidence or "").strip()
    if not evidence:
        errors["evidence"] = ["A recommendation cannot be closed without evidence."]
    completed_on = completed_on or timezone.localdate()
    _date_not_before(errors, "completed_on", completed_on, review.decided_on, "the decision")
    open_actions = recommendation.actions.open().count()
    if open_actions:
        errors.setdefault("evidence", []).append(
            f"{open_actions} action{'' if open_actions == 1 else 's'} still open: complete "
            "them first."
        )
    _check(errors)
    recommendation.status = Recommendation.Status.COMPLETE
    recommendation.evidence, recommendation.completed_on = evidence, completed_on
    _full_clean(recommendation, errors)
    _saved(recommendation, by)
    log_review_access(by, review, Action.CHANGE, f"recommendation {recommendation.number} complete")
    return recommendation


# --- The 7-minute briefing ----------------------------------------------------------------

BRIEFING_FIELDS = (
    "findings",
    "briefing_summary",
    "briefing_why",
    "briefing_practice",
    "briefing_questions",
)


@transaction.atomic
def update_briefing(review: Review, *, by, **parts) -> Review:
    _require_member(by, review.panel)
    review = _locked(review)
    if not review.is_commissioned:
        raise ValidationError("Only a commissioned review has a 7-minute briefing.")
    for field, value in parts.items():
        if field not in BRIEFING_FIELDS:
            raise ValueError(f"{field} is not part of the briefing")
        setattr(review, field, (value or "").strip())
    _saved(review, by)
    log_review_access(by, review, Action.CHANGE, "briefing: " + ", ".join(sorted(parts)))
    return review


@transaction.atomic
def record_dissemination(
    review: Review, *, by, organisation: Organisation, disseminated_on: date, how: str
) -> BriefingDissemination:
    """An agency has shared the briefing with its staff (once per agency)."""
    _require_member(by, review.panel)
    review = _locked(review)  # two agencies recorded at once queue here, not at the constraint
    errors: dict = {}
    if not review.briefing_ready:
        raise ValidationError("Write every part of the briefing before recording who shared it.")
    if organisation is None:
        errors["organisation"] = ["Choose the agency."]
    elif BriefingDissemination.objects.filter(review=review, organisation=organisation).exists():
        errors["organisation"] = [f"{organisation} has already been recorded for this briefing."]
    if not (how or "").strip():
        errors["how"] = ["Say how the briefing was shared, e.g. team meetings."]
    earliest = review.published_on or review.draft_received_on
    _date_not_before(errors, "disseminated_on", disseminated_on, earliest, "the report")
    _check(errors)
    record = BriefingDissemination(
        review=review,
        organisation=organisation,
        disseminated_on=disseminated_on,
        how=how.strip(),
        recorded_by=by,
    )
    _full_clean(record, errors)
    _saved(record, by)
    log_review_access(by, review, Action.CHANGE, "briefing disseminated")
    return record


# --- Implementation progress ------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    recommendations: int = 0
    recommendations_complete: int = 0
    actions: int = 0
    actions_complete: int = 0
    actions_overdue: int = 0

    @property
    def percent_complete(self) -> int | None:
        """Recommendations complete as a whole percentage; None with none to count."""
        if not self.recommendations:
            return None
        return round(100 * self.recommendations_complete / self.recommendations)

    @property
    def actions_percent(self) -> int | None:
        if not self.actions:
            return None
        return round(100 * self.actions_complete / self.actions)


def _complete_by(status, day: date) -> Q:
    """Complete on ``day``: marked complete, on or before it (so a report as at a past day
    counts a later completion as still open)."""
    return Q(status=status) & (Q(completed_on__isnull=True) | Q(completed_on__lte=day))


def _action_counts(today: date):
    done = _complete_by(RecommendationAction.Status.COMPLETE, today)
    return {
        "actions": Count("pk"),
        "actions_complete": Count("pk", filter=done),
        "actions_overdue": Count("pk", filter=~done & Q(due_on__lt=today)),
    }


def progress_by_review(reviews: Iterable[Review], today: date | None = None) -> dict:
    """Review id -> Progress as at ``today`` (the real today by default), in two queries however
    many reviews."""
    today = today or timezone.localdate()
    ids = [review.pk for review in reviews]
    done = _complete_by(Recommendation.Status.COMPLETE, today)
    recs = (
        Recommendation.objects.filter(review_id__in=ids)
        .order_by()
        .values("review_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=done))
    )
    actions = (
        RecommendationAction.objects.filter(recommendation__review_id__in=ids)
        .order_by()
        .values("recommendation__review_id")
        .annotate(**_action_counts(today))
    )
    found = {
        row["review_id"]: {"recommendations": row["n"], "recommendations_complete": row["done"]}
        for row in recs
    }
    for row in actions:
        found.setdefault(row["recommendation__review_id"], {}).update(
            actions=row["actions"],
            actions_complete=row["actions_complete"],
            actions_overdue=row["actions_overdue"],
        )
    return {pk: Progress(**found.get(pk, {})) for pk in ids}


@dataclass(frozen=True)
class OrganisationProgress:
    organisation: Organisation
    progress: Progress


def progress_by_organisation(panel: Board, today: date | None = None) -> list:
    """Each organisation owning actions on the panel's reviews, with its action counts and
    the recommendations it leads: three queries."""
    today = today or timezone.localdate()
    rows = (
        RecommendationAction.objects.filter(recommendation__review__panel=panel)
        .order_by()
        .values("organisation_id")
        .annotate(**_action_counts(today))
    )
    leads = (
        Recommendation.objects.filter(review__panel=panel)
        .order_by()
        .values("lead_organisations")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=_complete_by(Recommendation.Status.COMPLETE, today)),
        )
    )
    counts: dict = {}
    for row in rows:
        counts[row["organisation_id"]] = {
            "actions": row["actions"],
            "actions_complete": row["actions_complete"],
            "actions_overdue": row["actions_overdue"],
        }
    for row in leads:
        if row["lead_organisations"] is None:
            continue
        counts.setdefault(row["lead_organisations"], {}).update(
            recommendations=row["n"], recommendations_complete=row["done"]
        )
    organisations = Organisation.objects.in_bulk(list(counts))
    result = [
        OrganisationProgress(organisations[pk], Progress(**values))
        for pk, values in counts.items()
        if pk in organisations
    ]
    return sorted(result, key=lambda item: item.organisation.name)
