"""Pages of a list: the listing's pages, which forgive a bad page number, and the API's, which refuse one."""

from django.core.paginator import Paginator

# Mutuals a page, on the site and (by default) in the API.
PAGE_SIZE = 25
MAX_API_PAGE_SIZE = 100


def page_or_first(request, queryset, per_page=PAGE_SIZE, count=None):
    """Return the requested page, or the first one, and a sentence if the request asked for a page that isn't there."""
    raw = request.GET.get("page", "").strip() or "1"
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # Already known (e.g. from facet counts): don't count again.
    page_obj = paginator.get_page(raw)
    if raw.isdigit() and 1 <= int(raw) <= page_obj.paginator.num_pages:
        return page_obj, None
    return page_obj.paginator.page(1), f"Ignored page “{raw[:20]}”: there is no such page, so this is page 1."
