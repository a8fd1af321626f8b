"""What an area's page shows: the mutuals named in a district by sector, those working everywhere, and its map."""

import json
from dataclasses import dataclass, field
from itertools import groupby

from .maps import sector_glyph
from .models import Mutual

COORDINATE_PLACES = 6


@dataclass
class SectorGroup:
    sector: object
    mutuals: list = field(default_factory=list)


@dataclass
class AreaMutuals:
    """The mutuals serving a district, as its page lists them."""

    by_sector: list  # SectorGroup of the active mutuals named there, by primary sector, A to Z
    everywhere: list  # active mutuals that work across regions or nationally
    ended: list  # closed, merged or returned in-house, named there or working everywhere

    @property
    def named_count(self):
        return sum(len(group.mutuals) for group in self.by_sector)

    @property
    def named(self):
        return [mutual for group in self.by_sector for mutual in group.mutuals]


def area_mutuals(district):
    """Return the published mutuals serving the district, grouped for its page (one query)."""
    mutuals = list(Mutual.objects.published().for_area_page(district))
    active = [mutual for mutual in mutuals if mutual.is_active]
    named = sorted((mutual for mutual in active if mutual.named_here), key=lambda mutual: mutual.primary_sector.name)
    return AreaMutuals(
        by_sector=[
            SectorGroup(sector, list(members))
            for sector, members in groupby(named, key=lambda mutual: mutual.primary_sector)
        ],
        everywhere=[mutual for mutual in active if not mutual.named_here],
        ended=[mutual for mutual in mutuals if not mutual.is_active],
    )


def area_points(mutuals):
    """Return where each located mutual is based, for the area's map: its name, page, sector and coordinates."""
    return [
        {
            "name": mutual.name,
            "url": mutual.get_absolute_url(),
            "sector": mutual.primary_sector.slug,
            "glyph": sector_glyph(mutual.primary_sector.slug, mutual.primary_sector.name),
            "coordinates": [round(mutual.longitude, COORDINATE_PLACES), round(mutual.latitude, COORDINATE_PLACES)],
        }
        for mutual in mutuals
        if mutual.has_location
    ]


def boundaries(districts):
    """Return the districts' boundaries as a GeoJSON FeatureCollection, each named, for a map to shade."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": district.slug,
                "geometry": json.loads(district.geometry),
                "properties": {"name": district.name, "url": district.get_absolute_url()},
            }
            for district in districts
        ],
    }


def by_initial(districts):
    """Return [(letter, districts)] for an A to Z index: the districts in name order, grouped by first letter."""
    return [
        (letter, list(group)) for letter, group in groupby(districts, key=lambda district: district.name[:1].upper())
    ]
