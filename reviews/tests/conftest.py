"""Fixtures most case-panel tests share: a MARAC, a coordinator who sits on it, and a case."""

import pytest

from reviews.tests.factories import coordinator, marac, refer


@pytest.fixture
def panel():
    return marac()


@pytest.fixture
def by(panel):
    return coordinator(panel)


@pytest.fixture
def case(panel, by):
    return refer(panel, by)


@pytest.fixture
def one_panel():
    from reviews.tests.statutory_factories import one_panel as make

    return make()


@pytest.fixture
def panellist(one_panel):
    """A member of the One Panel, who refers and decides in the tests."""
    from reviews.tests.statutory_factories import panel_member

    return panel_member(one_panel)


@pytest.fixture
def review(one_panel, panellist):
    from reviews.tests.statutory_factories import refer_review

    return refer_review(one_panel, panellist)
