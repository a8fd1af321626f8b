"""Which local authority district a point is in, without GeoDjango or GDAL.

Boundaries are kept as GeoJSON text (District.geometry) with their bounding box in four indexed columns: the database
picks the few districts whose box holds the point, then Python tests the point against their polygons. A point on a
boundary counts as inside; where two districts share that boundary, the first by name is returned.
"""

import json
import math

# Cross products below this (in square degrees) put a point on a boundary segment: exact for the data's 6 decimals.
ON_SEGMENT = 1e-12


class GeometryError(ValueError):
    """A boundary that is not a GeoJSON Polygon or MultiPolygon of longitude, latitude positions."""


def polygons_of(geometry):
    """Return the polygons of a GeoJSON Polygon or MultiPolygon (text or dict), each a list of rings of (x, y)."""
    if isinstance(geometry, str):
        try:
            geometry = json.loads(geometry)
        except ValueError:
            raise GeometryError("The boundary is not GeoJSON text.") from None
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        raise GeometryError("The boundary must be a GeoJSON Polygon or MultiPolygon.")
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    try:
        result = [[[(float(x), float(y)) for x, y, *_ in ring] for ring in polygon] for polygon in polygons]
    except (TypeError, ValueError):
        raise GeometryError("The boundary's coordinates must be [longitude, latitude] pairs.") from None
    for polygon in result:
        if not polygon or any(len(ring) < 4 for ring in polygon):
            raise GeometryError("Each ring of the boundary needs at least four positions.")
        for x, y in (position for ring in polygon for position in ring):
            if not (math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90):
                raise GeometryError(f"The boundary has a position outside longitude ±180 and latitude ±90: {x}, {y}.")
    if not result:
        raise GeometryError("The boundary has no polygons.")
    return result


def bounds(polygons):
    """Return (west, south, east, north) of the polygons' outer rings."""
    xs = [x for polygon in polygons for x, _ in polygon[0]]
    ys = [y for polygon in polygons for _, y in polygon[0]]
    return min(xs), min(ys), max(xs), max(ys)


def ring_position(ring, x, y):
    """Return 1 if (x, y) is inside the ring, 0 if on it, -1 if outside (even-odd rule)."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
        if abs(cross) <= ON_SEGMENT and min(x1, x2) <= x <= max(x1, x2) and min(y1, y2) <= y <= max(y1, y2):
            return 0
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return 1 if inside else -1


def contains(polygons, x, y):
    """Return whether (x, y) is in the polygons: inside an outer ring and not inside one of its holes."""
    for outer, *holes in polygons:
        position = ring_position(outer, x, y)
        if position == 0:
            return True
        if position == 1 and all(ring_position(hole, x, y) <= 0 for hole in holes):
            return True
    return False


def district_at(latitude, longitude):
    """Return the District holding the point, or None (also for a point that is not a valid position)."""
    from .models import District

    try:
        latitude, longitude = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):  # False for NaN too
        return None
    candidates = District.objects.with_box_containing(latitude, longitude).only("name", "slug", "geometry")
    return next(
        (district for district in candidates if contains(polygons_of(district.geometry), longitude, latitude)),
        None,
    )
