from datetime import date
from decimal import Decimal

import pytest
from django.db.models import F

from directory.models import Contract, Mutual
from tests.factories import ContractFactory, DistrictFactory, MutualFactory, RegionFactory, SectorFactory
from tests.helpers import add_mutuals

pytestmark = pytest.mark.django_db

THIS_YEAR = date.today().year


class PublishedTests:
    def test_drafts_are_not_published(self):
        published = MutualFactory()
        MutualFactory(is_published=False)
        assert list(Mutual.objects.published()) == [published]


class ServingTests:
    def test_a_district_is_served_by_the_mutuals_named_there_and_those_working_everywhere(self):
        leeds, york = DistrictFactory(name="Leeds"), DistrictFactory(name="York")
        local = MutualFactory(name="Leeds Local CIC", area_scope="local", area_basis="source")
        local.districts.set([leeds])
        elsewhere = MutualFactory(name="York Local CIC", area_scope="local", area_basis="source")
        elsewhere.districts.set([york])
        national = MutualFactory(name="National CIC", area_scope="national", area_basis="source")
        MutualFactory(name="Not Known CIC")
        assert set(Mutual.objects.serving([leeds])) == {local, national}
        assert set(Mutual.objects.named_in([leeds])) == {local}
        assert set(Mutual.objects.working_everywhere()) == {national}
        assert set(Mutual.objects.serving([leeds, york])) == {local, elsewhere, national}


class AnnualValueTests:
    def test_the_annual_value_sums_the_contracts_still_running(self):
        mutual = MutualFactory()
        ContractFactory(mutual=mutual, value_gbp=Decimal("1000000"), end_year=THIS_YEAR)
        ContractFactory(mutual=mutual, value_gbp=Decimal("500000"), end_year=None)
        ContractFactory(mutual=mutual, value_gbp=Decimal("9000000"), start_year=2010, end_year=THIS_YEAR - 1)
        assert Mutual.objects.with_annual_value().get().annual_value == Decimal("1500000")

    @pytest.mark.parametrize(
        ("status", "status_year", "current"),
        [
            (Mutual.Status.CLOSED, THIS_YEAR - 4, False),
            (Mutual.Status.MERGED, THIS_YEAR - 1, False),
            (Mutual.Status.RETURNED_IN_HOUSE, None, False),
            (Mutual.Status.CLOSED, THIS_YEAR, True),
            (Mutual.Status.ACTIVE, None, True),
        ],
    )
    def test_a_mutual_that_stopped_trading_holds_no_current_contracts_after_that_year(
        self, status, status_year, current
    ):
        mutual = MutualFactory(status=status, status_year=status_year)
        ContractFactory(mutual=mutual, value_gbp=Decimal("1000000"), start_year=2018, end_year=None)
        expected = Decimal("1000000") if current else None
        assert Mutual.objects.with_annual_value().get().annual_value == expected
        assert Mutual.objects.all().headline_figures()["annual_value"] == expected
        sorted_by = Mutual.objects.with_annual_value_order().annotate(value=F("annual_value_order"))
        assert sorted_by.get().value == expected
        assert Contract.objects.current().exists() is current

    def test_the_next_contract_end_is_that_of_a_current_contract(self):
        mutual = MutualFactory()
        ContractFactory(mutual=mutual, end_year=THIS_YEAR - 1)
        ContractFactory(mutual=mutual, end_year=THIS_YEAR + 3)
        ContractFactory(mutual=mutual, end_year=THIS_YEAR + 1)
        closed = MutualFactory(status=Mutual.Status.CLOSED, status_year=THIS_YEAR - 2)
        ContractFactory(mutual=closed, end_year=THIS_YEAR + 1)
        ends = dict(Mutual.objects.with_next_contract_end().values_list("pk", "next_contract_end"))
        assert ends == {mutual.pk: THIS_YEAR + 1, closed.pk: None}

    def test_a_mutual_without_known_values_has_no_annual_value(self):
        mutual = MutualFactory()
        ContractFactory(mutual=mutual, value_basis=Contract.ValueBasis.UNKNOWN)
        assert Mutual.objects.with_annual_value().get().annual_value is None


class HeadlineFiguresTests:
    def test_the_figures_count_mutuals_sectors_regions_and_current_value(self):
        london = MutualFactory(region=RegionFactory(name="London"), primary_sector=SectorFactory(name="Leisure"))
        MutualFactory(region=RegionFactory(name="North West"), status=Mutual.Status.CLOSED)
        ContractFactory(mutual=london, value_gbp=Decimal("2500000"), end_year=THIS_YEAR + 2)
        MutualFactory(is_published=False, region=RegionFactory(name="South West"))
        figures = Mutual.objects.published().headline_figures()
        assert figures == {
            "mutuals": 2,
            "active": 1,
            "sectors": 2,
            "regions": 2,
            "annual_value": Decimal("2500000"),
            "mutuals_with_value": 1,
        }


class PageQueryTests:
    @pytest.mark.parametrize("count", [1, 6])
    def test_the_listing_takes_two_queries_however_many_mutuals(self, count, django_assert_num_queries):
        add_mutuals(count)
        with django_assert_num_queries(2):
            mutuals = list(Mutual.objects.published().for_listing())
            assert all(len(mutual.sectors.all()) == 2 for mutual in mutuals)

    @pytest.mark.parametrize("count", [1, 6])
    def test_a_detail_page_takes_five_queries_however_many_related_rows(self, count, django_assert_num_queries):
        add_mutuals(count)
        mutual = Mutual.objects.first()
        mutual.districts.set([DistrictFactory(name="Leeds"), DistrictFactory(name="Bradford")])
        with django_assert_num_queries(5):
            mutual = Mutual.objects.published().for_detail().get(slug=mutual.slug)
            assert [c.commissioner.name for c in mutual.contracts.all()]
            assert len(mutual.sources.all()) == 3
            assert len(mutual.sectors.all()) == 2
            assert [district.name for district in mutual.districts.all()] == ["Bradford", "Leeds"]


class HeadlineValueCoverageTests:
    def test_a_mutual_counts_towards_the_value_only_if_its_value_is_known(self):
        ContractFactory(value_basis=Contract.ValueBasis.UNKNOWN)
        ContractFactory(value_gbp=Decimal("100"), end_year=THIS_YEAR)
        figures = Mutual.objects.published().headline_figures()
        assert figures["mutuals_with_value"] == 1
        assert figures["annual_value"] == Decimal("100")
