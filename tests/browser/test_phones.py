"""On a phone (375 CSS pixels wide): the map starts on the mutuals with its groups apart, and the statistics' tables
say when they scroll and keep their captions whole."""

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


def table_cues(page):
    """Return, for each table box on the page, whether its table is wider than it and what cue it shows."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.app-table-wrapper')].map((box) => {
            const hint = document.getElementById(box.getAttribute('aria-labelledby') + '-hint');
            return {
                table: box.getAttribute('aria-labelledby'),
                overflows: box.scrollWidth > box.clientWidth,
                shaded: getComputedStyle(box).backgroundImage.includes('gradient'),
                hint: hint && hint.checkVisibility() ? hint.textContent : null,
                describedBy: box.getAttribute('aria-describedby'),
            };
        })"""
    )


def words_out_of_sight(page):
    """Return the words of each table's caption that are broken over two lines or outside the table's box."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.app-table-wrapper')].flatMap((box) => {
            const visible = box.getBoundingClientRect();
            const caption = box.querySelector('caption');
            const walker = document.createTreeWalker(caption, NodeFilter.SHOW_TEXT);
            const broken = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                for (const word of node.textContent.matchAll(/\\S+/g)) {
                    const range = document.createRange();
                    range.setStart(node, word.index);
                    range.setEnd(node, word.index + word[0].length);
                    const rects = [...range.getClientRects()];
                    const inside = rects.every((rect) => rect.left >= visible.left - 0.5 && rect.right <= visible.right + 0.5);
                    if (rects.length !== 1 || !inside) broken.push(`${caption.id}: ${word[0]}`);
                }
            }
            return broken;
        })"""
    )


class StatisticsOnAPhoneTests:
    @pytest.mark.parametrize("viewport", [PHONE], ids=["375"])
    def test_tables_wider_than_the_screen_say_so_and_others_do_not(self, page, world, viewport):
        page.goto(reverse("directory:stats"))
        cues = table_cues(page)
        assert any(cue["overflows"] for cue in cues), "On a phone the statistics' tables are wider than the screen"
        for cue in cues:
            if cue["overflows"]:
                expected = {"shaded": True, "hint": "Scroll the table sideways to see every column."}
                assert {"shaded": cue["shaded"], "hint": cue["hint"]} == expected, cue
                assert cue["describedBy"] == f"{cue['table']}-hint"
        # On a wide screen the same tables fit, and nothing says they scroll.
        page.set_viewport_size(DESKTOP)
        # The page's ResizeObserver answers before the next frame is painted.
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        cues = table_cues(page)
        assert [cue for cue in cues if cue["overflows"] or cue["shaded"] or cue["hint"] or cue["describedBy"]] == []

    @pytest.mark.parametrize("viewport", [PHONE], ids=["375"])
    def test_captions_wrap_between_words_and_stay_in_sight(self, page, world, viewport):
        page.goto(reverse("directory:stats"))
        assert page.locator(".app-table-wrapper caption").count() >= 7
        assert words_out_of_sight(page) == []
        # Scrolled to its last column, each table still shows its whole caption.
        page.evaluate(
            "() => document.querySelectorAll('.app-table-wrapper').forEach((box) => { box.scrollLeft = box.scrollWidth; })"
        )
        assert words_out_of_sight(page) == []
