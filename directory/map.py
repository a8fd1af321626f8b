import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Avg, Count, F, Max, Min
from django.db.models.functions import Floor
from django.http import JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from django_filters.views import FilterView

from .exports import CHUNK_SIZE, attach_related, batched, errors_response, started, with_data_headers
from .filters import InvalidSelection, MutualFilter, strict_selection
from .models import Mutual
from .serializers import region_reference, slug_url, text
from .templatetags.data_tags import selection_query
from .views import paginate

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
MAX_ZOOM = 14  # As map.js: most locations are town centres, and closer views would claim a precision we lack.
CLUSTER_ZOOM = 7  # The zoom level at which a cell of the clustering grid is one degree of latitude high.


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


def points_limit():
    """Return the most mutuals the map page embeds, or one bounding box of /mutuals.geojson sends, as points."""
    return settings.DIRECTORY["MAP_POINTS_LIMIT"]


class MutualMapView(FilterView):
    filterset_class = MutualFilter
    template_name = "directory/mutual_map.html"
    strict = False

    def get_queryset(self):
        return Mutual.objects.published().for_map()

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}

    def get_context_data(self, **kwargs):
        facets = {facet.name: facet for facet in self.filterset.facets()}
        total = self.filterset.count()
        legend = [
            (option.value, option.label, sector_glyph(option.value, option.label))
            for option in facets["sector"].options
        ]
        regions = facets["region"]
        # The region counts are for the selection without its region filter: with none, they add up to all but these.
        no_region = 0 if regions.has_selection else total - sum(option.count for option in regions.options)
        if total > points_limit():
            kwargs.update(self.large_selection(total))
        else:
            kwargs.update(self.small_selection())
        return super().get_context_data(
            total=total,
            legend=legend,
            glyphs={slug: glyph for slug, _, glyph in legend},
            facets=facets.values(),
            regions=regions,
            no_region=no_region,
            ignored=[*self.filterset.messages, *filter(None, [kwargs.pop("page_message", None)])],
            **kwargs,
        )

    def small_selection(self):
        """Return every mutual of the selection for the list, and every located one for the map."""
        mutuals = list(self.object_list)
        located = [mutual for mutual in mutuals if mutual.has_location]
        unlocated = [mutual for mutual in mutuals if not mutual.has_location]
        return {
            "object_list": mutuals,
            "located": located,
            "located_count": len(located),
            "unlocated": unlocated,
            "unlocated_count": len(unlocated),
            "map_data": feature_collection(mutuals, self.request),
        }

    def large_selection(self, total):
        """Return one page of the selection for the list, and what the map needs to load its points by area."""
        extent = self.object_list.order_by().aggregate(
            located=Count("latitude"),
            south=Min("latitude"),
            west=Min("longitude"),
            north=Max("latitude"),
            east=Max("longitude"),
        )
        page_obj, page_message = paginate(self.request, self.object_list, count=total)
        query = selection_query({"request": self.request, "filter": self.filterset})
        located = extent["located"]
        return {
            "object_list": page_obj.object_list,
            "page_obj": page_obj,
            "page_message": page_message,
            "large": True,
            "located_count": located,
            "unlocated_count": total - located,
            "map_config": {
                "url": reverse("directory:mutual-geojson") + query,
                "located": located,
                "bounds": [[extent["south"], extent["west"]], [extent["north"], extent["east"]]] if located else None,
            },
        }


@require_safe
def mutual_geojson(request):
    if "bbox" in request.GET or "zoom" in request.GET:
        return mutual_geojson_in_box(request)
    try:
        mutuals = strict_selection(request.GET, Mutual.objects.published().for_map())
    except InvalidSelection as invalid:
        return errors_response(invalid.errors)
    response = StreamingHttpResponse(started(geojson_document(mutuals, request)), content_type="application/geo+json")
    return with_data_headers(response)


def geojson_document(mutuals, request):
    """Yield the selection's located mutuals as a FeatureCollection, a batch at a time."""
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    yield '{"type": "FeatureCollection", "features": ['
    separator = ""
    for chunk in batched(mutuals.prefetch_related(None).iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        attach_related(chunk, "sectors")
        features = [encoder.encode(mutual_feature(mutual, request)) for mutual in chunk if mutual.has_location]
        if features:
            yield separator + ", ".join(features)
            separator = ", "
    yield "]}"


def mutual_geojson_in_box(request):
    """Answer the map's request for the selection's mutuals inside a bounding box, as points or in groups."""
    filterset = MutualFilter(request.GET, queryset=Mutual.objects.published())
    problems = filterset.problems
    try:
        box = BoundingBox.parse(request.GET.get("bbox"))
    except ValueError as error:
        problems.append(("bbox", request.GET.get("bbox", ""), str(error)))
    zoom = request.GET.get("zoom")
    if zoom is not None and not (re.fullmatch(r"[0-9]{1,2}", zoom) and int(zoom) <= MAX_ZOOM):
        problems.append(("zoom", zoom, f"give a whole number from 0 to {MAX_ZOOM}."))
    if problems:
        return errors_response(InvalidSelection(problems).errors)
    # Sorting is no use for points on a map, and sorting by value would group the rows being counted.
    inside = box.filter(filterset.selection_without("sort")).order_by()
    limit = points_limit()
    found = len(inside.values_list("pk", flat=True)[: limit + 1])
    if found <= limit:
        document = feature_collection(inside.for_map().order_by("name"), request) | {"total": found}
    elif zoom is not None and int(zoom) < MAX_ZOOM:
        document = clusters(inside, int(zoom), request)
    else:
        located = inside.for_map().order_by("name")[:limit]
        document = feature_collection(located, request) | {"total": inside.count(), "truncated": True}
    response = JsonResponse(document, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False})
    return with_data_headers(response)


@dataclass
class BoundingBox:
    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text):
        """Return the box that `text` gives as west,south,east,north in degrees, or raise ValueError saying why."""
        if text is None:
            raise ValueError("give west,south,east,north in degrees, e.g. -2.5,53.3,-2.0,53.6.")
        try:
            west, south, east, north = (float(part) for part in text.split(","))
        except ValueError:
            raise ValueError(
                "give four numbers, west,south,east,north in degrees, e.g. -2.5,53.3,-2.0,53.6."
            ) from None
        if not all(math.isfinite(value) for value in (west, south, east, north)):
            raise ValueError("the numbers must be finite.")
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise ValueError(
                "west must be less than east and south less than north, within -180 to 180 and -90 to 90 degrees."
            )
        return cls(west, south, east, north)

    def filter(self, mutuals):
        return mutuals.filter(
            latitude__gte=self.south, latitude__lte=self.north, longitude__gte=self.west, longitude__lte=self.east
        )


def cell_size(zoom):
    """Return the longitude and latitude sides of the grid's cells at a zoom level: about 90 by 75 pixels in England."""
    longitude = 2.0 ** (CLUSTER_ZOOM - zoom)
    return longitude, longitude / 2


def clusters(mutuals, zoom, request):
    """Return the mutuals in groups by cell of a grid fixed for the zoom level, or as themselves when alone in a cell."""
    width, height = cell_size(zoom)
    cells = list(
        mutuals.annotate(row=Floor(F("latitude") / height), column=Floor(F("longitude") / width))
        .values("row", "column")
        .annotate(
            count=Count("pk"),
            first=Min("pk"),
            mean_latitude=Avg("latitude"),
            mean_longitude=Avg("longitude"),
            south=Min("latitude"),
            west=Min("longitude"),
            north=Max("latitude"),
            east=Max("longitude"),
        )
        .order_by("row", "column")
    )
    alone = [cell["first"] for cell in cells if cell["count"] == 1]
    features = [
        {
            "type": "Feature",
            "id": f"group-{zoom}-{int(cell['row'])}-{int(cell['column'])}",
            "bbox": [cell["west"], cell["south"], cell["east"], cell["north"]],
            "geometry": {
                "type": "Point",
                "coordinates": [
                    round(cell["mean_longitude"], COORDINATE_PLACES),
                    round(cell["mean_latitude"], COORDINATE_PLACES),
                ],
            },
            "properties": {"cluster": True, "count": cell["count"]},
        }
        for cell in cells
        if cell["count"] > 1
    ]
    if alone:
        features += feature_collection(mutuals.filter(pk__in=alone).for_map().order_by("name"), request)["features"]
    return {
        "type": "FeatureCollection",
        "features": features,
        "total": sum(cell["count"] for cell in cells),
        "clustered": True,
    }
