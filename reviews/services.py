"""Operations on case panels: referrals, meeting lists, actions, closure, erasure.

Each takes plain arguments and the user acting (``by``), runs in one transaction, checks that
the user sits on the case's panel (``PermissionDenied`` otherwise; views have already given
outsiders a 404 through ``reviews.permissions``), and raises ``ValidationError`` keyed by the
argument's name so a form can show the message beside its field. Nothing is saved half-way.

Every call that reads or changes a case writes exactly one access-log row. Messages name cases
by reference only, never by their label, so nothing personal reaches logs or error pages.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from boards.models import Board, Meeting, Organisation, Person

from . import rules as panel_rules
from .keys import MIN_KEY_LENGTH, hash_person_key, normalise_person_key
from .models import (
    AccessLog,
    Case,
    CaseAction,
    CaseActionUpdate,
    CaseListing,
    ConfidentialityAgreement,
    PanelRules,
)
from .permissions import is_panel_coordinator, is_panel_member

Action = AccessLog.Action
Status = Case.Status

# What ``update_case`` may change; everything else follows from the rules or other services.
EDITABLE_FIELDS = frozenset(
    {
        "person_key",
        "referral_date",
        "referring_organisation",
        "referring_person",
        "reason_professional_judgement",
        "risk_score",
        "police_incidents",
        "risk_level",
        "subject_label",
        "age_band",
        "gender",
        "ethnicity",
        "disability",
        "sexual_orientation",
        "children_in_household",
        "consent",
        "consent_note",
        "transferred_in_from",
        "transferred_in_on",
    }
)
REFERENCE_FIELDS = ["reference", "reference_year", "reference_number"]


# --- Access log --------------------------------------------------------------------------


def log_access(
    user,
    case: Case | None,
    action: str,
    justification: str = "",
    *,
    panel_id: int | None = None,
    detail: str = "",
) -> AccessLog:
    """Write one access-log row: ``case`` for a case, or ``panel_id`` for a panel-wide action.

    Exports and disclosures must say why. ``detail`` names what was touched (field names, a
    meeting's date), never values; a justification must not contain personal data either.
    """
    action = Action(action)
    justification = (justification or "").strip()
    if action in AccessLog.NEEDS_JUSTIFICATION and not justification:
        raise ValidationError({"justification": f"Say why the case is {action.label.lower()}."})
    if case is None and panel_id is None:
        raise ValueError("log_access needs a case or a panel")
    signed_in = getattr(user, "is_authenticated", False)
    return AccessLog.objects.create(
        user=user if signed_in else None,
        username=user.get_username() if signed_in else "system",
        panel_id=case.panel_id if case is not None else panel_id,
        case=case,
        case_reference=case.reference if case is not None else "",
        action=action,
        detail=detail[:300],
        justification=justification,
    )


# --- Helpers -----------------------------------------------------------------------------


def _require_member(user, panel: Board) -> None:
    if not is_panel_member(user, panel):
        raise PermissionDenied("Only the panel's current members can do this.")


def _rules_of(panel: Board) -> PanelRules:
    rules = PanelRules.objects.filter(panel=panel).first()
    if rules is None:
        raise ValidationError("This panel has no rules yet: an administrator sets them up first.")
    return rules


def _locked(case: Case) -> Case:
    """A fresh copy of the case, locked until the transaction ends."""
    locked = Case.objects.select_for_update(of=("self",)).select_related("panel").get(pk=case.pk)
    if locked.erased_at is not None:
        raise ValidationError(f"{locked.reference} has been erased; it cannot change.")
    return locked


def _add(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _full_clean(obj, errors: dict, *, exclude=(), rename: dict | None = None) -> None:
    """Model validation merged into ``errors``, then raise if there are any."""
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            key = (rename or {}).get(field, field)
            if key not in errors:
                errors[key] = list(messages)
    if errors:
        raise ValidationError(errors)


def _saved(obj, by) -> None:
    """Save, crediting the change to ``by`` in the audit history."""
    obj._history_user = by if getattr(by, "is_authenticated", False) else None
    obj.save()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _settle_status(case: Case, by) -> None:
    """Set the status from the case's listings and actions (closed stays closed)."""
    if case.status == Status.CLOSED:
        return
    listings = case.listings.exclude(meeting__status=Meeting.Status.CANCELLED)
    if listings.filter(heard=False).exists():
        status = Status.LISTED
    elif listings.filter(heard=True).exists():
        status = Status.ACTIONS_OPEN if case.actions.open().exists() else Status.HEARD
    else:
        status = Status.REFERRED
    if status != case.status:
        case.status = status
        _saved(case, by)


def _allocate_reference(rules: PanelRules, year: int) -> tuple[str, int]:
    """The panel's next reference for ``year``, e.g. MARAC-2026-014.

    The panel's rules row is locked first, so two coordinators referring at once get
    consecutive numbers rather than the same one (the unique constraint is the backstop).
    """
    PanelRules.objects.select_for_update().filter(pk=rules.pk).first()
    last = Case.objects.filter(panel_id=rules.panel_id, reference_year=year).aggregate(
        n=Max("reference_number")
    )["n"]
    number = (last or 0) + 1
    # A prefix once used by another panel could already hold the string: skip past it.
    while Case.objects.filter(reference=f"{rules.reference_prefix}-{year}-{number:03d}").exists():
        number += 1
    return f"{rules.reference_prefix}-{year}-{number:03d}", number


def _key_hash(panel: Board, person_key: str, errors: dict) -> str:
    try:
        return hash_person_key(panel.pk, person_key)
    except ValueError:
        _add(
            errors,
            "person_key",
            f"Enter the person's key, at least {MIN_KEY_LENGTH} letters or digits "
            "(for example initials and date of birth).",
        )
        return ""


def _apply_rules(case: Case, rules: PanelRules, errors: dict) -> None:
    """Set the automatic reasons and the repeat link, and check the referral meets a criterion."""
    score = case.risk_score if panel_rules.score_in_range(rules, case.risk_score) else None
    previous = []
    if case.person_key_hash and case.referral_date:
        previous = (
            Case.objects.filter(
                panel_id=case.panel_id,
                person_key_hash=case.person_key_hash,
                referral_date__lte=case.referral_date,
                erased_at__isnull=True,
            )
            .exclude(pk=case.pk)
            .values_list("pk", "referral_date")
        )
    assessment = panel_rules.assess(
        rules,
        risk_score=score,
        police_incidents=case.police_incidents,
        referral_date=case.referral_date,
        previous=previous if case.referral_date else (),
    )
    case.reason_visible_high_risk = assessment.visible_high_risk
    case.reason_potential_escalation = assessment.potential_escalation
    case.reason_repeat = assessment.repeat
    case.repeat_of_id = assessment.repeat_of_id
    if assessment.visible_high_risk and case.risk_level != Case.RiskLevel.HIGH:
        _add(
            errors,
            "risk_level",
            f"A score of {case.risk_score} is at or above the high-risk threshold "
            f"({rules.high_risk_threshold}): the risk level is high.",
        )
    if not (
        case.reason_visible_high_risk
        or case.reason_potential_escalation
        or case.reason_repeat
        or case.reason_professional_judgement
        or errors
        or not panel_rules.score_in_range(rules, case.risk_score)
    ):
        _add(
            errors,
            "reason_professional_judgement",
            "The referral meets none of the panel's criteria (score below "
            f"{rules.high_risk_threshold}, too few police incidents, no referral in the last "
            f"{rules.repeat_window_days} days). Tick professional judgement if the referrer "
            "judges the risk high.",
        )


# --- Panels ------------------------------------------------------------------------------


@transaction.atomic
def configure_panel(panel: Board, panel_type: str, **values) -> PanelRules:
    """Create or change a panel's rules, starting from the preset for its type."""
    if panel.kind != Board.Kind.PANEL:
        raise ValidationError({"panel": "Case panel rules belong to a board of kind panel."})
    rules = PanelRules.objects.filter(panel=panel).first()
    fields = {} if rules else dict(PanelRules.PRESETS[PanelRules.PanelType(panel_type)])
    fields.update(values, panel_type=panel_type)
    if rules is None:
        rules = PanelRules(panel=panel)
    for field, value in fields.items():
        setattr(rules, field, value)
    rules.full_clean()
    rules.save()
    return rules


# --- Referrals ---------------------------------------------------------------------------


@transaction.atomic
def refer_case(
    panel: Board,
    *,
    by,
    person_key: str,
    referral_date: date,
    referring_organisation: Organisation,
    subject_label: str,
    consent: str,
    referring_person: Person | None = None,
    reason_professional_judgement: bool = False,
    risk_score: int | None = None,
    police_incidents: int = 0,
    risk_level: str = Case.RiskLevel.HIGH,
    age_band: str = Case.AgeBand.NOT_KNOWN,
    gender: str = Case.Gender.NOT_KNOWN,
    ethnicity: str = Case.Ethnicity.NOT_KNOWN,
    disability: str = Case.Disability.NOT_KNOWN,
    sexual_orientation: str = Case.SexualOrientation.NOT_KNOWN,
    children_in_household: int | None = None,
    consent_note: str = "",
    transferred_in_from: str = "",
    transferred_in_on: date | None = None,
) -> Case:
    """Record a referral: apply the panel's rules, link a repeat, allocate the reference.

    ``person_key`` (e.g. initials and date of birth) is hashed and forgotten.
    """
    _require_member(by, panel)
    rules = _rules_of(panel)
    errors: dict = {}
    if not (subject_label or "").strip():
        _add(errors, "subject_label", "Give the person's initials or a pseudonym.")
    case = Case(
        panel=panel,
        referral_date=referral_date,
        referring_organisation=referring_organisation,
        referring_person=referring_person,
        reason_professional_judgement=reason_professional_judgement,
        risk_score=risk_score,
        police_incidents=police_incidents,
        risk_level=risk_level,
        subject_label=(subject_label or "").strip(),
        age_band=age_band,
        gender=gender,
        ethnicity=ethnicity,
        disability=disability,
        sexual_orientation=sexual_orientation,
        children_in_household=children_in_household,
        consent=consent,
        consent_note=(consent_note or "").strip(),
        transferred_in_from=(transferred_in_from or "").strip(),
        transferred_in_on=transferred_in_on,
    )
    case.person_key_hash = _key_hash(panel, person_key, errors)
    _apply_rules(case, rules, errors)
    _full_clean(case, errors, exclude=REFERENCE_FIELDS)
    case.reference, case.reference_number = _allocate_reference(rules, referral_date.year)
    case.reference_year = referral_date.year
    _saved(case, by)
    log_access(by, case, Action.CREATE)
    return case


@transaction.atomic
def update_case(case: Case, *, by, **changes) -> Case:
    """Correct a case's referral details; the rules are applied again. Returns the fresh case.

    Accepts the names in ``EDITABLE_FIELDS``; a non-blank ``person_key`` replaces the stored
    hash (blank keeps it). The access log records the names of the fields changed, never their
    values.
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"update_case cannot change {', '.join(sorted(unknown))}")
    _require_member(by, case.panel)
    case = _locked(case)
    rules = _rules_of(case.panel)
    errors: dict = {}
    changed = []
    for field, value in changes.items():
        if field == "person_key":
            if not normalise_person_key(value):
                continue  # left blank: the stored key stands (it cannot be shown to edit)
            new_hash = _key_hash(case.panel, value, errors)
            if new_hash and new_hash != case.person_key_hash:
                case.person_key_hash = new_hash
                changed.append(field)
            continue
        if isinstance(value, str):
            value = value.strip()
        if getattr(case, field) != value:
            setattr(case, field, value)
            changed.append(field)
    if "subject_label" in changes and not case.subject_label:
        _add(errors, "subject_label", "Give the person's initials or a pseudonym.")
    derived = ("reason_visible_high_risk", "reason_potential_escalation", "reason_repeat")
    before = [getattr(case, f) for f in derived] + [case.repeat_of_id]
    _apply_rules(case, rules, errors)
    after = [getattr(case, f) for f in derived] + [case.repeat_of_id]
    changed += [f for f, b, a in zip((*derived, "repeat_of"), before, after, strict=True) if b != a]
    _full_clean(case, errors, exclude=REFERENCE_FIELDS)
    if not changed:
        return case
    _saved(case, by)
    log_access(by, case, Action.CHANGE, detail="changed " + ", ".join(changed))
    return case


# --- Meetings ----------------------------------------------------------------------------


def _renumber(listings: list[CaseListing]) -> None:
    for number, listing in enumerate(listings, start=1):
        if listing.order != number:
            listing.order = number
            listing.save(update_fields=["order"])


def _meeting_list(meeting: Meeting) -> list[CaseListing]:
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one change at a time
    return list(CaseListing.objects.filter(meeting=meeting).order_by("order", "pk"))


@transaction.atomic
def list_for_meeting(
    case: Case,
    meeting: Meeting,
    *,
    by,
    order: int | None = None,
    minutes: int | None = None,
) -> CaseListing:
    """Put the case on a meeting's list: last unless ``order`` says where; time from the rules."""
    _require_member(by, case.panel)
    case = _locked(case)
    rules = _rules_of(case.panel)
    if case.status == Status.CLOSED:
        raise ValidationError(f"{case.reference} is closed: it cannot be listed again.")
    errors: dict = {}
    if meeting.board_id != case.panel_id:
        _add(errors, "meeting", f"Choose a meeting of {case.panel.display_name}.")
    elif meeting.status == Meeting.Status.CANCELLED:
        _add(errors, "meeting", "That meeting was cancelled.")
    elif CaseListing.objects.filter(case=case, meeting=meeting).exists():
        _add(errors, "meeting", f"{case.reference} is already on that meeting's list.")
    minutes = rules.minutes_per_case if minutes is None else minutes
    if not 1 <= minutes <= 240:
        _add(errors, "minutes", "Allow from 1 to 240 minutes for a case.")
    listings = [] if errors else _meeting_list(meeting)
    if order is not None and not errors and not 1 <= order <= len(listings) + 1:
        _add(errors, "order", f"Choose a place from 1 to {len(listings) + 1}.")
    if errors:
        raise ValidationError(errors)
    listing = CaseListing(case=case, meeting=meeting, order=0, minutes=minutes)
    position = len(listings) if order is None else order - 1
    listings.insert(position, listing)
    for number, row in enumerate(listings, start=1):
        row.order = number
    for row in listings:
        if row.pk is not None:
            row.save(update_fields=["order"])
    _saved(listing, by)
    _settle_status(case, by)
    log_access(by, case, Action.CHANGE, detail=f"listed for the meeting on {meeting.date}")
    return listing


@transaction.atomic
def update_listing(
    listing: CaseListing, *, by, order: int | None = None, minutes: int | None = None
) -> CaseListing:
    """Move a case on its meeting's list or change its time."""
    case = listing.case
    _require_member(by, case.panel)
    _locked(case)
    listings = _meeting_list(listing.meeting)
    listing = next(row for row in listings if row.pk == listing.pk)
    errors: dict = {}
    if minutes is not None and not 1 <= minutes <= 240:
        _add(errors, "minutes", "Allow from 1 to 240 minutes for a case.")
    if order is not None and not 1 <= order <= len(listings):
        _add(errors, "order", f"Choose a place from 1 to {len(listings)}.")
    if errors:
        raise ValidationError(errors)
    if minutes is not None and minutes != listing.minutes:
        listing.minutes = minutes
        _saved(listing, by)
    if order is not None:
        listings.remove(listing)
        listings.insert(order - 1, listing)
        _renumber(listings)
    log_access(
        by, case, Action.CHANGE, detail=f"list place or time changed for {listing.meeting.date}"
    )
    return listing


@transaction.atomic
def remove_listing(listing: CaseListing, *, by) -> None:
    """Take a case off a meeting's list, unless it was heard there."""
    case = listing.case
    _require_member(by, case.panel)
    case = _locked(case)
    if listing.heard:
        raise ValidationError(f"{case.reference} was heard at that meeting; it stays on the list.")
    meeting = listing.meeting
    listings = _meeting_list(meeting)
    removed = listing.pk
    listing._history_user = by
    listing.delete()
    _renumber([row for row in listings if row.pk != removed])
    _settle_status(case, by)
    log_access(by, case, Action.CHANGE, detail=f"taken off the list for {meeting.date}")


@transaction.atomic
def mark_heard(case: Case, meeting: Meeting, *, by) -> CaseListing:
    """Record that the panel heard the case at the meeting it was listed for."""
    _require_member(by, case.panel)
    case = _locked(case)
    listing = CaseListing.objects.filter(case=case, meeting=meeting).first()
    if listing is None:
        raise ValidationError({"meeting": f"{case.reference} is not on that meeting's list."})
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError({"meeting": "That meeting was cancelled."})
    if meeting.starts_at > timezone.now():
        raise ValidationError({"meeting": "The meeting has not started yet."})
    if listing.heard:
        raise ValidationError({"meeting": f"{case.reference} is already recorded as heard."})
    listing.heard = True
    _saved(listing, by)
    _settle_status(case, by)
    log_access(by, case, Action.CHANGE, detail=f"heard at the meeting on {meeting.date}")
    return listing


@transaction.atomic
def record_agreement(meeting: Meeting, user) -> ConfidentialityAgreement:
    """Record that ``user`` agreed to keep this meeting's cases confidential (once)."""
    if meeting.board.kind != Board.Kind.PANEL:
        raise ValidationError({"meeting": "Confidentiality agreements are for panel meetings."})
    _require_member(user, meeting.board)
    agreement, created = ConfidentialityAgreement.objects.get_or_create(meeting=meeting, user=user)
    if created:
        log_access(
            user,
            None,
            Action.AGREEMENT,
            panel_id=meeting.board_id,
            detail=f"confidentiality agreed for the meeting on {meeting.date}",
        )
    return agreement


# --- Case actions ------------------------------------------------------------------------


def _locked_action(action: CaseAction) -> CaseAction:
    locked = CaseAction.objects.select_for_update(of=("self",)).select_related("case")
    return locked.get(pk=action.pk)


@transaction.atomic
def add_action(
    case: Case,
    *,
    by,
    agency: Organisation,
    description: str,
    due_on: date,
    owner: str = "",
) -> CaseAction:
    """An action the panel agreed for an agency on this case."""
    _require_member(by, case.panel)
    case = _locked(case)
    if case.status == Status.CLOSED:
        raise ValidationError(f"{case.reference} is closed: it takes no new actions.")
    errors: dict = {}
    if not (description or "").strip():
        _add(errors, "description", "Describe the action.")
    if due_on and due_on < case.referral_date:
        _add(errors, "due_on", "The due date cannot fall before the referral.")
    action = CaseAction(
        case=case,
        agency=agency,
        description=(description or "").strip(),
        owner=(owner or "").strip(),
        due_on=due_on,
    )
    _full_clean(action, errors)
    _saved(action, by)
    _settle_status(case, by)
    log_access(by, case, Action.CHANGE, detail=f"action {action.pk} added")
    return action


def _note(action: CaseAction, by, note: str) -> None:
    if note:
        CaseActionUpdate.objects.create(action=action, by=by, note=note)


@transaction.atomic
def update_action(
    action: CaseAction,
    *,
    by,
    agency: Organisation | None = None,
    description: str | None = None,
    owner: str | None = None,
    due_on: date | None = None,
    note: str = "",
) -> CaseAction:
    """Change an open action and/or add a progress note. Returns the fresh action."""
    _require_member(by, action.case.panel)
    _locked(action.case)
    action = _locked_action(action)
    if action.status != CaseAction.Status.OPEN:
        raise ValidationError("Only an open action can be changed.")
    changes = {"agency": agency, "description": description, "owner": owner, "due_on": due_on}
    changed = []
    for field, value in changes.items():
        if value is None:
            continue
        value = value.strip() if isinstance(value, str) else value
        if getattr(action, field) != value:
            setattr(action, field, value)
            changed.append(field)
    note = (note or "").strip()
    errors: dict = {}
    if not action.description:
        _add(errors, "description", "Describe the action.")
    if not changed and not note:
        _add(errors, "note", "Change something or add a note.")
    _full_clean(action, errors)
    if changed:
        _saved(action, by)
    _note(action, by, note)
    what = ["changed " + ", ".join(changed)] if changed else []
    what += ["note added"] if note else []
    log_access(by, action.case, Action.CHANGE, detail=f"action {action.pk}: " + "; ".join(what))
    return action


def _finish_action(action, by, status, on, note, detail) -> CaseAction:
    _require_member(by, action.case.panel)
    case = _locked(action.case)
    action = _locked_action(action)
    if action.status != CaseAction.Status.OPEN:
        raise ValidationError(f"This action is already {action.get_status_display().lower()}.")
    action.status = status
    action.completed_on = on
    _full_clean(action, {})
    _saved(action, by)
    _note(action, by, note)
    _settle_status(case, by)
    log_access(by, case, Action.CHANGE, detail=f"action {action.pk} {detail}")
    return action


@transaction.atomic
def complete_action(
    action: CaseAction, *, by, completed_on: date | None = None, note: str = ""
) -> CaseAction:
    """Mark an action done (today unless ``completed_on``), with an optional closing note."""
    completed_on = completed_on or timezone.localdate()
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The completion date cannot be in the future."})
    return _finish_action(
        action, by, CaseAction.Status.DONE, completed_on, (note or "").strip(), "done"
    )


@transaction.atomic
def cancel_action(action: CaseAction, *, by, note: str) -> CaseAction:
    """Cancel an action the panel no longer needs; the note says why."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say why the action is cancelled."})
    return _finish_action(action, by, CaseAction.Status.CANCELLED, None, note, "cancelled")


@transaction.atomic
def add_action_update(action: CaseAction, *, by, note: str) -> CaseActionUpdate:
    """A dated progress note on an action."""
    _require_member(by, action.case.panel)
    case = _locked(action.case)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Write the update."})
    update = CaseActionUpdate.objects.create(action=action, by=by, note=note)
    log_access(by, case, Action.CHANGE, detail=f"action {action.pk}: note added")
    return update


# --- Closure -----------------------------------------------------------------------------


def _close(
    case: Case,
    by,
    *,
    reason: str,
    note: str,
    closed_on: date | None,
    to_area: str,
    to_on: date | None,
    keys: dict,
) -> Case:
    _require_member(by, case.panel)
    case = _locked(case)
    if case.status == Status.CLOSED:
        raise ValidationError(f"{case.reference} is already closed.")
    errors: dict = {}
    closed_on = closed_on or timezone.localdate()
    if closed_on > timezone.localdate():
        _add(errors, keys["closed_on"], "The closing date cannot be in the future.")
    note = (note or "").strip()
    open_actions = list(case.actions.open())
    if open_actions and not note:
        _add(
            errors,
            keys["closure_note"],
            f"{case.reference} has {_plural(len(open_actions), 'open action')}: explain why "
            "it closes with them open.",
        )
    to_area = (to_area or "").strip()
    if reason == Case.ClosureReason.TRANSFERRED_OUT:
        if not to_area:
            _add(errors, keys["transferred_out_to"], "A transfer out needs the receiving area.")
        to_on = to_on or closed_on
    case.status = Status.CLOSED
    case.closed_on = closed_on
    case.closure_reason = reason
    case.closure_note = note
    if to_area or to_on:
        case.transferred_out_to, case.transferred_out_on = to_area, to_on
    _full_clean(case, errors, exclude=REFERENCE_FIELDS, rename=keys)
    _saved(case, by)
    for action in open_actions:
        action.status = CaseAction.Status.CANCELLED
        _saved(action, by)
        CaseActionUpdate.objects.create(action=action, by=by, note="Cancelled: the case closed.")
    detail = f"closed: {case.get_closure_reason_display()}"
    if open_actions:
        detail += f"; {_plural(len(open_actions), 'open action')} cancelled"
    log_access(by, case, Action.CHANGE, detail=detail)
    return case


@transaction.atomic
def close_case(
    case: Case,
    *,
    by,
    reason: str,
    note: str = "",
    closed_on: date | None = None,
    transferred_to: str = "",
    transferred_on: date | None = None,
) -> Case:
    """Close a case. Open actions are cancelled, which needs a note saying why; a transfer out
    needs the receiving area (``transferred_to``). Returns the fresh case."""
    keys = {
        "closure_reason": "reason",
        "closure_note": "note",
        "closed_on": "closed_on",
        "transferred_out_to": "transferred_to",
        "transferred_out_on": "transferred_on",
    }
    return _close(
        case,
        by,
        reason=reason,
        note=note,
        closed_on=closed_on,
        to_area=transferred_to,
        to_on=transferred_on,
        keys=keys,
    )


@transaction.atomic
def transfer_out(case: Case, *, by, to_area: str, on: date, note: str = "") -> Case:
    """A MARAC-to-MARAC transfer: the case moves to the area where the people live and closes."""
    keys = {
        "closure_reason": "to_area",
        "closure_note": "note",
        "closed_on": "on",
        "transferred_out_to": "to_area",
        "transferred_out_on": "on",
    }
    return _close(
        case,
        by,
        reason=Case.ClosureReason.TRANSFERRED_OUT,
        note=note,
        closed_on=on,
        to_area=to_area,
        to_on=on,
        keys=keys,
    )


# --- Retention ---------------------------------------------------------------------------


def cases_due_for_disposal(today: date | None = None, panel: Board | None = None):
    """Closed cases whose retention period has run out and that still hold personal data."""
    cases = Case.objects.due_for_disposal(today).select_related("panel")
    return cases.filter(panel=panel) if panel is not None else cases


def _purge_history(case: Case) -> None:
    """Delete every audit-history row of the case, its actions and their notes."""
    action_ids = list(CaseAction.objects.filter(case=case).values_list("pk", flat=True))
    Case.history.filter(id=case.pk).delete()
    CaseAction.history.filter(case_id=case.pk).delete()
    CaseActionUpdate.history.filter(action_id__in=action_ids).delete()


@transaction.atomic
def erase_case(case: Case, *, approved_by, today: date | None = None) -> Case:
    """Erase a case's personal data once its retention period has run out.

    The label, key hash, free text, referrer and repeat link go; so do the actions' wording and
    notes and every audit-history row of the case. The categories, dates, reasons and risk stay
    for the statistics, and an ``erase`` row in the access log is the tombstone.
    """
    if not is_panel_coordinator(approved_by, case.panel):
        raise PermissionDenied("Only a coordinator who sits on the panel approves disposal.")
    case = _locked(case)
    if not Case.objects.due_for_disposal(today).filter(pk=case.pk).exists():
        if case.status != Status.CLOSED:
            raise ValidationError(f"{case.reference} is still open: it is not due for disposal.")
        raise ValidationError(
            f"{case.reference} is kept until {case.retention_ends_on():%-d %B %Y}."
        )
    for field in ("subject_label", "person_key_hash", "consent_note", "closure_note"):
        setattr(case, field, "")
    case.referring_person = None
    case.repeat_of = None
    case.erased_at = timezone.now()
    case.save()
    actions = CaseAction.objects.filter(case=case)
    CaseActionUpdate.objects.filter(action__in=actions).delete()
    # A plain update: the wording must not be copied into a new history row on its way out.
    actions.update(description="", owner="")
    _purge_history(case)
    log_access(approved_by, case, Action.ERASE, detail="personal data erased after retention")
    return case


@transaction.atomic
def erase_cases(cases: Iterable[Case], *, approved_by, today: date | None = None) -> int:
    """Erase several due cases at once, all or none; returns how many."""
    count = 0
    for case in cases:
        erase_case(case, approved_by=approved_by, today=today)
        count += 1
    return count


__all__ = [
    "EDITABLE_FIELDS",
    "add_action",
    "add_action_update",
    "cancel_action",
    "cases_due_for_disposal",
    "close_case",
    "complete_action",
    "configure_panel",
    "erase_case",
    "erase_cases",
    "list_for_meeting",
    "log_access",
    "mark_heard",
    "record_agreement",
    "refer_case",
    "remove_listing",
    "transfer_out",
    "update_action",
    "update_case",
    "update_listing",
]
