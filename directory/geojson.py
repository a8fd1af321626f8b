"""Mutuals as GeoJSON (RFC 7946): one feature each, a whole selection streamed, or an area of it grouped on a grid."""

import math
import re
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Avg, Count, F, Max, Min
from django.db.models.functions import Floor

from .db import by_name
from .maps import MAX_ZOOM, cell_size, points_limit
from .records import FACTS_BY_KEY
from .streaming import attach_related, batches

COORDINATE_PLACES = 6  # About 10 cm: more digits would claim a precision the data does not have.
# The facts of a mutual's record that its map marker and popup show.
FEATURE_FACTS = ("slug", "name", "sectors", "primary_sector", "region", "town", "status")


def mutual_feature(mutual, request):
    """Return a located mutual as a Feature: a Point in [longitude, latitude] order, with what its marker shows."""
    properties = {key: FACTS_BY_KEY[key].value(mutual, request) for key in FEATURE_FACTS}
    return {
        "type": "Feature",
        "id": mutual.slug,
        "geometry": {
            "type": "Point",
            "coordinates": [round(mutual.longitude, COORDINATE_PLACES), round(mutual.latitude, COORDINATE_PLACES)],
        },
        "properties": {
            **properties,
            "status_label": mutual.get_status_display(),
            "approximate": mutual.location_is_approximate,
            "location_note": mutual.location_note or None,
            "url": FACTS_BY_KEY["url"].value(mutual, request),
        },
    }


def feature_collection(mutuals, request):
    """Return the mutuals that have a location as a FeatureCollection; the others have no valid geometry."""
    return {
        "type": "FeatureCollection",
        "features": [mutual_feature(mutual, request) for mutual in mutuals if mutual.has_location],
    }


def geojson_document(mutuals, request):
    """Yield the selection's located mutuals as a FeatureCollection, a batch at a time."""
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    yield '{"type": "FeatureCollection", "features": ['
    separator = ""
    for chunk in batches(mutuals):
        attach_related(chunk, "sectors")
        features = [encoder.encode(mutual_feature(mutual, request)) for mutual in chunk if mutual.has_location]
        if features:
            yield separator + ", ".join(features)
            separator = ", "
    yield "]}"


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


def parse_zoom(text):
    """Return the zoom level `text` gives, None if it gives none, or raise ValueError saying why."""
    if text is None:
        return None
    if not (re.fullmatch(r"[0-9]{1,2}", text) and int(text) <= MAX_ZOOM):
        raise ValueError(f"give a whole number from 0 to {MAX_ZOOM}.")
    return int(text)


def area_document(mutuals, box, zoom, request):
    """Return the mutuals inside a box: as points, or when they are more than the map takes, in groups by grid cell."""
    # Sorting is no use for points on a map, and sorting by value would group the rows being counted.
    inside = box.filter(mutuals).order_by()
    limit = points_limit()
    found = len(inside.values_list("pk", flat=True)[: limit + 1])
    if found <= limit:
        return feature_collection(inside.for_map().order_by(by_name()), request) | {"total": found}
    if zoom is not None and zoom < MAX_ZOOM:
        return clusters(inside, zoom, request)
    located = inside.for_map().order_by(by_name())[:limit]
    return feature_collection(located, request) | {"total": inside.count(), "truncated": True}


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
        features += feature_collection(mutuals.filter(pk__in=alone).for_map().order_by(by_name()), request)["features"]
    return {
        "type": "FeatureCollection",
        "features": features,
        "total": sum(cell["count"] for cell in cells),
        "clustered": True,
    }
