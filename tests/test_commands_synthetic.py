import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import Contract, Mutual, Source
from mutuals_site.ops import dataversion
from tests.factories import MutualFactory, RegionFactory, SectorFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def groups():
    SectorFactory(name="Health")
    SectorFactory(name="Libraries")
    RegionFactory(name="London")
    RegionFactory(name="North West")


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


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
