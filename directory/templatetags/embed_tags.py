from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


def iframe(context, name, title, height=640):
    """Return the <iframe> code that frames the page `name` (embed-map, embed-list) of the selection in force."""
    query = context["filter"].query_in_force().urlencode()
    url = context["request"].build_absolute_uri(reverse(f"directory:{name}") + (f"?{query}" if query else ""))
    return format_html(
        '<iframe src="{}" title="{}" width="100%" height="{}" style="border: 0" loading="lazy"></iframe>',
        url,
        title,
        height,
    )


@register.simple_tag(takes_context=True)
def embed_snippets(context):
    """Return the code that puts this selection's map, or its list, on another site."""
    selection, site = context["selection"], settings.DIRECTORY["SITE_NAME"]
    return [
        {
            "id": "map",
            "label": "Code for the map",
            "code": iframe(context, "embed-map", f"Map of {selection.phrase} – {site}"),
        },
        {
            "id": "list",
            "label": "Or for the list",
            "code": iframe(context, "embed-list", f"{selection.title} – {site}"),
        },
    ]
