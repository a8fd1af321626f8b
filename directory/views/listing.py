"""The listing and the map: two views of the same selection, with the same filters, facets and words."""

from django.urls import reverse
from django_filters.views import FilterView

from .. import tallies
from ..facets import Facets
from ..filters import ALL_STATUSES, MutualFilter
from ..geojson import feature_collection
from ..maps import BOUNDARIES_CREDIT, area_table, legend, mutuals_without_region, points_limit, script_settings
from ..models import District, Mutual
from ..pagination import page_or_first
from ..search import closest_names
from ..selection import describe


class SelectionMixin:
    """A page of a selection: its filters and facets, what it is in words, and what was ignored."""

    filterset_class = MutualFilter
    strict = False

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}

    def selection_context(self, facets, page_message=None):
        filterset, count = self.filterset, facets.total
        search = filterset.cleaned_data.get("q") or ""
        return {
            "facets": facets,
            "selection": describe(filterset, count),
            "search": search,
            "suggestions": closest_names(filterset.selection_without("q"), search) if search and not count else [],
            "ignored": [*filterset.messages, *filter(None, [page_message])],
            "districts": District.objects.for_picker(),
        }


class MutualListView(SelectionMixin, FilterView):
    template_name = "directory/mutual_list.html"

    def get_queryset(self):
        return Mutual.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        facets = Facets(self.filterset)
        page_obj, page_message = page_or_first(self.request, self.object_list, count=facets.total)
        return super().get_context_data(page_obj=page_obj, **self.selection_context(facets, page_message), **kwargs)


class MutualMapView(SelectionMixin, FilterView):
    """Every mutual of a small selection on the map and in its list; a large one loaded by area, and listed in pages."""

    template_name = "directory/mutual_map.html"
    with_areas = True  # The "Where they work" view: its districts and counts, from /areas.json and in a table.

    def get_queryset(self):
        return Mutual.objects.published().for_map()

    def get_context_data(self, **kwargs):
        facets = Facets(self.filterset)
        total = facets.total
        kwargs.update(self.large_selection(total) if total > points_limit() else self.small_selection())
        key = legend(facets["sector"])
        if self.with_areas:
            query = self.filterset.query_in_force().urlencode()
            kwargs["areas"] = area_table(self.filterset)
            kwargs["boundaries_credit"] = BOUNDARIES_CREDIT
            kwargs["areas_url"] = reverse("directory:area-counts") + (f"?{query}" if query else "")
        return super().get_context_data(
            total=total,
            legend=key,
            regions=facets["region"],
            no_region=mutuals_without_region(facets["region"], total),
            map_settings=script_settings(key),
            **self.selection_context(facets, kwargs.pop("page_message", None)),
            **kwargs,
        )

    def small_selection(self):
        mutuals = list(self.object_list)
        located = [mutual for mutual in mutuals if mutual.has_location]
        unlocated = [mutual for mutual in mutuals if not mutual.has_location]
        return {
            "object_list": mutuals,
            "located": located,
            "located_count": len(located),
            "unlocated": unlocated,
            "unlocated_count": len(unlocated),
            "map_data": feature_collection(mutuals, self.request),
        }

    def large_selection(self, total):
        if tallies.usable_for(self.filterset):
            extent = tallies.extent(self.filterset, ALL_STATUSES)
        else:
            extent = self.object_list.extent()
        page_obj, page_message = page_or_first(self.request, self.object_list, count=total)
        query = self.filterset.query_in_force().urlencode()
        geojson = reverse("directory:mutual-geojson") + (f"?{query}" if query else "")
        return {
            "object_list": page_obj.object_list,
            "page_obj": page_obj,
            "page_message": page_message,
            "large": True,
            "located_count": extent["located"],
            "unlocated_count": total - extent["located"],
            "map_config": {
                "url": geojson,
                "located": extent["located"],
                "bounds": extent["bounds"],
            },
        }
