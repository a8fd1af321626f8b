from django import template

from directory import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def organization_json_ld(context, mutual):
    """Render a mutual's schema.org Organization as JSON-LD."""
    page_url = context["request"].build_absolute_uri(mutual.get_absolute_url())
    return seo.json_ld(seo.organization(mutual, page_url))
