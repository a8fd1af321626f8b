from datetime import date
from decimal import Decimal

import html5lib
import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Commissioner, Contract, Correction, Mutual
from tests.factories import (
    CommissionerFactory,
    ContractFactory,
    MutualFactory,
    RegionFactory,
    SectorFactory,
    SourceFactory,
)
from tests.helpers import add_mutuals, queries_for

pytestmark = pytest.mark.django_db

WHOLE_LIFE = Contract.ValueBasis.WHOLE_LIFE


@pytest.fixture
def this_year():
    return timezone.localdate().year


@pytest.fixture
def libraries(this_year):
    """Libraries: two published mutuals in two regions, one closed, and a draft that must not show."""
    sector = SectorFactory(name="Libraries")
    london, south_west = RegionFactory(name="London"), RegionFactory(name="South West")
    open_one = MutualFactory(name="Open Libraries CIC", primary_sector=sector, region=london)
    closed = MutualFactory(
        name="Closed Libraries CIC", primary_sector=sector, region=south_west, status=Mutual.Status.CLOSED
    )
    draft = MutualFactory(name="Draft Libraries CIC", primary_sector=sector, region=london, is_published=False)
    MutualFactory(name="Health Elsewhere CIC", region=london)
    ContractFactory(mutual=open_one, value_gbp=Decimal("2000000"), start_year=this_year - 1, end_year=this_year + 1)
    ContractFactory(mutual=closed, value_gbp=Decimal("700000"), start_year=2010, end_year=this_year - 2)
    ContractFactory(mutual=draft, value_gbp=Decimal("90000000"), start_year=this_year, end_year=this_year + 2)
    return sector


def valid_html(response):
    html5lib.HTMLParser(strict=True).parse(response.content)
    return True


class SectorPageTests:
    def test_shows_its_figures_by_status_and_value_without_drafts(self, client, libraries):
        response = client.get(libraries.get_absolute_url())
        figures = response.context["figures"]
        assert (figures["totals"]["count"], figures["totals"]["active"]) == (2, 1)
        assert figures["totals"]["value"] == Decimal("2000000")
        assert {row.label: row.count for row in figures["status"].rows} == {
            "Active": 1,
            "Closed": 1,
            "Merged or absorbed": 0,
            "Returned in-house": 0,
        }
        assert "£2m" in response.text
        assert "Draft Libraries CIC" not in response.text
        assert "£90" not in response.text
        assert "Health Elsewhere CIC" not in response.text
        assert valid_html(response)

    def test_breaks_its_mutuals_down_by_region(self, client, libraries):
        response = client.get(libraries.get_absolute_url())
        regions = {row.label: (row.count, row.value) for row in response.context["figures"]["breakdown"].rows}
        assert regions == {"London": (1, Decimal("2000000")), "South West": (1, None)}
        assert 'id="region-heading"' in response.text

    def test_links_to_the_listing_of_the_same_mutuals(self, client, libraries):
        response = client.get(libraries.get_absolute_url())
        listing = reverse("directory:mutual-list")
        assert f'href="{listing}?sector=libraries&amp;status=all"' in response.text
        assert f'href="{listing}?status=all&amp;sector=libraries&amp;region=london"' in response.text
        listed = client.get(listing, {"sector": "libraries", "status": "all"})
        assert listed.context["page_obj"].paginator.count == 2

    def test_an_unknown_sector_is_not_found(self, client):
        assert client.get(reverse("directory:sector-detail", args=["nope"])).status_code == 404

    @pytest.mark.parametrize("extra", [0, 6])
    def test_query_count_does_not_grow_with_mutuals(self, client, libraries, django_assert_num_queries, extra):
        add_mutuals(extra, primary_sector=libraries, region=RegionFactory(name="North East"))
        with django_assert_num_queries(9):
            client.get(libraries.get_absolute_url())


class RegionPageTests:
    def test_shows_its_figures_and_breaks_them_down_by_sector(self, client, libraries):
        london = RegionFactory(name="London")
        response = client.get(london.get_absolute_url())
        figures = response.context["figures"]
        assert (figures["totals"]["count"], figures["totals"]["active"]) == (2, 2)
        sectors = {row.label: row.count for row in figures["breakdown"].rows}
        assert sectors == {"Health": 1, "Libraries": 1}
        assert "Draft Libraries CIC" not in response.text
        assert f'href="{reverse("directory:mutual-list")}?region=london&amp;status=all"' in response.text
        assert valid_html(response)

    def test_an_unknown_region_is_not_found(self, client):
        assert client.get(reverse("directory:region-detail", args=["nope"])).status_code == 404

    @pytest.mark.parametrize("extra", [0, 6])
    def test_query_count_does_not_grow_with_mutuals(self, client, libraries, django_assert_num_queries, extra):
        london = RegionFactory(name="London")
        add_mutuals(extra, region=london, primary_sector=SectorFactory(name="Leisure"))
        with django_assert_num_queries(9):
            client.get(london.get_absolute_url())


class GroupIndexTests:
    @pytest.mark.parametrize("name", ["directory:sector-list", "directory:region-list"])
    def test_lists_every_group_with_its_published_mutuals(self, client, libraries, name):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "Draft Libraries CIC" not in response.text
        assert valid_html(response)
        rows = {row.label: row.count for row in response.context["breakdown"].rows}
        expected = {"Libraries": 2, "Health": 1} if name == "directory:sector-list" else {"London": 2, "South West": 1}
        assert {label: count for label, count in rows.items() if count} == expected

    def test_links_to_each_sectors_page(self, client, libraries):
        response = client.get(reverse("directory:sector-list"))
        assert f'href="{libraries.get_absolute_url()}"' in response.text

    @pytest.mark.parametrize("name", ["directory:sector-list", "directory:region-list"])
    @pytest.mark.parametrize("extra", [0, 6])
    def test_query_count_does_not_grow_with_mutuals(self, client, libraries, django_assert_num_queries, name, extra):
        add_mutuals(extra, region=RegionFactory(name="North East"), primary_sector=SectorFactory(name="Leisure"))
        with django_assert_num_queries(3):
            client.get(reverse(name))


@pytest.fixture
def kirklees(this_year):
    """A council buying from two published mutuals, with a past, a current and an estimated contract, and a draft."""
    buyer = CommissionerFactory(name="Kirklees Council", kind=Commissioner.Kind.LOCAL_AUTHORITY)
    locala = MutualFactory(name="Locala CIC")
    care = MutualFactory(name="Care Mutual", status=Mutual.Status.CLOSED)
    ContractFactory(
        commissioner=buyer,
        mutual=locala,
        service="0-19 Healthy Child Programme",
        value_gbp=Decimal("30000000"),
        value_basis=WHOLE_LIFE,
        start_year=this_year - 1,
        end_year=this_year + 4,
        source_url="https://www.example.org/notices/healthy-child",
    )
    ContractFactory(
        commissioner=buyer,
        mutual=locala,
        service="School nursing",
        value_gbp=Decimal("1500000"),
        start_year=this_year - 2,
        end_year=this_year,
        funding_type=Contract.FundingType.GRANT,
    )
    ContractFactory(commissioner=buyer, mutual=care, service="Day services", start_year=2010, end_year=2015)
    ContractFactory(
        commissioner=buyer,
        mutual=MutualFactory(name="Secret Draft CIC", is_published=False),
        service="Secret draft service",
        value_gbp=Decimal("77000000"),
    )
    return buyer


class CommissionerPageTests:
    def test_shows_its_kind_contracts_values_and_totals(self, client, kirklees):
        response = client.get(kirklees.get_absolute_url())
        text = response.text
        assert "Local authority" in text
        for words in ("Locala CIC", "0-19 Healthy Child Programme", "School nursing", "Care Mutual", "Day services"):
            assert words in text
        assert "£30,000,000" in text and "whole life" in text
        assert "£6,000,000" in text and "estimated over 5 years" in text
        assert "Grant" in text and "Public contract" in text
        assert 'href="https://www.example.org/notices/healthy-child"' in text
        assert response.context["object"].mutual_count == 2
        assert response.context["object"].contract_count == 3
        assert response.context["object"].annual_value == Decimal("7500000")
        assert "£7.5m" in text
        assert valid_html(response)

    def test_never_shows_a_drafts_contract(self, client, kirklees):
        text = client.get(kirklees.get_absolute_url()).text
        assert "Secret Draft CIC" not in text
        assert "Secret draft service" not in text
        assert "£77" not in text

    def test_links_to_the_listing_of_its_mutuals(self, client, kirklees):
        text = client.get(kirklees.get_absolute_url()).text
        assert f'href="{reverse("directory:mutual-list")}?commissioner={kirklees.slug}&amp;status=all"' in text
        listed = client.get(reverse("directory:mutual-list"), {"commissioner": kirklees.slug, "status": "all"})
        assert listed.context["page_obj"].paginator.count == 2

    def test_a_buyer_with_no_published_contracts_is_not_found(self, client):
        """As on the index, the sitemap, the API and the buyer filter: a buyer is public through published mutuals."""
        quiet = CommissionerFactory(name="Quiet Council")
        drafts_only = CommissionerFactory(name="Drafts Only Council")
        ContractFactory(commissioner=drafts_only, mutual=MutualFactory(is_published=False))
        for buyer in (quiet, drafts_only):
            response = client.get(buyer.get_absolute_url())
            assert response.status_code == 404
            assert buyer.name not in response.text

    def test_an_unknown_buyer_is_not_found(self, client):
        assert client.get(reverse("directory:commissioner-detail", args=["nope"])).status_code == 404

    @pytest.mark.parametrize("extra", [0, 6])
    def test_query_count_does_not_grow_with_contracts(self, client, kirklees, django_assert_num_queries, extra):
        for _ in range(extra):
            ContractFactory(commissioner=kirklees)
        with django_assert_num_queries(2):
            client.get(kirklees.get_absolute_url())


class CommissionerIndexTests:
    def test_groups_buyers_by_kind_with_counts(self, client, kirklees):
        nhs = CommissionerFactory(name="NHS Kirklees ICB", kind=Commissioner.Kind.NHS)
        ContractFactory(commissioner=nhs)
        CommissionerFactory(name="NHS Other ICB", kind=Commissioner.Kind.NHS)
        response = client.get(reverse("directory:commissioner-list"))
        text = response.text
        assert text.index("Local authority") < text.index("NHS body")
        assert (
            '<a class="govuk-link" href="#local-authority">Local authority</a> <span class="app-count">(1)</span>'
            in text
        )
        assert '<a class="govuk-link" href="#nhs">NHS body</a> <span class="app-count">(1)</span>' in text
        assert "Kirklees Council" in text and "NHS Kirklees ICB" in text
        assert "NHS Other ICB" not in text
        assert valid_html(response)

    def test_leaves_out_a_buyer_known_only_through_drafts(self, client):
        ContractFactory(
            commissioner=CommissionerFactory(name="Draft Only Council"), mutual=MutualFactory(is_published=False)
        )
        assert "Draft Only Council" not in client.get(reverse("directory:commissioner-list")).text

    @pytest.mark.parametrize("extra", [0, 6])
    def test_query_count_does_not_grow_with_buyers(self, client, kirklees, django_assert_num_queries, extra):
        ContractFactory.create_batch(extra)
        with django_assert_num_queries(1):
            client.get(reverse("directory:commissioner-list"))


class CommissionerQuerySetTests:
    def test_totals_count_published_mutuals_and_current_contracts_only(self, kirklees, this_year):
        buyer = Commissioner.objects.with_totals().get(pk=kirklees.pk)
        assert (buyer.mutual_count, buyer.contract_count) == (2, 3)
        assert buyer.annual_value == Decimal("6000000") + Decimal("1500000")

    def test_for_detail_prefetches_published_contracts_in_order_of_mutual(self, kirklees, django_assert_num_queries):
        with django_assert_num_queries(2):
            buyer = Commissioner.objects.for_detail().get(pk=kirklees.pk)
            names = [contract.mutual.name for contract in buyer.published_contracts]
        assert names == ["Care Mutual", "Locala CIC", "Locala CIC"]


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
