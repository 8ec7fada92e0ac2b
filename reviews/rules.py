"""The automatic referral rules, applied from a panel's configuration (``PanelRules``).

Pure functions: they take the rules (anything with the same attributes) and plain values, and
touch no database, so the thresholds are tested at their edges without fixtures.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


def visible_high_risk(rules, risk_score: int | None) -> bool:
    """A score at or above the panel's threshold (DASH: 14 yes, 13 no)."""
    return risk_score is not None and risk_score >= rules.high_risk_threshold


def potential_escalation(rules, police_incidents: int | None) -> bool:
    """Enough police incidents in the last 12 months (3 yes, 2 no); off when not configured."""
    threshold = rules.escalation_incidents
    return threshold is not None and police_incidents is not None and police_incidents >= threshold


def within_repeat_window(rules, previous_referral: date, referral_date: date) -> bool:
    """A referral on or after an earlier one and no more than the window's days later."""
    return 0 <= (referral_date - previous_referral).days <= rules.repeat_window_days


def repeat_of(rules, referral_date: date, previous: Iterable[tuple[int, date]]) -> int | None:
    """The id of the most recent earlier referral within the window, from (id, date) pairs.

    ``previous`` must already be narrowed to the same panel and the same person's key.
    """
    candidates = [
        (day, pk) for pk, day in previous if within_repeat_window(rules, day, referral_date)
    ]
    return max(candidates)[1] if candidates else None


def score_in_range(rules, risk_score: int | None) -> bool:
    return risk_score is None or rules.risk_score_min <= risk_score <= rules.risk_score_max


def matrix_score(harm: int, likelihood: int, size: int = 5) -> int:
    """A risk matrix score: harm times likelihood, each from 1 to ``size``."""
    if not (1 <= harm <= size and 1 <= likelihood <= size):
        raise ValueError(f"harm and likelihood are each from 1 to {size}")
    return harm * likelihood


@dataclass(frozen=True)
class Assessment:
    visible_high_risk: bool
    potential_escalation: bool
    repeat_of_id: int | None

    @property
    def repeat(self) -> bool:
        return self.repeat_of_id is not None


def assess(
    rules,
    *,
    risk_score: int | None,
    police_incidents: int | None,
    referral_date: date,
    previous: Iterable[tuple[int, date]] = (),
) -> Assessment:
    return Assessment(
        visible_high_risk=visible_high_risk(rules, risk_score),
        potential_escalation=potential_escalation(rules, police_incidents),
        repeat_of_id=repeat_of(rules, referral_date, previous),
    )
