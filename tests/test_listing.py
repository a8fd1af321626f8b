import pytest
from django.urls import reverse

from directory.models import Mutual
from tests.factories import (
    ContractFactory,
    MutualFactory,
    RegionFactory,
    SectorFactory,
)
from tests.helpers import add_mutuals, queries_for
from tests.html_forms import submit

pytestmark = pytest.mark.django_db


class MutualListViewTests:
    url = reverse("directory:mutual-list")

    def test_it_lists_active_mutuals_with_their_count(self, client):
        MutualFactory(name="Active Health CIC")
        MutualFactory(name="Long Gone CIC", status=Mutual.Status.CLOSED)
        response = client.get(self.url)
        assert response.status_code == 200
        assert "Active Health CIC" in response.text
        assert "Long Gone CIC" not in response.text
        assert ">1 public service mutual<" in response.text

    def test_it_shows_closed_mutuals_as_closed_when_asked_for_all(self, client):
        MutualFactory(name="Long Gone CIC", status=Mutual.Status.CLOSED)
        response = client.get(self.url, {"status": "all"})
        assert "Long Gone CIC" in response.text
        assert '<strong class="govuk-tag govuk-tag--grey">Closed</strong>' in response.text

    def test_it_pages_twenty_five_at_a_time(self, client):
        MutualFactory.create_batch(30)
        first = client.get(self.url)
        second = client.get(self.url, {"page": 2})
        assert len(first.context["page_obj"].object_list) == 25
        assert len(second.context["page_obj"].object_list) == 5
        assert 'rel="next"' in first.text
        assert "Showing 26 to 30" in second.text

    def test_the_filter_form_shows_counts_for_the_selection(self, client):
        MutualFactory(region=RegionFactory(name="London"))
        MutualFactory(region=RegionFactory(name="North West"))
        response = client.get(self.url, {"region": "london"})
        assert 'value="london" checked' in response.text
        assert 'North West <span class="app-count">(1)</span>' in response.text
        assert ">1 public service mutual in London<" in response.text

    def test_the_url_of_a_selection_can_be_shared(self, client):
        MutualFactory(name="Kept Mutual", primary_sector=SectorFactory(name="Libraries"))
        MutualFactory(name="Other Mutual")
        response = client.get(self.url, {"sector": "libraries", "sort": "-name", "page": "1"})
        assert "Kept Mutual" in response.text
        assert "Other Mutual" not in response.text
        assert '<option value="-name" selected>' in response.text

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"page": "-1"}, "Ignored page “-1”: there is no such page, so this is page 1."),
            ({"page": "abc"}, "Ignored page “abc”"),
            ({"page": "99999"}, "Ignored page “99999”"),
            ({"value_min": "abc"}, "Ignored annual value from (£) “abc”: Enter a number."),
            ({"sector": "nope"}, "Ignored sector “nope”: it is not one of the options."),
            ({"region": "nowhere"}, "Ignored region “nowhere”: it is not one of the options."),
            ({"commissioner": "nobody"}, "Ignored buyer “nobody”: it is not one of the options."),
            ({"spun_out_to": "99999999999999999999"}, "Ignored spun out in or before"),
            ({"ending_within": "-3"}, "Ignored contract ending within (months) “-3”"),
            ({"q": "x" * 5000}, "Ignored search “xxxx"),
        ],
    )
    def test_bad_input_is_ignored_and_the_page_says_so(self, client, params, message):
        MutualFactory(name="Still Listed CIC")
        response = client.get(self.url, params)
        assert response.status_code == 200
        assert "Part of your search was ignored" in response.text
        assert message in response.content.decode()
        assert "Still Listed CIC" in response.text

    def test_a_search_for_nothing_says_so_plainly(self, client):
        MutualFactory()
        response = client.get(self.url, {"q": "no such words anywhere"})
        assert "No mutuals match this selection" in response.text

    @pytest.mark.parametrize("params", [{}, {"sector": "adult-social-care", "sort": "value", "value_min": "1"}])
    def test_the_number_of_queries_does_not_grow_with_the_mutuals(self, client, params):
        add_mutuals(3)
        few = queries_for(client, self.url + "?" + "&".join(f"{k}={v}" for k, v in params.items()))
        add_mutuals(20)
        many = queries_for(client, self.url + "?" + "&".join(f"{k}={v}" for k, v in params.items()))
        assert few == many
        assert many <= 13  # 12, and one for the area menu's districts


class FormsAsBrowsersSendThemTests:
    """A browser without JavaScript sends every field, empty ones included: that is never 'ignored'."""

    @pytest.fixture
    def world(self):
        MutualFactory.create_batch(3)
        ContractFactory(mutual=MutualFactory(name="Bought Mutual CIC"))

    @pytest.mark.parametrize(
        ("page", "form"),
        [
            ("directory:mutual-list", "app-filters"),
            ("directory:mutual-list", "app-sort"),
            ("directory:mutual-map", "app-filters"),
        ],
    )
    def test_submitting_a_form_unchanged_raises_no_warning(self, client, world, page, form):
        first = client.get(reverse(page))
        again = submit(client, first, form, action=reverse(page))
        assert again.status_code == 200
        assert "Part of your search was ignored" not in again.text
        assert again.context["filter"].problems == []
        assert again.context["filter"].qs.count() == 4

    def test_an_empty_value_of_any_parameter_is_not_chosen(self, client, world):
        names = ["q", "sector", "region", "legal_form", "funding", "commissioner", "value_min", "value_max"]
        names += ["spun_out_from", "spun_out_to", "ending_within", "status", "sort", "page"]
        response = client.get(reverse("directory:mutual-list"), dict.fromkeys(names, ""))
        assert "Part of your search was ignored" not in response.text
        assert ">4 public service mutuals" in response.text
