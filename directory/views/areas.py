"""The pages of England's local authority districts, where mutuals work."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from ..maps import area_counts_document
from ..models import District, Mutual
from ..responses import data_response, errors_response
from ..selection import InvalidSelection, strict_selection


def area_detail(request, slug):
    district = get_object_or_404(District.objects.only("name", "slug"), slug=slug)
    return render(request, "directory/area_detail.html", {"district": district})


@require_safe
def area_counts(request):
    """Every district with how many mutuals of the selection name it; those working everywhere counted apart."""
    try:
        mutuals = strict_selection(request.GET, Mutual.objects.published())
    except InvalidSelection as error:
        return errors_response(error.errors)
    return data_response(area_counts_document(mutuals, request))
