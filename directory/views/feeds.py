"""The Atom feed of changes to published mutuals."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from ..changes import recent_changes


class ChangeFeed(Feed):
    feed_type = Atom1Feed
    title = f"{settings.DIRECTORY['SITE_NAME']}: changes"
    subtitle = "Public service mutuals added to the directory, updated, closed, merged or returned in-house."
    author_name = settings.DIRECTORY["SITE_NAME"]

    def get_object(self, request, *args, **kwargs):
        return request

    def link(self):
        return reverse("directory:home")

    def feed_url(self):
        return reverse("directory:feed")

    def feed_copyright(self):
        return f"Data published under the {settings.DIRECTORY['DATA_LICENCE']}"

    def items(self, request):
        return recent_changes(request)

    def item_title(self, change):
        return change.title

    def item_description(self, change):
        return change.description

    def item_link(self, change):
        return change.url

    def item_guid(self, change):
        return f"{change.url}#change-{change.history_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.date

    def item_updateddate(self, change):
        return change.date

    def item_categories(self, change):
        return [change.kind]
