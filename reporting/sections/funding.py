"""The community fund: its position, and the funding decisions taken at the board's meetings.

The position is the fund's ledger as at the period's end (or the build day, while the period
runs): every entry dated on or before that day, in one query for all the board's funds, so a
report for a past quarter does not move when money is received or paid out later. The decisions
are one query. Applicants appear as organisations and projects, never the contact.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from funding.models import Balances, Decision, Fund, balances_by_fund

from . import Period

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class FundPosition:
    name: str
    balances: Balances


@dataclass(frozen=True)
class DecisionRow:
    meeting_date: date
    reference: str
    organisation: str
    project: str
    outcome: str
    approved: bool
    amount: Decimal | None
    amount_is_award: bool  # the award made, rather than the sum asked for


@dataclass
class FundingData:
    as_at: date  # the fund position counts ledger entries dated up to and including this day
    funds: list[FundPosition] = field(default_factory=list)
    decisions: list[DecisionRow] = field(default_factory=list)

    @property
    def approved(self) -> int:
        return sum(1 for row in self.decisions if row.approved)

    @property
    def approved_total(self) -> Decimal:
        return sum((row.amount or ZERO for row in self.decisions if row.amount_is_award), ZERO)


def build_funding(period: Period) -> FundingData:
    funds = list(Fund.objects.filter(board=period.board, active=True).order_by("name"))
    positions = balances_by_fund([fund.pk for fund in funds], as_at=period.as_at)
    data = FundingData(
        as_at=period.as_at,
        funds=[FundPosition(fund.name, positions[fund.pk]) for fund in funds],
    )
    decisions = (
        Decision.objects.filter(
            meeting__board=period.board,
            meeting__starts_at__date__gte=period.start,
            meeting__starts_at__date__lte=period.end,
        )
        .select_related("application", "meeting", "award")
        .order_by("meeting__starts_at", "application__reference", "pk")
    )
    for decision in decisions:
        application = decision.application
        award = getattr(decision, "award", None)
        asked = application.amount_requested or application.amount_estimate
        data.decisions.append(
            DecisionRow(
                meeting_date=decision.meeting.date,
                reference=application.reference,
                organisation=application.organisation_name,
                project=application.project_title,
                outcome=decision.get_outcome_display(),
                approved=decision.outcome == Decision.Outcome.APPROVED,
                amount=award.amount if award else asked,
                amount_is_award=award is not None,
            )
        )
    return data
