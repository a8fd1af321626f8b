from django import template

from directory.area_pages import boundaries
from directory.geojson import mutual_feature
from directory.maps import sector_glyph

register = template.Library()


@register.filter
def glyph(sector):
    """Return the letters the sector's markers show."""
    return sector_glyph(sector.slug, sector.name)


@register.simple_tag(takes_context=True)
def map_feature(context, mutual):
    """Return the mutual as the GeoJSON Feature its small map shows."""
    return mutual_feature(mutual, context["request"])


@register.filter
def area_boundaries(districts):
    """Return the districts' boundaries as the GeoJSON FeatureCollection a small map shades."""
    return boundaries(districts)
