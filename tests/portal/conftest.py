import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The rate limit lives in the cache, which outlives a test; each test starts with none."""
    cache.clear()
    yield
    cache.clear()
