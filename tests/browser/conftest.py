"""Shared set-up for browser tests: one Chromium for this package, one page per test, no network but the live server."""

import base64
import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.browser.world import build_world

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Pictures every run takes for a person to look at, and the page of each failed test: kept apart, so that a
# passing run's pictures never look like failures. The failures of the last run only.
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "failures"
# A light grey 1×1 PNG: every tile request gets it, so the map draws without the internet.
TILE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP49P4lAAWhAstl7N0JAAAAAElFTkSuQmCC"
)


def wait_until(page, expression, arg=None, timeout=10):
    """Wait until a JavaScript expression (or function of `arg`) is truthy.

    Polled from here: Playwright's wait_for_function polls with eval() inside the page, which the site's
    Content-Security-Policy forbids; page.evaluate goes through the browser's debugging protocol instead.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {expression}")
        page.wait_for_timeout(50)


def console_entry(message):
    """Return a console error as the tests keep it: its text, then the address it is about (a resource that failed)."""
    address = (message.location or {}).get("url")
    return f"{message.text} [{address}]" if address else message.text


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # Once, in the process that runs or distributes the tests.
        shutil.rmtree(FAILURES, ignore_errors=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# Package scope: Playwright's sync API allows one running instance, and other test files start their own.
@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (scripts/install-chromium installs it)"
        if os.environ.get("BROWSER_TESTS") == "required":
            pytest.fail(f"BROWSER_TESTS=required but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running, and Django refuses ORM calls beside one.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def world():
    """The small directory of tests/browser/world.py; a test file may declare a world of its own instead."""
    return build_world()


@pytest.fixture
def viewport():
    return {"width": 1280, "height": 900}


@pytest.fixture
def context_options():
    """Extra options for the browser context, e.g. {"java_script_enabled": False}; parametrize to change."""
    return {}


@pytest.fixture
def console_errors():
    """Errors the page logged; a test that expects some removes them before it ends."""
    return []


@pytest.fixture
def page(browser, live_server, viewport, context_options, console_errors, request):
    context = browser.new_context(viewport=viewport, base_url=live_server.url, **context_options)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and console_errors.append(console_entry(message)))
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    server = urlsplit(live_server.url).netloc
    tile_host = urlsplit(settings.MAP_TILE_URL.replace("{s}.", "")).hostname

    def answer_locally(route):
        url = urlsplit(route.request.url)
        if url.netloc == server:
            route.continue_()
        elif url.hostname == tile_host or url.hostname.endswith(f".{tile_host}"):
            route.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        else:
            route.abort()

    page.route("**/*", answer_locally)
    pending = set()
    page.on("request", lambda request: pending.add(request))
    page.on("requestfinished", lambda request: pending.discard(request))
    page.on("requestfailed", lambda request: pending.discard(request))
    yield page
    # A fetch the page started last (a popup's record, say) must be answered before the test's data is flushed:
    # the live server reading a table that SQLite is emptying fails the next test with "database table is locked".
    for _ in range(100):
        if not pending:
            break
        page.wait_for_timeout(50)
    call = getattr(request.node, "report_call", None)
    if (call and call.failed) or console_errors:
        FAILURES.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        page.screenshot(path=FAILURES / f"{name}.png", full_page=True, animations="disabled")
    context.close()
    if console_errors:
        pytest.fail("The page logged errors:\n" + "\n".join(console_errors))
