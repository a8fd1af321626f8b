"""Helpers that settings.py uses to turn environment variables into settings."""

from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ImproperlyConfigured

CACHE_BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "file": "django.core.cache.backends.filebased.FileBasedCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
}


def cache_from_url(url):
    """Return a CACHES entry for locmem://[name], file:///path or dummy://, with ?max_entries=N."""
    parts = urlsplit(url)
    if parts.scheme not in CACHE_BACKENDS:
        raise ImproperlyConfigured(f"CACHE_URL must start with one of {', '.join(CACHE_BACKENDS)}: got {url!r}.")
    options = dict(parse_qsl(parts.query))
    config = {
        "BACKEND": CACHE_BACKENDS[parts.scheme],
        "OPTIONS": {"MAX_ENTRIES": int(options.get("max_entries", 1000))},
    }
    if parts.scheme == "file":
        config["LOCATION"] = parts.path
    elif parts.scheme == "locmem":
        config["LOCATION"] = parts.netloc or "pages"
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
