from decimal import Decimal

import html5lib
import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Commissioner, Contract, Mutual
from tests.factories import (
    CommissionerFactory,
    ContractFactory,
    MutualFactory,
    RegionFactory,
    SectorFactory,
)

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


def add_mutuals(count, **kwargs):
    for _ in range(count):
        ContractFactory(mutual=MutualFactory(**kwargs))


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
