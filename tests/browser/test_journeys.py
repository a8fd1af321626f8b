"""The users' journeys through the directory, in Chromium: the public, a commissioner, a keyboard-only user, no JavaScript."""

import csv
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.conftest import wait_until
from tests.browser.keyboard import filter_with_keyboard, focused, press_tab_until
from tests.browser.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_JAVASCRIPT = {"java_script_enabled": False}


@pytest.fixture
def world():
    return build_world()


def results_count(page):
    return int(page.inner_text("#results-heading").split()[0])


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
        page.wait_for_selector("body[data-map-ready]")
        assert page.inner_text("h1") == "Map of public service mutuals"
        page.get_by_label("Leisure").check()
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(re.compile(r"sector=leisure"))
        page.wait_for_selector("body[data-map-ready]")
        assert page.inner_text("#results-heading").startswith("1 leisure mutual")
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
        assert "Approximate location" in page.inner_text(".app-detail-map")


class CommissionerDownloadsASelectionTests:
    def test_a_commissioner_filters_by_sector_and_region_sorts_by_value_and_downloads_the_csv(self, page, world):
        page.goto(reverse("directory:home"))
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Mutuals").click()
        page.get_by_role("checkbox", name="Health").check()
        page.get_by_label("London").check()
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(re.compile(r"sector=health.*region=london"))
        page.get_by_label("Sort by").select_option(label="Annual value, highest first")
        page.get_by_role("button", name="Sort", exact=True).click()
        page.wait_for_url(re.compile(r"sort=value"))
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
        filter_with_keyboard(page, "#sector-health", "#region-london")
        page.wait_for_url(re.compile(r"sector=health.*region=london"))
        press_tab_until(page, "#id_sort")
        page.keyboard.type("Annual")
        assert page.input_value("#id_sort") == "value"
        press_tab_until(page, ".app-sort button")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"sort=value"))
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
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(re.compile(r"sector=health.*region=london"))
        assert results_count(page) == world.health_london
        page.get_by_label("Sort by").select_option("value")
        page.get_by_role("button", name="Sort", exact=True).click()
        assert card_names(page)[0] == "Croydon Community Health CIC"
        page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Next page").click()
        assert page.title().startswith("Health mutuals in London (page 2 of 2)")
        assert len(card_names(page)) == world.health_london - 25

    @pytest.mark.parametrize("context_options", [NO_JAVASCRIPT])
    @pytest.mark.parametrize("viewport", [{"width": 375, "height": 812}])
    def test_on_a_phone_without_javascript_the_filters_are_open(self, page, world, context_options, viewport):
        page.goto(reverse("directory:mutual-list"))
        assert page.get_by_role("checkbox", name="Health").is_visible()
        page.get_by_text("Filters", exact=True).click()
        assert not page.get_by_role("checkbox", name="Health").is_visible()

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
        assert results_count(page) == world.health_london + 1

    @pytest.mark.parametrize("context_options", [NO_JAVASCRIPT])
    def test_the_map_page_lists_its_mutuals_without_javascript(self, page, world, context_options):
        page.goto(reverse("directory:mutual-map"))
        assert "The map needs JavaScript" in page.inner_text("#mutual-map")
        page.get_by_role("link", name=world.detail.name).click()
        assert page.inner_text("h1") == world.detail.name


class WideAndNarrowFilterPanelTests:
    @pytest.mark.parametrize("viewport", [{"width": 375, "height": 812}])
    def test_on_a_phone_the_results_come_first_and_the_filters_open_on_request(self, page, world, viewport):
        page.goto(reverse("directory:mutual-list"))
        assert not page.get_by_role("checkbox", name="Health").is_visible()
        assert page.locator("#results-heading").is_visible()
        page.get_by_text("Filters", exact=True).click()
        page.get_by_role("checkbox", name="Health").check()
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(re.compile(r"sector=health"))
        assert results_count(page) == world.health_london + 1
        page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_role("checkbox", name="Health").wait_for()
        assert page.get_by_text("Filters", exact=True).is_hidden()
