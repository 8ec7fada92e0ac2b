"""Demo data for the community fund: a fund with ledger history, a closed round with a dozen
applications at every stage, awards in tranches, a small-grants round (``demo_small_grants``),
and an open round. All names are invented.

The awards are decided at the strategic board's meetings of the last complete financial year,
so that year's annual report has them: the main round's at the September meeting, the small
grants at December's and March's.

The applications go through the real services, so the demo follows the same rules as users.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from boards.models import Board, Meeting
from partnership.periods import FinancialYear, add_months

from . import defaults, ledger, monitoring, services
from . import demo_small_grants as small_grants
from .demo_bids import fill_application, send_return, submit_bid
from .models import (
    Application,
    Award,
    ChangeRequest,
    Criterion,
    Decision,
    Fund,
    FundingRound,
    KeyTheme,
    MonitoringReturn,
    PriorityArea,
    Stage,
)

FUND = "Riverside POCA Community Fund"
D = Decimal

# organisation, type, number, project, amount, where it ends up
APPLICANTS = [
    (
        "Riverside Youth Outreach Trust",
        "charity",
        "1187234",
        "Two-year youth violence outreach worker",
        "71818",
        "awarded_two_year",
    ),
    (
        "Eastside Boxing Academy CIC",
        "cic",
        "12345678",
        "Friday night boxing for 13-17s",
        "12000",
        "awarded",
    ),
    (
        "Safe Harbour Domestic Abuse Service",
        "charity",
        "1099812",
        "Children's recovery groups after domestic abuse",
        "24500",
        "awarded",
    ),
    (
        "Riverside Street Pastors",
        "group",
        "",
        "Night-time economy welfare patrols",
        "8500",
        "declined_board",
    ),
    (
        "Brightwater Security Ltd",
        "company",
        "09876543",
        "Private security patrols on the estate",
        "30000",
        "declined_eligibility",
    ),
    (
        "Old Town Residents' Association",
        "group",
        "",
        "Alley gating on Mill Lane",
        "6200",
        "withdrawn",
    ),
    (
        "Riverside Mentoring Network",
        "cio",
        "1201456",
        "Peer mentors for young people leaving custody",
        "18750",
        "decision",
    ),
    (
        "Hope Street Food Bank",
        "charity",
        "1166540",
        "Cost-of-living advice for people at risk of exploitation",
        "9800",
        "assessment",
    ),
    (
        "Riverside Deaf Community Centre",
        "charity",
        "1034567",
        "Accessible hate crime reporting",
        "4500",
        "eligibility",
    ),
    (
        "Northfield Allotment Society",
        "group",
        "",
        "Community garden on a former fly-tipping site",
        "3200",
        "application",
    ),
    (
        "Riverside College Students' Union",
        "company",
        "07654321",
        "Drink-spiking awareness on nights out",
        "5600",
        "presented",
    ),
    ("Millbrook Scouts", "group", "", "Safety skills for young people", "2500", "invited"),
]


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _full_application(application, organisation_type, number, amount, areas):
    fill_application(
        application,
        organisation_type,
        number,
        [
            ("Staff costs", "Sessional workers", D(amount) - D("500")),
            ("Publicity and materials", "Leaflets and kit", D("500")),
        ],
        areas,
        address="Unit 4, Riverside Enterprise Park, Riverside RV1 2AB",
        texts=(
            "Police and youth service data show the need in the wards the project covers.",
            "Trained staff and volunteers deliver weekly sessions with partner referrals.",
            "Attendance, referrals and a survey at the start and end, reported quarterly.",
        ),
        duration_months=24 if D(amount) > 50000 else 12,
        match_funding=D("1500"),
        match_funding_source="Own fundraising",
    )


def _scores(level):
    return {c: (level, "Well evidenced." if level >= 4 else "Some gaps.") for c in Criterion.values}


def load(log) -> list:
    existing = Fund.objects.filter(name=FUND).first()
    if existing is not None:
        log("kept the community fund (already loaded)")
        if existing.board_id:  # a demo loaded before the small grants were added gets them now
            small_grants.load(existing, admin=_user("admin"), officer=_user("grants"), log=log)
        return []
    board = Board.objects.filter(name="Safer Riverside Partnership Board").first()
    if board is None:
        log("no demo board, so no community fund")
        return []
    officer, admin = _user("grants"), _user("admin")
    today = timezone.localdate()
    fund = Fund.objects.create(
        name=FUND,
        board=board,
        description="A share of assets confiscated under the Proceeds of Crime Act 2002, returned "
        "to Riverside for community safety projects.",
    )
    last_year = FinancialYear.containing(today).previous()
    for amount, on, note in (
        (
            "85000",
            last_year.start - timedelta(days=300),
            "Asset recovery incentivisation scheme share",
        ),
        (
            "60000",
            last_year.start + timedelta(days=60),
            "Confiscation order receipts, drugs supply case",
        ),
        ("42500", last_year.start + timedelta(days=250), "Confiscation order receipts, fraud case"),
    ):
        ledger.receive(fund, D(amount), note=note, on=on, by=officer)

    defaults.install()
    round_ = FundingRound.objects.create(
        fund=fund,
        name=f"Community fund {last_year.label}",
        slug=f"community-fund-{last_year.start_year}",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=1),
        guidance="Grants of £1,000 to £75,000 for local projects that make Riverside safer; "
        "posts over two years are considered where the board has asked for them.",
        max_grant=D("75000"),
        max_months=24,
    )
    defaults.install(round_)
    round_.priority_areas.set(PriorityArea.objects.all())
    round_.key_themes.set(KeyTheme.objects.all())
    areas = list(PriorityArea.objects.all()[:2])
    # The round's bids were decided at the board's September meeting of the last complete year,
    # before the grants started, so that year's annual report lists them.
    meetings = list(
        Meeting.objects.filter(
            board=board,
            starts_at__date__gte=last_year.start + timedelta(days=120),
            starts_at__date__lt=last_year.start + timedelta(days=200),
        ).order_by("starts_at")
    )
    decision_meeting = meetings[0] if meetings else None
    awards = []

    for organisation, kind, number, title, amount, end in APPLICANTS:
        application = submit_bid(
            round_, organisation, title,
            D(amount) if D(amount) <= round_.max_grant else round_.max_grant, areas,
            email=f"contact@{organisation.split()[0].lower()}.example",
        )  # fmt: skip
        path = ["invited", "presented", "application", "eligibility", "assessment", "decision"]
        target = {
            "awarded": "decision",
            "awarded_two_year": "decision",
            "declined_board": "decision",
            "declined_eligibility": "eligibility",
            "withdrawn": "presented",
        }.get(end, end)
        for step in path[: path.index(target) + 1] if target in path else []:
            application.refresh_from_db()  # the services work on their own locked copy
            if step == "invited":
                services.invite_to_present(application, by=officer, when_where="Civic Centre, 2pm")
            elif step == "presented":
                services.record_presentation(application, by=officer)
            elif step == "application":
                services.invite_full_application(application, by=officer)
                _full_application(application, kind, number, amount, areas)
            elif step == "eligibility":
                services.submit_full_application(application)
            elif step == "assessment":
                if end == "declined_eligibility":
                    break
                services.check_eligibility(application, by=officer, eligible=True)
            elif step == "decision":
                services.record_assessment(
                    application,
                    assessor=officer,
                    scores=_scores(2 if end == "declined_board" else 4),
                    recommendation="decline" if end == "declined_board" else "fund",
                )
                services.send_to_decision(application, by=officer)
        application.refresh_from_db()
        if end == "declined_eligibility":
            services.check_eligibility(
                application,
                by=officer,
                eligible=False,
                reason="A profit-making company cannot apply to the fund.",
            )
        elif end == "withdrawn":
            services.withdraw(application, reason="The group found other funding.")
        elif end.startswith("awarded") and decision_meeting:
            start = last_year.start + timedelta(days=200)
            if end == "awarded_two_year":
                # Year one released now; year two after a review nine months in.
                tranches = [
                    services.TrancheSpec(D("35713"), start),
                    services.TrancheSpec(
                        D("36105"), start + timedelta(days=365), start + timedelta(days=270)
                    ),
                ]
                months = 24
            else:
                half = (D(amount) / 2).quantize(D("0.01"))
                tranches = [
                    services.TrancheSpec(half, start),
                    services.TrancheSpec(D(amount) - half, start + timedelta(days=182)),
                ]
                months = 12
            services.record_decision(
                application,
                meeting=decision_meeting,
                outcome=Decision.Outcome.APPROVED,
                by=admin,
                amount=D(amount),
                starts_on=start,
                months=months,
                tranches=tranches,
                conditions="Quarterly monitoring returns; acknowledge the fund in publicity.",
            )
            award = application.award
            for tranche in award.tranches.all():
                if tranche.release_on <= today and not tranche.review_on:
                    ledger.release(tranche, by=officer, on=max(tranche.release_on, start))
            awards.append(award)
        elif end == "declined_board" and decision_meeting:
            services.record_decision(
                application,
                meeting=decision_meeting,
                outcome=Decision.Outcome.DECLINED,
                by=admin,
                reason="The board preferred projects reaching into the hotspot wards.",
            )
    _monitor(awards, officer, today)
    # The round is over: close it in the past, before the meeting that decided its bids, so the
    # public pages show the open round only.
    FundingRound.objects.filter(pk=round_.pk).update(
        opens_on=last_year.start + timedelta(days=30),
        closes_on=last_year.start + timedelta(days=110),
    )
    small_grants.load(fund, admin=admin, officer=officer, log=log)
    upcoming = FundingRound.objects.create(
        fund=fund,
        name=f"Community fund {FinancialYear.containing(today).label}",
        slug=f"community-fund-{FinancialYear.containing(today).start_year}",
        opens_on=today - timedelta(days=20),
        closes_on=today + timedelta(days=50),
        guidance="Grants of £1,000 to £50,000 for projects starting in the spring.",
    )
    defaults.install(upcoming)
    upcoming.priority_areas.set(PriorityArea.objects.all())
    upcoming.key_themes.set(KeyTheme.objects.all())
    counts = {
        stage.label: Application.objects.filter(round=round_, stage=stage).count()
        for stage in Stage
    }
    log(
        f"created {fund.name}: {round_.applications.count()} applications in {round_.name} "
        f"({', '.join(f'{n} {s.lower()}' for s, n in counts.items() if n)}), and an open round"
    )
    returns = MonitoringReturn.objects.filter(award__in=awards)
    log(
        f"monitoring: {returns.filter(status='accepted').count()} returns accepted, "
        f"{returns.filter(status='submitted').count()} waiting for review, "
        f"{returns.overdue(today).filter(award__status='active').count()} overdue"
    )
    return []


def _monitor(awards, officer, today) -> None:
    """Each award at a different point: one two-year post mid-way with a change waiting, one
    grant finished and closed with its unspent money back, and one whose evaluation is late."""
    two_year, *one_year = awards
    PROGRESS = [
        "Recruitment done and first referrals taken from schools and the police.",
        "Weekly sessions running in both hotspot wards; partners attend the monthly review.",
        "Summer programme delivered with the youth service; referrals steady.",
        "Case load at capacity; a waiting list has started.",
    ]
    for number, award in enumerate(awards):
        past = [r for r in award.returns.filter(final=False) if r.due_on <= today]
        for i, report in enumerate(past):
            spent = award.amount * (i + 1) / (len(past) + 2)
            last = i == len(past) - 1
            if award is two_year and last:
                continue  # not sent: shows as overdue
            waiting = number == 2 and last  # sent, not yet reviewed
            send_return(report, officer, PROGRESS[i % len(PROGRESS)], f"{spent:.2f}",
                  people=25 * (i + 1), accept=not waiting)  # fmt: skip
    # The two-year post: milestones, the nine-month review held, a change asked for.
    for title, month, met in (
        ("Outreach worker in post", 1, True),
        ("Referral route agreed with schools and police", 3, True),
        ("First cohort completes the programme", 9, True),
        ("Year-two plan agreed with the community safety team", 14, False),
    ):
        due = add_months(two_year.starts_on, month)
        milestone = monitoring.add_milestone(two_year, title=title, due_on=due)
        if met and due <= today:
            monitoring.record_milestone(milestone, achieved_on=due, note="Confirmed at review.")
    review = two_year.tranches.filter(review_on__isnull=False).first()
    if review and review.review_on <= today:
        monitoring.record_tranche_review(
            review, reviewed_on=review.review_on, by=officer,
            note="Post filled, 46 young people engaged, spending on plan: year two may be paid.",
        )  # fmt: skip
    if two_year.status == Award.Status.ACTIVE:
        monitoring.request_change(
            two_year,
            kind=ChangeRequest.Kind.BUDGET,
            description="Move £1,200 from the venue line to a second volunteer training course.",
        )
    # The first one-year grant is finished: evaluation accepted, £412.50 back, closed.
    if one_year:
        done = one_year[0]
        final = done.returns.get(final=True)
        if final.due_on <= today and all(t.released_on for t in done.tranches.all()):
            send_return(final, officer, "All 40 sessions ran.", f"{done.amount - D('412.50'):.2f}",
                  people=118, outcomes="Police recorded fewer youth disorder calls on Fridays.",
                  unspent=D("412.50"))  # fmt: skip
            ledger.return_funds(done, D("412.50"), note="Unspent at the end of the grant",
                                by=officer)  # fmt: skip
            monitoring.close_award(done, by=officer)
