"""The maps' settings, shared by the server (GeoJSON, grouping) and the browser (passed to map.js as JSON)."""

from django.conf import settings
from django.db.models import Count
from django.templatetags.static import static

from mutuals_site.ops.cache import for_data_version

from .models import District, Mutual
from .records import licensed, path_around_slug

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
# Most locations are town centres: closer views would claim a precision the data does not have.
MAX_ZOOM = 14
# The zoom level at which a cell of the server's grouping grid is one degree of latitude high.
CLUSTER_ZOOM = 7


def sector_glyph(slug, name):
    """Return the letters a sector's markers show; a sector added later gets the start of its name."""
    return SECTOR_GLYPHS.get(slug) or name[:2]


def points_limit():
    """Return the most mutuals the map page embeds, or one bounding box of /mutuals.geojson sends, as points."""
    return settings.DIRECTORY["MAP_POINTS_LIMIT"]


def cell_size(zoom):
    """Return the longitude and latitude sides of the grid's cells at a zoom level: about 90 by 75 pixels in England."""
    longitude = 2.0 ** (CLUSTER_ZOOM - zoom)
    return longitude, longitude / 2


def script_settings(legend):
    """Return what map.js must agree with the server on, and each sector's marker letters."""
    return {"maxZoom": MAX_ZOOM, "clusterZoom": CLUSTER_ZOOM, "glyphs": {slug: glyph for slug, _, glyph in legend}}


def legend(sector_facet):
    """Return (slug, name, glyph) of every sector the map's legend explains."""
    return [(option.value, option.label, sector_glyph(option.value, option.label)) for option in sector_facet.options]


def mutuals_without_region(region_facet, total):
    """Return how many of a selection have no region, from the region facet (counted without the region filter)."""
    return 0 if region_facet.has_selection else total - sum(option.count for option in region_facet.options)


def district_counts(mutuals):
    """Return [(district, how many of `mutuals` name it)] for every district, by name: two queries. Mutuals working
    across regions or nationally name no district, so they are in no count (see area_counts_document())."""
    named = dict(
        Mutual.districts.through.objects.filter(mutual__in=mutuals.order_by().values("pk"))
        .order_by()
        .values_list("district")
        .annotate(count=Count("mutual"))
    )
    districts = District.objects.only("name", "slug")
    return [(district, named.get(district.pk, 0)) for district in districts]


BOUNDARIES = "directory/data/districts.geojson"
BOUNDARIES_CREDIT = (
    "Boundaries: Office for National Statistics, Local Authority Districts (May 2024), Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right 2024."
)


def area_counts_document(mutuals, request):
    """Return /areas.json: every district with how many of the selection's mutuals name it, and the counts the map's
    note needs (those working everywhere, those whose areas are not known), with the boundaries' address and credit."""
    by_scope = mutuals.count_by("area_scope")
    head, tail = path_around_slug("directory:area-detail")
    head = request.build_absolute_uri(head)
    return licensed(
        request,
        boundaries={"url": request.build_absolute_uri(static(BOUNDARIES)), "attribution": BOUNDARIES_CREDIT},
        mutuals=sum(by_scope.values()),
        working_everywhere=sum(by_scope.get(scope, 0) for scope in Mutual.SCOPES_EVERYWHERE),
        areas_not_known=by_scope.get("", 0),
        districts=[
            {"slug": district.slug, "name": district.name, "count": count, "url": f"{head}{district.slug}{tail}"}
            for district, count in district_counts(mutuals)
        ],
    )


def area_table(filterset):
    """Return what the map page's table of districts shows for a MutualFilter's selection: the districts where at
    least one of its mutuals is named, with their counts, and how many work everywhere or have no known areas."""

    def compute():
        mutuals = filterset.selection_without("sort")
        by_scope = mutuals.count_by("area_scope")
        return {
            "districts": [(d.name, d.get_absolute_url(), count) for d, count in district_counts(mutuals) if count],
            "working_everywhere": sum(by_scope.get(scope, 0) for scope in Mutual.SCOPES_EVERYWHERE),
            "not_known": by_scope.get("", 0),
        }

    return for_data_version("area-table", filterset.selection_key(), compute)
