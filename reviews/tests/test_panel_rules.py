"""A panel's rules are configuration: presets per type, checked, changeable without code."""

import pytest
from django.core.exceptions import ValidationError

from boards.tests.factories import BoardFactory
from reviews import services
from reviews.models import PanelRules
from reviews.tests.factories import PanelFactory

pytestmark = pytest.mark.django_db


def test_a_marac_starts_from_the_dash_preset():
    rules = services.configure_panel(PanelFactory(), "marac")
    assert (rules.reference_prefix, rules.risk_score_min, rules.risk_score_max) == ("MARAC", 0, 24)
    assert (rules.high_risk_threshold, rules.escalation_incidents) == (14, 3)
    assert (rules.repeat_window_days, rules.minutes_per_case, rules.retention_months) == (
        365,
        15,
        12,
    )


def test_a_community_marac_starts_from_its_risk_matrix():
    rules = services.configure_panel(PanelFactory(), "ccm")
    assert (rules.reference_prefix, rules.risk_score_min, rules.risk_score_max) == ("CCM", 1, 25)


def test_a_new_kind_of_panel_needs_only_configuration():
    rules = services.configure_panel(
        PanelFactory(),
        "other",
        reference_prefix="CSE",
        risk_measure="Exploitation screening tool",
        risk_score_max=30,
        high_risk_threshold=20,
    )
    assert rules.escalation_incidents is None
    again = services.configure_panel(rules.panel, "other", retention_months=24)
    assert (again.pk, again.retention_months, again.reference_prefix) == (rules.pk, 24, "CSE")


def test_rules_belong_to_a_board_of_kind_panel():
    with pytest.raises(ValidationError, match="kind panel"):
        services.configure_panel(BoardFactory(), "marac")


@pytest.mark.parametrize(
    "settings, field",
    [
        ({"reference_prefix": "marac-1"}, "reference_prefix"),
        ({"high_risk_threshold": 25}, "high_risk_threshold"),
        ({"risk_score_min": 24}, "risk_score_max"),
        ({"repeat_window_days": 0}, "repeat_window_days"),
        ({"retention_months": 0}, "retention_months"),
    ],
)
def test_inconsistent_rules_are_refused(settings, field):
    with pytest.raises(ValidationError) as refused:
        services.configure_panel(PanelFactory(), "marac", **settings)
    assert field in refused.value.message_dict
    assert not PanelRules.objects.exists()


def test_two_panels_cannot_share_a_reference_prefix():
    services.configure_panel(PanelFactory(), "marac")
    with pytest.raises(ValidationError) as refused:
        services.configure_panel(PanelFactory(), "marac")
    assert "reference_prefix" in refused.value.message_dict
