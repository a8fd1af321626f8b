"""The users' journeys through the directory, in Chromium: the public, a commissioner, a keyboard-only user, no JavaScript."""

import csv
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.http import QueryDict
from django.urls import reverse
from playwright.sync_api import expect

from directory.filters import MutualFilter
from directory.models import Mutual
from tests.browser.conftest import wait_until
from tests.browser.keyboard import filter_with_keyboard, focused, press_tab_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_JAVASCRIPT = {"java_script_enabled": False}
IGNORED = "Part of your search was ignored"
READY = "body[data-map-ready]"


def results_count(page):
    return int(page.inner_text("#results-heading").split()[0])


def warnings(page):
    """The banner that lists what was ignored: a normal search must not raise it."""
    return page.get_by_role("region", name=IGNORED)


def address(path, **chosen):
    """Return a check that a URL is `path` with exactly the chosen parameters: none empty, none left over."""
    expected = sorted((name, value) for name, values in chosen.items() for value in values.split("|"))

    def matches(url):
        parts = urlsplit(url)
        return parts.path == path and sorted(parse_qsl(parts.query, keep_blank_values=True)) == expected

    matches.__doc__ = f"{path}?{expected}"
    return matches


def submit(page, button, lands_on):
    """Press a form's button and wait for the page it loads (the same address again, too); then no warning shows."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    assert lands_on(page.url), f"{page.url} is not {lands_on.__doc__}"
    expect(warnings(page)).to_have_count(0)
    if page.locator("#mutual-map").count():
        page.wait_for_selector(READY, state="attached")


def selected(url):
    """Count what the page at `url` should list, from the same query (the page's own count is what is checked)."""
    query = QueryDict(urlsplit(url).query)
    return MutualFilter(query, queryset=Mutual.objects.published()).qs.count()


def card_names(page):
    return page.locator(".app-card__title a").all_inner_texts()


def read_csv(download):
    with Path(download.path()).open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def assert_is_the_selection(rows, page, count):
    """The downloaded rows are the listing's selection: every one of them, in the listing's order."""
    assert len(rows) == count
    assert [row["name"] for row in rows[: len(card_names(page))]] == card_names(page)
    assert {row["region"] for row in rows} == {"London"}
    assert all("health" in row["sectors"].split("; ") for row in rows)
    values = [float(row["annual_value_gbp"]) for row in rows if row["annual_value_gbp"]]
    assert values == sorted(values, reverse=True) and len(values) == 5
    assert rows[0]["name"] == "Croydon Community Health CIC"


class PublicFindsAMutualOnTheMapTests:
    def test_someone_finds_a_leisure_trust_on_the_map_and_opens_its_page(self, page, world):
        page.goto(reverse("directory:home"))
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Map").click()
        expect(page).to_have_url(re.compile(re.escape(reverse("directory:mutual-map")) + "$"))
        page.wait_for_selector(READY)
        assert page.inner_text("h1") == "Map of public service mutuals"
        page.get_by_label("Leisure").check()
        submit(page, "Apply filters", address(reverse("directory:mutual-map"), sector="leisure"))
        assert results_count(page) == 1
        page.locator(".app-marker-icon", has_text=world.detail.name).click()
        popup = page.locator(".leaflet-popup")
        popup.get_by_role("heading", name=world.detail.name).wait_for()
        wait_until(page, "!document.querySelector('.leaflet-map-pane.leaflet-pan-anim')")
        assert "Leisure" in popup.inner_text() and "approximate" in popup.inner_text()
        popup.get_by_role("link", name=f"More about {world.detail.name}").click()
        page.wait_for_url(re.compile(re.escape(world.detail.get_absolute_url()) + "$"))
        assert page.inner_text("h1") == world.detail.name
        assert page.title() == f"{world.detail.name} – Mutuals Directory"
        page.wait_for_selector("body[data-map-ready]")
        assert "where it is based, approximately" in page.inner_text(".app-detail-map")


class CommissionerDownloadsASelectionTests:
    def test_a_commissioner_filters_by_sector_and_region_sorts_by_value_and_downloads_the_csv(self, page, world):
        page.goto(reverse("directory:home"))
        listing = reverse("directory:mutual-list")
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Mutuals").click()
        expect(page).to_have_url(re.compile(re.escape(listing) + "$"))
        page.get_by_role("checkbox", name="Health").check()
        page.get_by_label("London").check()
        submit(page, "Apply filters", address(listing, sector="health", region="london"))
        page.get_by_label("Sort by").select_option(label="Annual value, highest first")
        submit(page, "Sort", address(listing, sector="health", region="london", sort="value"))
        count = results_count(page)
        assert count == world.health_london
        assert card_names(page)[:2] == ["Croydon Community Health CIC", "Camden Community Health CIC"]
        assert page.get_by_role("navigation", name="Pagination").is_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name="CSV (spreadsheet)").click()
        assert download.value.suggested_filename.endswith(".csv")
        assert_is_the_selection(read_csv(download.value), page, count)


class KeyboardOnlyCommissionerTests:
    def test_the_same_journey_without_a_mouse(self, page, world):
        page.goto(reverse("directory:home"))
        page.keyboard.press("Tab")
        assert focused(page, ".govuk-skip-link")
        press_tab_until(page, f".govuk-service-navigation__link[href='{reverse('directory:mutual-list')}']")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(re.escape(reverse("directory:mutual-list")) + "$"))
        listing = reverse("directory:mutual-list")
        with page.expect_navigation():
            filter_with_keyboard(page, "#sector-health", "#region-london")
        assert address(listing, sector="health", region="london")(page.url), page.url
        expect(warnings(page)).to_have_count(0)
        press_tab_until(page, "#id_sort")
        page.keyboard.type("Annual")
        assert page.input_value("#id_sort") == "value"
        press_tab_until(page, ".app-sort button")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert address(listing, sector="health", region="london", sort="value")(page.url), page.url
        expect(warnings(page)).to_have_count(0)
        press_tab_until(page, ".app-export-links a[href*='.csv']")
        with page.expect_download() as download:
            page.keyboard.press("Enter")
        assert_is_the_selection(read_csv(download.value), page, results_count(page))


class WithoutJavaScriptTests:
    @pytest.mark.parametrize("context_options", [NO_JAVASCRIPT])
    def test_the_listing_filters_sorts_and_pages_without_javascript(self, page, world, context_options):
        page.goto(reverse("directory:mutual-list"))
        assert page.locator(".app-filters__panel").get_attribute("open") is not None
        page.get_by_role("checkbox", name="Health").check()
        page.get_by_label("London").check()
        # Without JavaScript the form sends every field, empty ones too: they mean "not chosen", never "ignored".
        with page.expect_navigation(url=re.compile(r"sector=health.*region=london")):
            page.get_by_role("button", name="Apply filters").click()
        expect(warnings(page)).to_have_count(0)
        assert results_count(page) == world.health_london
        page.get_by_label("Sort by").select_option("value")
        with page.expect_navigation(url=re.compile(r"sector=health.*region=london.*sort=value")):
            page.get_by_role("button", name="Sort", exact=True).click()
        expect(warnings(page)).to_have_count(0)
        assert card_names(page)[0] == "Croydon Community Health CIC"
        page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Next page").click()
        expect(page).to_have_url(re.compile(r"page=2"))
        assert page.title().startswith("Health mutuals in London (page 2 of 2)")
        assert len(card_names(page)) == world.health_london - 25

    @pytest.mark.parametrize("context_options", [NO_JAVASCRIPT])
    @pytest.mark.parametrize("viewport", [{"width": 375, "height": 812}])
    def test_on_a_phone_without_javascript_the_filters_are_open(self, page, world, context_options, viewport):
        page.goto(reverse("directory:mutual-list"))
        health = page.locator("#sector-health")  # Found hidden or not: a role query never finds a hidden one.
        expect(health).to_be_visible()
        page.get_by_text("Filters", exact=True).click()
        expect(health).to_have_count(1)
        expect(health).to_be_hidden()

    @pytest.mark.parametrize("context_options", [NO_JAVASCRIPT])
    def test_a_mutuals_page_shows_every_fact_without_javascript(self, page, world, context_options):
        page.goto(world.detail.get_absolute_url())
        assert page.inner_text("h1") == world.detail.name
        facts = page.inner_text(".govuk-summary-list")
        assert "Community benefit society" in facts and "York" in facts and "310" in facts
        assert page.get_by_role("heading", name="Contracts and funding").is_visible()
        assert page.get_by_role("link", name=re.compile("City of York Council: leisure services")).is_visible()
        assert "The map needs JavaScript" in page.inner_text(".app-detail-map")

    @pytest.mark.parametrize("context_options", [NO_JAVASCRIPT])
    def test_the_statistics_show_their_figures_without_javascript(self, page, world, context_options):
        page.goto(reverse("directory:stats"))
        assert page.inner_text("h1") == "The sector in figures"
        table = page.get_by_role("table", name="Mutuals and known annual value by sector")
        assert table.is_visible() and "Health" in table.inner_text()
        page.get_by_role("link", name=re.compile(r"mutuals: Health, listed")).click()
        expect(page).to_have_url(re.compile(re.escape(reverse("directory:mutual-list")) + r"\?.*sector=health"))
        assert results_count(page) == world.health_london + 1

    @pytest.mark.parametrize("context_options", [NO_JAVASCRIPT])
    def test_the_map_page_lists_its_mutuals_without_javascript(self, page, world, context_options):
        page.goto(reverse("directory:mutual-map"))
        assert "The map needs JavaScript" in page.inner_text("#mutual-map")
        page.get_by_role("link", name=world.detail.name).click()
        expect(page).to_have_url(re.compile(re.escape(world.detail.get_absolute_url()) + "$"))
        assert page.inner_text("h1") == world.detail.name


class WideAndNarrowFilterPanelTests:
    @pytest.mark.parametrize("viewport", [{"width": 375, "height": 812}])
    def test_on_a_phone_the_results_come_first_and_the_filters_open_on_request(self, page, world, viewport):
        page.goto(reverse("directory:mutual-list"))
        # Found hidden or not: a role query never finds a hidden element.
        health, toggle = page.locator("#sector-health"), page.get_by_text("Filters", exact=True)
        wait_until(page, "document.querySelector('.app-filters__panel').open === false")
        expect(health).to_have_count(1)
        expect(health).to_be_hidden()
        assert page.locator("#results-heading").is_visible()
        toggle.click()
        health.check()
        submit(page, "Apply filters", address(reverse("directory:mutual-list"), sector="health"))
        assert results_count(page) == world.health_london + 1
        page.set_viewport_size({"width": 1280, "height": 900})
        expect(health).to_be_visible()
        expect(toggle).to_have_count(1)
        expect(toggle).to_be_hidden()


# Active published mutuals in the world: 26 London health mutuals, York Leisure Trust, Bolton Libraries Mutual and Leeds
# Health Partnership (no location); Salford Care Co-operative is closed and Wigan Youth Mutual a draft.
ACTIVE, ACTIVE_LOCATED = 29, 28
# "health" finds the 26 London mutuals (their summaries) and Leeds Health Partnership.
HEALTH, HEALTH_LOCATED = 27, 26
# Of those, the NHS buyer's contracts worth £1m a year or more: Croydon, Lambeth and Barnet.
BIG_NHS_HEALTH = 3


class NoWarningOnANormalSearchTests:
    def test_applying_the_filters_unchanged_and_sorting_after_filtering_raise_no_warning(self, page, world):
        listing = reverse("directory:mutual-list")
        page.goto(listing)
        submit(page, "Apply filters", address(listing))
        assert results_count(page) == ACTIVE
        page.get_by_label("Sort by").select_option(label="Annual value, highest first")
        submit(page, "Sort", address(listing, sort="value"))
        assert results_count(page) == ACTIVE
        page.get_by_role("checkbox", name="Health").check()
        page.get_by_label("London").check()
        submit(page, "Apply filters", address(listing, sector="health", region="london", sort="value"))
        assert results_count(page) == world.health_london
        page.get_by_label("Sort by").select_option(label="Name, A to Z")  # The default order: not in the address.
        submit(page, "Sort", address(listing, sector="health", region="london"))
        assert results_count(page) == world.health_london
        submit(page, "Apply filters", address(listing, sector="health", region="london"))
        assert results_count(page) == world.health_london

    def test_the_check_sees_a_warning(self, page, world):
        """Guard the guard: what finds no warning above finds the one an unknown sector raises."""
        page.goto(f"{reverse('directory:mutual-list')}?sector=nope")
        expect(warnings(page)).to_have_count(1)
        assert "Ignored sector “nope”" in warnings(page).inner_text()


@pytest.fixture(params=["small", "large"])
def map_size(request, settings):
    """The small map draws every mutual it is given; the large one (above MAP_POINTS_LIMIT) loads them by area."""
    if request.param == "large":
        settings.DIRECTORY = {**settings.DIRECTORY, "MAP_POINTS_LIMIT": 3}
    return request.param


def map_shows(page, count, located, map_size):
    """The map's heading counts the selection, and its markers (in groups on the large map) every located one."""
    assert results_count(page) == count == selected(page.url)
    if map_size == "large" and count > 3:
        wait_until(page, "document.querySelector('#mutual-map').dataset.clustered === 'true'")
        wait_until(page, "!document.querySelector('#mutual-map').hasAttribute('aria-busy')")
    assert int(page.get_attribute("#mutual-map", "data-marker-count")) == located


class MapSearchValueYearsBuyerAndClearTests:
    def test_searching_then_narrowing_by_value_years_and_buyer_then_clearing(self, page, world, map_size):
        the_map = reverse("directory:mutual-map")
        page.goto(the_map)
        page.wait_for_selector(READY)
        map_shows(page, ACTIVE, ACTIVE_LOCATED, map_size)
        submit(page, "Apply filters", address(the_map))
        map_shows(page, ACTIVE, ACTIVE_LOCATED, map_size)

        page.get_by_label("Search").fill("health")
        submit(page, "Apply filters", address(the_map, q="health"))
        map_shows(page, HEALTH, HEALTH_LOCATED, map_size)
        assert page.get_by_label("Search").input_value() == "health"

        page.get_by_text("Value, years and buyer").click()
        page.get_by_label("Annual value from (£)").fill("1000000")
        page.get_by_label("Spun out in or after").fill("2010")
        page.get_by_label("Buyer").select_option(label="NHS North Central London ICB")
        chosen = {"q": "health", "value_min": "1000000", "spun_out_from": "2010"}
        submit(page, "Apply filters", address(the_map, **chosen, commissioner="nhs-north-central-london-icb"))
        map_shows(page, BIG_NHS_HEALTH, BIG_NHS_HEALTH, map_size)
        assert page.get_by_label("Annual value from (£)").input_value() == "1000000"
        assert page.get_by_label("Buyer").input_value() == "nhs-north-central-london-icb"
        assert page.get_by_label("Annual value from (£)").is_visible()  # The details stay open while in use.

        page.locator(".app-filters").get_by_role("link", name="Clear filters").click()
        expect(page).to_have_url(re.compile(re.escape(the_map) + "$"))
        page.wait_for_selector(READY)
        expect(warnings(page)).to_have_count(0)
        map_shows(page, ACTIVE, ACTIVE_LOCATED, map_size)
        assert page.get_by_label("Search").input_value() == ""
        assert page.get_by_label("Buyer").input_value() == ""
