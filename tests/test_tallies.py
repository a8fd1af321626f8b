"""The counts kept with the data (directory/tallies.py) always say what counting the data says, or are not used."""

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory import facets, stats, tallies
from directory.filters import ALL_STATUSES, MutualFilter
from directory.models import Contract, Mutual, Region, Sector, Tally, TallyState
from mutuals_site.ops import dataversion
from tests.factories import ContractFactory, DistrictFactory, MutualFactory, RegionFactory, SectorFactory
from tests.helpers import queries_for

pytestmark = pytest.mark.django_db

REGION_NAMES = ["London", "North West", "South West", "Yorkshire and The Humber"]
SECTOR_NAMES = ["Health", "Adult social care", "Leisure", "Libraries"]
DISTRICT_NAMES = ["Leeds", "York", "Kirklees", "Wakefield", "Rutland"]


LOCATIONS = [
    lambda rng: {},
    lambda rng: {"latitude": None, "longitude": None, "location_basis": "", "location_note": ""},
    lambda rng: {"latitude": round(rng.uniform(50.5, 54.5), 4), "longitude": round(rng.uniform(-4.5, 1.2), 4)},
]


def world(seed, size=40):
    """Make `size` mutuals at random: any status, region (or none), legal form, 0–3 sectors, 0–3 contracts of any
    funding type, value (or none) and end year, any area scope (1–3 districts where it names them), a few drafts."""
    rng = random.Random(seed)
    regions = [RegionFactory(name=name) for name in REGION_NAMES]
    sectors = [SectorFactory(name=name) for name in SECTOR_NAMES]
    districts = [DistrictFactory(name=name) for name in DISTRICT_NAMES]
    for _ in range(size):
        status = rng.choice(list(Mutual.Status))
        scope = rng.choice(["", *Mutual.AreaScope.values])
        mutual = MutualFactory(
            area_scope=scope,
            area_basis=Mutual.AreaBasis.SOURCE if scope else "",
            status=status,
            status_year=None if status == Mutual.Status.ACTIVE else rng.choice([None, 2019, 2026, 2030]),
            region=rng.choice([*regions, None]),
            legal_form=rng.choice(list(Mutual.LegalForm)),
            year_spun_out=rng.choice([None, 2005, 2011, 2012, 2019]),
            is_published=rng.random() > 0.1,
            **rng.choice(LOCATIONS)(rng),
        )
        mutual.sectors.set(rng.sample(sectors, rng.randint(0, 3)))
        if scope in Mutual.SCOPES_WITH_DISTRICTS:
            mutual.districts.set(rng.sample(districts, rng.randint(1, 3)))
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            value = rng.choice([None, Decimal("250000"), Decimal("1200000.50")])
            ContractFactory(
                mutual=mutual,
                funding_type=rng.choice(list(Contract.FundingType)),
                value_gbp=value,
                value_basis=Contract.ValueBasis.ANNUAL if value else "",
                start_year=2015,
                end_year=rng.choice([None, 2020, 2026, 2031]),
            )


def random_query(rng):
    """Return a listing query the tallies can answer: up to one sector and one funding type, any regions and legal
    forms, and a status."""
    query = {"status": rng.choice([*Mutual.Status.values, ALL_STATUSES, None])}
    if rng.random() < 0.5:
        query["sector"] = rng.choice(Sector.objects.values_list("slug", flat=True))
    if rng.random() < 0.4:
        query["funding"] = rng.choice(Contract.FundingType.values)
    if rng.random() < 0.5:
        query["region"] = rng.sample(list(Region.objects.values_list("slug", flat=True)), rng.randint(1, 2))
    if rng.random() < 0.3:
        query["legal_form"] = rng.sample(Mutual.LegalForm.values, rng.randint(1, 2))
    return {name: value for name, value in query.items() if value}


def selection(query):
    return MutualFilter(query, queryset=Mutual.objects.published().for_listing())


def without_zeros(counts):
    return {facet: {key: n for key, n in values.items() if n} for facet, values in counts.items()}


def statistics_rows(statistics):
    return [
        (breakdown.key, row.label, row.count, row.active, row.value, row.valued)
        for breakdown in statistics.breakdowns
        for row in breakdown.rows
    ]


def home_figures(source):
    """Return the home page's headline figures and its sectors' and regions' active counts, from `source`."""
    published = Mutual.objects.published()
    groups = [stats.with_active_counts(model, source) for model in (Sector, Region)]
    return stats.headline_figures(published, source), [[(g.name, g.active_count) for g in each] for each in groups]


def rebuild_committed():
    dataversion.bump()
    tallies.rebuild()


class TalliesAddUpTests:
    @pytest.mark.parametrize("seed", range(6))
    def test_facet_counts_from_the_tallies_are_those_counted_from_the_data(self, seed):
        world(seed)
        rebuild_committed()
        assert tallies.fresh()
        rng = random.Random(seed)
        for _ in range(30):
            query = random_query(rng)
            filterset = selection(query)
            assert tallies.can_count(filterset), query
            assert tallies.facet_counts(filterset, ALL_STATUSES) == without_zeros(facets.counts(filterset)), query
            assert tallies.extent(filterset, ALL_STATUSES) == filterset.qs.extent(), query

    @pytest.mark.parametrize("seed", range(4))
    def test_the_statistics_from_the_tallies_are_those_counted_from_the_data(self, seed):
        world(seed)
        rebuild_committed()
        published = Mutual.objects.published()
        from_tallies = stats.Statistics(published, tallies.Tallied())
        counted = stats.Statistics(published)
        assert statistics_rows(from_tallies) == statistics_rows(counted)
        assert from_tallies.totals == counted.totals
        assert from_tallies.reach == counted.reach
        assert counted.reach.total.districts and counted.reach.total.everywhere  # The world has both.

    @pytest.mark.parametrize("seed", range(4))
    def test_the_home_page_s_figures_from_the_tallies_are_those_counted_from_the_data(self, seed):
        world(seed)
        rebuild_committed()
        assert home_figures(tallies.Tallied()) == home_figures(None)

    @pytest.mark.parametrize(
        "query",
        [
            {"sector": ["health", "leisure"]},
            {"funding": ["grant", "trading"]},
            {"q": "health"},
            {"value_min": "1000"},
            {"spun_out_from": "2010"},
            {"ending_within": "24"},
        ],
    )
    def test_other_selections_are_counted_from_the_data(self, query):
        world(1, size=10)
        assert not tallies.can_count(selection(query))

    def test_a_draft_is_never_counted(self):
        MutualFactory(is_published=False, status=Mutual.Status.ACTIVE)
        rebuild_committed()
        assert not Tally.objects.exists()


class TalliesKeptWithTheDataTests:
    """Every change, once committed, counts the tallies again; till then the pages count from the data."""

    def assert_kept(self):
        assert tallies.fresh()
        rng = random.Random(7)
        for query in [{}, {"status": ALL_STATUSES}, *(random_query(rng) for _ in range(10))]:
            filterset = selection(query)
            assert tallies.facet_counts(filterset, ALL_STATUSES) == without_zeros(facets.counts(filterset)), query
        published = Mutual.objects.published()
        assert statistics_rows(stats.Statistics(published, tallies.Tallied())) == statistics_rows(
            stats.Statistics(published)
        )
        assert home_figures(tallies.Tallied()) == home_figures(None)
        assert stats.district_reach(tallies.Tallied()) == stats.district_reach()

    @pytest.fixture
    def committed(self, django_capture_on_commit_callbacks):
        def run(change):
            with django_capture_on_commit_callbacks(execute=True):
                result = change()
            return result

        world(3, size=12)
        run(dataversion.bump)
        return run

    def test_create(self, committed):
        committed(lambda: MutualFactory(name="A New Mutual CIC", status=Mutual.Status.CLOSED, status_year=2031))
        self.assert_kept()

    def test_edit(self, committed):
        mutual = Mutual.objects.published().first()

        def edit():
            mutual.status, mutual.status_year = Mutual.Status.MERGED, 2024
            mutual.region = RegionFactory(name="North West")
            mutual.legal_form = Mutual.LegalForm.CHARITY
            mutual.save()

        committed(edit)
        self.assert_kept()

    def test_delete(self, committed):
        committed(Mutual.objects.published().filter(contracts__isnull=False).first().delete)
        self.assert_kept()

    def test_sectors_changed(self, committed):
        mutual = Mutual.objects.published().first()
        committed(lambda: mutual.sectors.add(SectorFactory(name="Libraries")))
        self.assert_kept()
        committed(lambda: mutual.sectors.clear())
        self.assert_kept()

    def test_contracts_changed(self, committed):
        mutual = Mutual.objects.published().first()
        contract = committed(lambda: ContractFactory(mutual=mutual, funding_type=Contract.FundingType.GRANT))
        self.assert_kept()
        contract.funding_type, contract.value_gbp = Contract.FundingType.TRADING, Decimal("75000")
        committed(contract.save)
        self.assert_kept()
        committed(contract.delete)
        self.assert_kept()

    def test_publish_and_unpublish(self, committed):
        draft = MutualFactory(is_published=False, name="A Draft CIC")
        ContractFactory(mutual=draft)
        draft.is_published = True
        committed(draft.save)
        self.assert_kept()
        committed(lambda: Mutual.objects.filter(pk=draft.pk).update(is_published=False) and dataversion.bump())
        self.assert_kept()

    def test_a_change_not_yet_counted_again_makes_the_pages_count_from_the_data(self, committed):
        assert tallies.fresh()
        mutual = Mutual.objects.published().filter(status=Mutual.Status.ACTIVE).first()
        mutual.status = Mutual.Status.CLOSED
        mutual.save()  # Not committed: the tallies are as they were.
        assert not tallies.fresh()
        filterset = selection({"status": ALL_STATUSES})
        assert facets.counted(filterset) == facets.counts(filterset)

    def test_tallies_are_counted_for_a_year(self, committed, time_machine):
        assert tallies.fresh()
        year = TallyState.objects.get().year
        time_machine.move_to(f"{year + 1}-01-02")
        assert not tallies.fresh()

    def test_counting_again_changes_nothing_that_is_cached(self, committed):
        before = dataversion.current()
        dataversion.forget()
        TallyState.objects.update(version=-1)
        assert tallies.rebuild()
        dataversion.forget()
        assert dataversion.current() == before
        assert not tallies.rebuild()


class PagesFromTalliesTests:
    def test_listing_and_statistics_read_the_tallies_once_counted(self, client):
        world(2, size=15)
        computed = client.get(reverse("directory:mutual-list"), {"status": ALL_STATUSES}).context["facets"].counts
        summaries = ["directory:stats", "directory:home", "directory:about"]
        counted = {name: client.get(reverse(name)).text for name in summaries}
        dataset_figures = client.get(reverse("directory:dataset")).context["figures"]
        rebuild_committed()
        response = client.get(reverse("directory:mutual-list"), {"status": ALL_STATUSES})
        assert response.context["facets"].counts == without_zeros(computed)
        assert {name: client.get(reverse(name)).text for name in summaries} == counted
        # The dataset page names the data version, which the change moved on: its figures are the same.
        assert client.get(reverse("directory:dataset")).context["figures"] == dataset_figures

    def test_the_home_page_adds_up_the_tallies_instead_of_counting_the_mutuals(self, client):
        world(3, size=15)
        counting = queries_for(client, reverse("directory:home"))
        rebuild_committed()
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("directory:home"))
        assert len(queries) < counting
        assert not [query["sql"] for query in queries if '"directory_contract"' in query["sql"]]

    def test_their_queries_do_not_grow_with_the_data(self, client):
        world(4, size=5)
        ContractFactory(mutual=MutualFactory())  # Active, in health and London: every page lists someone.
        rebuild_committed()
        pages = [
            (reverse("directory:mutual-list"), {}),
            (reverse("directory:mutual-list"), {"sector": "health", "region": "london"}),
            (reverse("directory:stats"), {}),
            (reverse("directory:home"), {}),
            (reverse("directory:about"), {}),
            (reverse("directory:dataset"), {}),
        ]
        few = [queries_for(client, url, params) for url, params in pages]
        world(5, size=30)
        rebuild_committed()
        assert [queries_for(client, url, params) for url, params in pages] == few


@pytest.mark.django_db(transaction=True)
class CountedAfterTheResponseTests:
    def test_a_change_during_a_request_is_counted_once_its_response_is_sent(self):
        MutualFactory()
        tallies.rebuild()
        assert tallies.fresh()
        tallies.request_started()
        MutualFactory(name="Another Mutual CIC")  # Committed at once (autocommit), counted after the response.
        assert not tallies.fresh()
        tallies.request_finished()
        assert tallies.fresh()
        assert Tally.objects.filter(sector=Tally.ANY_SECTOR, funding=Tally.ANY_FUNDING).get().count == 2

    def test_outside_a_request_a_change_is_counted_once_committed(self):
        MutualFactory()
        assert tallies.fresh()
