from django import template

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
