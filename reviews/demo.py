"""Demo data for the case panels (the Riverside MARAC and the Riverside Community MARAC) and for
the One Panel, which considers referrals for statutory reviews.

Everything here is invented: the professionals, the areas and every case. A case carries only
what a real one would: initials or a pseudonym, a pseudonymous key (hashed on the way in), age
band and other categories for the statistics. All cases go through ``reviews.services``, so the
references, the automatic rules, the repeat links and the access log are the real thing.

Dates are worked out from today, so the demo reads the same whenever it is loaded: a year of
monthly meetings with two to come, about sixty cases referred over the year, a few older closed
cases now due for disposal. Loading again keeps what is there.

The services stamp the access log and the audit history with the time of loading, not the
dates in the story; the case dates themselves (referral, hearing, actions, closure) follow it.

The One Panel has five reviews, one at each point a member should see: a child Rapid Review
due within days, a DHR past its completion deadline, a SAR paused by an inquest, a published
child review with its recommendations half done and its 7-minute briefing shared, and a local
referral sent elsewhere for learning. They go through ``reviews.statutory`` like the cases.
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

from . import services, statutory
from .clocks import add_working_days, deadlines, working_days_between
from .models import (
    Case,
    CaseAction,
    ParallelProcess,
    Recommendation,
    RecommendationAction,
    Review,
    ReviewType,
)

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
        # Held meetings start just after the oldest referral of the year (355 days ago, give or
        # take three), so every meeting has cases to hear whatever day the demo is loaded.
        since = self.today - timedelta(days=350)
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
    return load_case_panels(log) + load_one_panel(log)


def load_case_panels(log) -> list:
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


# --- The One Panel: statutory reviews ------------------------------------------------------

ONE_PANEL = "Riverside One Panel"
ONE_PANEL_LOGIN = ("onepanel", "Claire", "Donnelly")
ONE_PANEL_PURPOSE = (
    "Senior officers from health, children's and adult social care, community safety and the "
    "police consider each referral that may need a statutory review (a child safeguarding "
    "practice review, a safeguarding adults review or a domestic homicide review), decide "
    "whether to commission one, and follow each review through to its recommendations and the "
    "learning shared with staff. Every case is looked at with the whole family in mind."
)
# Organisation short name, name, job title, role. Names the boards demo made keep their details.
ONE_PANEL_MEMBERS = [
    ("Council", "Claire Donnelly", "Head of Safeguarding Partnerships", R.CHAIR),
    ("Police", "Det Supt Rachel Moore", "Head of Public Protection", R.DEPUTY_CHAIR),
    ("ICB", "Jo Fairbairn", "Designated Nurse, Safeguarding Adults", R.MEMBER),
    ("Health Trust", "Priti Shah", "Named Nurse, Safeguarding Children", R.MEMBER),
    (
        "Council",
        "Owen Baptiste",
        "Head of Safeguarding and Quality Assurance, Children's Social Care",
        R.MEMBER,
    ),
    ("Council", "Imran Qureshi", "Safeguarding Adults Lead", R.MEMBER),
    ("Council", "Paul Okonjo", "Head of Community Safety", R.MEMBER),
]

# The published child review's recommendations: text, lead agencies, actions as (agency,
# action, owner, days after publication it is due or None for one now past its date, status),
# and the evidence of completion (blank while open). Numbers 1, 2 and 4 are complete.
RECOMMENDATIONS = [
    (
        "Partners use one screening tool to spot children at risk of criminal exploitation, so "
        "that police, social care, health and schools describe the risk in the same terms.",
        ("Council", "Police"),
        [
            (
                "Council",
                "Agree the screening tool with partners and launch it.",
                "Head of Service, Children's Safeguarding",
                60,
                "done",
            ),
        ],
        "The tool went live across partners; an audit of referrals three months on found it "
        "used in nearly all of them.",
    ),
    (
        "A child at risk of exploitation who has been missing is offered a return home "
        "interview within 72 hours, and what the child says reaches the police.",
        ("Council", "Police"),
        [
            (
                "Council",
                "Recommission return home interviews with a 72-hour standard and "
                "monthly reporting to the panel.",
                "Commissioning Manager",
                45,
                "done",
            ),
            (
                "Police",
                "Record the interview's findings on the missing person record.",
                "Missing Persons Coordinator",
                75,
                "done",
            ),
        ],
        "Monthly figures show most interviews offered within 72 hours; the police record now "
        "carries the findings.",
    ),
    (
        "Schools hear promptly when a pupil is arrested or reported missing, so they can plan "
        "support for the child's return.",
        ("Police",),
        [
            (
                "Police",
                "Set up a daily notice to schools' designated safeguarding leads.",
                "Head of Public Protection",
                None,
                "overdue",
            ),
            (
                "Council",
                "Check after six months that schools receive and use the notices.",
                "Education Safeguarding Lead",
                330,
                "not started",
            ),
        ],
        "",
    ),
    (
        "Emergency department staff ask about exploitation when a young person comes in with a "
        "knife injury, and refer to the youth violence workers.",
        ("Health Trust",),
        [
            (
                "Health Trust",
                "Add an exploitation prompt to the triage record for under-18s.",
                "Named Nurse, Safeguarding Children",
                40,
                "done",
            ),
            (
                "Health Trust",
                "Train emergency department staff in the prompt and the referral.",
                "Emergency Department Matron",
                90,
                "done",
            ),
        ],
        "The prompt is in the triage record and 85 per cent of the department's staff have "
        "been trained.",
    ),
    (
        "Young people at risk of exploitation who are about to turn 18 have a planned handover "
        "from children's to adult services.",
        ("Council", "Youth Justice"),
        [
            (
                "Council",
                "Set up a transitions panel for exploited young people aged 17.",
                "Head of Service, Children's Safeguarding",
                None,
                "overdue",
            ),
            (
                "Youth Justice",
                "Share each case with Probation three months before the 18th birthday.",
                "Head of Youth Justice",
                300,
                "in progress",
            ),
        ],
        "",
    ),
    (
        "Partners check the effect of this review through a multi-agency audit of "
        "exploitation cases a year after publication.",
        ("Council",),
        [
            (
                "Council",
                "Run the multi-agency audit and report to the One Panel.",
                "Partnership Quality Assurance Officer",
                365,
                "in progress",
            ),
        ],
        "",
    ),
]

BRIEFING = {
    "findings": (
        "Each agency saw part of the picture (missing episodes, falling school attendance, a "
        "minor injury) but no one put the parts together until after the stabbing.\n\n"
        "Return home interviews were offered late or not at all, so what the boy said about "
        "where he had been never reached the police.\n\n"
        "Records described him as a young offender rather than a child being exploited, and "
        "the words shaped the response.\n\n"
        "His school did not hear of his arrest and could not plan support for his return."
    ),
    "briefing_summary": (
        "Child P, aged 14, was seriously hurt in a stabbing. In the year before, he went "
        "missing many times, stopped attending school and was arrested once with drugs on him."
    ),
    "briefing_why": (
        "Criminal exploitation of children is rising in Riverside, and partners see the same "
        "pattern of missing episodes and school absence in other children."
    ),
    "briefing_practice": (
        "Treat repeated missing episodes as a possible sign of exploitation. Use the screening "
        "tool and share what a child tells you. Write about the child as a victim first."
    ),
    "briefing_questions": (
        "Would you spot the signs of criminal exploitation in a child you work with?\n"
        "Who do you tell when a child you know goes missing?\n"
        "How do the words in your records describe the child?"
    ),
}
DISSEMINATIONS = [
    ("Council", 12, "Children's social care team meetings and the practice bulletin."),
    ("Police", 20, "Shift briefings for neighbourhood and response teams."),
    ("Health Trust", 33, "Emergency department and school nursing team meetings."),
]


def working_days_ago(today: date, count: int) -> date:
    """The day from which ``count`` working days bring us to ``today``."""
    day = today
    while working_days_between(day, today) < count:
        day -= timedelta(days=1)
    return day


class OnePanelLoader:
    """Builds the One Panel and its five reviews through the statutory-review services."""

    def __init__(self, loader: Loader, by, chair: Person):
        self.loader = loader
        self.by = by
        self.chair = chair
        self.today = loader.today
        self.types = {t.code: t for t in ReviewType.objects.prefetch_related("criteria")}
        self.panel: Board | None = None

    def org(self, short: str) -> Organisation:
        return self.loader.org(short)

    def past(self, day: date) -> date:
        """Never later than today, so a service never sees a future date."""
        return min(day, self.today)

    def refer(self, code, pseudonym, notified, incident_days, referrer, text, agencies, criteria):
        review_type = self.types[code]
        chosen = list(review_type.criteria.all())
        return statutory.refer(
            self.panel,
            by=self.by,
            review_type=review_type,
            subject_pseudonym=pseudonym,
            incident_on=notified - timedelta(days=incident_days),
            notified_on=notified,
            referred_on=notified,
            referring_organisation=self.org(referrer),
            circumstances=text,
            agencies_involved=[self.org(short) for short in agencies],
            criteria_met=[chosen[i] for i in criteria],
            basis=Review.Basis.MANDATORY if review_type.asks_mandatory else "",
        )

    def decide(self, review, decision, on, rationale) -> Review:
        return statutory.decide(
            review,
            by=self.by,
            decision=decision,
            rationale=rationale,
            decided_on=on,
            decided_by=self.chair,
        )

    def appoint(self, review, on, reviewer, terms) -> Review:
        return statutory.advance(
            review,
            by=self.by,
            to=Review.Stage.REVIEWER_APPOINTED,
            on=on,
            reviewer_name=reviewer,
            terms_of_reference=terms,
            terms_agreed_on=on,
        )

    def advance(self, review, to, on, **details) -> Review:
        return statutory.advance(review, by=self.by, to=to, on=self.past(on), **details)

    # --- the board ------------------------------------------------------------------------

    def board(self, coordinator: Person | None) -> Board:
        self.panel = Board.objects.create(
            name=ONE_PANEL,
            short_name="One Panel",
            kind=Board.Kind.REVIEW_PANEL,
            parent=Board.objects.filter(kind=Board.Kind.STRATEGIC).order_by("pk").first(),
            meeting_frequency=Board.Frequency.MONTHLY,
            purpose=ONE_PANEL_PURPOSE,
        )
        joined = add_months(self.today, -36)
        for short, name, title, role in ONE_PANEL_MEMBERS:
            person = self.chair if role == R.CHAIR else self.loader.person(short, name, title)
            Membership.objects.create(
                board=self.panel,
                person=person,
                organisation=person.organisation,
                role=role,
                start_date=joined,
            )
        if coordinator is not None:
            # The panel's business support: records referrals and progress, does not vote.
            Membership.objects.create(
                board=self.panel,
                person=coordinator,
                organisation=coordinator.organisation,
                role=R.OFFICER,
                voting=False,
                start_date=joined,
            )
        return self.panel

    # --- the five reviews -----------------------------------------------------------------

    def rapid_review_due(self) -> Review:
        """A baby's injuries, notified 12 working days ago: the Rapid Review is due shortly."""
        notified = working_days_ago(self.today, 12)
        review = self.refer(
            "CSPR",
            "Child R",
            notified,
            2,
            "Health Trust",
            "A seven-week-old baby was brought to hospital with a skull fracture and older rib "
            "fractures that the parents could not explain. The family had moved into the area "
            "a month before and had not yet registered with a GP.",
            ("Health Trust", "Council", "Police", "ICB"),
            (0, 1, 3),
        )
        statutory.record_notification(
            review,
            by=self.by,
            body="Child Safeguarding Practice Review Panel",
            sent_on=self.past(add_working_days(notified, 2)),
            note="Serious incident notification sent by the local authority.",
        )
        return review

    def overdue_dhr(self) -> Review:
        """Commissioned in time eight months ago, and now past its six-month completion date."""
        notified = add_months(self.today, -8)
        review = self.refer(
            "DHR",
            "Adult K",
            notified,
            3,
            "Police",
            "A woman in her forties died of stab wounds at home; her partner has been charged "
            "with murder. Police had been called to the address twice in the previous year "
            "after reports of shouting.",
            ("Police", "Council", "ICB", "Safe Harbour", "Riverside Homes"),
            (0, 1),
        )
        decided = notified + timedelta(days=20)
        review = self.decide(
            review,
            Review.Decision.COMMISSION,
            decided,
            "The death appears to have come from violence by a partner, so a review must be "
            "held. Several agencies knew of the couple and their contact needs examining.",
        )
        statutory.record_notification(
            review, by=self.by, body="Home Office", sent_on=decided + timedelta(days=2)
        )
        review = self.appoint(
            review,
            decided + timedelta(days=28),
            "Dr Alison Mercer (independent chair)",
            "Examine agencies' contact with the couple over the three years before the death, "
            "and how information about the earlier call-outs was shared.",
        )
        review = self.advance(review, Review.Stage.IN_PROGRESS, decided + timedelta(days=42))
        statutory.add_parallel_process(
            review,
            by=self.by,
            kind=ParallelProcess.Kind.CRIMINAL_TRIAL,
            starts_on=decided + timedelta(days=60),
            description="The review carries on; the chair agrees disclosure with the police.",
            pauses_clock=False,
        )
        return review

    def paused_sar(self) -> Review:
        """A mandatory SAR in progress, stopped since an inquest opened six weeks ago."""
        notified = add_months(self.today, -4)
        review = self.refer(
            "SAR",
            "Adult J",
            notified,
            5,
            "Council",
            "A man in his sixties with a learning disability and diabetes died in hospital after "
            "he was found at home severely underweight. He lived alone and had stopped letting "
            "his support workers in.",
            ("Council", "Health Trust", "ICB", "Riverside Homes"),
            (0, 2),
        )
        decided = notified + timedelta(days=21)
        review = self.decide(
            review,
            Review.Decision.COMMISSION,
            decided,
            "He had care and support needs and died with neglect suspected: the review is "
            "mandatory under section 44.",
        )
        review = self.appoint(
            review,
            decided + timedelta(days=21),
            "Mark Ellery (independent reviewer)",
            "Look at how agencies responded when he refused support, and how self-neglect was "
            "assessed and escalated.",
        )
        review = self.advance(review, Review.Stage.IN_PROGRESS, decided + timedelta(days=35))
        statutory.add_parallel_process(
            review,
            by=self.by,
            kind=ParallelProcess.Kind.INQUEST,
            starts_on=self.today - timedelta(weeks=6),
            description="The coroner has opened an inquest; the review waits for its findings.",
        )
        return review

    def published_cspr(self) -> Review:
        """Published with its briefing shared; three of six recommendations complete."""
        notified = add_months(self.today, -11)
        review = self.refer(
            "CSPR",
            "Child P",
            notified,
            4,
            "Police",
            "A 14-year-old boy was seriously injured in a stabbing. He had been going missing "
            "from home and was thought to be carrying drugs for older young people.",
            ("Police", "Council", "Health Trust", "Youth Justice", "College"),
            (0, 1, 3),
        )
        for body, days in (("Child Safeguarding Practice Review Panel", 1), ("Ofsted", 2)):
            statutory.record_notification(
                review, by=self.by, body=body, sent_on=add_working_days(notified, days)
            )
        decided = add_working_days(notified, 13)
        review = self.decide(
            review,
            Review.Decision.COMMISSION,
            decided,
            "The Rapid Review found that agencies' work together needs closer examination and "
            "that the case may hold learning for other children at risk of exploitation.",
        )
        review = self.appoint(
            review,
            decided + timedelta(days=21),
            "Janet Oduya (independent reviewer)",
            "Examine agencies' contact with the boy in the year before the stabbing, and how "
            "the signs of exploitation were recognised and shared.",
        )
        review = self.advance(review, Review.Stage.IN_PROGRESS, decided + timedelta(days=35))
        review = self.advance(review, Review.Stage.DRAFT, add_months(decided, 4))
        review = self.advance(
            review, Review.Stage.QUALITY_ASSURANCE, add_months(decided, 4) + timedelta(days=21)
        )
        published = add_months(decided, 5) + timedelta(days=15)
        review = self.advance(
            review,
            Review.Stage.PUBLISHED,
            published,
            publication_url="https://riverside-csp.example/learning/cspr-child-p",
        )
        statutory.record_notification(
            review,
            by=self.by,
            body="Child Safeguarding Practice Review Panel",
            sent_on=published,
            note="The final report, sent on the day of publication.",
        )
        review = statutory.update_briefing(review, by=self.by, **BRIEFING)
        self.recommendations(review, published)
        for short, days, how in DISSEMINATIONS:
            statutory.record_dissemination(
                review,
                by=self.by,
                organisation=self.org(short),
                disseminated_on=self.past(published + timedelta(days=days)),
                how=how,
            )
        return review

    def recommendations(self, review: Review, published: date) -> None:
        yesterday = self.today - timedelta(days=1)
        overdue_by = iter((20, 45))
        for text, leads, actions, evidence in RECOMMENDATIONS:
            recommendation = statutory.add_recommendation(
                review, by=self.by, text=text, lead_organisations=[self.org(s) for s in leads]
            )
            finished = []
            for short, description, owner, days, status in actions:
                due = (
                    self.today - timedelta(days=next(overdue_by))
                    if days is None
                    else published + timedelta(days=days)
                )
                action = statutory.add_action(
                    recommendation,
                    by=self.by,
                    description=description,
                    organisation=self.org(short),
                    owner=owner,
                    due_on=due,
                )
                if status == "done":
                    on = min(due - timedelta(days=5), yesterday)
                    finished.append(on)
                    statutory.update_action(
                        action,
                        by=self.by,
                        status=RecommendationAction.Status.COMPLETE,
                        evidence="Reported done by the owner and checked at the One Panel.",
                        completed_on=on,
                    )
                elif status in ("in progress", "overdue"):
                    statutory.update_action(
                        action, by=self.by, status=RecommendationAction.Status.IN_PROGRESS
                    )
            if evidence:
                statutory.complete_recommendation(
                    recommendation,
                    by=self.by,
                    evidence=evidence,
                    completed_on=min(max(finished) + timedelta(days=7), yesterday),
                )

    def other_learning(self) -> Review:
        """A local referral that did not meet the criteria: learning taken another way."""
        notified = add_months(self.today, -2)
        review = self.refer(
            "LLR",
            "Family S",
            notified,
            10,
            "Police",
            "Three young children were left alone at home for two days while their mother was "
            "in hospital; a neighbour called the police. None of the children was hurt.",
            ("Police", "Health Trust", "Council"),
            (0,),
        )
        return self.decide(
            review,
            Review.Decision.OTHER_LEARNING,
            notified + timedelta(days=18),
            "No child was seriously harmed, so the criteria for a statutory review are not met. "
            "The case shows that hospital staff did not ask who was caring for the children at "
            "home: the Health Trust will run a practice workshop with children's social care "
            "and audit its admission checklist, and report back to the panel in three months.",
        )


def _one_panel_chair(log, loader: Loader) -> Person:
    """The Chair's person, with the ``onepanel`` login linked to it."""
    username, first, last = ONE_PANEL_LOGIN
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@riverside-csp.example",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        log(f"created demo user {username} (Chair of the One Panel)")
    person = Person.objects.filter(user=user).first()
    if person is None:
        short, name, title, _ = ONE_PANEL_MEMBERS[0]
        person = Person.objects.filter(full_name=name, user__isnull=True).first()
        if person is None:
            person = Person.objects.create(
                full_name=name,
                job_title=title,
                organisation=loader.org(short),
                email=f"{first}.{last}@riverside.example".lower(),
            )
        person.user = user
        person.save(update_fields=["user"])
    return person


def load_one_panel(log) -> list:
    username, first, last = ONE_PANEL_LOGIN
    logins = [Login(username, DEMO_PASSWORD, "One Panel chair", f"{first} {last}")]
    if Board.objects.filter(name=ONE_PANEL).exists():
        log("kept the One Panel (already loaded)")
        return logins
    loader = Loader(log, None, timezone.localdate(), timezone.now())
    chair = _one_panel_chair(log, loader)
    coordinator = get_user_model().objects.filter(username="coordinator").first()
    coordinator_person = None
    if coordinator is not None:
        loader.by = coordinator
        coordinator_person = loader.coordinator_person()
    by = coordinator or chair.user
    one = OnePanelLoader(loader, by, chair)
    panel = one.board(coordinator_person)
    reviews = [
        one.rapid_review_due(),
        one.overdue_dhr(),
        one.paused_sar(),
        one.published_cspr(),
        one.other_learning(),
    ]
    states = [d.state for r in reviews for d in deadlines(r, one.today)]
    recommendations = Recommendation.objects.filter(review__panel=panel)
    done = recommendations.filter(status=Recommendation.Status.COMPLETE).count()
    overdue = RecommendationAction.objects.filter(recommendation__review__panel=panel).overdue()
    log(
        f"created {panel.name} with {panel.memberships.count()} members and {len(reviews)} "
        f"reviews: {states.count('overdue')} deadline overdue, {states.count('paused')} paused; "
        f"{recommendations.count()} recommendations ({done} complete, "
        f"{overdue.count()} overdue actions)"
    )
    return logins
