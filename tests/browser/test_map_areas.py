"""The map's "Where they work" view: districts shaded by how many mutuals of the selection work there."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from directory.models import Mutual
from tests.browser.conftest import SCREENSHOTS, wait_until
from tests.browser.test_accessibility import axe_report
from tests.factories import DistrictFactory, MutualFactory, RegionFactory, SectorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

READY, AREAS_READY = "body[data-map-ready]", "body[data-areas-ready]"


@pytest.fixture
def world():
    """Two districts side by side; Leeds named by a health and a leisure mutual, Bradford by one; one works nationally."""
    region = RegionFactory(name="Yorkshire and The Humber")
    health, leisure = SectorFactory(name="Health"), SectorFactory(name="Leisure")
    leeds, bradford = DistrictFactory(name="Leeds"), DistrictFactory(name="Bradford")
    for name, sector, districts, place in [
        ("Leeds Health Mutual", health, [leeds, bradford], (53.8, -1.55)),
        ("Leeds Leisure Trust", leisure, [leeds], (53.79, -1.54)),
    ]:
        mutual = MutualFactory(
            name=name,
            region=region,
            primary_sector=sector,
            latitude=place[0],
            longitude=place[1],
            area_scope=Mutual.AreaScope.LOCAL,
            area_basis=Mutual.AreaBasis.SOURCE,
        )
        mutual.districts.set(districts)
    MutualFactory(
        name="National Health Mutual",
        region=region,
        primary_sector=health,
        area_scope=Mutual.AreaScope.NATIONAL,
        area_basis=Mutual.AreaBasis.SOURCE,
    )


def open_map(page, query=None):
    page.goto(reverse("directory:mutual-map") + (f"?{urlencode(query)}" if query else ""))
    page.wait_for_selector(READY)


def shaded_count(page, slug):
    return page.get_attribute(f"#mutual-map path[data-slug='{slug}']", "data-count")


class WhereTheyWorkTests:
    def test_chosen_with_the_keyboard_it_shades_the_districts_with_a_key_and_a_note(self, page, world):
        open_map(page)
        page.focus("#map-view-based")
        page.keyboard.press("ArrowRight")
        page.wait_for_selector(AREAS_READY)
        expect(page.locator("#map-view-areas")).to_be_checked()
        assert (shaded_count(page, "leeds"), shaded_count(page, "bradford")) == ("2", "1")
        expect(page.locator("#areas-legend li")).to_have_text(["1 mutual", "2 mutuals", "none (not shaded)"])
        expect(page.locator("#areas-everywhere")).to_have_text(
            "1 mutual of this selection works across regions or nationally and is not shaded."
        )
        expect(page.locator(".leaflet-control-attribution")).to_contain_text("Contains OS data © Crown copyright")
        # The markers are where they are based: hidden in this view.
        expect(page.locator(".leaflet-marker-pane")).to_be_hidden()
        page.screenshot(path=SCREENSHOTS / "map-where-they-work.png", full_page=True, animations="disabled")

    def test_in_step_with_a_sector_filter(self, page, world):
        open_map(page)
        page.check("#map-view-areas")
        page.wait_for_selector(AREAS_READY)
        assert shaded_count(page, "leeds") == "2"
        open_map(page, {"sector": "leisure"})
        # The view chosen is kept while filtering.
        page.wait_for_selector(AREAS_READY)
        expect(page.locator("#map-view-areas")).to_be_checked()
        assert (shaded_count(page, "leeds"), shaded_count(page, "bradford")) == ("1", "0")
        expect(page.locator("#areas-status")).to_have_text("Shaded: 1 district where mutuals of this selection work.")

    def test_axe_finds_nothing_wrong_in_this_view(self, page, world):
        open_map(page)
        page.check("#map-view-areas")
        page.wait_for_selector(AREAS_READY)
        page.click(".app-map-areas__table summary")
        assert axe_report(page) == ""

    def test_choosing_a_district_opens_its_page(self, page, world):
        open_map(page)
        page.check("#map-view-areas")
        page.wait_for_selector(AREAS_READY)
        page.click("#mutual-map path[data-slug='bradford']")
        page.wait_for_url("**" + reverse("directory:area-detail", kwargs={"slug": "bradford"}))

    def test_opening_a_mutual_outlines_its_districts(self, page, world):
        open_map(page)
        page.check("#map-view-areas")
        page.wait_for_selector(AREAS_READY)
        page.get_by_role("button", name="Show Leeds Health Mutual on map").click()
        expect(page.locator("#map-view-based")).to_be_checked()
        expect(page.locator(".leaflet-popup")).to_contain_text("Leeds Health Mutual")
        wait_until(page, "document.getElementById('mutual-map').dataset.outlined === '2'")
