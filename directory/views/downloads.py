"""A selection as data to take away: CSV, JSON and GeoJSON, streamed, or one area of the map."""

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from ..filters import MutualFilter
from ..geojson import BoundingBox, area_document, geojson_document, parse_zoom
from ..models import Mutual
from ..responses import data_response, errors_response, with_data_headers
from ..selection import InvalidSelection, strict_selection
from ..streaming import csv_lines, json_document, started


def streamed(request, queryset, document, content_type):
    """Return the selection of `queryset` the request asks for as a streamed document, or 400 naming what is wrong."""
    try:
        mutuals = strict_selection(request.GET, queryset)
    except InvalidSelection as error:
        return errors_response(error.errors)
    return with_data_headers(StreamingHttpResponse(started(document(mutuals, request)), content_type=content_type))


@require_safe
def mutual_csv(request):
    mutuals = Mutual.objects.published().for_detail().with_next_contract_end()
    response = streamed(request, mutuals, csv_lines, "text/csv; charset=utf-8")
    if response.status_code == 200:
        response["Content-Disposition"] = f'attachment; filename="mutuals-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@require_safe
def mutual_json(request):
    return streamed(request, Mutual.objects.published().for_detail(), json_document, "application/json")


@require_safe
def mutual_geojson(request):
    """The selection's located mutuals; with `bbox` (and `zoom`), those of one area, in groups where there are many."""
    if "bbox" not in request.GET and "zoom" not in request.GET:
        return streamed(request, Mutual.objects.published().for_map(), geojson_document, "application/geo+json")
    filterset = MutualFilter(request.GET, queryset=Mutual.objects.published())
    problems = filterset.problems
    box = parsed(problems, "bbox", BoundingBox.parse, request.GET.get("bbox"))
    zoom = parsed(problems, "zoom", parse_zoom, request.GET.get("zoom"))
    if problems:
        return errors_response(InvalidSelection(problems).errors)
    document = area_document(filterset.selection_without("sort"), box, zoom, request)
    return data_response(document, content_type="application/geo+json")


def parsed(problems, name, parse, text):
    """Return parse(text), or None after adding what was wrong with it to `problems`."""
    try:
        return parse(text)
    except ValueError as error:
        problems.append((name, text or "", str(error)))
        return None
