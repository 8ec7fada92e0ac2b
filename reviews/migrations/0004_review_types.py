"""The four review types every partnership starts with; the administrator may change or add.

Clocks follow the statutory guidance where there is one (a child Rapid Review within 15 working
days of the notification; a DHR decision within a month and the review within six months of
it) and are marked as local targets where there is none.
"""

from django.db import migrations

TYPES = [
    {
        "code": "CSPR",
        "name": "Child Safeguarding Practice Review",
        "basis": "Children Act 2004 s16F; Working Together to Safeguard Children",
        "statutory": True,
        "pseudonym_hint": "Child A",
        "asks_mandatory": False,
        "notify_bodies": "Child Safeguarding Practice Review Panel, Ofsted",
        "order": 1,
        "criteria": [
            ("condition", "Abuse or neglect of the child is known or suspected"),
            ("condition", "The child has died or been seriously harmed"),
            ("discretionary", "The case may show improvements needed to safeguard local children"),
            ("discretionary", "There are concerns about how agencies worked together"),
            ("discretionary", "The case may be complex or of national importance"),
        ],
        "clocks": [
            ("Rapid Review", "notification", 15, "working_days", "decision", True),
            ("Publication", "decision", 6, "months", "published", True),
        ],
    },
    {
        "code": "SAR",
        "name": "Safeguarding Adults Review",
        "basis": "Care Act 2014 s44",
        "statutory": True,
        "pseudonym_hint": "Adult A",
        "asks_mandatory": True,
        "notify_bodies": "",
        "order": 2,
        "criteria": [
            (
                "mandatory",
                "An adult with care and support needs died and abuse or neglect is known or "
                "suspected (s44(2))",
            ),
            (
                "mandatory",
                "An adult with care and support needs is alive and has suffered serious abuse or "
                "neglect (s44(3))",
            ),
            ("condition", "There is reasonable cause for concern about how partners worked together"),
            ("discretionary", "Another case of an adult with care and support needs (s44(4))"),
        ],
        "clocks": [
            ("Decision", "notification", 1, "months", "decision", False),
            ("Completion", "decision", 6, "months", "published", False),
        ],
    },
    {
        "code": "DHR",
        "name": "Domestic Homicide Review",
        "basis": "Domestic Violence, Crime and Victims Act 2004 s9",
        "statutory": True,
        "pseudonym_hint": "Adult A",
        "asks_mandatory": False,
        "notify_bodies": "Home Office",
        "order": 3,
        "criteria": [
            ("condition", "A person aged 16 or over has died"),
            (
                "condition",
                "The death appears to have resulted from violence, abuse or neglect by a relative, "
                "partner or member of the same household",
            ),
            ("discretionary", "The death was by suicide and domestic abuse is known or suspected"),
        ],
        "clocks": [
            ("Decision", "notification", 1, "months", "decision", True),
            ("Completion", "decision", 6, "months", "published", True),
        ],
    },
    {
        "code": "LLR",
        "name": "Local learning review",
        "basis": "",
        "statutory": False,
        "pseudonym_hint": "Family A",
        "asks_mandatory": False,
        "notify_bodies": "",
        "order": 4,
        "criteria": [
            ("condition", "The case does not meet statutory criteria but holds learning for partners"),
        ],
        "clocks": [
            ("Decision", "notification", 1, "months", "decision", False),
            ("Completion", "decision", 3, "months", "published", False),
        ],
    },
]


def add_types(apps, schema_editor):
    ReviewType = apps.get_model("reviews", "ReviewType")
    ReviewCriterion = apps.get_model("reviews", "ReviewCriterion")
    ClockRule = apps.get_model("reviews", "ClockRule")
    for spec in TYPES:
        fields = {k: v for k, v in spec.items() if k not in ("code", "criteria", "clocks")}
        review_type, created = ReviewType.objects.get_or_create(code=spec["code"], defaults=fields)
        if not created:
            continue
        for order, (kind, text) in enumerate(spec["criteria"], start=1):
            ReviewCriterion.objects.create(
                review_type=review_type, kind=kind, text=text, order=order
            )
        for label, start, amount, unit, met_by, statutory in spec["clocks"]:
            ClockRule.objects.create(
                review_type=review_type,
                label=label,
                start=start,
                amount=amount,
                unit=unit,
                met_by=met_by,
                statutory=statutory,
            )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_statutory_reviews")]

    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
