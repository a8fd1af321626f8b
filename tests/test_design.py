"""Details people notice, checked without a browser: titles, link text, the favicon, the accessibility statement."""

import html5lib
import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from tests.browser.world import build_world, page_types

pytestmark = pytest.mark.django_db

SITE_NAME = "Mutuals Directory"
VAGUE_LINK_TEXT = {"source", "here", "click here", "more", "read more", "link", "this page"}


@pytest.fixture
def pages():
    return page_types(build_world())


def parse(response):
    return html5lib.parse(response.content, namespaceHTMLElements=False)


def open_page(client, name, address):
    """Return a page of the sweep: every page type answers 200, and the not-found page is the site's own 404."""
    response = client.get(address)
    assert response.status_code == (404 if name == "not-found" else 200), name
    return parse(response)


class PageTitleTests:
    def test_every_page_is_titled_page_then_site_name_and_has_one_main_heading(self, client, pages):
        for name, address in pages.items():
            document = open_page(client, name, address)
            title = document.find("head/title").text
            page_part, _, site_part = title.rpartition(" – ")
            assert page_part.strip() and site_part == SITE_NAME, (name, title)
            assert len(document.findall(".//h1")) == 1, name

    def test_later_pages_of_a_listing_say_which_page_they_are(self, client, pages):
        response = client.get(reverse("directory:mutual-list"), {"sector": "health", "page": 2})
        assert parse(response).find("head/title").text == f"Health mutuals (page 2 of 2) – {SITE_NAME}"


class LinkTextTests:
    def test_no_link_says_only_source_or_click_here(self, client, pages):
        for name, address in pages.items():
            for link in open_page(client, name, address).iter("a"):
                text = " ".join("".join(link.itertext()).split()).lower()
                assert text and text not in VAGUE_LINK_TEXT, (name, link.get("href"), text)


class FaviconTests:
    def test_browsers_asking_for_favicon_ico_are_sent_to_the_icon(self, client):
        response = client.get(reverse("directory:favicon"))
        assert response.status_code == 302
        assert response["Location"] == static("directory/favicon.ico")
        with open(finders.find("directory/favicon.ico"), "rb") as icon:
            assert icon.read(4) == b"\x00\x00\x01\x00"

    def test_every_page_names_its_icons(self, client):
        head = parse(client.get(reverse("directory:home"))).find("head")
        icons = {link.get("href") for link in head.iter("link") if "icon" in link.get("rel", "")}
        expected = {"directory/favicon.ico", "directory/favicon.svg", "directory/apple-touch-icon.png"}
        assert icons == {static(name) for name in expected}
        assert all(finders.find(name) for name in expected)


class AccessibilityStatementTests:
    def test_it_says_what_was_tested_how_what_falls_short_and_how_to_report_a_problem(self, client):
        response = client.get(reverse("directory:accessibility"))
        assert response.status_code == 200
        text = " ".join("".join(parse(response).find(".//main").itertext()).split())
        for words in (
            "WCAG",
            "2.2",
            "axe-core",
            "keyboard",
            "320 pixels",
            "200%",
            "JavaScript turned off",
            "reduce motion",
            "map tiles come from OpenStreetMap",
            "every mutual on it is also in the list",
            "not yet tested it with disabled people",
        ):
            assert words in text, words
        assert f'href="{reverse("directory:correction-create")}"' in response.text

    def test_every_page_links_to_it_from_the_footer(self, client, pages):
        for name, address in pages.items():
            footer = open_page(client, name, address).find(".//footer")
            assert reverse("directory:accessibility") in {link.get("href") for link in footer.iter("a")}, name

    def test_search_engines_find_it(self, client):
        sitemap = client.get(reverse("directory:sitemap-section", kwargs={"section": "pages"})).text
        assert f"http://testserver{reverse('directory:accessibility')}" in sitemap
