"""The editors' location picker in the admin, in Chromium: clicking the map fills in the coordinates."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from directory.models import Mutual

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class LocationPickerBrowserTests:
    def test_clicking_the_map_sets_latitude_longitude_and_how_it_was_found(self, page):
        User.objects.create_superuser("chief", "chief@example.org", "a-long-test-password")
        page.goto(reverse("admin:login"))
        page.fill("#id_username", "chief")
        page.fill("#id_password", "a-long-test-password")
        page.click("input[type=submit]")
        page.goto(reverse("admin:directory_mutual_add"))
        page.wait_for_selector("[data-location-picker][data-map-ready]")
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
