"""Another site frames the embeddable map and list, copied from the map page; every other page refuses to be framed."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.browser.conftest import SCREENSHOTS, wait_until
from tests.browser.keyboard import assert_focus_is_visible, press_tab_until
from tests.browser.test_accessibility import axe_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFUSED = "frame-ancestors"


@pytest.fixture
def other_site(tmp_path, page):
    """A web server on another origin (127.0.0.1 and a port of its own, the site being on localhost) that serves
    pages written to `tmp_path`; the browser may reach it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    page.route(f"{origin}/**", lambda route: route.continue_())

    def publish(name, html):
        (tmp_path / name).write_text(html, encoding="utf-8")
        return f"{origin}/{name}"

    yield publish
    server.shutdown()
    thread.join()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def host_page(iframe):
    return f'<!DOCTYPE html><html lang="en"><head><title>A council\'s page</title></head><body>{iframe}</body></html>'


def copied_snippet(page, selection, which="map"):
    """Open the map page of `selection`, open "Embed this map" and return the code in its text area."""
    page.goto(f"{reverse('directory:mutual-map')}?{selection}")
    page.wait_for_selector("body[data-map-ready]")
    page.get_by_text("Embed this map").click()
    return page.locator(f"#embed-code-{which}").input_value()


def framed(page):
    """Return the frame of the host page's iframe, once it has loaded."""
    handle = page.wait_for_selector("iframe")
    frame = handle.content_frame()
    frame.wait_for_load_state()
    return frame


class EmbedTests:
    @pytest.mark.parametrize("cached", [False, True], ids=["rendered", "from-the-page-cache"])
    def test_the_copied_map_works_in_a_page_on_another_origin(self, page, world, other_site, settings, cached):
        settings.PAGE_CACHE = cached
        snippet = copied_snippet(page, "sector=health")
        assert snippet.startswith('<iframe src="http://localhost:') and "/embed/map/?sector=health" in snippet
        assert 'title="Map of health mutuals – Mutuals Directory"' in snippet
        if cached:
            page.goto(urlsplit(snippet.split('"')[1])._replace(scheme="", netloc="").geturl())
        page.goto(other_site("council.html", host_page(snippet)))
        frame = framed(page)
        frame.wait_for_selector("body[data-map-ready]")
        assert frame.get_by_role("heading", level=1).inner_text() == "Map of health mutuals"
        assert frame.locator(".leaflet-marker-icon").count() > 0
        assert (
            frame.get_by_role("link", name="this map with its filters")
            .get_attribute("href")
            .endswith(f"{reverse('directory:mutual-map')}?sector=health")
        )
        assert frame.get_by_role("link", name="Open Government Licence v3.0").count() == 1
        page.screenshot(path=SCREENSHOTS / "embed-map-on-another-site.png", full_page=True, animations="disabled")

    def test_the_copied_list_works_in_a_page_on_another_origin(self, page, world, other_site):
        snippet = copied_snippet(page, f"region={world.detail.region.slug}", which="list")
        page.goto(other_site("list.html", host_page(snippet)))
        frame = framed(page)
        assert frame.get_by_role("link", name=world.detail.name).count() == 1
        assert frame.get_by_role("link", name="this list with its filters and downloads").count() == 1

    @pytest.mark.parametrize("cached", [False, True], ids=["rendered", "from-the-page-cache"])
    @pytest.mark.parametrize("name", ["directory:mutual-map", "directory:home", "directory:dataset"])
    def test_every_other_page_refuses_to_be_framed(
        self, page, world, other_site, settings, console_errors, live_server, name, cached
    ):
        settings.PAGE_CACHE = cached
        url = f"{live_server.url}{reverse(name)}"
        if cached:
            page.goto(url)
        page.goto(other_site("framing.html", host_page(f'<iframe src="{url}" title="Framed"></iframe>')))
        handle = page.wait_for_selector("iframe")
        wait_until(page, "() => true")
        page.wait_for_timeout(300)
        frame = handle.content_frame()
        assert frame is None or not frame.url.startswith(live_server.url) or frame.locator("h1").count() == 0
        refusals = [error for error in console_errors if REFUSED in error]
        assert refusals, console_errors
        console_errors[:] = [error for error in console_errors if REFUSED not in error]

    def test_the_copy_button_copies_the_code(self, page, world, live_server):
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        snippet = copied_snippet(page, "sector=health")
        page.get_by_role("button", name="Copy the code code for the map").click()
        page.get_by_text("Copied.").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == snippet


class EmbeddedPageAccessibilityTests:
    @pytest.mark.parametrize("address", ["embed-map", "embed-list"])
    def test_axe_finds_nothing_wrong_inside_the_frame(self, page, world, other_site, live_server, address):
        url = f"{live_server.url}{reverse(f'directory:{address}')}?sector=health"
        page.goto(other_site("a11y.html", host_page(f'<iframe src="{url}" title="Mutuals"></iframe>')))
        frame = framed(page)
        if address == "embed-map":
            frame.wait_for_selector("body[data-map-ready]")
        page.goto(url)
        if address == "embed-map":
            page.wait_for_selector("body[data-map-ready]")
        assert axe_report(page) == ""
        assert page.title().endswith(" – Mutuals Directory")
        assert page.locator("h1").count() == 1

    def test_the_map_in_the_frame_works_from_the_keyboard(self, page, world):
        page.goto(f"{reverse('directory:embed-map')}?sector=health")
        page.wait_for_selector("body[data-map-ready]")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip the map"
        assert_focus_is_visible(page)
        press_tab_until(page, ".app-map-list__show")
        assert_focus_is_visible(page)
        page.keyboard.press("Enter")
        page.locator(".leaflet-popup").wait_for()
