import pytest


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Serve static files by their own names, so tests need no collectstatic."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
