import pytest


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


@pytest.fixture
def page_cache(settings):
    """Turn on the page cache and conditional GET, as in production."""
    settings.PAGE_CACHE = True
