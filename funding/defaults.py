"""The starting configuration of a round, from the POCA criteria councils publish (own words)."""
# ruff: noqa: E501  (one question or explanation per line reads better than wrapped)

# (question, answer an eligible applicant gives, why the other answer rules them out)
ELIGIBILITY_QUESTIONS = [
    (
        "Is your organisation run not for profit (a charity, CIC, voluntary or community group)?",
        True,
        "The fund supports not-for-profit organisations only; businesses run for profit cannot apply.",
    ),
    (
        "Is your organisation registered with the Charity Commission or Companies House, or run by a "
        "constituted community group?",
        True,
        "Applicants must be registered, or be a community group with a written constitution.",
    ),
    (
        "Will the project improve safety or reduce crime in the partnership's area?",
        True,
        "Grants pay for work that makes the area safer; work elsewhere is not funded.",
    ),
    (
        "Is the service free and confidential to the people it helps, whether or not they report a crime?",
        True,
        "Funded services must be free and confidential to users.",
    ),
    (
        "Does a management committee (or board of directors) of at least three unrelated people run "
        "your organisation?",
        True,
        "Governance by at least three unrelated people protects public money.",
    ),
    (
        "Does your bank account need two unrelated people to sign payments?",
        True,
        "Two unrelated signatories are required for the grant to be paid.",
    ),
    (
        "Is the request for an individual, a general appeal, or to pass on as grants to others?",
        False,
        "The fund does not pay individuals, general appeals or grant-makers.",
    ),
    (
        "Is the project a statutory service, or political or religious campaigning?",
        False,
        "Statutory services and political or religious activity are not funded.",
    ),
    (
        "Have you already spent the money you are asking for?",
        False,
        "Costs already incurred cannot be paid retrospectively.",
    ),
]

# (category, excluded, explanation)
BUDGET_CATEGORIES = [
    ("Staff costs", False, ""),
    ("Volunteer expenses", False, ""),
    ("Equipment", False, ""),
    ("Venue hire", False, ""),
    ("Training", False, ""),
    ("Publicity and materials", False, ""),
    ("Evaluation", False, ""),
    ("Running costs linked to the project", False, ""),
    (
        "Consultancy or feasibility studies",
        True,
        "Consultancy and feasibility studies are not funded.",
    ),
    ("Core running costs alone", True, "Core costs are funded only as part of a project."),
    ("Loan or debt repayment", True, "Loans and debts cannot be repaid from the fund."),
    ("Overseas travel", True, "Travel abroad is not funded."),
    ("Costs beyond 12 months", True, "Grants do not pay recurring costs past 12 months."),
]

PRIORITY_AREAS = [
    "Reducing serious violence",
    "Tackling domestic abuse and violence against women and girls",
    "Reducing anti-social behaviour",
    "Protecting vulnerable people from exploitation",
    "Reducing reoffending and drug-related harm",
]
KEY_THEMES = [
    "Early intervention with young people",
    "Victims and survivors",
    "Community cohesion and hate crime",
    "Safer night-time economy",
]


def install(round_=None) -> None:
    """Create the shared lists if missing; give ``round_`` the default questions if it has none."""
    from .models import BudgetCategory, EligibilityQuestion, KeyTheme, PriorityArea

    for name, excluded, explanation in BUDGET_CATEGORIES:
        BudgetCategory.objects.get_or_create(
            name=name, defaults={"excluded": excluded, "explanation": explanation}
        )
    for name in PRIORITY_AREAS:
        PriorityArea.objects.get_or_create(name=name)
    for name in KEY_THEMES:
        KeyTheme.objects.get_or_create(name=name)
    if round_ is not None and not round_.questions.exists():
        for order, (question, answer, explanation) in enumerate(ELIGIBILITY_QUESTIONS):
            EligibilityQuestion.objects.create(
                round=round_, order=order, question=question,
                eligible_answer=answer, explanation=explanation,
            )  # fmt: skip
