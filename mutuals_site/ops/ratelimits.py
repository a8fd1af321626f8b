"""Per-client rate limits, counted in the cache (Redis: shared by every server) with django-ratelimit.

Two limits, both in settings (README "Rate limits"): RATELIMIT_FORMS for readers' reports (a POST of the correction
or the suggestion form), RATELIMIT_API for the data routes (the API, the Open Referral feed, the downloads and the
dataset's zips). A client over its limit gets 429 with Retry-After: the site's page for a form, the API's error
document for data. While the cache cannot be reached nothing is counted, so nothing is refused (fail open).
"""

import ipaddress
import math
import re
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage

from directory.responses import errors_response

FORMS, DATA = "forms", "data"


def client_ip(request):
    """Return the client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the outermost one
    saw, which it appended to X-Forwarded-For (entries further left are the client's word and not believed)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def rate_for(setting):
    return lambda group, request: getattr(settings, setting) or None


def seconds_left(request, group, setting):
    """Count this request against the client's limit; return None if allowed, or the seconds until it may ask again."""
    usage = get_usage(request, group=group, key="ip", rate=rate_for(setting), increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, usage["time_left"])


def too_many_requests(request, seconds, data=False):
    if data:
        message = f"Too many requests from your address: try again in {seconds} seconds."
        response = errors_response([{"parameter": None, "message": message}], status=429)
    else:
        context = {"seconds": seconds, "minutes": math.ceil(seconds / 60)}
        response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def limit_reports(view_method):
    """Limit a view's POSTs (a reader's report) to RATELIMIT_FORMS per client; showing the form is never limited."""

    @wraps(view_method)
    def limited(view, request, *args, **kwargs):
        seconds = seconds_left(request, FORMS, "RATELIMIT_FORMS")
        if seconds is not None:
            return too_many_requests(request, seconds)
        return view_method(view, request, *args, **kwargs)

    return limited


class DataRateLimitMiddleware:
    """Limit requests to the data routes (RATELIMIT_DATA_URLS_REGEX) to RATELIMIT_API per client.

    Outside the page cache, so a copy served from the cache counts too: the limit is what a client may ask for,
    whoever answers it. Browsing the site's pages is never limited.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.urls = re.compile(settings.RATELIMIT_DATA_URLS_REGEX)

    def __call__(self, request):
        if request.method != "OPTIONS" and self.urls.match(request.path_info):
            seconds = seconds_left(request, DATA, "RATELIMIT_API")
            if seconds is not None:
                return too_many_requests(request, seconds, data=True)
        return self.get_response(request)
