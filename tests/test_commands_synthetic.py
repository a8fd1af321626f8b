import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.http import QueryDict
from django.urls import reverse

from directory.filters import MutualFilter
from directory.models import Contract, District, Mutual, Region, Sector, Source
from mutuals_site.ops import dataversion
from tests.factories import DistrictFactory, MutualFactory, RegionFactory, SectorFactory
from tests.helpers import queries_for

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def groups():
    SectorFactory(name="Health")
    SectorFactory(name="Libraries")
    RegionFactory(name="London")
    RegionFactory(name="North West")


class MakeSyntheticMutualsTests:
    def test_makes_clearly_labelled_published_mutuals_with_sources_and_contracts(self, groups):
        call_command("make_synthetic_mutuals", 12, verbosity=0)
        synthetic = Mutual.objects.filter(name__startswith="Synthetic Mutual ")
        assert synthetic.count() == 12
        assert all(re.fullmatch(r"Synthetic Mutual \d{6} \(test data\)", m.name) for m in synthetic)
        assert set(synthetic.values_list("is_published", flat=True)) == {True}
        assert Source.objects.filter(mutual__in=synthetic).count() == 12
        assert Contract.objects.filter(mutual__in=synthetic).count() == 6
        assert all(m.sectors.filter(pk=m.primary_sector_id).exists() for m in synthetic)

    def test_they_work_in_districts_or_everywhere_and_delete_takes_their_areas(self, groups):
        DistrictFactory.create_batch(10)
        real = MutualFactory(name="Real Mutual CIC", area_scope=Mutual.AreaScope.LOCAL, area_basis="source")
        real.districts.set(District.objects.all()[:2])
        call_command("make_synthetic_mutuals", 60, verbosity=0)
        synthetic = Mutual.objects.exclude(pk=real.pk)
        assert set(synthetic.values_list("area_basis", flat=True)) == {Mutual.AreaBasis.SOURCE}
        for mutual in synthetic.prefetch_related("districts"):
            named = len(mutual.districts.all())
            allowed = {"local": range(1, 4), "county": range(2, 9)}.get(mutual.area_scope, range(0, 1))
            assert named in allowed, (mutual.area_scope, named)
        assert synthetic.filter(area_scope=Mutual.AreaScope.LOCAL).exists()
        assert synthetic.filter(area_scope__in=Mutual.SCOPES_EVERYWHERE).exists()
        call_command("make_synthetic_mutuals", delete=True, verbosity=0)
        assert Mutual.districts.through.objects.filter(mutual=real).count() == 2
        assert Mutual.districts.through.objects.count() == 2

    def test_without_districts_they_work_everywhere(self, groups):
        call_command("make_synthetic_mutuals", 10, verbosity=0)
        assert set(Mutual.objects.values_list("area_scope", flat=True)) <= set(Mutual.SCOPES_EVERYWHERE)

    def test_running_it_again_adds_more_with_new_numbers(self, groups):
        call_command("make_synthetic_mutuals", 3, verbosity=0)
        call_command("make_synthetic_mutuals", 2, verbosity=0)
        names = sorted(Mutual.objects.values_list("name", flat=True))
        assert names[-1] == "Synthetic Mutual 000005 (test data)"

    def test_delete_removes_only_synthetic_mutuals_and_bumps_the_data_version(self, groups):
        real = MutualFactory(name="Real Mutual CIC")
        call_command("make_synthetic_mutuals", 5, verbosity=0)
        before = dataversion.current().number
        call_command("make_synthetic_mutuals", delete=True, verbosity=0)
        assert list(Mutual.objects.all()) == [real]
        assert Source.objects.filter(mutual=real).exists()
        assert dataversion.current().number > before

    def test_refuses_to_run_without_the_seed_sectors_and_regions(self):
        with pytest.raises(CommandError, match="seed data"):
            call_command("make_synthetic_mutuals", 1, verbosity=0)

    def test_synthetic_mutuals_are_never_in_the_fixtures(self):
        for fixture in FIXTURES.glob("*.json"):
            assert "Synthetic Mutual" not in fixture.read_text(), fixture


class QueriesDoNotGrowWithDataTests:
    """The number of queries a page makes is the same with 5 mutuals as with 60."""

    @pytest.mark.parametrize("name", ["directory:home", "directory:mutual-list", "filtered", "detail", "sector"])
    def test_queries_per_page_stay_the_same(self, client, groups, name):
        real = MutualFactory(name="Real Mutual CIC")
        call_command("make_synthetic_mutuals", 4, verbosity=0)
        url = {
            "filtered": reverse("directory:mutual-list") + "?sector=health&region=london&sort=value&page=1",
            "detail": real.get_absolute_url(),
            "sector": real.primary_sector.get_absolute_url(),
        }.get(name) or reverse(name)
        small = queries_for(client, url)
        call_command("make_synthetic_mutuals", 56, verbosity=0)
        assert queries_for(client, url) == small


class QueryShapesAtScaleTests:
    """The cheaper query shapes for 100k mutuals compute what the plain ones did."""

    @pytest.fixture
    def synthetic(self, groups):
        MutualFactory(name="Draft CIC", is_published=False, status=Mutual.Status.CLOSED)
        call_command("make_synthetic_mutuals", 60, verbosity=0)

    def test_sorting_by_value_orders_by_the_annual_value_then_name(self, synthetic):
        mutuals = list(Mutual.objects.published().with_annual_value())
        expected = sorted(mutuals, key=lambda m: (m.annual_value is None, -(m.annual_value or 0), m.name))
        assert any(m.annual_value is None for m in mutuals) and any(m.annual_value for m in mutuals)
        query = QueryDict("sort=value&status=all")
        ordered = MutualFilter(query, queryset=Mutual.objects.published().for_listing()).qs
        assert [m.pk for m in ordered] == [m.pk for m in expected]
        assert [m.annual_value for m in ordered] == [m.annual_value for m in expected]

    def test_headline_and_group_counts_count_published_mutuals(self, synthetic):
        published = list(Mutual.objects.published().prefetch_related("sectors"))
        figures = Mutual.objects.published().headline_figures()
        assert figures["sectors"] == len({sector.pk for m in published for sector in m.sectors.all()})
        assert figures["regions"] == len({m.region_id for m in published if m.region_id})
        active = [m for m in published if m.status == Mutual.Status.ACTIVE]
        for sector in Sector.objects.with_active_counts():
            assert sector.active_count == sum(1 for m in active if sector in m.sectors.all())
        for region in Region.objects.with_active_counts():
            assert region.active_count == sum(1 for m in active if m.region_id == region.pk)

    @pytest.mark.parametrize(
        "url",
        [
            reverse("directory:mutual-map"),
            reverse("directory:mutual-map") + "?sector=health&page=2",
            reverse("directory:mutual-geojson") + "?bbox=-7,49,2,56&zoom=6",
            reverse("directory:mutual-geojson") + "?bbox=-7,49,2,56&zoom=14",
        ],
    )
    def test_the_map_of_a_large_selection_takes_the_same_queries_however_many_mutuals(
        self, client, groups, url, settings
    ):
        settings.DIRECTORY = {**settings.DIRECTORY, "MAP_POINTS_LIMIT": 3}
        call_command("make_synthetic_mutuals", 8, verbosity=0)
        small = queries_for(client, url)
        call_command("make_synthetic_mutuals", 60, verbosity=0)
        assert queries_for(client, url) == small
