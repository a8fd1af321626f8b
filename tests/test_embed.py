"""The embeddable map and list: other sites may frame them, and only them, whether rendered or from the page cache."""

import pytest
from django.urls import reverse

from tests.factories import MutualFactory, SectorFactory

pytestmark = pytest.mark.django_db

EMBEDS = ["directory:embed-map", "directory:embed-list"]
FULL_PAGES = ["directory:mutual-map", "directory:mutual-list", "directory:home", "directory:dataset"]


def frame_ancestors(response):
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return directives["frame-ancestors"]


@pytest.fixture
def world():
    health, libraries = SectorFactory(name="Health"), SectorFactory(name="Libraries")
    return {
        "health": MutualFactory(name="Bow Health CIC", primary_sector=health, latitude=51.53, longitude=-0.02),
        "library": MutualFactory(name="Bolton Libraries CIC", primary_sector=libraries),
    }


class FramingTests:
    @pytest.mark.parametrize("name", EMBEDS)
    @pytest.mark.parametrize("cached", [False, True], ids=["rendered", "from-the-page-cache"])
    def test_other_sites_may_frame_the_embeds(self, client, world, settings, name, cached):
        settings.PAGE_CACHE = cached
        url = f"{reverse(name)}?sector=health"
        first = client.get(url)
        response = client.get(url)
        assert response.status_code == 200
        assert response.get("X-Cache") == ("hit" if cached else None)
        for answer in (first, response):
            assert frame_ancestors(answer) == "*"
            assert "X-Frame-Options" not in answer

    @pytest.mark.parametrize("name", FULL_PAGES)
    @pytest.mark.parametrize("cached", [False, True], ids=["rendered", "from-the-page-cache"])
    def test_every_other_page_refuses_to_be_framed(self, client, world, settings, name, cached):
        settings.PAGE_CACHE = cached
        client.get(reverse(name))
        response = client.get(reverse(name))
        assert response.get("X-Cache") == ("hit" if cached else None)
        assert frame_ancestors(response) == "'none'"
        assert response["X-Frame-Options"] == "DENY"

    def test_the_sites_that_may_frame_them_are_a_setting(self, client, world, settings):
        settings.EMBED_FRAME_ANCESTORS = ["https://*.gov.uk", "https://example.org"]
        response = client.get(reverse("directory:embed-map"))
        assert frame_ancestors(response) == "https://*.gov.uk https://example.org"
        assert frame_ancestors(client.get(reverse("directory:mutual-map"))) == "'none'"

    def test_an_unknown_address_under_embed_is_a_plain_404(self, client):
        assert client.get("/embed/nothing/").status_code == 404


class EmbeddedPagesTests:
    def test_the_map_shows_the_selection_with_a_link_back_and_the_licence(self, client, world):
        text = client.get(reverse("directory:embed-map"), {"sector": "health"}).text
        assert "<h1" in text and "Map of health mutuals" in text
        assert "Bow Health CIC" in text and "Bolton Libraries CIC" not in text
        assert f'href="http://testserver{reverse("directory:mutual-map")}?sector=health"' in text
        assert 'rel="license"' in text
        assert '<base target="_top">' in text
        assert "govuk-service-navigation" not in text and "govuk-footer" not in text

    def test_the_list_shows_the_selection_and_pages_stay_in_the_frame(self, client, world):
        MutualFactory.create_batch(30, primary_sector=world["health"].primary_sector)
        text = client.get(reverse("directory:embed-list"), {"sector": "health"}).text
        assert "31 health mutuals, showing 1 to 25" in text
        assert f'href="http://testserver{reverse("directory:mutual-list")}?sector=health"' in text
        assert 'target="_self" href="?sector=health&amp;page=2"' in text

    def test_odd_selections_give_an_empty_result_not_an_error(self, client, world):
        response = client.get(reverse("directory:embed-list"), {"sector": "nope", "page": "-1", "value_min": "abc"})
        assert response.status_code == 200

    def test_the_map_page_offers_the_code_for_its_selection(self, client, world):
        text = client.get(reverse("directory:mutual-map"), {"sector": "health"}).text
        assert "Embed this map" in text
        assert (
            "&lt;iframe src=&quot;http://testserver/embed/map/?sector=health&quot; "
            "title=&quot;Map of health mutuals – Mutuals Directory&quot;" in text
        )
        assert "&lt;iframe src=&quot;http://testserver/embed/mutuals/?sector=health&quot;" in text
