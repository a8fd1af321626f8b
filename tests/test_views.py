from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import Correction, Mutual
from tests.factories import (
    CommissionerFactory,
    ContractFactory,
    MutualFactory,
    RegionFactory,
    SectorFactory,
    SourceFactory,
)
from tests.html_forms import submit

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_mutuals(count):
    care = SectorFactory(name="Adult social care")
    for _ in range(count):
        mutual = MutualFactory(sectors=[care])
        SourceFactory.create_batch(2, mutual=mutual)
        ContractFactory.create_batch(2, mutual=mutual)


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
        assert many <= 12


class MutualDetailViewTests:
    def test_it_shows_every_fact_with_sources_and_last_verified_date(self, client):
        mutual = MutualFactory(
            name="Bromley Healthcare CIC",
            registration_number="07733466",
            register="GB-COH",
            staff_count_detail="more than 1,000 (CQC, 2022)",
            staff_count=1000,
            turnover_gbp=Decimal("52000000"),
            turnover_period="2022",
            last_verified=date(2026, 11, 26),
        )
        SourceFactory(mutual=mutual, url="https://www.gov.uk/case-study", backs="spin-out year")
        response = client.get(mutual.get_absolute_url())
        assert response.status_code == 200
        text = response.text
        assert '<h1 class="govuk-heading-xl">Bromley Healthcare CIC</h1>' in text
        assert "GB-COH-07733466" in text
        assert "As the sources put it: more than 1,000 (CQC, 2022)" in text
        assert "£52,000,000" in text
        assert 'href="https://www.gov.uk/case-study"' in text
        assert "backs: spin-out year" in text
        assert '<time datetime="2026-11-26">26 November 2026</time>' in text
        assert "approximate" in text

    def test_empty_facts_are_shown_as_not_known(self, client):
        mutual = MutualFactory(website="", postcode="", year_spun_out=None, latitude=None, longitude=None)
        text = client.get(mutual.get_absolute_url()).text
        assert text.count("not known") >= 6

    def test_contracts_show_buyer_value_basis_and_estimated_annual_value(self, client):
        contract = ContractFactory(
            commissioner=CommissionerFactory(name="NHS Derby"),
            value_gbp=Decimal("750000"),
            value_basis="whole-life",
            start_year=2011,
            end_year=2016,
        )
        text = client.get(contract.mutual.get_absolute_url()).text
        assert "NHS Derby" in text
        assert "£750,000" in text
        assert "whole life" in text
        assert "£150,000" in text
        assert "estimated over 5 years" in text

    def test_a_closed_mutual_is_never_shown_as_active(self, client):
        mutual = MutualFactory(status=Mutual.Status.CLOSED, status_year=2022, status_note="Lost its contract.")
        text = client.get(mutual.get_absolute_url()).text
        assert "Closed in 2022. Lost its contract." in text
        assert "govuk-tag--green" not in text

    def test_unconfirmed_staff_control_is_said_honestly(self, client):
        mutual = MutualFactory(evidence=Mutual.Evidence.UNCONFIRMED)
        text = client.get(mutual.get_absolute_url()).text
        assert "Staff control not confirmed" in text
        assert "not that its staff own or control it" in text

    def test_an_unknown_slug_or_a_draft_is_not_found(self, client):
        draft = MutualFactory(is_published=False)
        assert client.get(reverse("directory:mutual-detail", args=["no-such-mutual"])).status_code == 404
        assert client.get(draft.get_absolute_url()).status_code == 404

    def test_the_number_of_queries_does_not_grow_with_contracts_and_sources(self, client):
        mutual = MutualFactory()
        few = queries_for(client, mutual.get_absolute_url())
        SourceFactory.create_batch(5, mutual=mutual)
        ContractFactory.create_batch(5, mutual=mutual)
        mutual.sectors.add(SectorFactory(name="Leisure"), SectorFactory(name="Libraries"))
        assert queries_for(client, mutual.get_absolute_url()) == few


class HomeViewTests:
    def test_it_shows_figures_computed_from_the_data(self, client):
        ContractFactory(value_gbp=Decimal("3000000"), end_year=date.today().year + 1)
        MutualFactory(status=Mutual.Status.MERGED)
        MutualFactory(is_published=False)
        response = client.get(reverse("directory:home"))
        assert response.status_code == 200
        assert response.context["figures"]["mutuals"] == 2
        assert response.context["figures"]["active"] == 1
        assert "£3m" in response.text
        assert 'action="/mutuals/"' in response.text


class GroupPageTests:
    def test_a_sector_page_lists_its_mutuals(self, client):
        mutual = MutualFactory(primary_sector=SectorFactory(name="Libraries"))
        MutualFactory(name="Elsewhere CIC")
        response = client.get(reverse("directory:sector-detail", args=["libraries"]))
        assert response.status_code == 200
        assert mutual.name in response.text
        assert "Elsewhere CIC" not in response.text

    def test_a_region_page_lists_its_mutuals(self, client):
        mutual = MutualFactory(region=RegionFactory(name="South West"))
        response = client.get(reverse("directory:region-detail", args=["south-west"]))
        assert mutual.name in response.text
        assert "E12000009" in response.text

    @pytest.mark.parametrize(
        "name", ["directory:sector-detail", "directory:region-detail", "directory:commissioner-detail"]
    )
    def test_unknown_slugs_are_not_found(self, client, name):
        assert client.get(reverse(name, args=["nope"])).status_code == 404

    def test_a_commissioner_page_lists_its_contracts_with_published_mutuals_only(self, client):
        buyer = CommissionerFactory(name="Kirklees Council")
        ContractFactory(commissioner=buyer, mutual=MutualFactory(name="Locala CIC"))
        ContractFactory(commissioner=buyer, mutual=MutualFactory(name="Secret Draft", is_published=False))
        text = client.get(buyer.get_absolute_url()).text
        assert "Locala CIC" in text
        assert "Secret Draft" not in text


class AboutViewTests:
    def test_it_explains_licence_sources_and_corrections(self, client):
        text = client.get(reverse("directory:about")).text
        assert "Open Government Licence v3.0" in text
        assert "What a public service mutual is" in text
        assert reverse("directory:correction-create") in text


class CorrectionViewTests:
    url = reverse("directory:correction-create")

    def test_a_reader_reports_a_correction_to_a_mutual(self, client):
        mutual = MutualFactory()
        page = client.get(self.url, {"mutual": mutual.slug})
        assert "Report a mistake on this record" in page.text
        response = client.post(
            f"{self.url}?mutual={mutual.slug}",
            {"mutual": mutual.slug, "message": "The website moved.", "source_url": "https://example.org/new"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == mutual.get_absolute_url()
        assert "Thank you" in response.text
        assert Correction.objects.get().mutual == mutual

    def test_an_empty_report_is_refused_with_a_message(self, client):
        response = client.post(self.url, {"message": ""})
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert not Correction.objects.exists()

    def test_robots_filling_the_hidden_field_are_refused(self, client):
        client.post(self.url, {"message": "Buy now", "nickname": "spam"})
        assert not Correction.objects.exists()


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
