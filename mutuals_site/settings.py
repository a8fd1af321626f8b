"""Settings for Mutuals Directory, read from the environment (see .env.example)."""

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from mutuals_site.ops.settings_helpers import cache_config, database_config, tile_origin

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
ENV_FILE = Path(os.environ.get("ENV_FILE", BASE_DIR / ".env"))
if ENV_FILE.is_file():
    # Variables already in the environment win over the file.
    env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)

# Not env.str(): django-environ takes a value that starts with "$" for the name of another variable.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY, or DEBUG=true for local development.")
    SECRET_KEY = "insecure-local-development-key-only-used-with-debug"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # SimpleAdminConfig: autodiscovery would import leaflet.admin, which needs GDAL.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "corsheaders",
    "django_filters",
    "leaflet",
    "simple_history",
    "axes",
    "directory",
    "mutuals_site.ops",
]

MIDDLEWARE = [
    # Outermost, so every request (static files and errors too) gets a request id and one log line.
    "mutuals_site.ops.middleware.RequestLogMiddleware",
    # Before host validation and the HTTPS redirect, so load balancers can probe by IP over HTTP.
    "mutuals_site.ops.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache, so pages served from the cache get a fresh nonce in their policy.
    "mutuals_site.ops.csp.CSPMiddleware",
    # Before CommonMiddleware, which can answer (redirect) before CORS headers are added.
    "corsheaders.middleware.CorsMiddleware",
    # Inside CORS (a refused request still says it may be read) and outside the page cache (cached copies count too).
    "mutuals_site.ops.ratelimits.DataRateLimitMiddleware",
    # Public reads go to the read replica, when there is one (DATABASE_REPLICA_URL), the page cache's included.
    "mutuals_site.ops.routers.PublicReadsMiddleware",
    # A cache hit skips everything below; responses are judged personal by the cookies those set (ops/cache.py).
    "mutuals_site.ops.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out user is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "mutuals_site.urls"
WSGI_APPLICATION = "mutuals_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "directory.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": database_config(env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
if replica_url := env.str("DATABASE_REPLICA_URL", default=""):
    # Public pages and data read from the replica; writes, the admin and signed-in users use the primary.
    DATABASES["replica"] = database_config(replica_url) | {"TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["mutuals_site.ops.routers.PublicReadsRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "mutuals_site.storage.StaticFilesStorage"},
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Opt in to Django 6.0 behaviour: a URL typed without a scheme is https.
FORMS_URLFIELD_ASSUME_HTTPS = True

# OpenStreetMap's tile servers refuse requests without a referrer.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
LEAFLET_CONFIG = {
    "TILES": [
        (
            "OpenStreetMap",
            MAP_TILE_URL,
            {"attribution": MAP_TILE_ATTRIBUTION, "maxZoom": 19},
        )
    ],
    "DEFAULT_CENTER": (52.9, -1.5),
    "DEFAULT_ZOOM": 6,
    "MIN_ZOOM": 5,
    "MAX_ZOOM": 18,
    # The reset-view button renders blank in django-leaflet 0.34 (upstream issue #390).
    "RESET_VIEW": False,
    "NO_GLOBALS": True,
}

# Lock out sign-ins after repeated failures: 5 wrong passwords for one username from one address
# lock that pair for 30 minutes (per pair, so nobody can lock an editor out from elsewhere).
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Django-axes announces its configuration at every start, so every manage.py command printed it.
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"

DIRECTORY = {
    "SITE_NAME": "Mutuals Directory",
    "DATA_LICENCE": "Open Government Licence v3.0",
    "DATA_LICENCE_URL": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    # Up to this many mutuals, the map page embeds every point and lists every mutual; above it, the map loads its
    # points by area from /mutuals.geojson (grouped on the server when an area holds more) and the list has pages.
    # At 1,000 the page weighed 1.4 MB, more than the page cache keeps, and took over a second to build.
    "MAP_POINTS_LIMIT": 500,
}

# Data routes (downloads, the API): their errors, 503 included, are JSON rather than a page.
DATA_URLS_REGEX = r"^/(api/.*|openreferral/.*|[^/]+\.(csv|json|geojson)|[^/]+/[^/]+\.(csv|json|geojson))$"

# Open data: any web page may read the API and the exports (GET only, no cookies); nothing else is shared.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = (
    r"^/(api/.*|openreferral/.*|areas\.json|mutuals\.(csv|json|geojson)|mutuals/[^/]+\.json|data/[^/]+\.zip)$"
)
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["Content-Disposition", "Link"]

# Security. Production is the default; DEBUG turns off what a plain-HTTP development server cannot use.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Only behind a proxy that terminates TLS and always sets X-Forwarded-Proto itself (see README).
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"
# mutual_facets_idx covers extra columns on PostgreSQL; on SQLite it is a plain index, which is fine.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
if not SECURE_HSTS_PRELOAD:
    # Preloading is a promise about the whole domain that only its owner can make: opt in with the env var.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

CONTENT_SECURITY_POLICY_REPORT_ONLY = None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # data: because Leaflet cancels a tile's download by pointing it at a data: GIF.
        "img-src": [SELF, "data:", tile_origin(MAP_TILE_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The pages other sites may put in a frame (the embeddable map and list): their frame-ancestors is
# EMBED_FRAME_ANCESTORS and they send no X-Frame-Options; every other page refuses to be framed.
EMBED_URLS_REGEX = r"^/embed/"
EMBED_FRAME_ANCESTORS = env.list("EMBED_FRAME_ANCESTORS", default=["*"])

# Rate limits per client, counted in the cache (shared by every server when it is Redis): see README "Rate limits".
# A rate is "<requests>/<period>", the period s, m, h or d, e.g. "5/m"; empty means no limit.
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
RATELIMIT_FORMS = env.str("RATELIMIT_FORMS", default="5/m")
RATELIMIT_API = env.str("RATELIMIT_API", default="120/m")
RATELIMIT_DATA_URLS_REGEX = CORS_URLS_REGEX
# While the cache cannot be reached, nothing is counted and nothing refused.
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = "mutuals_site.ops.ratelimits.client_ip"
# How many proxies in front of the app servers append the address they saw to X-Forwarded-For (Caddy in compose.yaml:
# 1). 0 (no proxy): the client is REMOTE_ADDR. Never more than there are, or clients could choose their own address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Caching: see README "Caching". Pages are checked against the data version, so a cache never serves old data, except
# (marked so) while the database cannot be reached.
CACHES = {"default": cache_config(env.str("CACHE_URL", default="locmemcache://"))}
PAGE_CACHE = env.bool("PAGE_CACHE", default=not DEBUG)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=86400)
PAGE_CACHE_MAX_BYTES = env.int("PAGE_CACHE_MAX_BYTES", default=1024 * 1024)
# How long after it was made a cached page may stand in for the database while it cannot be reached.
PAGE_CACHE_STALE_SECONDS = env.int("PAGE_CACHE_STALE_SECONDS", default=86400)
# How long a CDN or other shared cache may serve a public page without asking (Cache-Control s-maxage).
CDN_MAX_AGE = env.int("CDN_MAX_AGE", default=60)
# How long (seconds) a process may serve cached pages on the data version it last read: an edit made in another
# process reaches its cached pages within this time. 0 reads the version for every request.
DATA_VERSION_MAX_AGE = env.float("DATA_VERSION_MAX_AGE", default=1.0)
DATA_VERSION_APPS = ["directory"]
# Corrections are never shown to the public; letting them empty the cache would let anyone do so. The tallies are
# counted from the data after each change (directory/tallies.py).
DATA_VERSION_IGNORED_MODELS = [
    "directory.Correction",
    "directory.Tally",
    "directory.YearTally",
    "directory.DistrictTally",
    "directory.TallyState",
]

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "mutuals_site.ops.logs.RequestIdFilter"},
        "database_down": {"()": "mutuals_site.ops.logs.DatabaseDownFilter"},
    },
    "formatters": {"json": {"()": "mutuals_site.ops.logs.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # The request log says the same in one structured line; 5xx errors are still logged, with tracebacks.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR", "filters": ["database_down"]},
        # Scanners send wrong Host headers all day; the request log already shows each one's 400.
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
    },
}
