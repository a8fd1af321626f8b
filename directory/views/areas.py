"""The pages of England's local authority districts, where mutuals work, and the ways to find one's own."""

import math

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .. import area_pages
from ..filters import DistrictFilter
from ..geo import district_at
from ..maps import area_counts_document
from ..models import District, Mutual
from ..responses import data_response, errors_response
from ..selection import InvalidSelection, strict_selection

NOT_IN_A_DISTRICT = "That point is not in an English district we know. Choose your council from the list instead."
BAD_POINT = (
    "We could not read that location: it needs a latitude between -90 and 90 and a longitude between -180 and 180, "
    "as numbers. Choose your council from the list instead."
)


def area_list(request, location_message="", status=200):
    filterset = DistrictFilter(request.GET, queryset=District.objects.for_area_list())
    everywhere = Mutual.objects.published().with_status(Mutual.Status.ACTIVE).working_everywhere()
    context = {
        "filter": filterset,
        "letters": area_pages.by_initial(filterset.qs),
        "everywhere_count": everywhere.count(),
        "picker": District.objects.for_picker(),
        "location_message": location_message,
    }
    return render(request, "directory/area_list.html", context, status=status)


def area_detail(request, slug):
    district = get_object_or_404(District, slug=slug)
    mutuals = area_pages.area_mutuals(district)
    context = {
        "district": district,
        "mutuals": mutuals,
        "boundary": area_pages.boundaries([district]),
        "points": area_pages.area_points(mutuals.named),
    }
    return render(request, "directory/area_detail.html", context)


def area_go(request):
    """Where the "find mutuals working in your area" menu sends its choice: that district's page."""
    slug = request.GET.get("district", "")
    if not slug:
        return redirect("directory:area-list")
    return redirect(get_object_or_404(District.objects.only("slug"), slug=slug))


@never_cache  # A visitor's position: never kept by the page cache, a proxy or the browser.
def area_at(request):
    """Send a position (from "Use my location") to the page of the district it is in; nothing of it is kept."""
    try:
        latitude, longitude = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        return area_list(request, BAD_POINT, status=400)
    if not (math.isfinite(latitude) and math.isfinite(longitude) and abs(latitude) <= 90 and abs(longitude) <= 180):
        return area_list(request, BAD_POINT, status=400)
    district = district_at(latitude, longitude)
    if district is None:
        return area_list(request, NOT_IN_A_DISTRICT)
    return redirect(district)


@require_safe
def area_counts(request):
    """Every district with how many mutuals of the selection name it; those working everywhere counted apart."""
    try:
        mutuals = strict_selection(request.GET, Mutual.objects.published())
    except InvalidSelection as error:
        return errors_response(error.errors)
    return data_response(area_counts_document(mutuals, request))
