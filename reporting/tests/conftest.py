import pytest

from .fixtures import known_quarter


@pytest.fixture
def quarter(db):
    return known_quarter()
