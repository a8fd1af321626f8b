"""The editors' location picker in the admin, in Chromium: clicking the map fills in the coordinates."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from directory.models import Mutual
from tests.browser.conftest import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TILES_FAILED = "The map's background could not load, so it shows no streets or places."


def open_the_picker(page):
    """Sign in as a superuser and open the form for a new mutual, once its map is ready and its tiles are settled."""
    User.objects.create_superuser("chief", "chief@example.org", "a-long-test-password")
    page.goto(reverse("admin:login"))
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.goto(reverse("admin:directory_mutual_add"))
    page.wait_for_selector("[data-location-picker][data-map-ready]")
    wait_until(page, "document.querySelector('[data-location-picker]').dataset.tiles")


class LocationPickerBrowserTests:
    def test_clicking_the_map_sets_latitude_longitude_and_how_it_was_found(self, page):
        open_the_picker(page)
        assert page.get_attribute("[data-location-picker]", "data-tiles") == "loaded"
        assert page.locator(".location-picker__notice").inner_text() == ""
        assert not page.locator(".location-picker__notice").is_visible()
        page.locator("#id_location_map").scroll_into_view_if_needed()
        box = page.locator("#id_location_map").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        latitude, longitude = float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude"))
        assert 49.8 <= latitude <= 55.9 and -6.5 <= longitude <= 1.8
        assert page.input_value("#id_location_basis") == Mutual.LocationBasis.TOWN_CENTRE
        assert "How the location was found" in page.text_content(".location-picker__status")
        page.fill("#id_latitude", "51.5")
        page.fill("#id_longitude", "-0.1")
        page.dispatch_event("#id_longitude", "change")
        assert page.locator(".leaflet-marker-icon").count() == 1
        page.click(".location-picker__clear")
        assert page.input_value("#id_latitude") == "" and page.input_value("#id_longitude") == ""
        assert page.locator(".leaflet-marker-icon").count() == 0

    def test_the_picker_says_so_when_its_background_cannot_load(self, page, console_errors):
        tile_host = urlsplit(settings.MAP_TILE_URL.replace("{s}.", "")).hostname
        page.route(re.compile(rf"//([a-z0-9-]+\.)?{re.escape(tile_host)}/"), lambda route: route.abort())
        open_the_picker(page)
        assert page.get_attribute("[data-location-picker]", "data-tiles") == "failed"
        notice = page.locator(".location-picker__notice")
        assert notice.is_visible()
        assert notice.get_attribute("role") == "status"
        assert notice.inner_text().startswith(TILES_FAILED)
        assert "Type the latitude and longitude" in notice.inner_text()
        # The picker still sets the location from a click.
        page.locator("#id_location_map").scroll_into_view_if_needed()
        box = page.locator("#id_location_map").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert page.input_value("#id_latitude") != ""
        unexpected = [error for error in console_errors if "Failed to load resource" not in error]
        console_errors.clear()
        assert unexpected == []
