import re
import sys

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from .errors import DATABASE_ERRORS
from .logs import request_id_var

ERROR_MESSAGES = {
    500: "Sorry, there is a problem with the service. Try again later.",
    503: "The directory cannot reach its data at the moment. Try again in a few minutes.",
}


@never_cache
def healthz(request):
    """Answer 200 when the site can reach its database, 503 when it cannot."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def render_plain(template_name, status, request=None, **context):
    """Render an error page without context processors, which may need the database or the Host header."""
    context = {"site": settings.DIRECTORY, "request_id": request_id_var.get(), **context}
    return HttpResponse(loader.get_template(template_name).render(context), status=status)


def bad_request(request, exception):
    return render_plain("400.html", 400)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


FALLBACK = {
    500: "<!DOCTYPE html><title>Sorry</title><h1>Sorry, there is a problem with the service</h1>",
    503: "<!DOCTYPE html><title>Sorry</title><h1>Sorry, the service is unavailable</h1>",
}


def is_data_request(request):
    """Return whether the request is for data (downloads, the API), which gets errors as JSON, not as a page."""
    return re.match(settings.DATA_URLS_REGEX, request.path_info) is not None


def server_error(request):
    """Answer 503 when the database is down, so clients retry; otherwise 500. Both give the request id."""
    database_down = isinstance(sys.exc_info()[1], DATABASE_ERRORS)
    status = 503 if database_down else 500
    if is_data_request(request):
        response = JsonResponse(
            {"errors": [{"message": ERROR_MESSAGES[status]}], "request_id": request_id_var.get()}, status=status
        )
    else:
        try:
            response = render_plain(f"{status}.html", status)
        except Exception:
            # The error page itself failed (a template or static-file problem): still answer, plainly.
            response = HttpResponse(FALLBACK[status], status=status)
    if database_down:
        response["Retry-After"] = "30"
        # The page cache may answer with a saved copy instead (ops/cache.py).
        response.database_unavailable = True
    return response
