"""Write the districts' boundaries as one static GeoJSON file for the map's "Where they work" view."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directory import geo
from directory.maps import BOUNDARIES
from directory.models import District

DEFAULT_OUTPUT = Path(settings.BASE_DIR) / "static" / BOUNDARIES
# 4 decimal places of a degree is about 11 m in England: finer than the ultra-generalised boundaries themselves.
PRECISION = 4


def rounded_polygons(geometry, precision=PRECISION):
    """Return a district's boundary as MultiPolygon coordinates, rounded, with points that rounding made the same
    (one after another) kept once."""
    polygons = []
    for polygon in geo.polygons_of(geometry):
        rings = []
        for ring in polygon:
            points = []
            for x, y in ring:
                point = [round(x, precision), round(y, precision)]
                if not points or points[-1] != point:
                    points.append(point)
            if len(points) >= 4:
                rings.append(points)
        if rings:
            polygons.append(rings)
    return polygons


def boundaries_document(districts, precision=PRECISION):
    """Return the districts as a GeoJSON FeatureCollection, each with its slug and name, by name."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"slug": district.slug, "name": district.name},
                "geometry": {"type": "MultiPolygon", "coordinates": rounded_polygons(district.geometry, precision)},
            }
            for district in districts
        ],
    }


class Command(BaseCommand):
    help = (
        f"Write static/{BOUNDARIES} from the districts in the database (load the seed data first), with coordinates "
        "rounded, for the map. Run it again, and commit the file, whenever the districts change."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
        parser.add_argument("--precision", type=int, default=PRECISION, choices=range(3, 8))

    def handle(self, *args, output, precision, verbosity, **options):
        districts = list(District.objects.order_by("slug"))
        if not districts:
            raise CommandError("The database holds no districts: load them first (manage.py loaddata mutuals).")
        text = json.dumps(boundaries_document(districts, precision), separators=(",", ":"), ensure_ascii=False)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + "\n", encoding="utf-8")
        if verbosity:
            self.stdout.write(f"Wrote {output}: {len(districts)} districts, {len(text.encode()) // 1024} KB.")
