"""The responses of the data formats and the API: JSON with the licence, and errors that name their parameter."""

from django.conf import settings
from django.http import JsonResponse


def with_data_headers(response):
    """Mark a data response as not for search engines, and link its licence."""
    response["X-Robots-Tag"] = "noindex"
    response["Link"] = f'<{settings.DIRECTORY["DATA_LICENCE_URL"]}>; rel="license"'
    return response


def data_response(payload, status=200, content_type="application/json"):
    response = JsonResponse(
        payload, status=status, content_type=content_type, json_dumps_params={"ensure_ascii": False}
    )
    return with_data_headers(response)


def errors_response(errors, status=400):
    """Return the API's error document: every bad parameter with a message naming it."""
    return data_response({"errors": errors}, status=status)
