"""CACHE_URL: the cache backends it names, and Redis shared between server processes, or unreachable.

The tests that need a Redis server run when CACHE_URL is redis://… (`.ci/run` starts one); with REDIS_TESTS=required a
missing server fails them instead of skipping them.
"""

import logging
import os

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from mutuals_site.ops import dataversion
from mutuals_site.ops.redis_cache import FailSoftRedisCache
from mutuals_site.ops.settings_helpers import cache_config
from tests.factories import MutualFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

NOWHERE = "redis://127.0.0.1:9/0"  # The discard port: nothing listens there.


@pytest.fixture
def redis_server():
    """Return a redis-py client on the Redis database that CACHE_URL names, or skip (fail if REDIS_TESTS=required)."""
    location = settings.CACHES["default"].get("LOCATION", "")
    reason = "CACHE_URL is not redis://… (.ci/run runs these tests against a real redis-server)"
    if isinstance(location, str) and location.startswith("redis"):
        client = redis.Redis.from_url(location, socket_connect_timeout=1)
        try:
            client.ping()
            return client
        except redis.RedisError as error:
            reason = f"Redis at {location} does not answer: {error}"
    if os.environ.get("REDIS_TESTS") == "required":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def unreachable_redis(settings):
    settings.CACHES = {"default": cache_config(NOWHERE)}
    FailSoftRedisCache.resting_until.clear()
    yield caches["default"]
    FailSoftRedisCache.resting_until.clear()


class CacheUrlTests:
    @pytest.mark.parametrize(
        ("url", "backend", "location"),
        [
            ("locmemcache://", "django.core.cache.backends.locmem.LocMemCache", ""),
            ("filecache:///var/cache/mutuals", "django.core.cache.backends.filebased.FileBasedCache", "/var/cache/mutuals"),
            ("dummycache://", "django.core.cache.backends.dummy.DummyCache", ""),
            ("redis://redis.internal:6379/2", "mutuals_site.ops.redis_cache.FailSoftRedisCache", "redis://redis.internal:6379/2"),
        ],
    )  # fmt: skip
    def test_each_scheme_names_its_backend(self, url, backend, location):
        config = cache_config(url)
        assert (config["BACKEND"], config["LOCATION"]) == (backend, location)

    def test_local_caches_keep_1000_entries_unless_told(self):
        assert cache_config("locmemcache://")["OPTIONS"] == {"MAX_ENTRIES": 1000}
        assert cache_config("locmemcache://?max_entries=50")["OPTIONS"] == {"MAX_ENTRIES": 50}

    def test_redis_is_djangos_own_backend_with_short_timeouts(self):
        config = cache_config("redis://:secret@redis.internal:6379/0?health_check_interval=10")
        assert issubclass(FailSoftRedisCache, RedisCache)
        assert config["LOCATION"] == "redis://:secret@redis.internal:6379/0"
        assert config["OPTIONS"] == {"socket_connect_timeout": 1, "socket_timeout": 1, "health_check_interval": 10}

    def test_an_unknown_scheme_is_refused_with_the_url(self):
        with pytest.raises(ImproperlyConfigured, match="memcached://x"):
            cache_config("memcached://x")


class UnreachableRedisTests:
    def test_the_site_answers_without_a_cache(self, client, unreachable_redis):
        MutualFactory(name="Still Answering CIC")
        url = reverse("directory:mutual-list")
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200
            assert response["X-Cache"] == "miss"
            assert "Still Answering CIC" in response.text
        assert client.get(reverse("directory:mutual-csv")).status_code == 200

    def test_it_answers_as_an_empty_cache_that_keeps_nothing(self, unreachable_redis):
        assert unreachable_redis.get("key", "default") == "default"
        assert unreachable_redis.set("key", 1) is None
        assert unreachable_redis.get_many(["key"]) == {}
        assert unreachable_redis.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert unreachable_redis.add("key", 1) is True
        assert unreachable_redis.has_key("key") is False
        assert unreachable_redis.delete("key") is False
        assert unreachable_redis.get_or_set("key", 5) == 5
        with pytest.raises(ValueError):
            unreachable_redis.incr("key")

    def test_it_says_so_once_and_then_leaves_redis_alone_for_a_while(self, unreachable_redis, caplog, monkeypatch):
        caplog.set_level(logging.WARNING, logger="mutuals_site.ops.redis_cache")
        tries = []
        original = RedisCache.get
        monkeypatch.setattr(RedisCache, "get", lambda *args, **kwargs: tries.append(1) or original(*args, **kwargs))
        for _ in range(5):
            unreachable_redis.get("key")
        assert len(tries) == 1
        assert [r.getMessage() for r in caplog.records][0].startswith("Redis cannot be reached")
        assert len(caplog.records) == 1


class SharedRedisTests:
    def test_a_page_is_kept_in_redis_where_another_process_finds_it(self, client, redis_server):
        MutualFactory(name="Shared Page CIC")
        url = reverse("directory:mutual-list")
        assert client.get(url)["X-Cache"] == "miss"
        assert redis_server.keys("*page:*")
        # As another server process would: nothing of this one's memory, only the shared cache and database.
        caches.close_all()
        dataversion.forget()
        other = RedisCache(settings.CACHES["default"]["LOCATION"], {})
        [key] = [k.decode().split(":", 2)[2] for k in redis_server.keys("*:page:*")]
        assert other.get(key) is not None
        response = client.get(url)
        assert response["X-Cache"] == "hit"
        assert "Shared Page CIC" in response.text

    def test_facet_counts_are_kept_in_redis(self, client, redis_server):
        MutualFactory()
        client.get(reverse("directory:mutual-list"))
        assert redis_server.keys("*:data:*:facet-counts:*")

    def test_an_edit_is_seen_through_redis_at_once(self, client, redis_server):
        mutual = MutualFactory(name="Before Edit CIC")
        url = mutual.get_absolute_url()
        assert "Before Edit CIC" in client.get(url).text
        mutual.name = "After Edit CIC"
        mutual.save()
        assert "After Edit CIC" in client.get(url).text
