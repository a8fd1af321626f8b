from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property

from .db import by_name
from .models import Commissioner, District, Mutual, Region, Sector
from .records import path_around_slug


class PageSitemap(Sitemap):
    """The site's fixed pages."""

    names = [
        "directory:home",
        "directory:mutual-list",
        "directory:mutual-map",
        "directory:stats",
        "directory:sector-list",
        "directory:region-list",
        "directory:area-list",
        "directory:commissioner-list",
        "directory:about",
        "directory:accessibility",
        "directory:api",
    ]

    def items(self):
        return self.names

    def location(self, item):
        return reverse(item)


class MutualSitemap(Sitemap):
    """Every published mutual's page, with the time its record last changed, 5,000 to a sitemap.

    The protocol allows 50,000; 5,000 make about 0.6 MB, which the page cache keeps, in half a second.
    """

    limit = 5000

    def items(self):
        return Mutual.objects.published().only("slug", "updated_at").order_by(by_name())

    @cached_property
    def path_parts(self):
        return path_around_slug("directory:mutual-detail")

    def location(self, mutual):
        head, tail = self.path_parts
        return f"{head}{mutual.slug}{tail}"

    def lastmod(self, mutual):
        return mutual.updated_at

    def get_latest_lastmod(self):
        # For the index: one query, where Django's default would read every mutual.
        return Mutual.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class GroupSitemap(Sitemap):
    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.only("slug").order_by(by_name())


class CommissionerSitemap(Sitemap):
    """The buyers with at least one contract with a published mutual."""

    def items(self):
        return Commissioner.objects.with_published_contracts().order_by(by_name())


SITEMAPS = {
    "pages": PageSitemap,
    "mutuals": MutualSitemap,
    "sectors": GroupSitemap(Sector),
    "regions": GroupSitemap(Region),
    "areas": GroupSitemap(District),
    "commissioners": CommissionerSitemap,
}
