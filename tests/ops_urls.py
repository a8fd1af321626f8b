"""The site's URLconf plus a few views that only the operations tests need (errors, nonces, streaming)."""

from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.template import engines
from django.urls import path

from mutuals_site.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401

NONCE_PAGE = engines["django"].from_string(
    '<!DOCTYPE html><p>{{ request.csp_nonce|yesno:"x,x" }}</p><script nonce="{{ request.csp_nonce }}">1</script>'
)


def broken(request):
    raise RuntimeError("a bug with a secret in it: hunter2")


def forbidden(request):
    raise PermissionDenied("internal reason")


def nonce_page(request):
    from django.http import HttpResponse

    return HttpResponse(NONCE_PAGE.render({}, request))


LEAFLET_PAGE = engines["django"].from_string(
    """{% load leaflet_tags static %}<!DOCTYPE html><html lang="en"><head><title>Map</title>{% leaflet_css %}
    <link rel="stylesheet" href="{% static 'directory/css/site.css' %}"></head><body>
    {% leaflet_js %}{% leaflet_map "map" csp_nonce=request.csp_nonce %}</body></html>"""
)


def leaflet_page(request):
    """Return a page with django-leaflet's tags, as the map page uses them, to try them under the policy."""
    from django.http import HttpResponse

    return HttpResponse(LEAFLET_PAGE.render({}, request))


def streamed(request):
    return StreamingHttpResponse((f"row {n}\n" for n in range(100)), content_type="text/csv")


urlpatterns = [
    path("test/broken/", broken, name="test-broken"),
    path("test/forbidden/", forbidden, name="test-forbidden"),
    path("test/nonce/", nonce_page, name="test-nonce"),
    path("test/streamed/", streamed, name="test-streamed"),
    path("test/leaflet/", leaflet_page, name="test-leaflet"),
    *urlpatterns,
]
