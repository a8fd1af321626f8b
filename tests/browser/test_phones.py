"""On a phone (375 CSS pixels wide): the map starts on the mutuals with its groups apart."""

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
# The seed's 79 researched mutuals, spread over England, are what a visitor's phone shows first.
SELECTIONS = ["", "?sector=health", "?status=all", "?region=london"]

# Keeps the map that django-leaflet announces, so that a test can ask Leaflet where a place is on the screen.
KEEP_THE_MAP = "window.addEventListener('map:init', (event) => { window.testMap = event.detail.map; });"

PLACES_ON_SCREEN = """() => {
    const map = window.testMap;
    const size = map.getSize();
    const points = JSON.parse(document.getElementById('map-data').textContent).features
        .map((feature) => map.latLngToContainerPoint([feature.geometry.coordinates[1], feature.geometry.coordinates[0]]));
    return {width: size.x, height: size.y, points: points.map((point) => [point.x, point.y])};
}"""

ICONS_ON_SCREEN = """(selector) => [...document.querySelectorAll(selector)].map((icon) => {
    const box = icon.getBoundingClientRect();
    return {text: icon.textContent.trim(), left: box.left, top: box.top, right: box.right, bottom: box.bottom};
})"""


@pytest.fixture
def seed():
    call_command("loaddata", "mutuals", verbosity=0)


def open_map(page, query=""):
    page.add_init_script(KEEP_THE_MAP)
    page.goto(reverse("directory:mutual-map") + query)
    page.wait_for_selector("body[data-map-ready]")


def overlapping(boxes):
    return [
        (one["text"], other["text"])
        for index, one in enumerate(boxes)
        for other in boxes[index + 1 :]
        if one["left"] < other["right"]
        and other["left"] < one["right"]
        and one["top"] < other["bottom"]
        and other["top"] < one["bottom"]
    ]


class MapOnAPhoneTests:
    @pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
    @pytest.mark.parametrize("query", SELECTIONS)
    def test_groups_of_mutuals_do_not_overlap(self, page, seed, viewport, query):
        open_map(page, query)
        groups = page.evaluate(ICONS_ON_SCREEN, "#mutual-map .app-cluster-icon")
        assert groups, "The selection should be shown partly in groups"
        assert overlapping(groups) == []

    @pytest.mark.parametrize("viewport", [PHONE], ids=["375"])
    @pytest.mark.parametrize("query", SELECTIONS)
    def test_the_map_starts_on_the_mutuals_and_fills_its_box(self, page, seed, viewport, query):
        open_map(page, query)
        view = page.evaluate(PLACES_ON_SCREEN)
        xs, ys = [x for x, _ in view["points"]], [y for _, y in view["points"]]
        # Every mutual is in view, with its whole marker or group.
        assert min(xs) >= 0 and max(xs) <= view["width"] and min(ys) >= 0 and max(ys) <= view["height"]
        box = page.locator("#mutual-map").bounding_box()
        for icon in page.evaluate(ICONS_ON_SCREEN, "#mutual-map .leaflet-marker-icon"):
            assert box["x"] <= icon["left"] and icon["right"] <= box["x"] + box["width"], icon
            assert box["y"] <= icon["top"] and icon["bottom"] <= box["y"] + box["height"], icon
        # Zoomed in as far as that allows: the mutuals span most of the box one way or the other.
        spread = max((max(xs) - min(xs)) / view["width"], (max(ys) - min(ys)) / view["height"])
        assert spread >= 0.6, (
            f"The mutuals fill only {spread:.0%} of the map at zoom {page.get_attribute('#mutual-map', 'data-zoom')}"
        )
