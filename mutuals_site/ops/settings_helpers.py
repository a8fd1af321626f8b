"""Helpers that settings.py uses to turn environment variables into settings."""

from urllib.parse import urlsplit

import dj_database_url
import environ
from django.core.exceptions import ImproperlyConfigured

DJANGO_REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
REDIS_SCHEMES = {"redis", "rediss"}


def database_config(url):
    """Return a DATABASES entry for a database URL: connections kept for a minute and checked before reuse."""
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.postgresql":
        # libpq waits for ever for a host that does not answer; give up after a few seconds, so that pages answer
        # with a saved copy or 503 instead of hanging until gunicorn kills the worker.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    return config


def cache_config(url):
    """Return a CACHES entry for a django-environ cache URL (locmemcache://, filecache:///path, dummycache://, redis://).

    Local-memory and file caches keep 1,000 entries unless ?max_entries= says otherwise. Redis is Django's own backend,
    made to answer as an empty cache while the server cannot be reached (mutuals_site.ops.redis_cache), with short
    timeouts so that an unreachable server costs a request at most a second.
    """
    scheme = urlsplit(url).scheme
    try:
        config = environ.Env.cache_url_config(url, backend=DJANGO_REDIS_CACHE if scheme in REDIS_SCHEMES else None)
    except ImproperlyConfigured as error:
        raise ImproperlyConfigured(f"CACHE_URL {url!r}: {error}") from None
    if scheme in REDIS_SCHEMES:
        config["BACKEND"] = "mutuals_site.ops.redis_cache.FailSoftRedisCache"
        config["OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 1, **config.get("OPTIONS", {})}
    elif not config["BACKEND"].endswith("DummyCache"):
        config.setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 1000)
    return config


def tile_origin(tile_url):
    """Return the origin a Leaflet tile URL template loads from, with {s} subdomains as a wildcard."""
    parts = urlsplit(tile_url)
    host = parts.netloc
    if host.startswith("{s}."):
        host = "*." + host[4:]
    if "{" in host or parts.scheme not in {"http", "https"}:
        raise ImproperlyConfigured(
            f"MAP_TILE_URL must be an http(s) URL with a fixed host or a {{s}}. prefix: {tile_url!r}."
        )
    return f"{parts.scheme}://{host}"
