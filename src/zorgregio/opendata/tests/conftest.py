import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Cached dashboards and throttle counters must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
