"""Quorum rules: fraction with rounding, the Chair rule, and a fixed number."""

import pytest

from boards.quorum import QuorumRule, assess


@pytest.mark.parametrize(
    "members, rounding, needed",
    [
        (40, "up", 10),
        (41, "up", 11),
        (41, "down", 10),
        (42, "nearest", 11),  # 10.5 rounds half up
        (41, "nearest", 10),  # 10.25
        (3, "down", 1),  # never below one
        (0, "up", 1),
    ],
)
def test_a_quarter_of_the_voting_members_rounded_as_the_rule_says(members, rounding, needed):
    rule = QuorumRule(kind="fraction", numerator=1, denominator=4, rounding=rounding)
    assert rule.needed(members) == needed


def test_one_third_rounds_up_by_default():
    assert QuorumRule(kind="fraction", numerator=1, denominator=3).needed(25) == 9


def test_fixed_quorum_ignores_the_size_of_the_board():
    rule = QuorumRule(kind="fixed", fixed=6)
    assert rule.needed(10) == 6
    assert rule.needed(60) == 6


def test_enough_members_but_no_chair_is_not_quorate():
    result = assess(QuorumRule(kind="fraction"), voting_members=40, present=12, chair_present=False)
    assert not result.quorate
    assert result.explanation == (
        "12 of 40 voting members present; 10 needed plus the Chair "
        "(the Chair and Deputy Chair are not present)"
    )


def test_chair_present_but_too_few_members_is_not_quorate():
    result = assess(QuorumRule(kind="fraction"), voting_members=40, present=9, chair_present=True)
    assert not result.quorate
    assert result.explanation == "9 of 40 voting members present; 10 needed plus the Chair"


def test_exactly_the_quorum_with_the_chair_is_quorate():
    result = assess(QuorumRule(kind="fraction"), voting_members=40, present=10, chair_present=True)
    assert result.quorate
    assert result.label == "Quorate"


def test_a_board_without_the_chair_rule_needs_only_the_number():
    rule = QuorumRule(kind="fixed", fixed=5, requires_chair=False)
    result = assess(rule, voting_members=12, present=5, chair_present=False)
    assert result.quorate
    assert result.explanation == "5 of 12 voting members present; 5 needed"
