from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import CreateView, DetailView
from django_filters.views import FilterView

from . import stats
from .filters import MutualFilter
from .forms import CorrectionForm
from .models import Commissioner, Mutual, PublishedFigure, Region, Sector
from .search import closest_names
from .selection import describe

PAGE_SIZE = 25


def paginate(request, queryset, per_page=PAGE_SIZE, count=None):
    """Return the requested page, or the first one, and a sentence if the request asked for a page that isn't there."""
    raw = request.GET.get("page", "").strip() or "1"
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # Already known (e.g. from facet counts): don't count again.
    page_obj = paginator.get_page(raw)
    valid = raw.isdigit() and 1 <= int(raw) <= page_obj.paginator.num_pages
    if valid:
        return page_obj, None
    page_obj = page_obj.paginator.page(1)
    return (
        page_obj,
        f"Ignored page “{raw[:20]}”: there is no such page, so this is page 1.",
    )


def home(request):
    mutuals = Mutual.objects.published()
    context = {
        "figures": mutuals.headline_figures(),
        "published_figures": PublishedFigure.objects.headline(),
        "sectors": Sector.objects.with_active_counts(),
        "regions": Region.objects.with_active_counts(),
    }
    return render(request, "directory/home.html", context)


class SelectionMixin:
    """A page of the listing's selection (the listing, the map): its filters, facets, words and what was ignored."""

    filterset_class = MutualFilter
    strict = False

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}

    def selection_context(self, count, page_message=None):
        filterset = self.filterset
        search = filterset.cleaned_data.get("q") or ""
        unmatched = search and not count
        return {
            "selection": describe(filterset, count),
            "search": search,
            "suggestions": closest_names(filterset.selection_without("q"), search) if unmatched else [],
            "ignored": [*filterset.messages, *filter(None, [page_message])],
        }


class MutualListView(SelectionMixin, FilterView):
    template_name = "directory/mutual_list.html"

    def get_queryset(self):
        return Mutual.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        facets = self.filterset.facets()
        count = self.filterset.count()
        page_obj, page_message = paginate(self.request, self.object_list, count=count)
        context = self.selection_context(count, page_message)
        return super().get_context_data(page_obj=page_obj, facets=facets, **context, **kwargs)


class MutualDetailView(DetailView):
    template_name = "directory/mutual_detail.html"

    def get_queryset(self):
        return Mutual.objects.published().for_detail()


def sector_list(request):
    statistics = stats.by_sector(Mutual.objects.published())
    return render(request, "directory/sector_list.html", {"breakdown": statistics})


def sector_detail(request, slug):
    sector = get_object_or_404(Sector, slug=slug)
    mutuals = Mutual.objects.published().in_sector(sector)
    context = grouped_page_context(request, sector, mutuals, other="region", query={"sector": sector.slug})
    return render(request, "directory/sector_detail.html", context)


def region_list(request):
    statistics = stats.by_region(Mutual.objects.published())
    return render(request, "directory/region_list.html", {"breakdown": statistics})


def region_detail(request, slug):
    region = get_object_or_404(Region, slug=slug)
    mutuals = Mutual.objects.published().in_region(region)
    context = grouped_page_context(request, region, mutuals, other="sector", query={"region": region.slug})
    return render(request, "directory/region_detail.html", context)


def grouped_page_context(request, group, mutuals, other, query):
    page_obj, page_message = paginate(request, mutuals.for_listing())
    return {
        "object": group,
        "figures": stats.group_figures(mutuals, other, query),
        "query": urlencode({**query, "status": "all"}),
        "page_obj": page_obj,
        "ignored": [page_message] if page_message else [],
    }


def commissioner_list(request):
    return render(request, "directory/commissioner_list.html", {"commissioners": Commissioner.objects.for_index()})


def commissioner_detail(request, slug):
    commissioner = get_object_or_404(Commissioner.objects.for_detail(), slug=slug)
    return render(request, "directory/commissioner_detail.html", {"object": commissioner})


def statistics(request):
    context = {
        "stats": stats.Statistics(Mutual.objects.published()),
        "published_headline": PublishedFigure.objects.headline(),
        "published_figures": PublishedFigure.objects.all(),
    }
    return render(request, "directory/stats.html", context)


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Allow: /",
        f"Disallow: {reverse('admin:index')}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('directory:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request):
    """Send browsers' automatic request for /favicon.ico to the icon among the static files."""
    return redirect(static("directory/favicon.ico"))


def accessibility(request):
    return render(request, "directory/accessibility.html")


def about(request):
    context = {
        "published_figures": PublishedFigure.objects.all(),
        "figures": Mutual.objects.published().headline_figures(),
    }
    return render(request, "directory/about.html", context)


class CorrectionCreateView(CreateView):
    form_class = CorrectionForm
    template_name = "directory/correction_form.html"

    def get_initial(self):
        return {"mutual": self.mutual}

    def get_context_data(self, **kwargs):
        return super().get_context_data(mutual=self.mutual, **kwargs)

    @cached_property
    def mutual(self):
        return Mutual.objects.published().filter(slug=self.request.GET.get("mutual", "")).first()

    def form_valid(self, form):
        form.save()
        messages.success(
            self.request,
            "Thank you. An editor will check your correction against its source.",
        )
        mutual = form.instance.mutual
        return redirect(mutual.get_absolute_url() if mutual else "directory:about")
