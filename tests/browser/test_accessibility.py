"""WCAG 2.2 AA in a real browser: axe-core on every page type, page structure, focus, reflow, motion and print."""

import re
from itertools import pairwise
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.templatetags.static import static
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, wait_until
from tests.browser.keyboard import assert_focus_is_visible, focused
from tests.browser.world import EMBEDDED, PAGE_NAMES, page_types

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()
SMALL = {"width": 320, "height": 720}
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
NOT_FOUND_MESSAGE = "Failed to load resource: the server responded with a status of 404 (Not Found)"
REFUSED_SCRIPTS = re.compile(r"Failed to load resource: net::ERR_FAILED \[\S+\.js\]|L is not defined")
# The pages people must be able to use without JavaScript; the map is there for its list.
WITHOUT_JAVASCRIPT = ["listing", "listing-filtered", "mutual", "stats", "map"]


@pytest.fixture
def pages(world):
    return page_types(world)


def open_page(page, address, console_errors, scripts=True):
    response = page.goto(address)
    if response.status == 404:
        # The browser logs the status of a page that is not found; that is the point of the page, not an error.
        # Anything else the page could not load (a script, a style sheet) still is.
        console_errors.remove(f"{NOT_FOUND_MESSAGE} [{response.url}]")
    if scripts and page.locator("#mutual-map, #detail-map").count():
        page.wait_for_selector("body[data-map-ready]")
    return response


def axe_report(page):
    """Run axe-core with all its rules and return its report, or "" when nothing is wrong."""
    results = AXE.run(page, options={"resultTypes": ["violations"]})
    return results.generate_report() if results.violations_count else ""


def uses_site_template(page):
    return page.locator("#main-content").count() == 1


def horizontal_overflow(page):
    """Return how many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def without_scripts(page, live_server):
    """Refuse the site's scripts, so the page is as a browser without JavaScript shows it while axe can still run."""
    server = urlsplit(live_server.url).netloc

    def refuse_scripts(route):
        url = urlsplit(route.request.url)
        if url.netloc == server and url.path.endswith(".js"):
            route.abort()
        else:
            route.fallback()

    page.route("**/*.js", refuse_scripts)


class AxeTests:
    @pytest.mark.parametrize("name", PAGE_NAMES)
    def test_axe_finds_nothing_wrong_on_the_page(self, page, pages, console_errors, name):
        open_page(page, pages[name], console_errors)
        assert uses_site_template(page), "every page, the not-found page included, is the site's own"
        assert axe_report(page) == ""

    def test_axe_finds_nothing_wrong_on_the_too_many_requests_page(self, page, pages, console_errors, settings):
        settings.RATELIMIT_ENABLE, settings.RATELIMIT_FORMS = True, "0/m"
        open_page(page, pages["suggestion"], console_errors)
        page.get_by_label("Name of the mutual").fill("Example Community Health CIC")
        page.locator("textarea").first.fill("Spun out of an NHS trust in 2011; staff own it.")
        # The browser logs the 429 as a failed load; wait for that message, so that it is not logged after it is removed.
        with (
            page.expect_console_message(lambda message: "status of 429" in message.text),
            page.expect_response(lambda response: response.request.method == "POST") as posted,
        ):
            page.get_by_role("button", name=re.compile("Send")).click()
        assert posted.value.status == 429
        console_errors[:] = [error for error in console_errors if "status of 429" not in error]
        page.screenshot(path=SCREENSHOTS / "too-many-requests.png", full_page=True)
        expect(page.get_by_role("heading", level=1)).to_have_text("Too many requests")
        assert uses_site_template(page)
        assert axe_report(page) == ""

    @pytest.mark.parametrize("name", WITHOUT_JAVASCRIPT)
    def test_axe_finds_nothing_wrong_without_javascript(self, page, pages, console_errors, live_server, name):
        without_scripts(page, live_server)
        open_page(page, pages[name], console_errors, scripts=False)
        # What refusing the scripts causes, and nothing else: their failed loads, and django-leaflet's inline loader
        # (allowed by its nonce) missing Leaflet.
        console_errors[:] = [error for error in console_errors if not REFUSED_SCRIPTS.fullmatch(error)]
        assert page.evaluate("document.body.classList.contains('js-enabled')") is False
        assert axe_report(page) == ""

    def test_a_form_with_errors_leads_to_each_field(self, page, pages, console_errors):
        open_page(page, pages["correction"], console_errors)
        page.get_by_role("button", name="Send report").click()
        # GOV.UK Frontend moves focus to the summary, so screen readers announce it first.
        wait_until(page, "document.activeElement?.matches('.govuk-error-summary')")
        assert page.title().startswith("Error: ")
        assert axe_report(page) == ""
        page.locator(".govuk-error-summary__list a").first.click()
        assert focused(page, "#id_message")

    @pytest.mark.parametrize("viewport", [PHONE])
    def test_the_filter_panel_on_a_phone_closed_and_open(self, page, pages, console_errors, viewport):
        open_page(page, pages["listing"], console_errors)
        assert axe_report(page) == ""
        page.get_by_text("Filters", exact=True).click()
        page.get_by_role("checkbox", name="Health").wait_for()
        assert axe_report(page) == ""

    def test_the_map_with_a_popup_open(self, page, pages, console_errors, world):
        open_page(page, pages["map"], console_errors)
        page.get_by_role("button", name=f"Show {world.detail.name} on map").click()
        page.locator(".leaflet-popup").get_by_role("heading", name=world.detail.name).wait_for()
        # Popups fade in while the map pans to show them: measured half-faded, their text would seem too pale.
        wait_until(page, "getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
        wait_until(page, "!document.querySelector('.leaflet-map-pane.leaflet-pan-anim')")
        assert axe_report(page) == ""


class ConsoleErrorTests:
    def test_a_script_missing_from_the_not_found_page_is_still_an_error(
        self, page, pages, console_errors, live_server
    ):
        """Guard the guard: only the not-found page's own status is forgiven, not a resource it fails to load."""
        script = static("directory/js/govuk-init.js")
        page.route(f"**{script}", lambda route: route.fulfill(status=404, body=""))
        open_page(page, pages["not-found"], console_errors)
        left = list(console_errors)
        console_errors.clear()
        assert left == [f"{NOT_FOUND_MESSAGE} [{live_server.url}{script}]"]


class StructureTests:
    """What axe cannot see everywhere: one main heading, headings in order, landmarks, a skip link, the title."""

    @pytest.mark.parametrize("name", [name for name in PAGE_NAMES if name not in ["not-found", *EMBEDDED]])
    def test_the_page_has_the_structure_people_rely_on(self, page, pages, console_errors, name):
        open_page(page, pages[name], console_errors)
        assert page.title().endswith(" – Mutuals Directory") and len(page.title()) > len(" – Mutuals Directory")
        levels = page.evaluate(
            "[...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(h => h.getClientRects().length"
            " || h.closest('details')).map(h => Number(h.tagName[1]))"
        )
        assert levels.count(1) == 1 and levels[0] == 1, levels
        assert all(later <= earlier + 1 for earlier, later in pairwise(levels)), levels
        for role in ("banner", "main", "contentinfo"):
            assert page.get_by_role(role).count() == 1, role
        page.keyboard.press("Tab")
        assert focused(page, "a.govuk-skip-link[href='#main-content']")
        assert_focus_is_visible(page)
        page.keyboard.press("Enter")
        assert focused(page, "main#main-content")


class FocusTests:
    @pytest.mark.parametrize("name", ["home", "listing-filtered", "mutual", "map", "stats", "correction"])
    def test_every_stop_of_the_tab_key_shows_where_focus_is(self, page, pages, console_errors, name):
        open_page(page, pages[name], console_errors)
        stops = 0
        while stops < 400:
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement === document.body"):
                break
            assert_focus_is_visible(page)
            stops += 1
        assert stops > 5


class ReflowTests:
    """WCAG 1.4.10 and 1.4.4: no sideways scrolling at 320 CSS pixels or with text twice as large."""

    @pytest.mark.parametrize("viewport", [SMALL])
    def test_no_page_scrolls_sideways_at_320_pixels(self, page, pages, console_errors, viewport):
        too_wide = {}
        for name, address in pages.items():
            open_page(page, address, console_errors)
            too_wide[name] = horizontal_overflow(page)
        assert {name: pixels for name, pixels in too_wide.items() if pixels > 0} == {}

    @pytest.mark.parametrize("viewport", [{"width": 640, "height": 900}, DESKTOP], ids=["640", "1280"])
    def test_no_page_scrolls_sideways_with_text_at_200_percent(self, page, pages, console_errors, viewport):
        too_wide = {}
        for name, address in pages.items():
            open_page(page, address, console_errors)
            # As a browser's text size setting does: every rem-sized font (all of GOV.UK Frontend's) doubles.
            page.evaluate("document.documentElement.style.fontSize = '200%'")
            too_wide[name] = horizontal_overflow(page)
        assert {name: pixels for name, pixels in too_wide.items() if pixels > 0} == {}

    @pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
    def test_every_page_type_fits_and_is_saved_for_review(self, page, pages, console_errors, viewport):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        too_wide = {}
        for name, address in pages.items():
            open_page(page, address, console_errors)
            path = SCREENSHOTS / f"{name}-{viewport['width']}.png"
            page.screenshot(path=path, full_page=True, animations="disabled")
            too_wide[name] = horizontal_overflow(page)
        assert {name: pixels for name, pixels in too_wide.items() if pixels > 0} == {}


class ReducedMotionTests:
    @pytest.mark.parametrize("context_options", [{"reduced_motion": "reduce"}])
    def test_nothing_animates_for_people_who_ask_for_less_motion(self, page, pages, console_errors, context_options):
        for name in ("home", "listing", "map", "mutual"):
            open_page(page, pages[name], console_errors)
            slow = page.evaluate(
                """() => [...document.querySelectorAll('*')].filter(element => {
                    const style = getComputedStyle(element);
                    const durations = (style.transitionDuration + ',' + style.animationDuration).split(',');
                    return durations.some(duration => parseFloat(duration) > 0.001);
                }).map(element => element.tagName + '.' + element.className)"""
            )
            assert slow == [], name

    @pytest.mark.parametrize("context_options", [{"reduced_motion": "reduce"}])
    def test_the_map_moves_and_zooms_at_once(self, page, pages, console_errors, context_options):
        open_page(page, pages["map"], console_errors)
        page.focus("#mutual-map")
        moved = page.evaluate(
            """() => {
                const map = document.getElementById('mutual-map');
                const pane = map.querySelector('.leaflet-map-pane');
                const before = [pane.style.transform, map.dataset.zoom];
                const press = keyCode => document.dispatchEvent(new KeyboardEvent('keydown', {keyCode, bubbles: true}));
                press(39);
                const panned = pane.style.transform !== before[0];
                press(187);
                return {panned, zoomed: map.dataset.zoom !== before[1]};
            }"""
        )
        assert moved == {"panned": True, "zoomed": True}


class PrintTests:
    def test_a_mutuals_page_prints_its_facts_and_where_its_sources_are(self, page, pages, console_errors, world):
        open_page(page, pages["mutual"], console_errors)
        left_out = [
            page.locator(selector)
            for selector in (
                ".govuk-service-navigation__wrapper",
                ".govuk-footer",
                ".govuk-breadcrumbs",
                "#detail-map",
            )
        ]
        left_out.append(page.get_by_role("link", name="Report a mistake on this record"))
        for part in left_out:
            expect(part).to_have_count(1)
            expect(part).to_be_visible()  # On screen it is there…
        page.emulate_media(media="print")
        for part in left_out:
            expect(part).to_be_hidden()  # …and in print it is not.
        assert page.locator("h1").is_visible() and page.inner_text("h1") == world.detail.name
        assert page.get_by_role("heading", name="Contracts and funding").is_visible()
        after = "element => getComputedStyle(element, '::after').content"
        source = world.detail.sources.first()
        assert source.url in page.locator(f".app-sources a[href='{source.url}']").evaluate(after)
        region_link = page.locator(f"a[href='{world.detail.region.get_absolute_url()}']").first
        assert region_link.evaluate(after) in ("none", "normal")
        assert page.get_by_text(f"http://{urlsplit(page.url).netloc}{world.detail.get_absolute_url()}").is_visible()
        assert horizontal_overflow(page) <= 0
