from django import template

from directory import formats, trust

register = template.Library()

register.filter(formats.gbp)
register.filter(formats.gbp_short)


@register.simple_tag
def how_we_know(mutual):
    """Return the sources behind each section of a mutual's page (directory.trust.how_we_know)."""
    return trust.how_we_know(mutual)
