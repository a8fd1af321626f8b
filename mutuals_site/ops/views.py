import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from .logs import request_id_var

DATABASE_DOWN = (OperationalError, InterfaceError)


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


def server_error(request):
    """Answer 503 when the database is down, so clients retry; otherwise 500. Both show the request id."""
    database_down = isinstance(sys.exc_info()[1], DATABASE_DOWN)
    status = 503 if database_down else 500
    try:
        response = render_plain(f"{status}.html", status)
    except Exception:
        # The error page itself failed (a template or static-file problem): still answer, plainly.
        response = HttpResponse(FALLBACK[status], status=status)
    if database_down:
        response["Retry-After"] = "30"
    return response
