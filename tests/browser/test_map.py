import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from directory.models import Mutual
from tests.browser.conftest import SCREENSHOTS, wait_until
from tests.browser.keyboard import filter_with_keyboard, press_tab_until
from tests.browser.test_accessibility import axe_report
from tests.factories import MutualFactory, RegionFactory, SectorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

READY = "body[data-map-ready]"
QUERIES = [
    {},
    {"sector": "health"},
    {"region": "london"},
    {"sector": "health", "region": "london"},
    {"sector": "libraries", "region": "north-west"},
    {"status": "all"},
    {"q": "health"},
]


@pytest.fixture
def world():
    """Mutuals in three regions: a cluster in London, two at one point, one with no location, a closed one, a draft."""
    regions = {name: RegionFactory(name=name) for name in ("London", "North West", "Yorkshire and The Humber")}
    sectors = {name: SectorFactory(name=name) for name in ("Health", "Libraries", "Leisure")}
    for name, region, sector, town, place in [
        ("Bow Health CIC", "London", "Health", "Bow", (51.53, -0.02)),
        ("Camden Health Mutual", "London", "Health", "Camden", (51.53, -0.02)),
        ("Hackney Health CIC", "London", "Health", "Hackney", (51.545, -0.055)),
        ("Thames Libraries Mutual", "London", "Libraries", "Southwark", (51.5, -0.09)),
        ("York Leisure Trust", "Yorkshire and The Humber", "Leisure", "York", (53.96, -1.08)),
        ("Bolton Libraries CIC", "North West", "Libraries", "Bolton", (53.58, -2.43)),
        ("Nowhere Health CIC", "London", "Health", "", (None, None)),
    ]:
        MutualFactory(
            name=name,
            region=regions[region],
            primary_sector=sectors[sector],
            town=town,
            latitude=place[0],
            longitude=place[1],
            location_basis=Mutual.LocationBasis.TOWN_CENTRE if place[0] else "",
        )
    MutualFactory(
        name="Manchester Health and Leisure",
        region=regions["North West"],
        primary_sector=sectors["Health"],
        sectors=[sectors["Leisure"]],
        town="Manchester",
        latitude=53.48,
        longitude=-2.24,
    )
    MutualFactory(
        name="Leeds Health Mutual",
        region=regions["Yorkshire and The Humber"],
        primary_sector=sectors["Health"],
        location_basis=Mutual.LocationBasis.ADDRESS,
    )
    MutualFactory(name="Closed Health Mutual", region=regions["London"], status=Mutual.Status.CLOSED)
    MutualFactory(name="Draft Health Mutual", region=regions["London"], is_published=False)


def url(name, query=None, **kwargs):
    return reverse(name, kwargs=kwargs or None) + (f"?{urlencode(query, doseq=True)}" if query else "")


def open_map(page, query=None):
    page.goto(url("directory:mutual-map", query))
    page.wait_for_selector(READY)


def marker_count(page):
    return int(page.get_attribute("#mutual-map", "data-marker-count"))


def markers_drawn(page):
    """Count the mutuals the map draws: single markers plus the numbers on cluster icons."""
    clusters = page.locator(".app-cluster__count").all_inner_texts()
    return page.locator(".app-marker-icon").count() + sum(int(count) for count in clusters)


def listing(page, query):
    page.goto(url("directory:mutual-list", query))
    count = int(page.inner_text("#results-heading").split()[0])
    return count, set(page.locator(".app-card__title a").all_inner_texts())


def list_names(page, selector):
    return [name.strip() for name in page.locator(f"{selector} .app-map-list__text > a").all_inner_texts()]


def press_enter_on_a_group(page):
    """Tab to the first group of markers, press Enter and wait for the map to zoom in."""
    press_tab_until(page, ".app-cluster-icon")
    zoom = int(page.get_attribute("#mutual-map", "data-zoom"))
    page.keyboard.press("Enter")
    wait_until(page, f"Number(document.querySelector('#mutual-map').dataset.zoom) > {zoom}")


def show_on_map(page, name):
    page.get_by_role("button", name=f"Show {name} on map").click()
    popup = page.locator(".leaflet-popup")
    popup.get_by_role("heading", name=name).wait_for()
    # The map pans to show the popup: a click during the pan can scroll the map's box and land beside the link.
    wait_until(page, "!document.querySelector('.leaflet-map-pane.leaflet-pan-anim')")
    # The popup fades in: axe, reading its text half-faded, would find its contrast too low.
    wait_until(page, "getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    return popup


class MapMatchesListingTests:
    @pytest.mark.parametrize("query", QUERIES, ids=lambda query: urlencode(query, doseq=True) or "everything")
    def test_the_map_shows_exactly_the_mutuals_the_listing_shows(self, page, world, query):
        listing_count, listing_names = listing(page, query)
        open_map(page, query)
        located = list_names(page, "#map-list-heading + .app-map-list")
        unlocated = list_names(page, "#unlocated-heading ~ .app-map-list")
        assert marker_count(page) == len(located)
        assert markers_drawn(page) == len(located)
        assert len(located) + len(unlocated) == listing_count
        assert set(located) | set(unlocated) == listing_names

    def test_the_listing_links_to_a_map_of_the_same_selection_and_back(self, page, world):
        query = {"sector": "health", "region": "london"}
        page.goto(url("directory:mutual-list", query))
        page.get_by_role("link", name="View these on a map").click()
        expect(page).to_have_url(re.compile(re.escape(url("directory:mutual-map", query)) + "$"))
        page.wait_for_selector(READY)
        assert marker_count(page) == 3
        page.get_by_role("link", name="View as a list").click()
        expect(page).to_have_url(re.compile(re.escape(url("directory:mutual-list", query)) + "$"))

    def test_choosing_a_region_in_the_overview_filters_the_map(self, page, world):
        open_map(page, {"sector": "libraries"})
        page.get_by_role("link", name="North West").click()
        expected = url("directory:mutual-map", {"sector": "libraries", "region": "north-west"})
        expect(page).to_have_url(re.compile(re.escape(expected) + "$"))
        page.wait_for_selector(READY)
        assert list_names(page, "#map-list-heading + .app-map-list") == ["Bolton Libraries CIC"]


class PopupTests:
    def test_a_popup_says_what_the_mutual_is_and_links_to_its_page(self, page, world):
        open_map(page)
        popup = show_on_map(page, "York Leisure Trust")
        text = popup.inner_text()
        assert "Leisure" in text and "York, Yorkshire and The Humber" in text and "Active" in text
        assert "approximate" in text
        popup.get_by_role("link", name="More about York Leisure Trust").click()
        page.wait_for_url(re.compile(re.escape(url("directory:mutual-detail", slug="york-leisure-trust")) + "$"))
        assert page.inner_text("h1") == "York Leisure Trust"

    def test_a_location_from_a_street_address_is_not_called_approximate(self, page, world):
        open_map(page)
        assert "approximate" not in show_on_map(page, "Leeds Health Mutual").inner_text()

    def test_clicking_a_marker_opens_its_popup(self, page, world):
        open_map(page, {"region": "yorkshire-and-the-humber"})
        page.locator(".app-marker-icon", has_text="York Leisure Trust").click()
        assert page.locator(".leaflet-popup h3").inner_text() == "York Leisure Trust"


class ListAndMapAgreeTests:
    def test_every_item_in_the_list_opens_its_own_marker(self, page, world):
        open_map(page)
        names = list_names(page, "#map-list-heading + .app-map-list")
        assert len(names) == marker_count(page) == 8
        for name in names:
            show_on_map(page, name)
            focused = page.evaluate("document.activeElement.closest('.app-marker-icon')?.textContent")
            assert focused and name in focused
            page.keyboard.press("Escape")
            page.locator(".leaflet-popup").wait_for(state="detached")
            assert page.evaluate("document.activeElement.textContent") == f"Show {name} on map"

    def test_mutuals_without_a_location_are_listed_and_not_placed(self, page, world):
        open_map(page, {"region": "london"})
        assert list_names(page, "#unlocated-heading ~ .app-map-list") == ["Nowhere Health CIC"]
        assert page.get_by_role("button", name="Show Nowhere Health CIC on map").count() == 0
        assert page.locator(".app-marker-icon", has_text="Nowhere").count() == 0


class KeyboardTests:
    def test_a_keyboard_user_filters_and_reaches_a_mutuals_page(self, page, world):
        open_map(page)
        filter_with_keyboard(page, "#sector-health", "#region-london")
        page.wait_for_url(re.compile(r"sector=health.*region=london"))
        page.wait_for_selector(READY)
        listing_count, _ = listing(page, {"sector": "health", "region": "london"})
        page.go_back()
        page.wait_for_selector(READY)
        assert marker_count(page) + 1 == listing_count == 4

        press_tab_until(page, ".app-map-list__show[data-slug=hackney-health-cic]")
        page.keyboard.press("Enter")
        page.locator(".leaflet-popup").get_by_role("heading", name="Hackney Health CIC").wait_for()
        assert "Hackney Health CIC" in page.evaluate("document.activeElement.textContent")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "More about Hackney Health CIC"
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(re.escape(url("directory:mutual-detail", slug="hackney-health-cic")) + "$"))
        assert page.inner_text("h1") == "Hackney Health CIC"

    def test_the_map_zooms_and_pans_with_the_keyboard(self, page, world):
        open_map(page)
        press_tab_until(page, "#mutual-map")
        zoom = int(page.get_attribute("#mutual-map", "data-zoom"))
        page.keyboard.press("=")
        wait_until(page, f"document.querySelector('#mutual-map').dataset.zoom === '{zoom + 1}'")
        pane = page.locator(".leaflet-map-pane")
        before = pane.evaluate("pane => pane.style.transform")
        page.keyboard.press("ArrowRight")
        wait_until(page, "before => document.querySelector('.leaflet-map-pane').style.transform !== before", before)

    def test_enter_on_a_cluster_zooms_in_and_focuses_what_it_held(self, page, world):
        open_map(page)
        press_enter_on_a_group(page)
        wait_until(page, "document.activeElement?.matches('.app-marker-icon, .app-cluster-icon')")

    def test_enter_on_mutuals_at_one_place_spreads_them_out_and_focuses_the_first(self, page, world):
        open_map(page, {"region": "london"})
        press_tab_until(page, ".app-cluster-icon")
        page.keyboard.press("Enter")
        wait_until(page, "document.activeElement?.matches('.app-marker-icon')")
        assert re.search(r"(Bow|Camden) Health", page.evaluate("document.activeElement.textContent"))


class ResilienceTests:
    def test_without_tiles_the_markers_and_list_still_work(self, page, world, console_errors):
        page.route(re.compile(r"tile\.openstreetmap\.org"), lambda route: route.abort())
        open_map(page)
        assert marker_count(page) == 8
        page.get_by_text("The map's background could not load").wait_for()
        show_on_map(page, "Bolton Libraries CIC")
        # The tiles this test refused are logged as failed loads; nothing else may be.
        unexpected = [
            error for error in console_errors if not re.search(r"\[https?://[^/]*tile\.openstreetmap\.org/", error)
        ]
        console_errors.clear()
        assert unexpected == []

    @pytest.mark.parametrize("context_options", [{"java_script_enabled": False}])
    def test_without_javascript_the_page_lists_the_mutuals(self, page, world, context_options):
        page.goto(url("directory:mutual-map"))
        assert "The map needs JavaScript" in page.inner_text("#mutual-map")
        assert len(list_names(page, "#map-list-heading + .app-map-list")) == 8
        assert page.get_by_role("button", name=re.compile("on map")).count() == 0
        assert page.get_by_role("link", name="Bolton Libraries CIC").is_visible()


class DetailMapTests:
    def test_a_mutuals_page_shows_a_small_map_centred_on_it(self, page, world):
        page.goto(url("directory:mutual-detail", slug="york-leisure-trust"))
        page.wait_for_selector(READY)
        assert page.locator("#detail-map .app-marker-icon").count() == 1
        assert "where it is based, approximately" in page.inner_text(".app-detail-map")

    def test_a_mutual_without_a_location_has_no_map(self, page, world):
        page.goto(url("directory:mutual-detail", slug="nowhere-health-cic"))
        assert page.locator("#detail-map").count() == 0
        assert "not known" in page.inner_text("main")


class LayoutTests:
    @pytest.mark.parametrize(
        "viewport", [{"width": 1280, "height": 900}, {"width": 375, "height": 812}], ids=["1280", "375"]
    )
    def test_pages_fit_the_screen_and_are_saved_for_review(self, page, world, viewport):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for name, address in [
            ("map", url("directory:mutual-map", {"sector": "health"})),
            ("detail", url("directory:mutual-detail", slug="york-leisure-trust")),
        ]:
            page.goto(address)
            page.wait_for_selector(READY)
            page.screenshot(
                path=SCREENSHOTS / f"{name}-{viewport['width']}.png", full_page=True, animations="disabled"
            )
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.fixture
def large(settings):
    """Treat more than three mutuals as a large selection: the map loads them by area, in groups when there are many."""
    settings.DIRECTORY = {**settings.DIRECTORY, "MAP_POINTS_LIMIT": 3}


def wait_for_area(page, clustered):
    wait_until(page, f"document.querySelector('#mutual-map').dataset.clustered === '{str(clustered).lower()}'")
    wait_until(page, "!document.querySelector('#mutual-map').hasAttribute('aria-busy')")


class LargeSelectionTests:
    @pytest.mark.parametrize(
        "query", [{}, {"sector": "health"}, {"status": "all"}], ids=["everything", "health", "all"]
    )
    def test_the_groups_count_exactly_the_mutuals_the_listing_shows(self, page, world, large, query):
        listing_count, listing_names = listing(page, query)
        open_map(page, query)
        wait_for_area(page, clustered=True)
        listed = list_names(page, "#map-list-heading ~ .app-map-list")
        located = listing_count - 1  # Nowhere Health CIC has no location
        assert marker_count(page) == markers_drawn(page) == located
        assert page.get_by_role("status").filter(has_text="in groups").inner_text() == (
            f"{located} mutuals in this part of the map, shown in groups: "
            "zoom in or choose a group to see them one by one."
        )
        assert set(listed) == listing_names and len(listed) == listing_count
        assert page.locator("#map-data").count() == 0

    def test_choosing_groups_zooms_in_until_the_mutuals_show_one_by_one(self, page, world, large):
        open_map(page, {"region": "london"})
        for _ in range(6):
            if page.get_attribute("#mutual-map", "data-clustered") == "false":
                break
            zoom = int(page.get_attribute("#mutual-map", "data-zoom"))
            page.locator(".app-cluster--area").first.click()
            wait_until(page, f"Number(document.querySelector('#mutual-map').dataset.zoom) > {zoom}")
            wait_until(page, "!document.querySelector('#mutual-map').hasAttribute('aria-busy')")
        assert page.get_attribute("#mutual-map", "data-clustered") == "false"
        assert "Showing" in page.inner_text("#map-status")
        assert page.locator(".app-marker-icon").count() >= 1
        assert "Hackney" in show_on_map(page, "Hackney Health CIC").inner_text()

    def test_show_on_map_finds_the_mutual_and_opens_its_popup(self, page, world, large):
        open_map(page)
        popup = show_on_map(page, "York Leisure Trust")
        assert "York, Yorkshire and The Humber" in popup.inner_text()
        page.keyboard.press("Escape")
        page.locator(".leaflet-popup").wait_for(state="detached")
        assert page.evaluate("document.activeElement.textContent") == "Show York Leisure Trust on map"
        popup = show_on_map(page, "Bolton Libraries CIC")
        popup.get_by_role("link", name="More about Bolton Libraries CIC").click()
        page.wait_for_url(re.compile(re.escape(url("directory:mutual-detail", slug="bolton-libraries-cic")) + "$"))

    def test_enter_on_a_group_zooms_in_and_keeps_focus_in_the_map(self, page, world, large):
        open_map(page)
        press_enter_on_a_group(page)
        wait_until(page, "!document.querySelector('#mutual-map').hasAttribute('aria-busy')")
        assert page.evaluate("document.querySelector('#mutual-map').contains(document.activeElement)")

    def test_axe_finds_nothing_wrong_with_groups_or_an_open_popup(self, page, world, large):
        open_map(page)
        wait_for_area(page, clustered=True)
        assert axe_report(page) == ""
        show_on_map(page, "York Leisure Trust")
        assert axe_report(page) == ""

    def test_a_mutual_without_a_location_is_listed_as_such(self, page, world, large):
        open_map(page, {"region": "london"})
        item = page.locator(".app-map-list__item", has_text="Nowhere Health CIC")
        assert "location not known" in item.inner_text()
        assert item.get_by_role("button").count() == 0

    @pytest.mark.parametrize("context_options", [{"java_script_enabled": False}])
    def test_without_javascript_the_page_lists_the_mutuals(self, page, world, large, context_options):
        page.goto(url("directory:mutual-map"))
        assert "listed below, 25 to a page" in page.inner_text("#mutual-map")
        assert len(list_names(page, "#map-list-heading ~ .app-map-list")) == 9
        assert page.get_by_role("button", name=re.compile("on map")).count() == 0

    @pytest.mark.parametrize(
        "viewport", [{"width": 1280, "height": 900}, {"width": 375, "height": 812}], ids=["1280", "375"]
    )
    def test_the_page_fits_the_screen_and_is_saved_for_review(self, page, world, large, viewport):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        open_map(page)
        wait_for_area(page, clustered=True)
        page.screenshot(path=SCREENSHOTS / f"map-large-{viewport['width']}.png", full_page=True, animations="disabled")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
