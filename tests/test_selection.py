"""A filtered list says what it is filtered by: in its title and heading, and as tags that remove each filter."""

import html5lib
import pytest
from django.urls import reverse

from directory.models import Mutual
from tests.factories import CommissionerFactory, ContractFactory, MutualFactory, RegionFactory, SectorFactory

pytestmark = pytest.mark.django_db

LISTING = reverse("directory:mutual-list")
MAP = reverse("directory:mutual-map")


@pytest.fixture
def world():
    london, north_west = RegionFactory(name="London"), RegionFactory(name="North West")
    health, libraries = SectorFactory(name="Health"), SectorFactory(name="Libraries")
    for n in range(3):
        MutualFactory(name=f"London Health {n}", primary_sector=health, region=london)
    MutualFactory(name="Northern Health", primary_sector=health, region=north_west)
    MutualFactory(name="London Libraries", primary_sector=libraries, region=london)
    MutualFactory(name="Closed Health", primary_sector=health, region=london, status=Mutual.Status.CLOSED)
    ContractFactory(mutual=Mutual.objects.get(name="London Health 0"), commissioner=CommissionerFactory(name="Camden"))


def page(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 200
    document = html5lib.parse(response.content, namespaceHTMLElements=False)
    return response, document


def text(element):
    return " ".join("".join(element.itertext()).split())


class SelectionHeadingTests:
    @pytest.mark.parametrize(
        ("url", "title"), [(LISTING, "Health mutuals in London"), (MAP, "Map of health mutuals in London")]
    )
    def test_the_title_and_headings_say_what_the_list_holds(self, client, world, url, title):
        _, document = page(client, url, {"sector": "health", "region": "london"})
        assert document.find("head/title").text == f"{title} – Mutuals Directory"
        assert text(document.find(".//h1")) == title
        assert text(document.find(".//*[@id='results-heading']")).startswith("3 health mutuals in London")

    @pytest.mark.parametrize(
        ("params", "heading"),
        [
            ({}, "5 public service mutuals"),
            ({"region": "north-west"}, "1 public service mutual in the North West"),
            ({"sector": ["health", "libraries"]}, "5 health or libraries mutuals"),
            ({"status": "closed"}, "1 closed public service mutual"),
            ({"status": "all"}, "6 public service mutuals, of every status"),
            ({"q": "london"}, "4 public service mutuals matching “london”"),
            (
                {"commissioner": "camden", "value_min": "10"},
                "1 public service mutual, filtered by buyer and annual value",
            ),
        ],
    )
    def test_the_heading_counts_the_selection_in_words(self, client, world, params, heading):
        _, document = page(client, LISTING, params)
        assert text(document.find(".//*[@id='results-heading']")) == heading

    def test_an_unfiltered_list_has_no_selected_filters(self, client, world):
        response, _ = page(client, LISTING, {})
        assert "Selected filters" not in response.text


class SelectedFilterTagTests:
    @pytest.mark.parametrize("url", [LISTING, MAP])
    def test_each_chosen_filter_is_a_tag_that_removes_it(self, client, world, url):
        _, document = page(client, url, {"sector": ["health", "libraries"], "region": "london", "sort": "-name"})
        region = document.find(".//*[@id='selected-filters-heading']/..")
        tags = {text(link): link.get("href") for link in region.iter("a") if "app-filter-tag" in link.get("class", "")}
        assert tags == {
            "Remove this filter: Sector Health": f"{url}?sector=libraries&region=london&sort=-name",
            "Remove this filter: Sector Libraries": f"{url}?sector=health&region=london&sort=-name",
            "Remove this filter: Region London": f"{url}?sector=health&sector=libraries&sort=-name",
        }
        removed = client.get(tags["Remove this filter: Sector Health"])
        assert removed.context["selection"].phrase == "libraries mutuals in London"

    def test_what_was_ignored_is_neither_a_tag_nor_in_the_heading(self, client, world):
        response, document = page(client, LISTING, {"sector": ["health", "nope"], "value_min": "abc"})
        assert "Ignored sector “nope”" in response.text
        assert "nope" not in text(document.find(".//h1")) + text(document.find(".//*[@id='results-heading']"))
        assert "annual value" not in text(document.find(".//*[@id='results-heading']"))
        assert document.find(".//input[@id='id_value_min']").get("value") == ""


class EchoTests:
    """Whatever was ignored is not shown as if it were in force, and control characters are never echoed."""

    @pytest.mark.parametrize("url", [LISTING, MAP])
    def test_a_nul_in_the_search_is_not_written_back(self, client, world, url):
        response, document = page(client, url, {"q": "lon\x00don"})
        assert "\x00" not in response.text
        assert document.find(".//input[@id='id_q']").get("value") == "london"

    def test_a_nul_in_a_slug_is_dropped_and_not_echoed(self, client, world):
        response, _ = page(client, LISTING, {"sector": "heal\x00th\u200b"})
        assert "\x00" not in response.text
        assert "\u200b" not in response.text
        assert "Part of your search was ignored" not in response.text
        assert response.context["selection"].phrase == "health mutuals"

    def test_a_nul_in_an_unknown_slug_is_not_echoed_in_the_warning(self, client, world):
        response, _ = page(client, LISTING, {"sector": "no\x00pe"})
        assert "Ignored sector “nope”: it is not one of the options." in response.text
        assert "\x00" not in response.text

    def test_an_ignored_long_search_fills_neither_the_title_nor_the_box(self, client, world):
        response, document = page(client, LISTING, {"q": "x" * 5000})
        assert "Ignored search" in response.text
        assert "xxxxxxxxxx" not in document.find("head/title").text
        assert document.find(".//input[@id='id_q']").get("value") == ""
        assert text(document.find(".//h1")) == "Public service mutuals"


class EmptyOptionTests:
    def test_options_without_mutuals_are_not_offered_unless_chosen(self, client, world):
        SectorFactory(name="Employment and skills")
        response = client.get(LISTING)
        assert "Employment and skills" not in response.text
        assert 'value="employment-and-skills" checked' in client.get(LISTING, {"sector": "employment-and-skills"}).text
