import pytest
from django.core.cache import cache

from reporting.glance import GENERATION_KEY

from .fixtures import known_quarter


@pytest.fixture(autouse=True)
def fresh_glances():
    """Each test starts a new generation of cached glances. The cache moves on when a change
    commits, and a test's changes never commit (they are rolled back), while SQLite hands the
    next test the same ids: without this, one test could read another's glance."""
    cache.delete(GENERATION_KEY)


@pytest.fixture
def quarter(db):
    return known_quarter()
