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
