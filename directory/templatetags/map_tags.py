from django import template
from django.urls import reverse

from directory.map import mutual_feature, sector_glyph

register = template.Library()


@register.simple_tag(takes_context=True)
def selection_url(context, viewname):
    """Return the URL of `viewname` with the current selection's query string, less the page number."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    url = reverse(viewname)
    return f"{url}?{query.urlencode()}" if query else url


@register.filter
def glyph(sector):
    """Return the letters the sector's markers show."""
    return sector_glyph(sector.slug, sector.name)


@register.simple_tag(takes_context=True)
def map_feature(context, mutual):
    """Return the mutual as the GeoJSON Feature its small map shows."""
    return mutual_feature(mutual, context["request"])
