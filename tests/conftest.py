import os
import re

import pytest
from django.conf import settings as django_settings


@pytest.fixture(autouse=True, scope="session")
def redis_database_per_worker():
    """Give each pytest-xdist worker its own Redis database when CACHE_URL is Redis: emptying the cache empties it."""
    cache = django_settings.CACHES["default"]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if cache["BACKEND"].endswith("RedisCache") and worker.startswith("gw"):
        base = re.search(r"/(\d+)$", cache["LOCATION"])
        number = (int(base.group(1)) if base else 0) + 1 + int(worker[2:])
        cache["LOCATION"] = re.sub(r"(/\d+)?$", f"/{number}", cache["LOCATION"], count=1)


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Serve static files by their own names, so tests need no collectstatic."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def empty_caches():
    """Start every test with empty caches: a rolled-back test leaves pages cached under a data version reused later."""
    from django.core.cache import caches

    from mutuals_site.ops import dataversion

    for cache in caches.all():
        cache.clear()
    dataversion.forget()


@pytest.fixture(autouse=True)
def no_request_left_open():
    """End every test with no request still being answered in this thread.

    The test client closes a streaming response (an export) only once it is read; one left unread would leave the
    tallies waiting for its end, and the next test's committed changes would wait with them.
    """
    from directory import tallies

    yield
    tallies.requests.answering = tallies.requests.changed = False


@pytest.fixture
def page_cache(settings):
    """Turn on the page cache and conditional GET, as in production."""
    settings.PAGE_CACHE = True
