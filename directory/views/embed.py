"""The map and the list of a selection for other sites to frame: the same views, with minimal chrome.

Framing is allowed by path, in the CSP middleware (EMBED_URLS_REGEX), so that copies from the page cache allow it too.
"""

from .listing import MutualListView, MutualMapView


class EmbedMapView(MutualMapView):
    template_name = "directory/embed_map.html"
    with_areas = False


class EmbedListView(MutualListView):
    template_name = "directory/embed_list.html"
