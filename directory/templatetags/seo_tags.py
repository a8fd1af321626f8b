from django import template

from directory import seo
from directory.records import mutual_record

register = template.Library()


@register.simple_tag(takes_context=True)
def organization_json_ld(context, mutual):
    """Render a mutual's schema.org Organization as JSON-LD."""
    return seo.json_ld(seo.organization(mutual_record(mutual, context["request"])))
