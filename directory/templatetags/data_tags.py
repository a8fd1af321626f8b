import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def selection_query(context):
    """Return the query string of the selection in force, for links to its other views and downloads."""
    encoded = context["filter"].query_in_force().urlencode()
    return f"?{encoded}" if encoded else ""


@register.filter
def code_spans(text):
    """Escape the text and show `backticked` words as code, as the OpenAPI document writes them."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(conditional_escape(text))))
