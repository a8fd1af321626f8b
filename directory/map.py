from django.http import JsonResponse
from django.views.decorators.http import require_safe
from django_filters.views import FilterView

from .exports import errors_response, with_data_headers
from .filters import InvalidSelection, MutualFilter, strict_selection
from .models import Mutual
from .serializers import region_reference, slug_url, text

# What a marker shows besides its colour, so that no sector is told apart by colour alone.
SECTOR_GLYPHS = {
    "adult-social-care": "SC",
    "childrens-services": "Ch",
    "education": "Ed",
    "employment-and-skills": "Em",
    "environment": "En",
    "health": "H",
    "housing": "Ho",
    "leisure": "Le",
    "libraries": "Li",
    "other": "O",
    "youth-services": "Y",
}
COORDINATE_PLACES = 6  # About 10 cm: more digits would claim a precision the data does not have.


def sector_glyph(slug, name):
    """Return the letters a sector's markers show; a sector added later gets the start of its name."""
    return SECTOR_GLYPHS.get(slug) or name[:2]


def mutual_feature(mutual, request):
    """Return a located mutual as an RFC 7946 Feature: a Point in [longitude, latitude] order."""
    return {
        "type": "Feature",
        "id": mutual.slug,
        "geometry": {
            "type": "Point",
            "coordinates": [round(mutual.longitude, COORDINATE_PLACES), round(mutual.latitude, COORDINATE_PLACES)],
        },
        "properties": {
            "slug": mutual.slug,
            "name": mutual.name,
            "sectors": [{"slug": sector.slug, "name": sector.name} for sector in mutual.sectors.all()],
            "primary_sector": mutual.primary_sector.slug,
            "region": region_reference(mutual.region),
            "town": text(mutual.town),
            "status": mutual.status,
            "status_label": mutual.get_status_display(),
            "approximate": mutual.location_is_approximate,
            "location_note": text(mutual.location_note),
            "url": slug_url(request, "directory:mutual-detail", mutual.slug),
        },
    }


def feature_collection(mutuals, request):
    """Return the mutuals that have a location as a FeatureCollection; the others have no valid geometry."""
    return {
        "type": "FeatureCollection",
        "features": [mutual_feature(mutual, request) for mutual in mutuals if mutual.has_location],
    }


class MutualMapView(FilterView):
    filterset_class = MutualFilter
    template_name = "directory/mutual_map.html"
    strict = False

    def get_queryset(self):
        return Mutual.objects.published().for_map()

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}

    def get_context_data(self, **kwargs):
        kwargs["object_list"] = mutuals = list(self.object_list)
        facets = {facet.name: facet for facet in self.filterset.facets()}
        legend = [
            (option.value, option.label, sector_glyph(option.value, option.label))
            for option in facets["sector"].options
        ]
        return super().get_context_data(
            located=[mutual for mutual in mutuals if mutual.has_location],
            unlocated=[mutual for mutual in mutuals if not mutual.has_location],
            map_data=feature_collection(mutuals, self.request),
            legend=legend,
            glyphs={slug: glyph for slug, _, glyph in legend},
            facets=facets.values(),
            regions=facets["region"],
            no_region=sum(1 for mutual in mutuals if mutual.region_id is None),
            ignored=self.filterset.messages,
            **kwargs,
        )


@require_safe
def mutual_geojson(request):
    try:
        mutuals = strict_selection(request.GET, Mutual.objects.published().for_map())
    except InvalidSelection as invalid:
        return errors_response(invalid.errors)
    document = feature_collection(mutuals, request)
    response = JsonResponse(document, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False})
    return with_data_headers(response)
