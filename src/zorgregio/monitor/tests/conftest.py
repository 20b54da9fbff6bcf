import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Cached dashboards must not leak from one test's database into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
