"""Demo key statistics for the fictional Riverside borough (about 270,000 residents).

Every figure is invented, at the scale of a real outer-London-sized borough. Whether a rise is
good follows common partnership practice: more reporting of domestic abuse and hate crime is
often welcomed, and drug offences rise with proactive policing, so those are "neither".
"""

import random

from django.utils import timezone

from partnership.periods import FinancialYear

from .models import Indicator, IndicatorValue

B = Indicator.Better
POLICE = "Vale Police recorded crime"

# Seasonal shares of a year's total, Q1 (Apr-Jun) to Q4 (Jan-Mar).
SUMMER_PEAK = (0.27, 0.27, 0.24, 0.22)
WINTER_PEAK = (0.23, 0.23, 0.27, 0.27)
EVEN = (0.25, 0.25, 0.25, 0.25)

# name, category, unit, better, source, description, older year, latest year, seasons
INDICATORS = [
    (
        "Total recorded crime",
        "All crime",
        "count",
        B.LOWER,
        POLICE,
        "All notifiable offences recorded by the police in the borough.",
        21870,
        22184,
        SUMMER_PEAK,
    ),
    (
        "Violence with injury",
        "Violence",
        "count",
        B.LOWER,
        POLICE,
        "Assaults causing injury, excluding domestic abuse.",
        1912,
        1846,
        SUMMER_PEAK,
    ),
    (
        "Knife crime with injury",
        "Violence",
        "count",
        B.LOWER,
        POLICE,
        "Offences where a knife or sharp instrument caused injury.",
        96,
        104,
        SUMMER_PEAK,
    ),
    (
        "Night-time economy violence",
        "Violence",
        "count",
        B.LOWER,
        POLICE,
        "Violent offences in the town centre between 8pm and 6am, Thursday to Sunday.",
        388,
        352,
        WINTER_PEAK,
    ),
    (
        "Domestic abuse incidents",
        "Domestic abuse and VAWG",
        "count",
        B.NEITHER,
        POLICE,
        "Incidents flagged as domestic abuse, crimed or not. A rise can mean more victims "
        "feel able to report.",
        4118,
        4087,
        EVEN,
    ),
    (
        "Repeat MARAC referrals",
        "Domestic abuse and VAWG",
        "%",
        B.NEITHER,
        "Riverside MARAC",
        "Cases referred again within 12 months. SafeLives expects 28-40%; a lower rate can "
        "mean repeats are being missed.",
        "31.5",
        "34.2",
        None,
    ),
    (
        "Hate crime offences",
        "Hate crime and cohesion",
        "count",
        B.NEITHER,
        POLICE,
        "Racist, religious, homophobic, transphobic and disability hate crime. The "
        "partnership encourages reporting.",
        338,
        362,
        EVEN,
    ),
    (
        "Anti-social behaviour incidents",
        "Anti-social behaviour",
        "count",
        B.LOWER,
        "Police and council ASB reports",
        "Reports to the police and the council's ASB team, counted once.",
        6842,
        6315,
        SUMMER_PEAK,
    ),
    (
        "Deliberate fires",
        "Anti-social behaviour",
        "count",
        B.LOWER,
        "Vale Fire and Rescue Service",
        "Primary and secondary fires started deliberately, including refuse and vehicles.",
        287,
        301,
        SUMMER_PEAK,
    ),
    (
        "Residential burglary",
        "Acquisitive crime",
        "count",
        B.LOWER,
        POLICE,
        "Burglary of homes, including attempts.",
        1204,
        1251,
        WINTER_PEAK,
    ),
    (
        "Robbery of personal property",
        "Acquisitive crime",
        "count",
        B.LOWER,
        POLICE,
        "Robbery from people, not businesses.",
        612,
        571,
        WINTER_PEAK,
    ),
    (
        "Theft of motor vehicles",
        "Acquisitive crime",
        "count",
        B.LOWER,
        POLICE,
        "Thefts and unauthorised taking of vehicles.",
        498,
        463,
        WINTER_PEAK,
    ),
    (
        "Drug offences",
        "Drugs and exploitation",
        "count",
        B.NEITHER,
        POLICE,
        "Possession and supply offences; they rise with proactive stop and search and "
        "county lines operations.",
        744,
        812,
        EVEN,
    ),
    (
        "First-time entrants to the youth justice system",
        "Young people",
        "count",
        B.LOWER,
        "Riverside Youth Justice Service",
        "Young people aged 10-17 receiving their first caution or conviction.",
        74,
        61,
        EVEN,
    ),
    (
        "Proven reoffending rate (adults)",
        "Reducing reoffending",
        "%",
        B.LOWER,
        "Ministry of Justice proven reoffending statistics",
        "Adults who reoffend within a year of release or a court outcome, by the quarter "
        "their cohort started.",
        "25.4",
        "24.1",
        None,
    ),
]


def _quarters(total, seasons, rng: random.Random) -> list:
    """Four quarterly figures: counts add up to the year; rates wander around it."""
    if seasons is None:
        # Rates: each quarter strays a little, and the four average out to the year's rate.
        steps = [round(rng.uniform(-1.8, 1.8), 1) for _ in range(3)]
        steps.append(round(-sum(steps), 1))
        return [f"{float(total) + step:.1f}" for step in steps]
    shares = [s * rng.uniform(0.95, 1.05) for s in seasons]
    scale = total / sum(shares)
    figures = [round(s * scale) for s in shares[:3]]
    return figures + [total - sum(figures)]


def load(log) -> None:
    if Indicator.objects.filter(name=INDICATORS[0][0]).exists():
        log("kept the demo key statistics (already loaded)")
        return
    latest = FinancialYear.containing(timezone.localdate()).previous()
    older = latest.previous()
    rng = random.Random(2019)  # noqa: S311 - demo figures, the same on every machine
    values = 0
    for name, category, unit, better, source, description, old, new, seasons in INDICATORS:
        indicator = Indicator.objects.create(
            name=name,
            category=category,
            unit=unit,
            better=better,
            source=source,
            description=description,
        )
        for year, total in ((older, old), (latest, new)):
            IndicatorValue.objects.create(indicator=indicator, year=year.start_year, value=total)
            for quarter, figure in enumerate(_quarters(total, seasons, rng), start=1):
                IndicatorValue.objects.create(
                    indicator=indicator, year=year.start_year, quarter=quarter, value=figure
                )
            values += 5
    log(
        f"added {len(INDICATORS)} key statistics with {values} figures for "
        f"{older.label} and {latest.label}"
    )
