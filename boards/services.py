"""Operations on boards that change several rows or enforce a rule.

Each takes plain arguments, runs in one transaction and raises ``ValidationError`` (keyed by
field where there is one) so that forms can show the message next to the field and nothing is
saved half-way.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import (
    Action,
    ActionUpdate,
    AgendaItem,
    Attendance,
    Board,
    Declaration,
    Meeting,
    Membership,
    Person,
)
from .quorum import QuorumResult, QuorumRule, assess


@dataclass(frozen=True)
class AttendanceEntry:
    membership_id: int
    status: str
    deputy_id: int | None = None


def members_on(meeting: Meeting):
    """The memberships that count for this meeting, with what the screens show of them."""
    return (
        Membership.objects.on(meeting.date)
        .filter(board_id=meeting.board_id)
        .select_related("person", "organisation", "deputy")
        .order_by("organisation__name", "person__full_name")
    )


def quorum_for(meeting: Meeting, statuses: dict[int, str], memberships=None) -> QuorumResult:
    """Quorum from a mapping of membership id -> attendance status (saved or proposed)."""
    memberships = list(memberships if memberships is not None else members_on(meeting))
    voting = [m for m in memberships if m.voting]
    present = sum(1 for m in voting if statuses.get(m.pk) in Attendance.PRESENT)
    chair_present = any(
        m.presides and statuses.get(m.pk) == Attendance.Status.ATTENDED for m in memberships
    )
    return assess(QuorumRule.of(meeting.board), len(voting), present, chair_present)


def saved_quorum(meeting: Meeting) -> QuorumResult:
    statuses = dict(meeting.attendance.values_list("membership_id", "status"))
    return quorum_for(meeting, statuses)


def _check_deputy(board: Board, membership: Membership, deputy: Person | None, field: str):
    if deputy is None:
        raise ValidationError({field: "Choose who attended as deputy."})
    if deputy.pk == membership.person_id:
        raise ValidationError({field: "A member cannot be their own deputy."})
    if (
        not board.deputies_from_other_organisations
        and deputy.organisation_id != membership.organisation_id
    ):
        raise ValidationError(
            {field: f"The deputy must work for {membership.organisation.display_name}."}
        )


@transaction.atomic
def record_attendance(meeting: Meeting, entries: list[AttendanceEntry]) -> QuorumResult:
    """Save the attendance of a meeting in one go and set its status from the quorum.

    Corrections overwrite the row, and the audit history keeps what it said before.
    """
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("This meeting was cancelled: it has no attendance.")
    memberships = {m.pk: m for m in members_on(meeting)}
    deputies = Person.objects.in_bulk({e.deputy_id for e in entries if e.deputy_id})
    existing = {a.membership_id: a for a in meeting.attendance.all()}
    valid_statuses = set(Attendance.Status.values)
    statuses = {mid: a.status for mid, a in existing.items()}
    for entry in entries:
        field = f"status_{entry.membership_id}"
        membership = memberships.get(entry.membership_id)
        if membership is None:
            raise ValidationError(
                {None: "Someone in the list was not a member of the board on the meeting date."}
            )
        if entry.status not in valid_statuses:
            raise ValidationError({field: "Choose attended, deputy, apologies or absent."})
        deputy = deputies.get(entry.deputy_id) if entry.deputy_id else None
        if entry.status == Attendance.Status.DEPUTY:
            _check_deputy(meeting.board, membership, deputy, f"deputy_{entry.membership_id}")
        else:
            deputy = None
        row = existing.get(entry.membership_id)
        if row is None:
            Attendance.objects.create(
                meeting=meeting, membership=membership, status=entry.status, deputy=deputy
            )
        elif row.status != entry.status or row.deputy_id != (deputy.pk if deputy else None):
            row.status, row.deputy = entry.status, deputy
            row.save()
        statuses[entry.membership_id] = entry.status
    result = quorum_for(meeting, statuses, memberships.values())
    if meeting.starts_at <= timezone.now():
        status = Meeting.Status.HELD if result.quorate else Meeting.Status.INQUORATE
        if meeting.status != status:
            meeting.status = status
            meeting.save(update_fields=["status"])
    return result


# The usual order of a board agenda: these open it, reports follow, these close it.
OPENING_ITEMS = (
    AgendaItem.Standard.APOLOGIES,
    AgendaItem.Standard.DECLARATIONS,
    AgendaItem.Standard.MINUTES,
    AgendaItem.Standard.ACTIONS,
)
CLOSING_ITEMS = (AgendaItem.Standard.QUESTIONS, AgendaItem.Standard.AOB)


def _standard_title(meeting: Meeting, kind: str) -> str:
    if kind == AgendaItem.Standard.MINUTES:
        previous = meeting.previous()
        if previous:
            return f"Minutes of the meeting held on {previous.date:%-d %B %Y}"
    return AgendaItem.Standard(kind).label


@transaction.atomic
def add_standard_items(meeting: Meeting) -> list[AgendaItem]:
    """Add whichever standard items the agenda lacks, in their usual places, and renumber."""
    items = list(meeting.items.select_for_update().order_by("number"))
    present = {i.standard for i in items if i.standard}
    added = []
    for kind in OPENING_ITEMS + CLOSING_ITEMS:
        if kind in present:
            continue
        purpose = (
            AgendaItem.Purpose.DECISION
            if kind == AgendaItem.Standard.MINUTES
            else AgendaItem.Purpose.STANDARD
        )
        added.append(
            AgendaItem(
                meeting=meeting,
                standard=kind,
                title=_standard_title(meeting, kind),
                purpose=purpose,
                number=0,
            )
        )
    if not added:
        return []
    everything = items + added

    def place(item):
        if item.standard in OPENING_ITEMS:
            return (0, OPENING_ITEMS.index(item.standard), 0)
        if item.standard in CLOSING_ITEMS:
            return (2, CLOSING_ITEMS.index(item.standard), 0)
        return (1, 0, item.number)

    everything.sort(key=place)
    # Move existing items out of the way first: numbers are unique within a meeting.
    offset = 1000
    for item in items:
        item.number += offset
        item.save(update_fields=["number"])
    for number, item in enumerate(everything, start=1):
        item.number = number
        item.save()
    return added


@transaction.atomic
def approve_previous_minutes(meeting: Meeting) -> Meeting:
    """Record at ``meeting`` that the previous meeting's minutes are a correct record."""
    previous = meeting.previous()
    if previous is None:
        raise ValidationError("This board has no earlier meeting whose minutes need approval.")
    item = meeting.items.filter(standard=AgendaItem.Standard.MINUTES).first()
    if item is None:
        raise ValidationError("Add the minutes item to the agenda first.")
    item.outcome = (
        f"Resolved, that the minutes of the meeting held on {previous.date:%-d %B %Y} "
        "be approved as a correct record."
    )
    item.save(update_fields=["outcome"])
    previous.minutes_approved_at = meeting
    previous.save(update_fields=["minutes_approved_at"])
    return previous


@transaction.atomic
def raise_action(
    *,
    board: Board,
    title: str,
    due_date: date,
    description: str = "",
    owner_person: Person | None = None,
    owner_organisation=None,
    meeting: Meeting | None = None,
    item: AgendaItem | None = None,
    raised_on: date | None = None,
) -> Action:
    """Add an action to the board's register with the next number."""
    Board.objects.select_for_update().filter(pk=board.pk).first()  # serialise numbering
    if item is not None and meeting is None:
        meeting = item.meeting
    action = Action(
        board=board,
        title=title,
        description=description,
        due_date=due_date,
        owner_person=owner_person,
        owner_organisation=owner_organisation,
        meeting=meeting,
        item=item,
        raised_on=raised_on or (meeting.date if meeting else timezone.localdate()),
    )
    action.full_clean(exclude=["number"])
    last = Action.objects.filter(board=board).aggregate(n=Max("number"))["n"] or 0
    action.number = last + 1
    action.save()
    return action


@transaction.atomic
def update_action(action: Action, *, note: str, status: str, on: date, author) -> ActionUpdate:
    """Add a dated update to an action and move it to ``status``."""
    if not note.strip():
        raise ValidationError({"note": "Say what has happened."})
    if status not in Action.Status.values:
        raise ValidationError({"status": "Choose ongoing or complete."})
    if on < action.raised_on:
        raise ValidationError({"on": "An update cannot come before the action was raised."})
    update = ActionUpdate.objects.create(
        action=action, note=note.strip(), status=status, on=on, author=author
    )
    action.status = status
    action.completed_on = on if status == Action.Status.COMPLETE else None
    action.save(update_fields=["status", "completed_on"])
    return update


@transaction.atomic
def record_declaration(
    meeting: Meeting, *, person: Person, interest: str, kind: str, item: AgendaItem | None = None
) -> Declaration:
    """Record a declaration by a member, or a deputy attending, of the meeting."""
    is_member = Membership.objects.on(meeting.date).filter(board_id=meeting.board_id, person=person)
    is_deputy = meeting.attendance.filter(deputy=person)
    if not is_member.exists() and not is_deputy.exists():
        raise ValidationError(
            {"person": "Only a member of the board, or a deputy attending, can declare here."}
        )
    declaration = Declaration(
        meeting=meeting, person=person, interest=interest, kind=kind, item=item
    )
    declaration.full_clean()
    declaration.save()
    return declaration
