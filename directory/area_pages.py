"""What an area's page shows: the mutuals named in a district by sector, those working everywhere, and its map."""

import json
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby

from .maps import sector_glyph
from .models import Mutual

COORDINATE_PLACES = 6


# How many mutuals an area's page shows in each group (a sector's, those working everywhere, those that ended): at
# 100,000 mutuals hundreds are named in a district and thousands work everywhere. The listing of the area has them all.
SHOWN = 20


@dataclass
class Group:
    """The first SHOWN mutuals of a group, A to Z, and how many it has in all."""

    mutuals: list
    count: int
    sector: object = None  # a sector's group: the sector the mutuals are mainly known for

    @property
    def more(self):
        return self.count - len(self.mutuals)


@dataclass
class AreaMutuals:
    """The mutuals serving a district, as its page lists them."""

    named: list  # every active mutual named there, by primary sector, then A to Z
    everywhere: Group  # active mutuals that work across regions or nationally
    ended: Group  # closed, merged or returned in-house, named there or working everywhere

    @cached_property
    def by_sector(self):
        """Return a Group of the mutuals named there for each sector they are mainly known for, A to Z."""
        groups = []
        for sector, members in groupby(self.named, key=lambda mutual: mutual.primary_sector):
            members = list(members)
            groups.append(Group(members[:SHOWN], len(members), sector))
        return groups

    @property
    def named_count(self):
        return len(self.named)


def area_mutuals(district):
    """Return the published mutuals serving the district, grouped for its page (four queries, however many)."""
    published = Mutual.objects.published()
    active = published.filter(status=Mutual.Status.ACTIVE)
    # Every active mutual named there (as many as work in one district, never the whole directory), for the map.
    named = sorted(active.named_in([district]).for_area_page(), key=lambda mutual: mutual.primary_sector.name)
    counts = published.area_page_counts(district)
    ended = published.serving([district]).exclude(status=Mutual.Status.ACTIVE)
    return AreaMutuals(
        named=named,
        everywhere=Group(list(active.working_everywhere().for_area_page()[:SHOWN]), counts["everywhere"]),
        ended=Group(list(ended.for_area_page()[:SHOWN]), counts["ended"]),
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
