"""Pages and the admin work in a real browser under the Content-Security-Policy: nothing is refused."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from tests.browser.conftest import SCREENSHOTS, TILE_PNG, wait_until
from tests.factories import ContractFactory, MutualFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Injected by the browser's debugging protocol, so the policy does not apply to this listener.
COLLECT_REFUSALS = """
    window.refusals = [];
    document.addEventListener("securitypolicyviolation", event => {
        window.refusals.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
"""
# What says a public page's scripts have run: GOV.UK Frontend has started, and a map, if any, is drawn.
SCRIPTS_STARTED = "body.govuk-frontend-supported"
MAP_DRAWN = "body[data-map-ready]"


def visit(browser, live_server, path, cookies=(), started=None):
    """Open a page, and return what the browser refused under the policy and the page's own JS errors.

    Refusals are read from the console and from securitypolicyviolation events, once the page has loaded (every
    resource fetched or refused) and, when `started` is given, once that selector says its scripts have run.
    """
    context = browser.new_context()
    context.add_cookies(list(cookies))
    page = context.new_page()
    page.add_init_script(COLLECT_REFUSALS)
    refused, errors = [], []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
    )
    page.goto(live_server.url + path, wait_until="load")
    if started:
        page.wait_for_selector(started, state="attached")
        if page.locator("#mutual-map, #detail-map").count():
            page.wait_for_selector(MAP_DRAWN, state="attached")
    refused += page.evaluate("window.refusals")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"csp{path.replace('/', '_')}.png", full_page=False)
    context.close()
    return refused, errors


class PublicPagesUnderCSPTests:
    def test_govuk_frontend_starts_and_nothing_is_refused(self, browser, live_server):
        mutual = MutualFactory(name="Browser Test Mutual CIC")
        ContractFactory(mutual=mutual)
        for path in [reverse("directory:home"), reverse("directory:mutual-list"), mutual.get_absolute_url()]:
            refused, errors = visit(browser, live_server, path, started=SCRIPTS_STARTED)
            assert refused == [], path
            assert errors == [], path


class AdminUnderCSPTests:
    def test_the_admin_login_and_pages_work_and_nothing_is_refused(self, browser, live_server, client):
        refused, errors = visit(browser, live_server, reverse("admin:login"))
        assert (refused, errors) == ([], [])
        User.objects.create_superuser("admin", password="pw-for-tests-only")
        client.login(username="admin", password="pw-for-tests-only")
        session = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}
        paths = [reverse("admin:index"), reverse("admin:password_change")]
        for model in admin.site._registry:
            info = f"{model._meta.app_label}_{model._meta.model_name}"
            paths += [reverse(f"admin:{info}_changelist"), reverse(f"admin:{info}_add")]
        for path in paths:
            refused, errors = visit(browser, live_server, path, cookies=[session])
            assert (refused, errors) == ([], []), path

    def test_the_check_sees_a_refusal(self, browser, live_server):
        """Guard the guard: an inline style set by script is refused, and both ways of noticing see it."""
        context = browser.new_context()
        page = context.new_page()
        page.add_init_script(COLLECT_REFUSALS)
        refused = []
        page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
        page.goto(live_server.url + reverse("admin:login"), wait_until="load")
        assert page.evaluate("window.refusals") == []
        page.evaluate("document.body.setAttribute('style', 'color: red')")
        wait_until(page, "window.refusals.length > 0")
        context.close()
        assert refused


@pytest.mark.urls("tests.ops_urls")
class LeafletUnderCSPTests:
    def test_django_leaflets_map_starts_with_the_nonce_and_loads_tiles_from_the_allowed_origin(
        self, browser, live_server, settings
    ):
        context = browser.new_context()
        page = context.new_page()
        refused, errors, tiles = [], [], []
        page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        tile_origin = settings.MAP_TILE_URL.split("/{z}")[0]

        def route(route):
            if route.request.url.startswith(live_server.url):
                return route.continue_()
            if route.request.url.startswith(tile_origin):
                tiles.append(route.request.url)
                return route.fulfill(status=200, content_type="image/png", body=TILE_PNG)
            return route.abort()

        page.route("**/*", route)
        # Injected by the browser's debugging protocol, so the policy does not apply to this listener.
        page.add_init_script("window.addEventListener('map:init', () => { window.mapReady = true; });")
        page.goto(live_server.url + reverse("test-leaflet"))
        wait_until(page, "window.mapReady === true")
        page.wait_for_selector("#map img.leaflet-tile-loaded", timeout=10_000)
        page.screenshot(path=SCREENSHOTS / "csp_leaflet.png")
        context.close()
        assert (refused, errors) == ([], [])
        assert tiles
