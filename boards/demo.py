"""Demo data for boards: the fictional Riverside Community Safety Partnership.

Every name here is invented. The shape follows real partnerships: a strategic board of about
25 members from 16 agencies meeting quarterly, a business management group six weeks ahead of
it, and sub-groups reporting to the board. Loading again leaves existing data alone.
"""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from partnership.periods import FinancialYear

from . import services
from .models import (
    AgendaItem,
    Board,
    Meeting,
    Membership,
    Organisation,
    Person,
    Priority,
    StatusKey,
    StrategicPlan,
    TermsOfReference,
)

STRATEGIC = "Safer Riverside Partnership Board"
S = Organisation.Sector

ORGANISATIONS = [
    # name, short name, sector, responsible authority
    ("Riverside Borough Council", "Council", S.LOCAL_AUTHORITY, True),
    ("Vale Police, Riverside Command Unit", "Police", S.POLICE, True),
    ("Vale Fire and Rescue Service", "Fire", S.FIRE, True),
    ("Probation Service, Riverside Delivery Unit", "Probation", S.PROBATION, True),
    ("Riverside and Vale Integrated Care Board", "ICB", S.HEALTH, True),
    ("Riverside Community Health NHS Trust", "Health Trust", S.HEALTH, True),
    ("Office of the Vale Police and Crime Commissioner", "OPCC", S.OTHER, False),
    ("Riverside Homes", "Riverside Homes", S.HOUSING, False),
    ("Riverside Council for Voluntary Service", "CVS", S.VOLUNTARY, False),
    ("Riverside Victim Care", "Victim Care", S.VICTIM_SERVICES, False),
    ("Riverside College", "College", S.EDUCATION, False),
    ("Riverside Town Centre BID", "BID", S.BUSINESS, False),
    ("Riverside Youth Justice Service", "Youth Justice", S.OTHER, False),
    ("New Horizons Recovery Service", "New Horizons", S.VOLUNTARY, False),
    ("British Transport Police", "BTP", S.POLICE, False),
    ("Safe Harbour Domestic Abuse Service", "Safe Harbour", S.VICTIM_SERVICES, False),
    ("Riverside Borough Council Cabinet", "Cabinet", S.ELECTED, False),
]

# Strategic board members: organisation short name, name, job title, role, deputy (name, title).
R = Membership.Role
STRATEGIC_MEMBERS = [
    ("Council", "Margaret Ellison", "Director of Communities", R.CHAIR, None),
    (
        "Police",
        "Ch Supt Daniel Achebe",
        "Borough Commander",
        R.DEPUTY_CHAIR,
        ("Supt Laura Kemp", "Superintendent, Neighbourhoods"),
    ),
    (
        "Council",
        "Samira Haddad",
        "Director of Public Health",
        R.MEMBER,
        ("Dr Owen Price", "Consultant in Public Health"),
    ),
    ("Council", "Geoff Marsden", "Director of Children's Services", R.MEMBER, None),
    ("Council", "Aisha Rahman", "Assistant Director, Housing", R.MEMBER, None),
    ("Council", "Paul Okonjo", "Head of Community Safety", R.MEMBER, None),
    ("Council", "Helen Carver", "Director of Adult Social Care", R.MEMBER, None),
    (
        "Police",
        "Det Supt Rachel Moore",
        "Head of Public Protection",
        R.MEMBER,
        ("DCI Ben Harlow", "Detective Chief Inspector"),
    ),
    ("Police", "Insp Kwame Boateng", "Neighbourhood Policing Inspector", R.MEMBER, None),
    (
        "Fire",
        "Group Manager Sian Pritchard",
        "Borough Commander",
        R.MEMBER,
        ("Station Manager Ed Walsh", "Station Manager"),
    ),
    (
        "Probation",
        "Nadia Kowalski",
        "Head of Service",
        R.MEMBER,
        ("Chris Dunmore", "Senior Probation Officer"),
    ),
    (
        "ICB",
        "Dr Fiona Lister",
        "Director of Nursing and Safeguarding",
        R.MEMBER,
        ("Jo Fairbairn", "Designated Nurse, Safeguarding Adults"),
    ),
    ("ICB", "Mark Tennant", "Associate Director, Mental Health Commissioning", R.MEMBER, None),
    ("Health Trust", "Priti Shah", "Named Nurse, Safeguarding Children", R.MEMBER, None),
    ("OPCC", "Alan Greaves", "Head of Commissioning", R.MEMBER, None),
    (
        "Riverside Homes",
        "Yvonne Clarke",
        "Director of Neighbourhoods",
        R.MEMBER,
        ("Lee Morton", "Tenancy Enforcement Manager"),
    ),
    ("CVS", "Tariq Mahmood", "Chief Executive", R.MEMBER, None),
    ("Victim Care", "Bernadette Quinn", "Service Manager", R.MEMBER, None),
    ("College", "Rob Fenwick", "Vice Principal, Student Experience", R.MEMBER, None),
    ("BID", "Lucy Amadi", "BID Manager", R.MEMBER, None),
    ("Youth Justice", "Dean Hollis", "Head of Youth Justice", R.MEMBER, None),
    ("New Horizons", "Karen Whitlock", "Service Director", R.MEMBER, None),
    ("BTP", "Insp Gareth Rowe", "Sector Inspector", R.MEMBER, None),
    (
        "Safe Harbour",
        "Miriam Osei",
        "Chief Executive",
        R.MEMBER,
        ("Ellie Brandt", "IDVA Team Leader"),
    ),
    ("Cabinet", "Cllr Joan Pettifer", "Cabinet Member for Community Safety", R.MEMBER, None),
]
NON_VOTING = [
    ("Council", "Tom Whitfield", "Community Safety Partnership Officer", R.OFFICER),
    ("Council", "Grace Nwosu", "Community Safety Analyst", R.ADVISER),
]

SUB_GROUPS = [
    (
        "Partnership Business Management Group",
        "BMG",
        Board.Kind.BUSINESS,
        Board.Frequency.SIX_WEEKLY,
        "Prepares the board's business and tracks the action plan and budget in between.",
    ),
    (
        "Violence Against Women and Girls Forum",
        "VAWG Forum",
        Board.Kind.SUB_GROUP,
        Board.Frequency.BIMONTHLY,
        "Leads the domestic abuse and VAWG strategy and oversees the MARAC's performance.",
    ),
    (
        "Serious Violence Reduction Group",
        "SVRG",
        Board.Kind.SUB_GROUP,
        Board.Frequency.QUARTERLY,
        "Delivers the Serious Violence Duty strategy: curtail, treat, support, strengthen.",
    ),
    (
        "Anti-social Behaviour Partnership Group",
        "ASB Group",
        Board.Kind.SUB_GROUP,
        Board.Frequency.BIMONTHLY,
        "Joins up ASB case work, Community Trigger reviews and hotspot problem-solving.",
    ),
]

REPORTS = [
    (
        "Partnership performance: crime and ASB trends",
        "Paul Okonjo, Head of Community Safety",
        AgendaItem.Purpose.INFORMATION,
    ),
    (
        "Serious Violence Duty: strategic needs assessment refresh",
        "Grace Nwosu, Community Safety Analyst",
        AgendaItem.Purpose.DECISION,
    ),
    (
        "Domestic abuse and MARAC performance",
        "Chair of the VAWG Forum",
        AgendaItem.Purpose.INFORMATION,
    ),
    (
        "Community fund: applications recommended for award",
        "Paul Okonjo, Head of Community Safety",
        AgendaItem.Purpose.DECISION,
    ),
    ("Police update", "the Borough Commander", AgendaItem.Purpose.INFORMATION),
    ("Fire and rescue update", "the Fire Borough Commander", AgendaItem.Purpose.INFORMATION),
    ("Night-time economy and licensing", "Lucy Amadi, BID Manager", AgendaItem.Purpose.INFORMATION),
    (
        "Terms of reference annual review",
        "Tom Whitfield, Partnership Officer",
        AgendaItem.Purpose.DECISION,
    ),
    (
        "Reducing reoffending: integrated offender management",
        "Nadia Kowalski, Probation",
        AgendaItem.Purpose.INFORMATION,
    ),
]

ACTIONS = [
    # title, owner name (or None), organisation short name, due offset from meeting (days), done
    (
        "Circulate the refreshed strategic needs assessment to partners",
        "Grace Nwosu",
        "Council",
        42,
        True,
    ),
    (
        "Report hospital data-sharing progress for violence with injury",
        "Dr Fiona Lister",
        "ICB",
        60,
        True,
    ),
    ("Propose a night-time economy welfare hub pilot with costs", "Lucy Amadi", "BID", 80, False),
    ("Bring the draft VAWG strategy 2026-29 for approval", "Miriam Osei", "Safe Harbour", 90, True),
    (
        "Map youth diversion provision against hotspot locations",
        "Dean Hollis",
        "Youth Justice",
        50,
        False,
    ),
    (
        "Confirm fire safety visits for high-risk MARAC households",
        "Group Manager Sian Pritchard",
        "Fire",
        30,
        False,
    ),
    ("Agree a data-sharing protocol with Riverside Homes", None, "Riverside Homes", 70, False),
    (
        "Review attendance of invited partners and refresh membership",
        "Tom Whitfield",
        "Council",
        45,
        False,
    ),
]


def _aware(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _board_meeting_days(year: FinancialYear) -> list[date]:
    """The second Thursday of June, September, December and March."""
    days = []
    for month, yr in (
        (6, year.start_year),
        (9, year.start_year),
        (12, year.start_year),
        (3, year.start_year + 1),
    ):
        first = date(yr, month, 1)
        first_thursday = first + timedelta(days=(3 - first.weekday()) % 7)
        days.append(first_thursday + timedelta(days=7))
    return days


def _terms_pdf(board: Board) -> bytes:
    from weasyprint import HTML

    html = (
        f"<h1>{board.name}: terms of reference</h1>"
        f"<p>Purpose: {board.purpose or 'to lead community safety work in Riverside.'}</p>"
        f"<p>Quorum: {board.quorum_rule_text()}.</p>"
        "<p>Meetings are held quarterly. Members may send a named deputy from their own "
        "organisation.</p>"
    )
    return HTML(string=html).write_pdf()


def load(log) -> list:
    """Boards, then the plan, then statistics and the budget; each part skips itself if loaded."""
    if Board.objects.filter(name=STRATEGIC).exists():
        log("kept the demo boards (already loaded)")
    else:
        _load_boards(log)
    _load_plan(log)
    from . import demo_budget, demo_papers, demo_statistics

    demo_statistics.load(log)
    demo_budget.load(log)
    demo_papers.load(log)
    return []


def _load_boards(log) -> None:
    rng = random.Random(2026)  # noqa: S311 (the same demo every time; nothing secret)
    orgs = {}
    for name, short, sector, statutory in ORGANISATIONS:
        orgs[short] = Organisation.objects.create(
            name=name, short_name=short, sector=sector, responsible_authority=statutory
        )

    people = {}

    def person(short, name, title):
        if name not in people:
            people[name] = Person.objects.create(
                full_name=name,
                job_title=title,
                organisation=orgs[short],
                email=name.lower().replace(" ", ".").replace("'", "") + "@riverside.example",
            )
        return people[name]

    today = timezone.localdate()
    this_year = FinancialYear.containing(today)
    last_year = this_year.previous()
    joined = last_year.start - timedelta(days=400)

    board = Board.objects.create(
        name=STRATEGIC,
        short_name="Partnership Board",
        kind=Board.Kind.STRATEGIC,
        meeting_frequency=Board.Frequency.QUARTERLY,
        purpose="The statutory Community Safety Partnership for Riverside: sets the priorities, "
        "holds partners to account for delivery and agrees the use of the community fund.",
    )
    memberships = []
    for short, name, title, role, deputy in STRATEGIC_MEMBERS:
        member = person(short, name, title)
        deputy_person = person(short, *deputy) if deputy else None
        memberships.append(
            Membership.objects.create(
                board=board,
                person=member,
                organisation=orgs[short],
                role=role,
                deputy=deputy_person,
                start_date=joined,
            )
        )
    for short, name, title, role in NON_VOTING:
        Membership.objects.create(
            board=board,
            person=person(short, name, title),
            organisation=orgs[short],
            role=role,
            voting=False,
            start_date=joined,
        )
    # A member who joined part-way through last year, to show in the attendance grid.
    late = Membership.objects.create(
        board=board,
        person=person("College", "Dr Anya Petrova", "Principal"),
        organisation=orgs["College"],
        role=R.ADVISER,
        voting=False,
        start_date=last_year.start + timedelta(days=200),
    )

    for name, short_name, kind, frequency, purpose in SUB_GROUPS:
        group = Board.objects.create(
            name=name,
            short_name=short_name,
            kind=kind,
            parent=board,
            meeting_frequency=frequency,
            purpose=purpose,
            quorum_kind=Board.QuorumKind.FIXED,
            quorum_fixed=4,
            quorum_requires_chair=False,
        )
        picks = rng.sample(memberships[2:], 7)
        for index, source in enumerate(picks):
            Membership.objects.create(
                board=group,
                person=source.person,
                organisation=source.organisation,
                role=R.CHAIR if index == 0 else R.MEMBER,
                start_date=joined,
            )
        log(f"created {group.name} with {len(picks)} members")

    TermsOfReference.objects.create(
        board=board,
        version="2025",
        approved_on=last_year.start + timedelta(days=30),
        document=ContentFile(_terms_pdf(board), name="safer-riverside-terms-of-reference-2025.pdf"),
    )

    user_model = get_user_model()
    for username, name in (("chair", "Margaret Ellison"), ("officer", "Tom Whitfield")):
        account = user_model.objects.filter(username=username).first()
        if account and name in people:
            people[name].user = account
            people[name].save(update_fields=["user"])

    meeting_days = _board_meeting_days(last_year) + [
        d for d in _board_meeting_days(this_year) if d < today + timedelta(days=120)
    ]
    previous_actions = []
    for number, day in enumerate(meeting_days):
        in_past = day < today
        meeting = Meeting.objects.create(
            board=board,
            starts_at=_aware(day, 14),
            ends_at=_aware(day, 16),
            venue="Riverside Civic Centre, Council Chamber",
            online_link="https://meet.riverside.example/partnership-board",
            others_present="Insp Hannah Doyle, Vale Police (for item 5)" if number == 1 else "",
        )
        services.add_standard_items(meeting)
        for title, report_of, purpose in rng.sample(REPORTS, 4):
            last = meeting.items.order_by("-number").first().number
            AgendaItem.objects.create(
                meeting=meeting, number=last + 1, title=title, report_of=report_of, purpose=purpose
            )
        services.add_standard_items(meeting)  # moves questions and AOB back to the end
        if not in_past:
            log(f"scheduled the board meeting of {day:%-d %B %Y}")
            continue
        entries = []
        for membership in memberships + [late]:
            if not membership.active_on(day):
                continue
            if membership.role == R.CHAIR:
                status = "apologies" if number == 2 else "attended"
            elif membership.role == R.DEPUTY_CHAIR and number == 2:
                status = "attended"  # presides in the Chair's absence
            else:
                roll = rng.random()
                status = (
                    "attended"
                    if roll < 0.8
                    else "deputy"
                    if roll < 0.86 and membership.deputy_id
                    else "apologies"
                    if roll < 0.95
                    else "absent"
                )
            deputy_id = membership.deputy_id if status == "deputy" else None
            entries.append(services.AttendanceEntry(membership.pk, status, deputy_id))
        services.record_attendance(meeting, entries)
        for item in meeting.items.exclude(standard__in=["apologies", "declarations", "actions"]):
            if item.purpose == AgendaItem.Purpose.DECISION and not item.standard:
                item.outcome = (
                    "Resolved, that the recommendations of the report on "
                    f"{item.title.lower()} be agreed."
                )
            elif not item.standard:
                item.outcome = "The report was received and noted."
            item.save(update_fields=["outcome"])
        if meeting.previous():
            services.approve_previous_minutes(meeting)
        if number == 1:
            services.record_declaration(
                meeting,
                person=people["Tariq Mahmood"],
                kind="other",
                interest="Chief Executive of an organisation that applied to the community fund.",
                item=meeting.items.filter(title__startswith="Community fund").first(),
            )
        report_items = list(meeting.items.filter(standard=""))
        for title, owner, short, due_in, done in ACTIONS[number * 2 : number * 2 + 2]:
            action = services.raise_action(
                board=board,
                title=title,
                due_date=day + timedelta(days=due_in),
                owner_person=people.get(owner) if owner else None,
                owner_organisation=orgs[short],
                meeting=meeting,
                item=rng.choice(report_items),
            )
            previous_actions.append((action, done))
        for action, done in previous_actions:
            if action.meeting_id != meeting.pk and action.status == "ongoing":
                update_day = day
                if done:
                    services.update_action(
                        action,
                        note="Reported complete at the board.",
                        status="complete",
                        on=update_day,
                        author=None,
                    )
                else:
                    services.update_action(
                        action,
                        note="Update given at the board; work continues.",
                        status="ongoing",
                        on=update_day,
                        author=None,
                    )
        log(f"held the board meeting of {day:%-d %B %Y}")
    log(
        f"created {board.name}: {board.memberships.count()} memberships "
        f"from {len(orgs)} organisations"
    )


PLAN_TITLE = "Safer Riverside Partnership Plan"
D = Priority.Domain
PRIORITIES = [
    # number, title, domain, lead board short name, key actions: (title, leads, status, comment)
    (
        1,
        "Reduce serious violence and exploitation of young people",
        D.CURTAIL,
        "SVRG",
        [
            (
                "Refresh the serious violence strategic needs assessment each year",
                ["Council"],
                "Complete",
                "Refreshed and agreed by the board.",
            ),
            (
                "Run focused deterrence with young people carrying knives",
                ["Police", "Youth Justice"],
                "Progressing",
                "Second cohort under way.",
            ),
            (
                "Place youth workers in the emergency department at weekends",
                ["ICB", "Health Trust"],
                "Progressing",
                "Funded to March; evaluation started.",
            ),
            (
                "Agree a hotspot policing and guardianship plan for the town centre",
                ["Police", "BID"],
                "Complete",
                "",
            ),
            (
                "Map and close gaps in youth diversion provision",
                ["Youth Justice", "CVS"],
                "Not started",
                "Waiting for analyst time.",
            ),
        ],
    ),
    (
        2,
        "Tackle domestic abuse and violence against women and girls",
        D.SUPPORT,
        "VAWG Forum",
        [
            (
                "Publish the VAWG strategy 2026-29",
                ["Safe Harbour", "Council"],
                "Complete",
                "Published in June.",
            ),
            (
                "Train front-line staff in the DASH risk checklist",
                ["Safe Harbour", "Health Trust"],
                "Progressing",
                "310 staff trained so far.",
            ),
            (
                "Commission a perpetrator behaviour change programme",
                ["OPCC", "Probation"],
                "On hold",
                "Waiting for the grant decision.",
            ),
            ("Improve MARAC referral rates from health services", ["ICB"], "Progressing", ""),
            (
                "Open a second refuge with accessible rooms",
                ["Riverside Homes", "Safe Harbour"],
                "Not started",
                "",
            ),
        ],
    ),
    (
        3,
        "Make neighbourhoods feel safer and reduce anti-social behaviour",
        D.STRENGTHEN,
        "ASB Group",
        [
            (
                "Run a single ASB case management system across partners",
                ["Council", "Riverside Homes"],
                "Progressing",
                "Data migration in testing.",
            ),
            ("Publish the Community Trigger process and its outcomes", ["Council"], "Complete", ""),
            (
                "Hold quarterly neighbourhood walkabouts in the three hotspot wards",
                ["Police", "Council"],
                "Progressing",
                "",
            ),
            (
                "Extend the street-based team to the riverside path",
                ["Council"],
                "On hold",
                "Paused pending the budget review.",
            ),
            (
                "Reduce deliberate fires with targeted waste removal",
                ["Fire", "Council"],
                "Complete",
                "Deliberate fires down on last year.",
            ),
        ],
    ),
    (
        4,
        "Reduce reoffending and drug-related harm",
        D.TREAT,
        None,
        [
            (
                "Widen integrated offender management to high-harm domestic abuse perpetrators",
                ["Probation", "Police"],
                "Progressing",
                "",
            ),
            (
                "Offer treatment on release to everyone leaving prison with a drug need",
                ["New Horizons", "Probation"],
                "Progressing",
                "",
            ),
            (
                "Start a drug-related death review panel",
                ["Council", "New Horizons"],
                "Not started",
                "",
            ),
            (
                "Secure housing on release for prison leavers",
                ["Riverside Homes", "Probation"],
                "On hold",
                "Housing supply is the barrier.",
            ),
            ("Pilot naloxone kits in hostels", ["New Horizons"], "Complete", ""),
        ],
    ),
    (
        5,
        "Build confidence and protect people from hate and exploitation",
        D.STRENGTHEN,
        None,
        [
            (
                "Launch third-party hate crime reporting centres",
                ["CVS", "Police"],
                "Complete",
                "Six centres open.",
            ),
            (
                "Run a Prevent awareness programme in colleges",
                ["College", "Council"],
                "Progressing",
                "",
            ),
            (
                "Set up a modern slavery partnership protocol",
                ["Police", "Council"],
                "Not started",
                "",
            ),
            ("Publish a partnership newsletter each quarter", ["Council"], "Progressing", ""),
            (
                "Survey residents on feelings of safety and report results",
                ["Council"],
                "Not started",
                "Survey booked for spring.",
            ),
        ],
    ),
]


def _load_plan(log) -> None:
    from .plan_services import add_key_action, record_progress
    from .status_presets import DEFAULT_PRESET

    board = Board.objects.filter(name=STRATEGIC).first()
    if board is None or StrategicPlan.objects.filter(title=PLAN_TITLE).exists():
        log("kept the demo plan (already loaded)" if board else "no demo board for a plan")
        return
    today = timezone.localdate()
    start = FinancialYear.containing(today).previous()
    plan = StrategicPlan.objects.create(
        board=board,
        title=PLAN_TITLE,
        start_year=start.start_year,
        end_year=start.start_year + 2,
        status_key=StatusKey.objects.get(name=DEFAULT_PRESET),
        summary="Five priorities agreed by the board after the strategic assessment.",
    )
    options = {o.label: o for o in plan.status_key.options.all()}
    orgs = {o.short_name: o for o in Organisation.objects.all()}
    boards = {b.short_name: b for b in Board.objects.all()}
    rng = random.Random(7)  # noqa: S311 (repeatable demo, nothing secret)
    count = 0
    for number, title, domain, lead, actions in PRIORITIES:
        priority = Priority.objects.create(
            plan=plan, number=number, title=title, domain=domain, lead_board=boards.get(lead)
        )
        for index, (action_title, leads, final, comment) in enumerate(actions):
            deadline = min(start.start + timedelta(days=180 + 120 * index + 30 * number), plan.end)
            action = add_key_action(
                priority,
                title=action_title,
                lead_organisations=[orgs[s] for s in leads],
                deadline=deadline,
                comments=comment,
                delivery="Lead services report progress to each board meeting.",
            )
            # Progress through the year: a start, sometimes a pause, then where it stands now.
            path = {
                "Complete": ["Progressing", "Complete"],
                "On hold": ["Progressing", "On hold"],
                "Progressing": ["Progressing"],
                "Not started": ["Not started"],
            }[final]
            day = start.start + timedelta(days=rng.randint(20, 90))
            for label in path:
                if day >= today:
                    break
                record_progress(
                    action,
                    status=options[label],
                    on=day,
                    note=f"{label}: reported at the board by the lead service.",
                )
                day += timedelta(days=rng.randint(60, 150))
            count += 1
    log(f"created {plan.title} with {plan.priorities.count()} priorities and {count} key actions")
