"""Searching mutuals by words: English stems, ranked best first, and the closest names when nothing matches."""

import pytest
from django.urls import reverse

from directory.filters import MutualFilter
from directory.models import Mutual
from tests.factories import MutualFactory
from tests.helpers import queries_for

pytestmark = pytest.mark.django_db

LISTING = reverse("directory:mutual-list")


def found(query, **params):
    filterset = MutualFilter({"q": query, **params}, queryset=Mutual.objects.published())
    return [mutual.name for mutual in filterset.qs]


@pytest.fixture
def libraries():
    MutualFactory(name="Libraries Unlimited", summary="Runs the county's public libraries.", town="Exeter")
    MutualFactory(name="Inspire", summary="Culture, learning and a library service.", town="Nottingham")
    MutualFactory(name="Explore York", summary="Archives.", services="Library services and archives", town="York")
    MutualFactory(name="Community Nursing CIC", summary="District nurses.", town="Library Green")
    MutualFactory(name="Health Visitors CIC", summary="Health visiting.", town="Leeds")


class WordSearchTests:
    def test_a_word_finds_its_plural_and_its_singular(self, libraries):
        assert "Libraries Unlimited" in found("library")
        assert "Inspire" in found("libraries")
        assert set(found("library")) == set(found("LIBRARIES"))

    def test_every_word_must_match_somewhere(self, libraries):
        assert found("library archives") == ["Explore York"]
        assert found("library visiting") == []

    def test_nurse_finds_nursing(self, libraries):
        assert found("nurse") == ["Community Nursing CIC"]

    def test_a_match_in_the_name_ranks_above_one_in_the_summary_then_services_then_town(self, libraries):
        assert found("library") == ["Libraries Unlimited", "Inspire", "Explore York", "Community Nursing CIC"]

    def test_best_match_is_the_order_with_a_search_and_another_order_can_be_chosen(self, libraries):
        assert found("library", sort="name") == [
            "Community Nursing CIC",
            "Explore York",
            "Inspire",
            "Libraries Unlimited",
        ]
        assert found("library", sort="relevance")[0] == "Libraries Unlimited"

    def test_best_match_without_a_search_is_by_name(self, libraries):
        filterset = MutualFilter({"sort": "relevance"}, queryset=Mutual.objects.published())
        assert [m.name for m in filterset.qs][:2] == ["Community Nursing CIC", "Explore York"]
        assert filterset.problems == []

    def test_only_words_too_common_to_search_for_find_nothing_and_say_nothing(self, libraries):
        assert found("the") == []

    @pytest.mark.parametrize("hostile", ["'", '"', "a & b | !c", "-library", "or", "library:*", "(", "\\"])
    def test_punctuation_is_never_an_error(self, client, libraries, hostile):
        assert client.get(LISTING, {"q": hostile}).status_code == 200


class SearchPageTests:
    def test_the_listing_offers_best_match_only_with_a_search(self, client, libraries):
        assert "Best match" not in client.get(LISTING).text
        response = client.get(LISTING, {"q": "library"})
        assert '<option value="relevance" selected>Best match</option>' in response.text
        assert 'data-default="relevance"' in response.text

    def test_when_nothing_matches_the_closest_names_are_offered(self, client, libraries):
        response = client.get(LISTING, {"q": "Libary Unlimted"})
        assert "Did you mean one of these?" in response.text
        assert f'href="{reverse("directory:mutual-detail", args=["libraries-unlimited"])}"' in response.text

    def test_the_closest_names_respect_the_other_filters(self, client, libraries):
        response = client.get(LISTING, {"q": "Libary Unlimted", "status": "closed"})
        assert "Did you mean" not in response.text

    def test_a_search_that_matches_offers_no_suggestions(self, client, libraries):
        assert "Did you mean" not in client.get(LISTING, {"q": "library"}).text

    def test_searching_costs_the_same_queries_however_many_mutuals_match(self, client, libraries):
        before = queries_for(client, f"{LISTING}?q=library")
        MutualFactory.create_batch(5, summary="More library services.")
        assert queries_for(client, f"{LISTING}?q=library") == before
