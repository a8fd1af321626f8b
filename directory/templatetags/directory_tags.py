from django import template

from directory import formats, trust

register = template.Library()

register.filter(formats.gbp)
register.filter(formats.gbp_short)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """Return the current query string with some parameters replaced (None removes one)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def how_we_know(mutual):
    """Return the sources behind each section of a mutual's page (directory.trust.how_we_know)."""
    return trust.how_we_know(mutual)
