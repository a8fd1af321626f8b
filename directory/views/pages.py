"""The site's pages: home, a mutual, sectors, regions, buyers, statistics, about, and the correction form."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.validators import slug_re
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import CreateView, DetailView

from mutuals_site.ops.ratelimits import limit_reports

from .. import stats, tallies
from ..forms import CorrectionForm, SuggestionForm
from ..models import Commissioner, District, Mutual, PublishedFigure, Region, Sector
from ..pagination import page_or_first


def home(request):
    counted = tallies.of_every_published_mutual()
    context = {
        "figures": stats.headline_figures(Mutual.objects.published(), counted),
        "published_figures": PublishedFigure.objects.headline(),
        "sectors": stats.with_active_counts(Sector, counted),
        "regions": stats.with_active_counts(Region, counted),
        "districts": District.objects.for_picker(),
    }
    return render(request, "directory/home.html", context)


class MutualDetailView(DetailView):
    template_name = "directory/mutual_detail.html"

    def get_queryset(self):
        return Mutual.objects.published().for_detail_page()


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
    page_obj, page_message = page_or_first(request, mutuals.for_listing())
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
        "stats": stats.Statistics(Mutual.objects.published(), tallies.of_every_published_mutual()),
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
        "figures": stats.headline_figures(Mutual.objects.published(), tallies.of_every_published_mutual()),
    }
    return render(request, "directory/about.html", context)


class ReaderReportView(CreateView):
    """A reader's report to the editors' queue, sent at most RATELIMIT_FORMS times per client."""

    success_message = "Thank you. An editor will check it against its source."

    @limit_reports
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        self.object = form.save()
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class CorrectionCreateView(ReaderReportView):
    """Report a mistake on a mutual's record (`?mutual=<slug>`), or on the directory in general."""

    form_class = CorrectionForm
    template_name = "directory/correction_form.html"
    success_message = "Thank you. An editor will check your report against its source."

    def get_initial(self):
        return {"mutual": self.mutual}

    def get_context_data(self, **kwargs):
        return super().get_context_data(mutual=self.mutual, **kwargs)

    @cached_property
    def mutual(self):
        slug = self.request.GET.get("mutual", "")
        return Mutual.objects.published().filter(slug=slug).first() if slug_re.fullmatch(slug) else None

    def get_success_url(self):
        mutual = self.object.mutual
        return mutual.get_absolute_url() if mutual else reverse("directory:about")


class SuggestionCreateView(ReaderReportView):
    """Tell the editors about a mutual the directory does not list."""

    form_class = SuggestionForm
    template_name = "directory/suggestion_form.html"
    success_message = "Thank you. An editor will look for its sources before adding it."

    def get_success_url(self):
        return reverse("directory:home")
