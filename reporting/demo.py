"""Demo narrative for the annual report of the fictional Riverside partnership board.

Two years: the last complete financial year, fully written and ready to sign off, and the
current one, part-written as officers would have it mid-year (the Chair's message and the
outlook still to come). Every name and figure is invented. Loading again leaves existing
narrative alone.
"""

from django.db import transaction
from django.utils import timezone

from boards.demo import STRATEGIC
from boards.models import Board, Priority
from partnership.periods import FinancialYear

from .models import AnnualNarrative, PriorityNarrative

INTRODUCTION = (
    "The Safer Riverside Partnership is Riverside's community safety partnership, set up under "
    "section 5 of the Crime and Disorder Act 1998. The council, Vale Police, Vale Fire and Rescue "
    "Service, the Probation Service and the integrated care board are its responsible authorities;"
    " housing, the voluntary sector, the college, victim services and the town centre BID sit "
    "beside them by invitation.\n"
    "\n"
    "The partnership board is where those organisations agree the borough's community safety "
    "priorities and hold each other to them. In law and in practice it:\n"
    "\n"
    "- assesses crime, disorder and harm in the borough each year and sets priorities from it\n"
    "- agrees a partnership plan and checks its progress at every meeting\n"
    "- shares information safely between agencies\n"
    "- commissions domestic homicide reviews and acts on what they find\n"
    "- consults residents on what worries them most\n"
    "\n"
    "This report sets out what the board did in {year}: who took part, how the plan moved, what "
    "the money paid for and what comes next."
)

AREA = (
    "Riverside is an outer borough of about 270,000 residents in 108,000 households. It is young "
    "(the median age is 35) and diverse: a little under half of residents belong to a minority "
    "ethnic group, and more than 90 languages are spoken in its schools.\n"
    "\n"
    "- Three town centres carry most of the evening economy and most street-based violence.\n"
    "- Two wards in the north of the borough are among the 10% most deprived in England.\n"
    "- The river path and the rail corridor link the borough to neighbouring areas, and county "
    "lines activity follows them.\n"
    "\n"
    "The table below compares the year's key statistics with the year before; whether a rise is "
    "good news depends on the measure."
)

CHAIR_MESSAGE = (
    "Looking back on {year}, what stands out for me is how often partners chose to solve a problem"
    " together rather than pass it on. Our meetings were frank, sometimes uncomfortable, and they "
    "produced decisions.\n"
    "\n"
    "We opened the youth hub in the town centre, put independent domestic violence advocates into "
    "both hospital emergency departments and, with the community fund, backed local groups who "
    "reach people our services do not. None of this removes the harm behind our statistics, and we"
    " owe it to every family affected to keep going.\n"
    "\n"
    "My thanks go to every member, deputy and officer who gave the board their time this year."
)

WHATS_NEXT = (
    "# Next year\n"
    "\n"
    "The partnership plan runs for one more year. The board will keep its five priorities and "
    "sharpen three things:\n"
    "\n"
    "1. A joint problem-solving approach to the two town-centre hotspots, with the BID and "
    "transport police.\n"
    "2. A reoffending group that reports to the board on first-time entrants and prolific "
    "offenders.\n"
    "3. Faster action on learning from reviews: every recommendation with an owner and a date.\n"
    "\n"
    "We will also review the terms of reference so that the board and its groups do not duplicate "
    "each other's work."
)

# Priority number -> (aims, achievements, impact) for the complete year.
PRIORITIES = {
    1: (
        "Fewer young people hurt or drawn into violence and exploitation, through a public-health "
        "approach that acts early as well as enforcing.",
        "- Opened the town-centre youth hub, open four evenings a week\n"
        "- Trained 45 school staff to spot signs of criminal exploitation\n"
        "- Agreed a single referral route for young people at risk",
        "The hub saw 310 young people, most of them more than once, and schools made their first "
        "referrals through the new route within a month of the training.",
    ),
    2: (
        "Victims of domestic abuse reach help sooner and perpetrators are held to account.",
        "- Placed advocates in both emergency departments\n"
        "- Ran the MARAC every month with full agency attendance\n"
        "- Launched the workplace domestic abuse pledge with 20 employers",
        "More victims were referred from health settings than ever before, and repeat referrals "
        "to the MARAC stayed within the national benchmark.",
    ),
    3: (
        "Residents feel safer where they live, and anti-social behaviour is dealt with quickly.",
        "- Ran joint patrols with police and housing on the two worst-affected estates\n"
        "- Made reporting possible online at any hour",
        "Reports rose as reporting became easier, while repeat calls from the same addresses fell.",
    ),
    4: (
        "Less reoffending and less harm from drugs and alcohol.",
        "- Started a recovery pathway from custody with New Horizons",
        "Early days: the first 40 people on the pathway are being followed up at six months.",
    ),
    5: (
        "People are protected from hate and exploitation, and trust local services to act.",
        "- Set up third-party reporting centres in the library and two faith buildings",
        "Reports through the centres are few but growing, which the board reads as growing "
        "confidence to come forward.",
    ),
}


def _priorities(board, year: FinancialYear) -> list[Priority]:
    return list(
        Priority.objects.filter(
            plan__board=board,
            plan__start_year__lte=year.start_year,
            plan__end_year__gte=year.start_year,
        ).order_by("number")
    )


def _write(board, year: FinancialYear, *, complete: bool) -> AnnualNarrative:
    narrative = AnnualNarrative.objects.create(
        board=board,
        year=year.start_year,
        introduction=INTRODUCTION.format(year=year.label),
        area=AREA,
        chair_message=CHAIR_MESSAGE.format(year=year.label) if complete else "",
        whats_next=WHATS_NEXT if complete else "",
    )
    for priority in _priorities(board, year):
        aims, achievements, impact = PRIORITIES.get(priority.number, ("", "", ""))
        if not complete:
            # Mid-year: the aims are agreed; achievements are filling in; impact waits.
            achievements = achievements.split("\n")[0] if priority.number <= 2 else ""
            impact = ""
        PriorityNarrative.objects.create(
            narrative=narrative,
            priority=priority,
            aims=aims,
            achievements=achievements,
            impact=impact,
        )
    return narrative


def load(log) -> list:
    board = Board.objects.filter(name=STRATEGIC).first()
    if board is None:
        log("no demo board, so no annual report narrative")
        return []
    this_year = FinancialYear.containing(timezone.localdate())
    with transaction.atomic():
        for year, complete in ((this_year.previous(), True), (this_year, False)):
            if AnnualNarrative.objects.filter(board=board, year=year.start_year).exists():
                log(f"kept the annual report narrative for {year.label} (already loaded)")
                continue
            _write(board, year, complete=complete)
            state = "written" if complete else "part-written"
            log(f"{state} the annual report narrative for {board.display_name}, {year.label}")
    return []
