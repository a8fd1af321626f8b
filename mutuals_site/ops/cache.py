"""Whole-response caching for public pages and data, keyed by the full URL and the data version."""

import hashlib
from contextvars import ContextVar
from datetime import datetime, time
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, has_vary_header, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from . import dataversion

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
    cache_key = f"data:{name}:{version.number}:{timezone.localdate()}:{digest}"
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
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time()))
    return max(version.changed_at, midnight)


class Entry:
    """What the cache keeps of a response: status, headers, body (nonce replaced by a placeholder) and its ETag."""

    def __init__(self, status, headers, body, nonce):
        self.has_nonce = bool(nonce) and nonce.encode() in body
        if self.has_nonce:
            body = body.replace(nonce.encode(), NONCE_PLACEHOLDER)
        self.body = body
        self.status = status
        self.headers = [(k, v) for k, v in headers if k.lower() not in NOT_STORED]
        digest = hashlib.md5(body, usedforsecurity=False).hexdigest()
        # Weak when pages differ only by their nonce: equivalent, not byte-identical.
        self.etag = f'W/"{digest}"' if self.has_nonce else f'"{digest}"'

    def response(self, request):
        body = self.body
        if self.has_nonce:
            body = body.replace(NONCE_PLACEHOLDER, str(request.csp_nonce).encode())
        response = HttpResponse(body, status=self.status)
        for key, value in self.headers:
            response[key] = value
        return response


class PageCacheMiddleware:
    """Serve public GET responses from the cache, with ETag and Last-Modified, so conditional GETs answer 304.

    A response is cached under its absolute URL, the values of the request headers it varies on (but Cookie: requests
    with personal cookies bypass the cache) and the data version. Any change to directory data bumps the version, so
    no cached page outlives the data it shows. Streamed responses are kept when they end within the size limit.
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

        version = dataversion.current()
        token = current_version.set(version)
        try:
            return self.public_response(request, version)
        finally:
            current_version.reset(token)

    def public_response(self, request, version):
        url_key = hashlib.md5(
            f"{version.number}|{timezone.localdate()}|{request.build_absolute_uri()}".encode(), usedforsecurity=False
        ).hexdigest()
        vary = cache.get(f"page-vary:{url_key}")
        if vary is not None and (entry := cache.get(self.page_key(url_key, vary, request))) is not None:
            return self.finish(request, entry.response(request), entry.etag, version, from_cache=True)

        response = self.get_response(request)
        if response_is_personal(request, response):
            if "Cache-Control" not in response:
                patch_cache_control(response, private=True)
            return response
        if request.method != "GET" or not response_is_storable(response):
            return response
        vary = self.vary_headers(response)
        if "Cache-Control" not in response:
            # Browsers may keep the page but must ask again each time; the ETag makes asking cheap.
            patch_cache_control(response, no_cache=True)
        nonce = getattr(request, "_csp_nonce", None)
        store = partial(self.store, f"page-vary:{url_key}", vary, self.page_key(url_key, vary, request))
        if response.streaming:
            response.streaming_content = self.kept_while_streamed(response.streaming_content, response, nonce, store)
            return response
        entry = Entry(response.status_code, response.items(), response.content, nonce)
        store(entry)
        return self.finish(request, response, entry.etag, version, from_cache=False)

    @staticmethod
    def store(vary_key, vary, page_key, entry):
        if len(entry.body) <= settings.PAGE_CACHE_MAX_BYTES:
            cache.set(vary_key, vary, settings.PAGE_CACHE_SECONDS)
            cache.set(page_key, entry, settings.PAGE_CACHE_SECONDS)

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
            store(Entry(response.status_code, headers, b"".join(chunks), nonce))

    @staticmethod
    def vary_headers(response):
        patch_vary_headers(response, ["Cookie"])
        return sorted({h.strip().lower() for h in response["Vary"].split(",")} - {"cookie"})

    @staticmethod
    def page_key(url_key, vary, request):
        values = "|".join(request.headers.get(header, "") for header in vary)
        return f"page:{url_key}:{hashlib.md5(values.encode(), usedforsecurity=False).hexdigest()}"

    @staticmethod
    def finish(request, response, etag, version, from_cache):
        response["ETag"] = etag
        modified = last_modified(version)
        response["Last-Modified"] = http_date(modified.timestamp())
        response["X-Cache"] = "hit" if from_cache else "miss"
        if "If-None-Match" not in request.headers and "If-Modified-Since" not in request.headers:
            return response
        conditional = get_conditional_response(
            request, etag=etag, last_modified=int(modified.timestamp()), response=response
        )
        if conditional is not response:
            # The browser keeps the policy it stored with the page, whose nonce matches that page's scripts.
            conditional._csp_exempt = True
        return conditional


def request_is_personal(request):
    return not request_is_public(request) and request.method in SAFE_METHODS


def is_editor(request):
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated and user.is_staff
