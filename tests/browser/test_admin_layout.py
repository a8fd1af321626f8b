"""The editors' admin on a 1280-pixel screen: the mutual's form and the list fit, with nothing cut off or sideways."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import ContractFactory, MutualFactory, SourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Sources are often long addresses with query strings, like the seed's local-government news articles.
LONG_ADDRESSES = [
    "https://www.example.org/index.php?option=com_content&view=article&id=13983%3Afirst-local-government-mutual"
    "-sees-lift-off&catid=57&Itemid=25",
    "https://www.example.org/2015/05/11/prospects-pilot-mutual-joint-venture-to-deliver-public-services-between"
    "-two-employee-owned-mutuals-delivering/",
    "https://www.example.org/government/news/mutuals-support-programme-2-years-on-supporting-staff-led-spin-outs",
]


def sign_in(page):
    User.objects.create_superuser("chief", "chief@example.org", "a-long-test-password")
    page.goto(reverse("admin:login"))
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_url(f"**{reverse('admin:index')}")


def sideways_scroll(page):
    """Return how many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def overflowing(page, selector):
    """Return how far each element matching `selector` is wider than its box, by its id or class."""
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
            .filter(element => element.scrollWidth > element.clientWidth)
            .map(element => `${element.id || element.className}: ${element.scrollWidth - element.clientWidth}px`)""",
        selector,
    )


class AdminLayoutTests:
    def test_a_mutual_with_long_source_addresses_fits_its_form(self, page):
        mutual = MutualFactory(name="Three Borough Mutual", source=None)
        for position, address in enumerate(LONG_ADDRESSES):
            SourceFactory(mutual=mutual, url=address, title="", position=position)
        ContractFactory(mutual=mutual, service="Finance, IT and building services to schools in three boroughs")
        sign_in(page)
        page.goto(reverse("admin:directory_mutual_change", args=[mutual.pk]))
        page.wait_for_selector("[data-location-picker][data-map-ready]")
        assert sideways_scroll(page) == 0
        assert overflowing(page, "#sources-group, #sources-group fieldset, #contracts-group") == []
        form = page.locator("#mutual_form").bounding_box()
        table = page.locator("#sources-group table").bounding_box()
        assert table["x"] >= form["x"] and table["x"] + table["width"] <= form["x"] + form["width"] + 0.5
        # Each address is still there in full, to read and to follow.
        links = page.locator("#sources-group p.url a")
        assert links.evaluate_all("links => links.map(link => link.href)") == LONG_ADDRESSES

    def test_every_column_of_the_list_of_mutuals_shows(self, page):
        MutualFactory(name="Allied Health Professionals Suffolk Community Interest Company (AHPS)")
        MutualFactory(name="Aspire Community Benefit Society", is_published=False)
        MutualFactory.create_batch(3)
        sign_in(page)
        page.goto(reverse("admin:directory_mutual_changelist"))
        assert sideways_scroll(page) == 0
        assert overflowing(page, "#changelist .results") == []
        results = page.locator("#changelist .results").bounding_box()
        headers = page.locator("#result_list thead th")
        assert headers.count() == 10  # the tick box and the nine columns of MutualAdmin.list_display
        for header in headers.all():
            box = header.bounding_box()
            assert box["width"] > 0, header.inner_text()
            assert results["x"] <= box["x"] and box["x"] + box["width"] <= results["x"] + results["width"] + 0.5, (
                f"The column {header.inner_text()!r} is cut off"
            )
        assert page.get_by_role("link", name="Preview draft").is_visible()
