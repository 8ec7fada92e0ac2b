"""Demo data for the case panels: the Riverside MARAC and the Riverside Community MARAC.

Everything here is invented: the professionals, the areas and every case. A case carries only
what a real one would: initials or a pseudonym, a pseudonymous key (hashed on the way in), age
band and other categories for the statistics. All cases go through ``reviews.services``, so the
references, the automatic rules, the repeat links and the access log are the real thing.

Dates are worked out from today, so the demo reads the same whenever it is loaded: a year of
monthly meetings with two to come, about sixty cases referred over the year, a few older closed
cases now due for disposal. Loading again keeps what is there.

The services stamp the access log and the audit history with the time of loading, not the
dates in the story; the case dates themselves (referral, hearing, actions, closure) follow it.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from boards import services as board_services
from boards.demo import ORGANISATIONS
from boards.models import Board, Meeting, Membership, Organisation, Person
from partnership.demo import DEMO_PASSWORD, Login
from partnership.periods import add_months

from . import services
from .models import Case, CaseAction

MARAC = "Riverside MARAC"
CCM = "Riverside Community MARAC"
R = Membership.Role
C = Case

PANELS = {
    "marac": {
        "name": MARAC,
        "short_name": "MARAC",
        "purpose": "The multi-agency risk assessment conference for Riverside: agencies share "
        "information on the highest-risk domestic abuse cases and agree an action plan for each, "
        "to keep victims and their children safe.",
        "parent": "VAWG Forum",
        "rules": {"minutes_per_case": 12, "retention_months": 12},
        # Second Tuesday of the month, 10:00 to 13:00.
        "weekday": 1,
        "week": 2,
        "hours": (10, 13),
        "venue": "Riverside Police Station, Conference Room 2",
        "link": "https://meet.riverside.example/marac",
    },
    "ccm": {
        "name": CCM,
        "short_name": "Community MARAC",
        "purpose": "The community MARAC: agencies agree a joint plan for vulnerable victims of "
        "anti-social behaviour, and for perpetrators whose own needs drive the behaviour.",
        "parent": "ASB Group",
        "rules": {"minutes_per_case": 15, "retention_months": 12},
        # Third Thursday of the month, 14:00 to 16:00.
        "weekday": 3,
        "week": 3,
        "hours": (14, 16),
        "venue": "Riverside Civic Centre, Committee Room 2",
        "link": "https://meet.riverside.example/community-marac",
    },
}

# Panel members: organisation short name, name, job title, role. People the boards demo already
# made are found by name and keep their details; the others are created.
MEMBERS = {
    "marac": [
        ("Police", "DCI Ben Harlow", "Detective Chief Inspector", R.CHAIR),
        ("Safe Harbour", "Ellie Brandt", "IDVA Team Leader", R.DEPUTY_CHAIR),
        ("Police", "DS Carla Mendes", "Detective Sergeant, Public Protection Unit", R.MEMBER),
        ("Council", "Rebecca Thorne", "Team Manager, Children's Social Care", R.MEMBER),
        ("Council", "Imran Qureshi", "Safeguarding Adults Lead", R.MEMBER),
        ("Council", "Sophie Adeyemi", "Housing Options Manager", R.MEMBER),
        ("Riverside Homes", "Joanne Pike", "Housing Safeguarding Officer", R.MEMBER),
        ("Health Trust", "Nicola Briggs", "Safeguarding Adults Nurse", R.MEMBER),
        ("ICB", "Dr Hamid Aziz", "Named GP for Safeguarding", R.MEMBER),
        ("Probation", "Chris Dunmore", "Senior Probation Officer", R.MEMBER),
        ("Victim Care", "Ravi Menon", "Senior Caseworker", R.MEMBER),
        ("New Horizons", "Stacey Holt", "Recovery Team Leader", R.MEMBER),
        ("Fire", "Station Manager Ed Walsh", "Station Manager", R.MEMBER),
    ],
    "ccm": [
        ("Council", "Denise Farrow", "ASB and Community Safety Manager", R.CHAIR),
        ("Police", "Insp Kwame Boateng", "Neighbourhood Policing Inspector", R.DEPUTY_CHAIR),
        ("Council", "Marcus Bell", "ASB Caseworker", R.MEMBER),
        ("Police", "PC Aaron Whitby", "Neighbourhood Beat Manager", R.MEMBER),
        ("Riverside Homes", "Lee Morton", "Tenancy Enforcement Manager", R.MEMBER),
        ("Council", "Imran Qureshi", "Safeguarding Adults Lead", R.MEMBER),
        ("Health Trust", "Dr Leona Hart", "Community Mental Health Team Lead", R.MEMBER),
        ("New Horizons", "Stacey Holt", "Recovery Team Leader", R.MEMBER),
        ("Victim Care", "Ravi Menon", "Senior Caseworker", R.MEMBER),
        ("Fire", "Station Manager Ed Walsh", "Station Manager", R.MEMBER),
    ],
}
COORDINATOR = ("Council", "Gareth Lloyd", "Case Panels Coordinator")

# Cases referred in the last twelve months, and older closed ones now due for disposal.
IN_YEAR = {"marac": 40, "ccm": 17}
OLD_CASES = {
    # months ago referred, months ago closed, closure reason
    "marac": [
        (16, 14, C.ClosureReason.RISK_REDUCED),
        (15, 13, C.ClosureReason.TRANSFERRED_OUT),
    ],
    "ccm": [(17, 13, C.ClosureReason.RISK_REDUCED)],
}
# Places in each panel's year (0 = the earliest referral) that get a particular story.
TRANSFERS_IN = {"marac": {5, 16, 37}, "ccm": set()}
TRANSFERS_OUT = {"marac": {7, 26}, "ccm": set()}
OVERDUE = {"marac": {18, 24, 30, 33}, "ccm": {10, 13}}
REPEATS = {"marac": {13, 21, 28, 34, 39}, "ccm": {14}}
OTHER_AREAS = ("Brackenford MARAC", "Eastlow MARAC", "Holmedale MARAC")

# Who refers, with weights.
REFERRERS = {
    "marac": {
        "Police": 50,
        "Safe Harbour": 14,
        "Health Trust": 9,
        "Council": 9,
        "Victim Care": 5,
        "Riverside Homes": 5,
        "Probation": 4,
        "ICB": 2,
        "New Horizons": 2,
    },
    "ccm": {
        "Police": 30,
        "Riverside Homes": 25,
        "Council": 25,
        "New Horizons": 8,
        "Health Trust": 7,
        "Fire": 5,
    },
}

# Agreed actions: agency short name, the action, who owns it. No personal detail in any of them.
FIRST_ACTION = {
    "marac": (
        "Safe Harbour",
        "IDVA to make contact within a week and complete a safety plan with the victim.",
        "IDVA service",
    ),
    "ccm": (
        "Council",
        "ASB caseworker to visit, agree a support plan and review the incident diary.",
        "ASB caseworker",
    ),
}
ACTIONS = {
    "marac": [
        ("Police", "Place a flag on the address for an urgent response.", "Public Protection Unit"),
        ("Police", "Review outstanding offences and consider arrest.", "Investigating officer"),
        (
            "Police",
            "Consider a disclosure under the Domestic Violence Disclosure Scheme.",
            "Public Protection Unit",
        ),
        (
            "Council",
            "Check whether the children are known and share the outcome with the IDVA.",
            "Children's Social Care duty manager",
        ),
        (
            "Council",
            "Complete a child and family assessment.",
            "Children's Social Care social worker",
        ),
        (
            "Council",
            "Offer a housing options appointment and a sanctuary scheme assessment.",
            "Housing Options",
        ),
        (
            "Riverside Homes",
            "Fit additional locks and add a safety marker to the tenancy record.",
            "Housing safeguarding officer",
        ),
        ("Fire", "Offer a home fire safety visit and fit a letterbox guard.", "Station Manager"),
        (
            "Health Trust",
            "Flag the records for the GP and health visitor and raise at the next contact.",
            "Safeguarding nurse",
        ),
        ("ICB", "Ask the GP practice to add a safeguarding alert.", "Named GP for Safeguarding"),
        (
            "Probation",
            "Review the risk management plan and licence conditions.",
            "Probation practitioner",
        ),
        (
            "New Horizons",
            "Offer an assessment for alcohol and drug use.",
            "Recovery worker",
        ),
        ("Victim Care", "Offer practical support and target hardening.", "Caseworker"),
    ],
    "ccm": [
        (
            "Police",
            "Increase patrols near the address for four weeks and log each visit.",
            "Neighbourhood team",
        ),
        (
            "Police",
            "Consider Community Protection Warnings for the people causing the harm.",
            "Neighbourhood Beat Manager",
        ),
        (
            "Council",
            "Consider an application for a civil injunction.",
            "ASB and Community Safety Manager",
        ),
        (
            "Council",
            "Complete a Care Act needs assessment.",
            "Adult Social Care",
        ),
        (
            "Riverside Homes",
            "Tenancy sustainment officer to visit and review the outstanding repairs.",
            "Tenancy sustainment officer",
        ),
        (
            "Riverside Homes",
            "Consider a closure order to stop the flat being taken over.",
            "Tenancy enforcement",
        ),
        (
            "Health Trust",
            "Community mental health team to review and offer an appointment.",
            "Community mental health team",
        ),
        ("New Horizons", "Outreach worker to offer a recovery worker.", "Outreach team"),
        ("Fire", "Home fire safety visit, with advice on clutter and escape routes.", "Fire"),
        ("Victim Care", "Offer emotional support and help to report incidents.", "Caseworker"),
    ],
}
OPEN_NOTES = (
    "Chased by e-mail; the agency expects to report at the next meeting.",
    "Two visits attempted with no answer; a letter has been left.",
    "Waiting for a date from the service; the coordinator will chase again.",
)
CLOSING_NOTES = {
    C.ClosureReason.RISK_REDUCED: "Actions complete; the lead agency reports the risk has reduced.",
    C.ClosureReason.NO_FURTHER_ACTION: "No further action for the panel: support continues "
    "through the lead agency as a standard-risk case.",
}
OVERRIDE_NOTE = "High risk of serious harm: shared under the panel's information-sharing protocol."
LETTERS = "ABCDEFGHJKLMNPRSTW"

AGE_BANDS = {
    "marac": {
        C.AgeBand.AGE_16_17: 2,
        C.AgeBand.AGE_18_24: 18,
        C.AgeBand.AGE_25_34: 34,
        C.AgeBand.AGE_35_44: 26,
        C.AgeBand.AGE_45_54: 12,
        C.AgeBand.AGE_55_64: 5,
        C.AgeBand.AGE_65_PLUS: 3,
    },
    "ccm": {
        C.AgeBand.AGE_18_24: 10,
        C.AgeBand.AGE_25_34: 15,
        C.AgeBand.AGE_35_44: 20,
        C.AgeBand.AGE_45_54: 22,
        C.AgeBand.AGE_55_64: 18,
        C.AgeBand.AGE_65_PLUS: 15,
    },
}
AGES = {
    C.AgeBand.AGE_16_17: (16, 17),
    C.AgeBand.AGE_18_24: (18, 24),
    C.AgeBand.AGE_25_34: (25, 34),
    C.AgeBand.AGE_35_44: (35, 44),
    C.AgeBand.AGE_45_54: (45, 54),
    C.AgeBand.AGE_55_64: (55, 64),
    C.AgeBand.AGE_65_PLUS: (65, 84),
}
GENDERS = {
    "marac": {C.Gender.FEMALE: 88, C.Gender.MALE: 10, C.Gender.ANOTHER: 2},
    "ccm": {C.Gender.FEMALE: 48, C.Gender.MALE: 48, C.Gender.NOT_KNOWN: 4},
}
ETHNICITIES = {
    C.Ethnicity.WHITE: 68,
    C.Ethnicity.ASIAN: 12,
    C.Ethnicity.BLACK: 9,
    C.Ethnicity.MIXED: 5,
    C.Ethnicity.OTHER: 2,
    C.Ethnicity.NOT_KNOWN: 4,
}
DISABILITY = {
    "marac": {C.Disability.NO: 70, C.Disability.YES: 16, C.Disability.NOT_KNOWN: 14},
    "ccm": {C.Disability.NO: 45, C.Disability.YES: 45, C.Disability.NOT_KNOWN: 10},
}
ORIENTATIONS = {
    C.SexualOrientation.HETEROSEXUAL: 78,
    C.SexualOrientation.GAY_LESBIAN: 4,
    C.SexualOrientation.BISEXUAL: 3,
    C.SexualOrientation.NOT_KNOWN: 12,
    C.SexualOrientation.PREFER_NOT: 3,
}
CHILDREN = {
    "marac": {0: 30, 1: 25, 2: 20, 3: 10, 4: 3, None: 12},
    "ccm": {0: 60, 1: 15, 2: 10, None: 15},
}


@dataclass
class Subject:
    """The person a case is about, as the demo invents them: nothing real."""

    label: str
    key: str
    age_band: str
    gender: str
    ethnicity: str
    disability: str
    sexual_orientation: str
    children: int | None


@dataclass
class Panel:
    """A demo panel as the loader works with it."""

    kind: str
    board: Board
    past: list[Meeting] = field(default_factory=list)
    upcoming: list[Meeting] = field(default_factory=list)
    members: dict[str, Person] = field(default_factory=dict)  # org short name -> a referrer

    @property
    def meetings(self) -> list[Meeting]:
        return self.past + self.upcoming


class Loader:
    def __init__(self, log, by, today: date, now: datetime):
        self.log = log
        self.by = by
        self.today = today
        self.now = now
        # The same demo every time for a given day; nothing secret.
        self.rng = random.Random(2026)  # noqa: S311
        self.orgs: dict[str, Organisation] = {}
        self.keys: set[str] = set()
        self.labels: set[tuple[str, str]] = set()

    # --- reference data ------------------------------------------------------------------

    def org(self, short: str) -> Organisation:
        if short not in self.orgs:
            name, _, sector, statutory = next(o for o in ORGANISATIONS if o[1] == short)
            self.orgs[short], _ = Organisation.objects.get_or_create(
                name=name,
                defaults={
                    "short_name": short,
                    "sector": sector,
                    "responsible_authority": statutory,
                },
            )
        return self.orgs[short]

    def person(self, short: str, name: str, title: str) -> Person:
        found = Person.objects.filter(full_name=name).first()
        if found is not None:
            return found
        return Person.objects.create(
            full_name=name,
            job_title=title,
            organisation=self.org(short),
            email=name.lower().replace(" ", ".").replace("'", "") + "@riverside.example",
        )

    def coordinator_person(self) -> Person:
        person = Person.objects.filter(user=self.by).first()
        if person is None:
            short, name, title = COORDINATOR
            person = Person.objects.filter(full_name=name, user__isnull=True).first()
            if person is None:
                person = self.person(short, name, title)
            person.user = self.by
            person.save(update_fields=["user"])
        return person

    def pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    # --- panels and meetings -------------------------------------------------------------

    def panel(self, kind: str, coordinator: Person) -> Panel:
        spec = PANELS[kind]
        board = Board.objects.create(
            name=spec["name"],
            short_name=spec["short_name"],
            kind=Board.Kind.PANEL,
            parent=Board.objects.filter(short_name=spec["parent"]).first(),
            meeting_frequency=Board.Frequency.MONTHLY,
            purpose=spec["purpose"],
        )
        services.configure_panel(board, kind, **spec["rules"])
        panel = Panel(kind, board)
        joined = add_months(self.today, -30)
        memberships = []
        for short, name, title, role in MEMBERS[kind]:
            person = self.person(short, name, title)
            memberships.append(
                Membership.objects.create(
                    board=board,
                    person=person,
                    organisation=person.organisation,
                    role=role,
                    start_date=joined,
                )
            )
            if role == R.MEMBER:
                panel.members.setdefault(person.organisation.short_name, person)
        memberships.append(
            Membership.objects.create(
                board=board,
                person=coordinator,
                organisation=coordinator.organisation,
                role=R.OFFICER,
                voting=False,
                start_date=joined,
            )
        )
        self.meetings(panel, spec, memberships)
        self.log(
            f"created {board.name} with {len(memberships)} members and "
            f"{len(panel.past)} meetings held, {len(panel.upcoming)} to come"
        )
        return panel

    def meetings(self, panel: Panel, spec: dict, memberships: list[Membership]) -> None:
        start, end = spec["hours"]
        since = add_months(self.today, -12)
        month = add_months(self.today.replace(day=1), -13)
        for _ in range(17):
            first = month
            day = first + timedelta(days=(spec["weekday"] - first.weekday()) % 7)
            day += timedelta(weeks=spec["week"] - 1)
            month = add_months(month, 1)
            starts_at = _aware(day, start)
            if starts_at <= self.now and day <= since:
                continue
            if starts_at > self.now and len(panel.upcoming) == 2:
                break
            meeting = Meeting.objects.create(
                board=panel.board,
                starts_at=starts_at,
                ends_at=_aware(day, end),
                venue=spec["venue"],
                online_link=spec["link"],
            )
            if starts_at > self.now:
                panel.upcoming.append(meeting)
                continue
            panel.past.append(meeting)
            self.attendance(meeting, memberships, len(panel.past))
            services.record_agreement(meeting, self.by)

    def attendance(self, meeting: Meeting, memberships: list[Membership], number: int) -> None:
        entries = []
        for membership in memberships:
            if membership.role == R.CHAIR:
                # The Chair sends apologies once; the Deputy Chair presides that month.
                status = "apologies" if number == 4 else "attended"
            elif membership.role in (R.DEPUTY_CHAIR, R.OFFICER):
                status = "attended"
            else:
                roll = self.rng.random()
                status = "attended" if roll < 0.8 else "apologies" if roll < 0.94 else "absent"
            entries.append(board_services.AttendanceEntry(membership.pk, status))
        board_services.record_attendance(meeting, entries)

    # --- cases ---------------------------------------------------------------------------

    def subject(self, kind: str, referral: date) -> Subject:
        while True:
            initials = "".join(self.rng.choice(LETTERS) for _ in range(2))
            band = self.pick(AGE_BANDS[kind])
            low, high = AGES[band]
            born = referral - timedelta(days=365 * self.rng.randint(low, high) + 180)
            born -= timedelta(days=self.rng.randint(0, 150))
            key = f"{initials} {born:%d/%m/%Y}"
            if key not in self.keys:
                self.keys.add(key)
                break
        label = f"{initials[0]}.{initials[1]}."
        if self.rng.random() < 0.2:
            pseudonym = f"{'Client' if kind == 'marac' else 'Resident'} {initials[0]}."
            label = label if (kind, pseudonym) in self.labels else pseudonym
        self.labels.add((kind, label))
        return Subject(
            label=label,
            key=key,
            age_band=band,
            gender=self.pick(GENDERS[kind]),
            ethnicity=self.pick(ETHNICITIES),
            disability=self.pick(DISABILITY[kind]),
            sexual_orientation=self.pick(ORIENTATIONS),
            children=self.pick(CHILDREN[kind]),
        )

    def risk(self, kind: str, repeat: bool) -> dict:
        """Score, incidents and the referrer's judgement, spread around the panel's threshold."""
        roll, rand = self.rng.random(), self.rng.randint
        if kind == "marac":
            if repeat:
                score, incidents, judgement = rand(9, 17), rand(1, 4), False
            elif roll < 0.62:
                score, incidents, judgement = rand(14, 21), rand(0, 5), False
            elif roll < 0.84:
                score, incidents, judgement = rand(10, 13), rand(3, 7), False
            else:
                score, incidents, judgement = rand(8, 13), rand(0, 2), True
            return {
                "risk_score": score,
                "police_incidents": incidents,
                "reason_professional_judgement": judgement,
                "risk_level": C.RiskLevel.HIGH,
            }
        if repeat:
            harm, likely, incidents, judgement = 3, self.rng.randint(3, 5), 2, False
        elif roll < 0.6:
            harm, likely = self.rng.choice([(4, 4), (3, 5), (5, 3), (4, 5), (5, 4), (5, 5)])
            incidents, judgement = self.rng.randint(2, 12), False
        elif roll < 0.85:
            harm, likely = self.rng.choice([(3, 3), (3, 4), (4, 3), (2, 5)])
            incidents, judgement = self.rng.randint(3, 15), False
        else:
            harm, likely = self.rng.choice([(2, 4), (3, 3), (4, 2), (3, 4)])
            incidents, judgement = self.rng.randint(0, 2), True
        score = harm * likely
        return {
            "risk_score": score,
            "police_incidents": incidents,
            "reason_professional_judgement": judgement,
            "risk_level": C.RiskLevel.HIGH if score >= 15 else C.RiskLevel.MEDIUM,
        }

    def refer(
        self,
        panel: Panel,
        referral: date,
        subject: Subject,
        *,
        repeat: bool = False,
        transfer_in: str = "",
    ) -> Case:
        short = self.pick(REFERRERS[panel.kind])
        referrer = panel.members.get(short) if self.rng.random() < 0.5 else None
        consent = self.pick({C.Consent.YES: 72, C.Consent.OVERRIDDEN: 18, C.Consent.NO: 10})
        return services.refer_case(
            panel.board,
            by=self.by,
            person_key=subject.key,
            referral_date=referral,
            referring_organisation=self.org(short),
            referring_person=referrer,
            subject_label=subject.label,
            consent=consent,
            consent_note=OVERRIDE_NOTE if consent == C.Consent.OVERRIDDEN else "",
            age_band=subject.age_band,
            gender=subject.gender,
            ethnicity=subject.ethnicity,
            disability=subject.disability,
            sexual_orientation=subject.sexual_orientation,
            children_in_household=subject.children,
            transferred_in_from=transfer_in,
            transferred_in_on=referral if transfer_in else None,
            **self.risk(panel.kind, repeat),
        )

    def add_actions(self, panel: Panel, case: Case, heard_on: date, count: int) -> list:
        chosen = [FIRST_ACTION[panel.kind], *self.rng.sample(ACTIONS[panel.kind], count - 1)]
        actions = []
        for number, (short, description, owner) in enumerate(chosen):
            wait = 7 if number == 0 else 14 + 7 * number + self.rng.randint(0, 14)
            due = heard_on + timedelta(days=wait)
            actions.append(
                services.add_action(
                    case,
                    by=self.by,
                    agency=self.org(short),
                    description=description,
                    owner=owner,
                    due_on=due,
                )
            )
        return actions

    def complete(self, action: CaseAction, heard_on: date, latest: date) -> date:
        """Mark done between the hearing and the due date, never after ``latest``."""
        span = max((action.due_on - heard_on).days, 3)
        on = min(heard_on + timedelta(days=self.rng.randint(3, span)), latest)
        services.complete_action(action, by=self.by, completed_on=on)
        return on

    def story(
        self, panel: Panel, index: int, referral: date, subject: Subject, repeat: bool
    ) -> tuple:
        """Refer one case and take it as far as the dates allow. Returns (case, fate)."""
        kind = panel.kind
        transfer_in = self.rng.choice(OTHER_AREAS) if index in TRANSFERS_IN[kind] else ""
        case = self.refer(panel, referral, subject, repeat=repeat, transfer_in=transfer_in)
        if referral >= self.today - timedelta(days=4):
            return case, "referred"  # not yet listed: the coordinator's next job
        later = [m for m in panel.meetings if m.date >= referral + timedelta(days=2)]
        if not later:
            return case, "referred"
        first = later[0]
        services.list_for_meeting(case, first, by=self.by)
        if first in panel.upcoming:
            return case, "listed"
        services.mark_heard(case, first, by=self.by)
        heard_on = first.date
        actions = self.add_actions(panel, case, heard_on, self.rng.randint(2, 4))
        yesterday = self.today - timedelta(days=1)
        heard_ago = (self.today - heard_on).days

        if index in TRANSFERS_OUT[kind]:
            self.complete(actions[0], heard_on, yesterday)
            on = min(heard_on + timedelta(days=self.rng.randint(10, 30)), yesterday)
            services.transfer_out(
                case,
                by=self.by,
                to_area=self.rng.choice(OTHER_AREAS),
                on=on,
                note="The family moved; the remaining actions pass to the receiving MARAC.",
            )
            return case, "transferred"

        if index in OVERDUE[kind]:
            fate = "overdue"
        elif heard_ago < 40:
            fate = "review" if self.rng.random() < 0.25 else "active"
        else:
            roll = self.rng.random()
            fate = (
                "closed"
                if roll < 0.72
                else "nfa"
                if roll < 0.78
                else "review"
                if roll < 0.88
                else "active"
            )

        if fate in ("closed", "nfa"):
            done = [self.complete(a, heard_on, yesterday) for a in actions]
            closed_on = min(max(done) + timedelta(days=self.rng.randint(1, 14)), yesterday)
            reason = (
                C.ClosureReason.RISK_REDUCED
                if fate == "closed"
                else C.ClosureReason.NO_FURTHER_ACTION
            )
            if kind == "ccm":  # the community MARAC reviews its cases until it closes them
                self.review(panel, case, heard_on, until=closed_on, limit=2)
            services.close_case(
                case, by=self.by, reason=reason, note=CLOSING_NOTES[reason], closed_on=closed_on
            )
            return case, "closed"

        # Still open: what is past its date is done, except the one being chased.
        chased = False
        for action in actions:
            if action.due_on < self.today:
                if fate == "overdue" and not chased:
                    chased = True
                    services.add_action_update(action, by=self.by, note=self.rng.choice(OPEN_NOTES))
                    continue
                self.complete(action, heard_on, yesterday)
            elif self.rng.random() < 0.25 and heard_ago > 7:
                self.complete(action, heard_on, yesterday)
        if kind == "ccm":
            self.review(panel, case, heard_on)
        elif fate == "review":
            self.review(panel, case, heard_on, limit=1)
        return case, fate

    def review(self, panel: Panel, case: Case, heard_on: date, until=None, limit=12) -> None:
        """List the case again at the meetings after ``heard_on`` (before ``until``), hearing it
        at those held; an open case goes on the next meeting's list."""
        for meeting in [m for m in panel.meetings if m.date > heard_on][:limit]:
            if until is not None and meeting.date >= until:
                break
            services.list_for_meeting(case, meeting, by=self.by)
            if meeting in panel.upcoming:
                break
            services.mark_heard(case, meeting, by=self.by)

    def repeat_of(self, history: list, referral: date):
        """An earlier subject of the panel to refer again: closed, and within the window."""
        for subject, earlier, case in history:
            case.refresh_from_db(fields=["status", "closure_reason", "closed_on"])
            gap = (referral - earlier).days
            if (
                30 <= gap <= 340
                and case.status == C.Status.CLOSED
                and case.closure_reason != C.ClosureReason.TRANSFERRED_OUT
                and case.closed_on <= referral - timedelta(days=7)
            ):
                return subject
        return None

    def cases(self, panel: Panel) -> None:
        kind = panel.kind
        self.old_cases(panel)
        n = IN_YEAR[kind]
        history = []  # (subject, referral date, case) of subjects free to be referred again
        for index in range(n):
            days_ago = 2 + round((355 - 2) * (n - 1 - index) / (n - 1))
            if 0 < index < n - 1:
                days_ago += self.rng.randint(-3, 3)
            referral = self.today - timedelta(days=days_ago)
            subject = self.repeat_of(history, referral) if index in REPEATS[kind] else None
            repeat = subject is not None
            if repeat:
                history = [h for h in history if h[0] is not subject]
            else:
                subject = self.subject(kind, referral)
            case, _ = self.story(panel, index, referral, subject, repeat)
            history.append((subject, referral, case))

    def old_cases(self, panel: Panel) -> None:
        """Cases closed longer ago than the retention period: now due for disposal."""
        for referred, closed, reason in OLD_CASES[panel.kind]:
            referral = add_months(self.today, -referred)
            closed_on = add_months(self.today, -closed) - timedelta(days=3)
            subject = self.subject(panel.kind, referral)
            case = self.refer(panel, referral, subject)
            actions = self.add_actions(panel, case, referral + timedelta(days=10), 2)
            for action in actions:
                self.complete(action, referral + timedelta(days=10), closed_on)
            if reason == C.ClosureReason.TRANSFERRED_OUT:
                services.transfer_out(
                    case, by=self.by, to_area=self.rng.choice(OTHER_AREAS), on=closed_on
                )
            else:
                services.close_case(
                    case,
                    by=self.by,
                    reason=reason,
                    note=CLOSING_NOTES[reason],
                    closed_on=closed_on,
                )


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _chair_login(log) -> list[Login]:
    """A login for the MARAC's chair, the one demo user who reads a panel's access log."""
    person = Person.objects.filter(full_name="DCI Ben Harlow").first()
    if person is None:
        return []
    user, created = get_user_model().objects.get_or_create(
        username="marac_chair",
        defaults={"first_name": "Ben", "last_name": "Harlow",
                  "email": "marac_chair@riverside-csp.example"},
    )  # fmt: skip
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        log("created demo user marac_chair (Chair of the MARAC)")
    if person.user_id is None:
        person.user = user
        person.save(update_fields=["user"])
    return [Login("marac_chair", DEMO_PASSWORD, "MARAC chair", "Ben Harlow")]


def load(log) -> list:
    if Board.objects.filter(name__in=[MARAC, CCM]).exists():
        log("kept the case panels (already loaded)")
        return _chair_login(log)
    by = get_user_model().objects.filter(username="coordinator").first()
    if by is None:
        log("no demo coordinator: the case panels were not loaded")
        return []
    loader = Loader(log, by, timezone.localdate(), timezone.now())
    coordinator = loader.coordinator_person()
    panels = [loader.panel(kind, coordinator) for kind in PANELS]
    for panel in panels:
        loader.cases(panel)

    cases = Case.objects.filter(panel__in=[p.board for p in panels])
    per_panel = ", ".join(
        f"{p.board.display_name} {cases.filter(panel=p.board).count()}" for p in panels
    )
    overdue = CaseAction.objects.filter(case__in=cases).overdue().count()
    due = services.cases_due_for_disposal().filter(pk__in=cases).count()
    log(
        f"created {cases.count()} demo cases ({per_panel}): {cases.open().count()} open, "
        f"{cases.closed().count()} closed, {overdue} overdue actions, "
        f"{due} due for disposal"
    )
    return _chair_login(log)
