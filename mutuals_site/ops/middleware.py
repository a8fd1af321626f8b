import logging
import re
import time
import uuid

from django.urls import reverse

from .logs import request_id_var
from .views import healthz

logger = logging.getLogger("mutuals.request")

# What we accept from a proxy's X-Request-ID: short, and safe to echo in a header and a log line.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_from(request):
    incoming = request.headers.get("X-Request-ID", "")
    return incoming if VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex


class RequestLogMiddleware:
    """Give each request an id (the proxy's X-Request-ID if valid), return it, and log one line when done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = request_id_from(request)
        token = request_id_var.set(request.request_id)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    # hit, miss or stale (a saved copy served while the database is away), for public pages.
                    "cache": response.get("X-Cache", ""),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class HealthCheckMiddleware:
    """Answer the health check before host validation and the HTTPS redirect: its answer never depends on either."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = reverse("healthz")

    def __call__(self, request):
        if request.path_info == self.path and request.method in {"GET", "HEAD"}:
            return healthz(request)
        return self.get_response(request)
