"""Whole-response caching for public pages and data, checked against the data version, kept to stand in for the
database while it cannot be reached."""

import hashlib
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from datetime import time as midnight_time
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template import loader
from django.utils import timezone
from django.utils.cache import get_conditional_response, has_vary_header, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from . import dataversion
from .errors import DATABASE_ERRORS

SAFE_METHODS = {"GET", "HEAD"}
# Cookies whose presence makes a response personal: a session (signed in, messages) or messages.
PERSONAL_COOKIES = {settings.SESSION_COOKIE_NAME, "messages"}
# Headers the middleware on the outside adds afresh to every response, so they are not stored.
NOT_STORED = {
    "content-security-policy",
    "x-request-id",
    "set-cookie",
    "date",
    "content-length",
    "etag",
    "last-modified",
    "x-cache",
}
NONCE_PLACEHOLDER = b"\x00csp-nonce\x00"
# Where templates/base.html lets a saved copy say that it may be out of date.
STALE_NOTICE_SLOT = b"<!-- stale-notice -->"
# Part of every key: entries kept by an older release of this module are not read by a newer one (rolling deploys).
FORMAT = 2


# The data version read by the page cache for the request being handled, so helpers below need not read it again.
current_version = ContextVar("current_version", default=None)


def for_data_version(name, key, compute):
    """Return compute()'s result, kept for this data version and day while the page cache is on.

    For results costlier than a page's own rendering that several URLs share, such as the listing's facet counts,
    which pages 2, 3… and every sort order of a selection reuse.
    """
    if not settings.PAGE_CACHE:
        return compute()
    version = current_version.get() or dataversion.current()
    digest = hashlib.md5(repr(key).encode(), usedforsecurity=False).hexdigest()
    cache_key = f"data:{FORMAT}:{name}:{version.number}:{timezone.localdate()}:{digest}"
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, settings.PAGE_CACHE_SECONDS)
    return value


def request_is_public(request):
    """Return whether the same URL gives this request the same answer as anyone else's."""
    return (
        request.method in SAFE_METHODS
        and "Authorization" not in request.headers
        and not PERSONAL_COOKIES.intersection(request.COOKIES)
    )


def response_is_personal(request, response):
    """Return whether a response carries something for this visitor only: a cookie, a CSRF token or a message."""
    messages = getattr(request, "_messages", None)
    session = getattr(request, "session", None)
    return bool(
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (messages is not None and messages.added_new)
        or (session is not None and session.modified)
    )


def response_is_storable(response):
    """Return whether a response may be kept at all: a 200 the view did not mark private or uncacheable."""
    return (
        response.status_code == 200
        and not getattr(response, "is_async", False)
        and not has_vary_header(response, "*")
        and not any(word in response.get("Cache-Control", "") for word in ("private", "no-store", "no-cache"))
    )


def last_modified(version):
    """Return when this URL's answer may last have changed: the data's last change, or midnight, whichever is later."""
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), midnight_time()))
    return max(version.changed_at, midnight)


def kept_seconds():
    """Return how long an entry stays in the cache: fresh for PAGE_CACHE_SECONDS, a stand-in for longer if set."""
    return max(settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_STALE_SECONDS)


class Entry:
    """What the cache keeps of a response: status, headers, body (nonce replaced by a placeholder), its ETag, and the
    data version, day and time it was made."""

    def __init__(self, status, headers, body, nonce, version):
        self.has_nonce = bool(nonce) and nonce.encode() in body
        if self.has_nonce:
            body = body.replace(nonce.encode(), NONCE_PLACEHOLDER)
        self.body = body
        self.status = status
        self.headers = [(k, v) for k, v in headers if k.lower() not in NOT_STORED]
        digest = hashlib.md5(body, usedforsecurity=False).hexdigest()
        # Weak when pages differ only by their nonce: equivalent, not byte-identical.
        self.etag = f'W/"{digest}"' if self.has_nonce else f'"{digest}"'
        self.version = version
        self.day = timezone.localdate()
        self.made = time.time()

    def age(self):
        return max(0.0, time.time() - self.made)

    def is_fresh(self, version):
        """Return whether this entry answers for `version` today: the same data, the same date, not too old."""
        return (
            self.version == version and self.day == timezone.localdate() and self.age() < settings.PAGE_CACHE_SECONDS
        )

    def may_stand_in(self):
        """Return whether this entry may be served while the database cannot be reached."""
        return self.age() < settings.PAGE_CACHE_STALE_SECONDS

    def is_html(self):
        return any(k.lower() == "content-type" and v.startswith("text/html") for k, v in self.headers)

    def response(self, request, stale=False):
        body = self.body
        if self.has_nonce:
            body = body.replace(NONCE_PLACEHOLDER, str(request.csp_nonce).encode())
        if stale and self.is_html():
            made = timezone.localtime(datetime.fromtimestamp(self.made, tz=UTC))
            notice = loader.render_to_string("ops/stale_notice.html", {"made": made})
            body = body.replace(STALE_NOTICE_SLOT, notice.encode(), 1)
        response = HttpResponse(body, status=self.status)
        for key, value in self.headers:
            response[key] = value
        return response


class PageCacheMiddleware:
    """Serve public GET responses from the cache, with ETag and Last-Modified, so conditional GETs answer 304.

    A response is kept under its absolute URL and the values of the request headers it varies on (but Cookie: requests
    with personal cookies bypass the cache), with the data version it was made for. It is served while that is still
    the data version, on the same day. Any change to directory data bumps the version, so no cached page outlives the
    data it shows. While the database cannot be reached, an entry up to PAGE_CACHE_STALE_SECONDS old stands in, marked
    as possibly out of date. Streamed responses are kept when they end within the size limit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE or not request_is_public(request):
            response = self.get_response(request)
            if request.method not in SAFE_METHODS and response.status_code < 400 and is_editor(request):
                # Editors' changes through bulk updates (admin actions, imports) send no signals.
                dataversion.bump()
            if "Cache-Control" not in response and request_is_personal(request):
                patch_cache_control(response, private=True)
            return response

        try:
            version = dataversion.current()
        except DATABASE_ERRORS:
            version = None
        token = current_version.set(version)
        try:
            return self.public_response(request, version)
        finally:
            current_version.reset(token)

    def public_response(self, request, version):
        url_key = hashlib.md5(request.build_absolute_uri().encode(), usedforsecurity=False).hexdigest()
        vary_key = f"page-vary:{FORMAT}:{url_key}"
        vary = cache.get(vary_key)
        entry = cache.get(self.page_key(url_key, vary, request)) if vary is not None else None
        if entry is not None:
            if version is not None and entry.is_fresh(version):
                return self.finish(request, entry.response(request), entry.etag, version, "hit")
            if version is None and entry.may_stand_in():
                return self.stale(request, entry)

        response = self.get_response(request)
        if getattr(response, "database_unavailable", False):
            # The database went away during this request.
            return self.stale(request, entry) if entry is not None and entry.may_stand_in() else response
        if response_is_personal(request, response):
            if "Cache-Control" not in response:
                patch_cache_control(response, private=True)
            return response
        if version is None or request.method != "GET" or not response_is_storable(response):
            return response
        vary = self.vary_headers(response)
        if "Cache-Control" not in response:
            # Browsers may keep the page but must ask again each time (the ETag makes asking cheap); shared caches
            # (a CDN) may serve it for CDN_MAX_AGE seconds, and for longer when this site answers with an error.
            patch_cache_control(
                response,
                max_age=0,
                s_maxage=settings.CDN_MAX_AGE,
                stale_if_error=settings.PAGE_CACHE_STALE_SECONDS,
            )
        nonce = getattr(request, "_csp_nonce", None)
        store = partial(self.store, vary_key, vary, self.page_key(url_key, vary, request), version)
        if response.streaming:
            response.streaming_content = self.kept_while_streamed(response.streaming_content, response, nonce, store)
            return response
        entry = store(response.status_code, response.items(), response.content, nonce)
        return self.finish(request, response, entry.etag, version, "miss")

    @staticmethod
    def store(vary_key, vary, page_key, version, status, headers, body, nonce):
        entry = Entry(status, headers, body, nonce, version)
        if len(entry.body) <= settings.PAGE_CACHE_MAX_BYTES:
            cache.set_many({vary_key: vary, page_key: entry}, kept_seconds())
        return entry

    @staticmethod
    def kept_while_streamed(content, response, nonce, store):
        """Yield the streamed chunks, and keep the whole body if it ends within the size limit."""
        headers = list(response.items())
        chunks, size = [], 0
        for chunk in content:
            if chunks is not None:
                size += len(chunk)
                if size <= settings.PAGE_CACHE_MAX_BYTES:
                    chunks.append(chunk)
                else:
                    chunks = None
            yield chunk
        if chunks is not None:
            store(response.status_code, headers, b"".join(chunks), nonce)

    @staticmethod
    def vary_headers(response):
        patch_vary_headers(response, ["Cookie"])
        return sorted({h.strip().lower() for h in response["Vary"].split(",")} - {"cookie"})

    @staticmethod
    def page_key(url_key, vary, request):
        values = "|".join(request.headers.get(header, "") for header in vary)
        return f"page:{FORMAT}:{url_key}:{hashlib.md5(values.encode(), usedforsecurity=False).hexdigest()}"

    @staticmethod
    def finish(request, response, etag, version, state):
        response["ETag"] = etag
        modified = last_modified(version)
        response["Last-Modified"] = http_date(modified.timestamp())
        response["X-Cache"] = state
        if "If-None-Match" not in request.headers and "If-Modified-Since" not in request.headers:
            return response
        conditional = get_conditional_response(
            request, etag=etag, last_modified=int(modified.timestamp()), response=response
        )
        if conditional is not response:
            # The browser keeps the policy it stored with the page, whose nonce matches that page's scripts.
            conditional._csp_exempt = True
        return conditional

    @staticmethod
    def stale(request, entry):
        """Return a saved copy while the database cannot be reached, saying so in a header and on HTML pages."""
        response = entry.response(request, stale=True)
        response["X-Cache"] = "stale"
        response["Age"] = str(int(entry.age()))
        response["Last-Modified"] = http_date(entry.made)
        # Only while the database is away: no browser or CDN should keep this copy past it.
        response["Cache-Control"] = "no-store"
        return response


def request_is_personal(request):
    return not request_is_public(request) and request.method in SAFE_METHODS


def is_editor(request):
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated and user.is_staff
