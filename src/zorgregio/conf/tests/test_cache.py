"""CACHE_URL: the monitor's dashboards in a cache every web process shares."""

import os
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured

from zorgregio.conf.env import cache_config


def test_default_is_a_per_process_memory_cache():
    assert cache_config("")["BACKEND"].endswith("LocMemCache")


def test_unknown_cache_is_refused():
    with pytest.raises(ImproperlyConfigured):
        cache_config("memcached://127.0.0.1:11211")


REDIS_URL = os.environ.get("ZORGREGIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.ConnectionError:
        return False


@pytest.mark.skipif(
    not _redis_reachable() and not os.environ.get("CI"), reason=f"no Redis at {REDIS_URL}"
)
def test_redis_cache_is_shared_between_two_processes_worth_of_clients():
    """Two cache clients (as two web processes would have) see each other's entries."""
    config = cache_config(REDIS_URL)
    first = RedisCache(config["LOCATION"], {})
    second = RedisCache(config["LOCATION"], {})
    key = f"zorgregio-test-{uuid.uuid4()}"
    first.set(key, {"figure": 42}, timeout=30)
    assert second.get(key) == {"figure": 42}
    second.delete(key)
