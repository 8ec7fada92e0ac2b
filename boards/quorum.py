"""Whether a meeting is quorate, computed from the board's rule and who was present."""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class QuorumRule:
    kind: str  # "fraction" or "fixed"
    numerator: int = 1
    denominator: int = 4
    rounding: str = "up"  # "up", "down" or "nearest"
    fixed: int | None = None
    requires_chair: bool = True

    @classmethod
    def of(cls, board) -> "QuorumRule":
        return cls(
            kind=board.quorum_kind,
            numerator=board.quorum_numerator,
            denominator=board.quorum_denominator,
            rounding=board.quorum_rounding,
            fixed=board.quorum_fixed,
            requires_chair=board.quorum_requires_chair,
        )

    def needed(self, voting_members: int) -> int:
        """How many voting members must be present; never less than one."""
        if self.kind == "fixed":
            return max(1, self.fixed or 1)
        exact = Decimal(voting_members * self.numerator) / Decimal(self.denominator)
        if self.rounding == "down":
            count = math.floor(exact)
        elif self.rounding == "nearest":
            count = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        else:
            count = math.ceil(exact)
        return max(1, count)


@dataclass(frozen=True)
class QuorumResult:
    quorate: bool
    present: int  # voting members present in person or by deputy
    voting_members: int
    needed: int
    requires_chair: bool
    chair_present: bool

    @property
    def explanation(self) -> str:
        text = (
            f"{self.present} of {self.voting_members} voting members present; {self.needed} needed"
        )
        if self.requires_chair:
            text += " plus the Chair"
            if not self.chair_present:
                text += " (the Chair and Deputy Chair are not present)"
        return text

    @property
    def label(self) -> str:
        return "Quorate" if self.quorate else "Not quorate"


def assess(rule: QuorumRule, voting_members: int, present: int, chair_present: bool):
    """The quorum verdict for a meeting.

    ``present`` counts voting members attending in person or through their deputy (a deputy
    stands in for the member). The Chair rule is met by the Chair or the Deputy Chair attending
    in person, since the Deputy Chair presides in the Chair's absence.
    """
    needed = rule.needed(voting_members)
    chair_ok = chair_present or not rule.requires_chair
    return QuorumResult(
        quorate=present >= needed and chair_ok,
        present=present,
        voting_members=voting_members,
        needed=needed,
        requires_chair=rule.requires_chair,
        chair_present=chair_present,
    )
