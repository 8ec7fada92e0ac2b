"""Demo small grants: the community fund's small-grants round in the last complete financial
year, decided at the strategic board's last meetings of the third and fourth quarters (December
and March for a board meeting quarterly), so the annual report for that year has awards to list.
Every group and project is invented.

The applications go through the real services, as in ``funding.demo``. The services work on
"today" (a round must be open, a project must start later), so the round is opened for the load
and then moved into the past; each award is committed on the day of the meeting that decided it.
The demo replays a year that happened before it was loaded, and the ledger then reads as it
would have been kept at the time.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from boards.models import Meeting
from partnership.periods import FinancialYear, add_months

from . import defaults, ledger, monitoring, services
from .demo_bids import fill_application, send_return, submit_bid
from .models import (
    Application,
    Award,
    Criterion,
    Decision,
    Fund,
    FundingRound,
    KeyTheme,
    MonitoringReturn,
    PriorityArea,
)

D = Decimal

# organisation, type, number, project, (budget category, what it pays for, amount)...,
# the quarter whose last board meeting decided it (3: October to December, 4: January to March)
SMALL_GRANTS = [
    (
        "Ashgrove Neighbourhood Watch",
        "group",
        "",
        "Property marking kits and doorstep-scam talks for older residents",
        [("Equipment", "Forty UV property marking kits", "520"),
         ("Venue hire", "Four afternoon talks in the community hall", "230")],
        3,
    ),
    (
        "Kingsmead Estate Tenants' Association",
        "group",
        "",
        "Motion-sensor lighting for the estate's rear alleyways",
        [("Equipment", "Twelve solar motion-sensor lights, fitted", "2160"),
         ("Publicity and materials", "Letters and a residents' meeting", "240")],
        3,
    ),
    (
        "Riverside Taxi and Private Hire Drivers' Association",
        "company",
        "08123456",
        "Training drivers to spot and report child exploitation",
        [("Training", "Six evening sessions with a specialist trainer", "2700"),
         ("Publicity and materials", "Reporting cards for every licensed vehicle", "500")],
        3,
    ),
    (
        "Brookfield Park Friends",
        "group",
        "",
        "Volunteer park wardens on summer evenings",
        [("Volunteer expenses", "Travel and refreshments for 15 volunteers", "640"),
         ("Equipment", "High-visibility jackets, radios and first-aid kits", "610")],
        4,
    ),
    (
        "Riverside Young Carers' Forum",
        "cio",
        "1198765",
        "Online safety and sextortion workshops for young carers",
        [("Training", "Eight workshops run by a youth worker", "480"),
         ("Venue hire", "Room hire at the youth hub", "120")],
        4,
    ),
]  # fmt: skip


def _deciding_meetings(board, year: FinancialYear) -> dict[int, Meeting]:
    """Quarter -> the board's last meeting in it, for the quarters that had one."""
    found = {}
    for meeting in Meeting.objects.filter(
        board=board, starts_at__date__gte=year.start, starts_at__date__lte=year.end
    ).order_by("starts_at"):
        found[year.quarter_of(meeting.date)] = meeting
    return found


def _complete(application, kind, number, lines, areas) -> None:
    """The full application as the group would fill it in."""
    fill_application(
        application, kind, number, lines, areas,
        address="c/o Riverside Council for Voluntary Service, 2 Mill Street, RV1 4CD",
        texts=(
            "Residents and police ward data point to the problem the project tackles.",
            "Volunteers run it with the neighbourhood policing team's support.",
            "Numbers taking part and a short survey before and after.",
        ),
    )  # fmt: skip


def _through_to_decision(application, officer, kind, number, lines, areas) -> None:
    scores = {c: (4, "Clear need and a simple, costed plan.") for c in Criterion.values}
    steps = [
        lambda: services.invite_to_present(application, by=officer, when_where="Civic Centre"),
        lambda: services.record_presentation(application, by=officer),
        lambda: services.invite_full_application(application, by=officer),
        lambda: _complete(application, kind, number, lines, areas),
        lambda: services.submit_full_application(application),
        lambda: services.check_eligibility(application, by=officer, eligible=True),
        lambda: services.record_assessment(
            application, assessor=officer, scores=scores, recommendation="fund"
        ),
        lambda: services.send_to_decision(application, by=officer),
    ]
    for step in steps:
        application.refresh_from_db()  # the services work on their own locked copy
        step()


def _award(application, meeting, *, by, officer, today: date) -> Award:
    """Approved at ``meeting``, starting the month after, paid in one go (two for the largest)."""
    application.refresh_from_db()
    amount = application.amount_requested
    start = add_months(meeting.date.replace(day=1), 1)
    if amount > D("3000"):
        half = (amount / 2).quantize(D("0.01"))
        tranches = [
            services.TrancheSpec(half, start),
            services.TrancheSpec(amount - half, add_months(start, 6)),
        ]
    else:
        tranches = [services.TrancheSpec(amount, start)]
    services.record_decision(
        application, meeting=meeting, outcome=Decision.Outcome.APPROVED, by=by, amount=amount,
        starts_on=start, months=12, tranches=tranches,
        conditions="A return every three months; acknowledge the fund in publicity.",
    )  # fmt: skip
    award = Award.objects.get(application=application)
    for tranche in award.tranches.all():
        if tranche.release_on <= today:
            ledger.release(tranche, by=officer, on=tranche.release_on)
    return award


def _monitor(award: Award, officer, today: date) -> None:
    """Every return due by today sent on time and accepted; a finished grant evaluated and
    closed. Small grants are simple: the point is that the ledger and returns agree."""
    due = list(award.returns.filter(due_on__lte=today).order_by("due_on"))
    for number, report in enumerate(due, start=1):
        final = report.final
        spent = award.amount if final else award.amount * number / (len(due) + 2)
        send_return(
            report,
            officer,
            "Sessions and equipment delivered as planned; the ward team refers residents.",
            spent.quantize(D("0.01")),
            people=20 * number,
            outcomes="Residents report feeling safer; no repeat reports at the sites."
            if final
            else "",
            unspent=D("0") if final else None,
        )
    award.refresh_from_db()
    if award.returns.filter(final=True, status=MonitoringReturn.Status.ACCEPTED).exists():
        monitoring.close_award(award, by=officer)


def load(fund: Fund, *, admin, officer, log) -> list[Award]:
    """The small-grants round of the last complete year, with its awards; [] if already there."""
    today = timezone.localdate()
    year = FinancialYear.containing(today).previous()
    slug = f"small-grants-{year.start_year}"
    if FundingRound.objects.filter(slug=slug).exists():
        log(f"kept the small grants of {year.label} (already loaded)")
        return []
    meetings = _deciding_meetings(fund.board, year)
    if not {3, 4} <= set(meetings):
        log(f"no board meeting in the last two quarters of {year.label}, so no small grants")
        return []
    defaults.install()
    round_ = FundingRound.objects.create(
        fund=fund,
        name=f"Small grants {year.label}",
        slug=slug,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=1),
        guidance="Grants of £250 to £5,000 for residents' groups and small charities: "
        "equipment, training or activities that make a street, estate or park safer.",
        min_grant=D("250"),
        max_grant=D("5000"),
        max_months=12,
    )
    defaults.install(round_)
    round_.priority_areas.set(PriorityArea.objects.all())
    round_.key_themes.set(KeyTheme.objects.all())
    areas = list(PriorityArea.objects.all()[:1])
    awards = []
    for organisation, kind, number, title, lines, quarter in SMALL_GRANTS:
        amount = sum(D(value) for _, _, value in lines)
        application = submit_bid(
            round_, organisation, title, amount, areas,
            email=f"secretary@{organisation.split()[0].lower()}-group.example",
        )  # fmt: skip
        _through_to_decision(application, officer, kind, number, lines, areas)
        meeting = meetings[quarter]
        award = _award(application, meeting, by=admin, officer=officer, today=today)
        Application.objects.filter(pk=application.pk).update(start_date=award.starts_on)
        awards.append(award)
    for award in awards:
        _monitor(award, officer, today)
    # Over: it ran in the autumn before the December meeting.
    FundingRound.objects.filter(pk=round_.pk).update(
        opens_on=date(year.start_year, 9, 1), closes_on=date(year.start_year, 10, 31)
    )
    total = sum(award.amount for award in awards)
    log(
        f"created {round_.name}: {len(awards)} awards, £{total:,.2f}, decided at the board's "
        f"meetings of {meetings[3].date:%-d %B %Y} and {meetings[4].date:%-d %B %Y}"
    )
    return awards
