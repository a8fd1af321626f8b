import re

from django import template
from django.http import QueryDict
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def selection_query(context):
    """Return the listing's query string for its exports: without `page`, and without the values the listing ignored."""
    request, filterset = context["request"], context["filter"]
    query = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name == "page" or name in filterset.errors:
            continue
        chosen = filterset.data.getlist(name) if name in filterset.filters else [value for value in values if value]
        query.setlist(name, chosen)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


@register.filter
def code_spans(text):
    """Escape the text and show `backticked` words as code, as the OpenAPI document writes them."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(conditional_escape(text))))
