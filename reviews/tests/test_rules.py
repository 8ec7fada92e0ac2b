"""The automatic referral rules at their edges, first as pure functions, then through a referral."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from reviews import rules
from reviews.models import Case, PanelRules
from reviews.tests.factories import TODAY, ccm, coordinator, refer

DASH = SimpleNamespace(**PanelRules.PRESETS[PanelRules.PanelType.MARAC], repeat_window_days=365)
DAY = dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    "score, high", [(None, False), (0, False), (13, False), (14, True), (24, True)]
)
def test_a_dash_score_of_14_or_more_is_visible_high_risk(score, high):
    assert rules.visible_high_risk(DASH, score) is high


@pytest.mark.parametrize("incidents, escalation", [(0, False), (2, False), (3, True), (7, True)])
def test_three_police_incidents_in_a_year_mark_potential_escalation(incidents, escalation):
    assert rules.potential_escalation(DASH, incidents) is escalation


def test_a_panel_without_the_escalation_criterion_never_marks_it():
    no_escalation = SimpleNamespace(escalation_incidents=None)
    assert rules.potential_escalation(no_escalation, 10) is False


@pytest.mark.parametrize(
    "days_before, repeat", [(0, True), (364, True), (365, True), (366, False), (-1, False)]
)
def test_a_referral_within_365_days_of_the_previous_one_is_a_repeat(days_before, repeat):
    previous = DAY - dt.timedelta(days=days_before)
    assert rules.within_repeat_window(DASH, previous, DAY) is repeat


def test_a_repeat_links_to_the_most_recent_earlier_referral_in_the_window():
    previous = [
        (1, DAY - dt.timedelta(days=300)),
        (2, DAY - dt.timedelta(days=40)),
        (3, DAY - dt.timedelta(days=400)),
        (4, DAY + dt.timedelta(days=2)),  # later than this referral: not a previous one
    ]
    assert rules.repeat_of(DASH, DAY, previous) == 2
    assert rules.repeat_of(DASH, DAY, [(3, DAY - dt.timedelta(days=400))]) is None


def test_the_matrix_score_multiplies_harm_and_likelihood_each_from_1_to_5():
    assert rules.matrix_score(5, 5) == 25
    assert rules.matrix_score(3, 4) == 12
    with pytest.raises(ValueError):
        rules.matrix_score(0, 4)
    with pytest.raises(ValueError):
        rules.matrix_score(6, 1)


# --- Through a referral ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("score, high", [(13, False), (14, True)])
def test_a_referral_marks_visible_high_risk_from_the_panels_threshold(panel, by, score, high):
    case = refer(panel, by, risk_score=score, reason_professional_judgement=True)
    assert case.reason_visible_high_risk is high


@pytest.mark.django_db
@pytest.mark.parametrize("incidents, escalation", [(2, False), (3, True)])
def test_a_referral_marks_potential_escalation_from_police_incidents(
    panel, by, incidents, escalation
):
    case = refer(panel, by, police_incidents=incidents)
    assert case.reason_potential_escalation is escalation


@pytest.mark.django_db
@pytest.mark.parametrize("score", [-1, 25])
def test_a_dash_score_outside_0_to_24_is_refused(panel, by, score):
    with pytest.raises(ValidationError) as refused:
        refer(panel, by, risk_score=score)
    assert refused.value.message_dict["risk_score"] == [
        "A DASH risk checklist score is from 0 to 24."
    ]
    assert list(refused.value.message_dict) == ["risk_score"]
    assert not Case.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("score", [0, 24])
def test_a_dash_score_at_either_end_of_the_scale_is_accepted(panel, by, score):
    case = refer(panel, by, risk_score=score, reason_professional_judgement=True)
    assert case.risk_score == score


@pytest.mark.django_db
def test_the_community_marac_uses_its_own_matrix_and_threshold():
    panel = ccm()
    by = coordinator(panel)
    assert refer(panel, by, risk_score=25).reason_visible_high_risk
    assert not refer(
        panel, by, person_key="CD 1985-07-09", risk_score=14, reason_professional_judgement=True
    ).reason_visible_high_risk
    with pytest.raises(ValidationError, match="from 1 to 25"):
        refer(panel, by, risk_score=0)


@pytest.mark.django_db
@pytest.mark.parametrize("days_between, repeat", [(364, True), (366, False)])
def test_a_second_referral_of_the_same_person_within_a_year_is_a_repeat(
    panel, by, days_between, repeat
):
    first = refer(panel, by, referral_date=TODAY() - dt.timedelta(days=days_between + 1))
    second = refer(panel, by, referral_date=TODAY() - dt.timedelta(days=1))
    assert second.reason_repeat is repeat
    assert second.repeat_of == (first if repeat else None)


@pytest.mark.django_db
def test_the_key_matches_whatever_the_case_spacing_and_punctuation(panel, by):
    first = refer(panel, by, person_key="A.B. 01/02/1990")
    second = refer(panel, by, person_key="ab01021990")
    assert second.repeat_of == first


@pytest.mark.django_db
def test_a_different_person_is_not_a_repeat(panel, by):
    refer(panel, by, person_key="AB 01/02/1990")
    assert not refer(panel, by, person_key="AB 02/02/1990").reason_repeat


@pytest.mark.django_db
def test_a_repeat_links_only_within_the_same_panel(panel, by):
    other = ccm()
    other_by = coordinator(other)
    refer(other, other_by, person_key="AB 01/02/1990", risk_score=20)
    case = refer(panel, by, person_key="AB 01/02/1990")
    assert not case.reason_repeat
    assert case.repeat_of is None


@pytest.mark.django_db
def test_the_repeat_link_is_to_the_most_recent_previous_referral(panel, by):
    refer(panel, by, referral_date=TODAY() - dt.timedelta(days=200))
    middle = refer(panel, by, referral_date=TODAY() - dt.timedelta(days=100))
    latest = refer(panel, by, referral_date=TODAY())
    assert latest.repeat_of == middle


@pytest.mark.django_db
def test_a_repeat_link_cannot_point_to_another_panels_case(panel, by):
    other = ccm()
    elsewhere = refer(other, coordinator(other), risk_score=20)
    case = refer(panel, by)
    case.repeat_of = elsewhere
    with pytest.raises(ValidationError, match="same panel"):
        case.full_clean()
