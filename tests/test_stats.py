from collections import Counter, defaultdict
from decimal import Decimal

import html5lib
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from directory import stats
from directory.models import Contract, Mutual
from tests.factories import (
    ContractFactory,
    DistrictFactory,
    MutualFactory,
    PublishedFigureFactory,
    RegionFactory,
    SectorFactory,
)
from tests.research import researched

pytestmark = pytest.mark.django_db

ANNUAL, WHOLE_LIFE = Contract.ValueBasis.ANNUAL, Contract.ValueBasis.WHOLE_LIFE


@pytest.fixture
def world():
    """Five published mutuals of every status, one draft, and contracts current, ended and without a yearly value."""
    year = timezone.localdate().year
    health, libraries, housing = (SectorFactory(name=name) for name in ("Health", "Libraries", "Housing"))
    london, north_west = RegionFactory(name="London"), RegionFactory(name="North West")
    alpha = MutualFactory(name="Alpha Health CIC", primary_sector=health, region=london, year_spun_out=2011)
    beta = MutualFactory(
        name="Beta Libraries",
        primary_sector=libraries,
        sectors=[health],
        region=north_west,
        legal_form=Mutual.LegalForm.CBS,
        year_spun_out=2014,
        status=Mutual.Status.CLOSED,
    )
    gamma = MutualFactory(
        name="Gamma Libraries",
        primary_sector=libraries,
        region=None,
        legal_form="",
        year_spun_out=None,
        status=Mutual.Status.MERGED,
    )
    # Returned in-house this year: its contracts count until the year ends.
    delta = MutualFactory(
        name="Delta Health",
        primary_sector=health,
        year_spun_out=2016,
        status=Mutual.Status.RETURNED_IN_HOUSE,
        status_year=year,
    )
    MutualFactory(name="Epsilon Libraries", primary_sector=libraries, region=london, year_spun_out=2012)
    draft = MutualFactory(
        name="Draft Housing Mutual",
        primary_sector=housing,
        region=north_west,
        legal_form=Mutual.LegalForm.CLG,
        year_spun_out=1999,
        is_published=False,
    )
    ContractFactory(mutual=alpha, value_gbp=Decimal("1000000"), start_year=year - 1, end_year=year + 2)
    ContractFactory(
        mutual=alpha,
        value_gbp=Decimal("3000000"),
        value_basis=WHOLE_LIFE,
        start_year=year - 1,
        end_year=year + 2,
        funding_type=Contract.FundingType.GRANT,
    )
    ContractFactory(mutual=beta, value_gbp=Decimal("500000"), start_year=2015, end_year=year - 1)
    ContractFactory(mutual=delta, value_gbp=Decimal("2500000"), start_year=2019, end_year=None)
    ContractFactory(mutual=gamma, value_gbp=Decimal("9000000"), value_basis=WHOLE_LIFE, start_year=None, end_year=None)
    ContractFactory(mutual=draft, value_gbp=Decimal("50000000"), start_year=year, end_year=year + 3)
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "delta": delta, "draft": draft, "year": year}


def independent_sums(group_keys, year):
    """Count published mutuals and add up their current contracts' annual values by group, one mutual at a time."""
    counts, values = Counter(), defaultdict(Decimal)
    for mutual in Mutual.objects.filter(is_published=True).prefetch_related("contracts", "sectors"):
        for key in group_keys(mutual):
            counts[key] += 1
            for contract in mutual.contracts.all():
                if is_current(contract, mutual, year):
                    values[key] += contract.annual_value_gbp
    return counts, values


def is_current(contract, mutual, year):
    """A contract with a yearly value, not ended before `year`, of a mutual still trading then."""
    trading = mutual.status == Mutual.Status.ACTIVE or (mutual.status_year or 0) >= year
    return (
        trading and contract.annual_value_gbp is not None and (contract.end_year is None or contract.end_year >= year)
    )


def rows_by_label(breakdown):
    return {row.label: (row.count, row.value or Decimal(0)) for row in breakdown.rows if row.count}


def expected_rows(counts, values):
    return {key: (count, values[key]) for key, count in counts.items() if count}


def band(year):
    if year is None:
        return "Not known"
    start = year - year % 5
    return f"{start}–{start + 4}"


class StatisticsTests:
    @pytest.mark.parametrize(
        ("breakdown", "group_keys"),
        [
            (stats.by_sector, lambda mutual: [sector.name for sector in mutual.sectors.all()]),
            (stats.by_region, lambda mutual: [mutual.region.name if mutual.region else "Not known"]),
            (stats.by_legal_form, lambda mutual: [mutual.get_legal_form_display() or "Not known"]),
            (stats.by_status, lambda mutual: [mutual.get_status_display()]),
            (stats.by_spin_out_year, lambda mutual: [band(mutual.year_spun_out)]),
        ],
        ids=["sector", "region", "legal form", "status", "spin-out year"],
    )
    def test_each_breakdown_equals_sums_computed_one_mutual_at_a_time(self, world, breakdown, group_keys):
        counts, values = independent_sums(group_keys, world["year"])
        assert rows_by_label(breakdown(Mutual.objects.published())) == expected_rows(counts, values)

    def test_funding_counts_mutuals_by_any_contract_and_values_current_contracts_by_their_type(self, world):
        funded, values = defaultdict(set), defaultdict(Decimal)
        for contract in Contract.objects.filter(mutual__is_published=True):
            label = contract.get_funding_type_display()
            funded[label].add(contract.mutual_id)
            if is_current(contract, contract.mutual, world["year"]):
                values[label] += contract.annual_value_gbp
        counts = Counter({label: len(mutuals) for label, mutuals in funded.items()})
        with_funding = set().union(*funded.values())
        counts["No funding recorded"] = Mutual.objects.filter(is_published=True).exclude(pk__in=with_funding).count()
        assert rows_by_label(stats.by_funding(Mutual.objects.published())) == expected_rows(counts, values)

    def test_totals_are_the_whole_directory_and_a_whole_life_value_counts_by_its_years(self, world):
        totals = stats.Statistics(Mutual.objects.published()).totals
        # Alpha: £1m a year plus £3m over three years; Delta: £2.5m a year until it returned in-house this year.
        # Beta's contract ended.
        assert totals["value"] == Decimal("4500000")
        assert totals["valued"] == 2
        assert (totals["count"], totals["active"], totals["ended"]) == (5, 2, 3)
        assert totals["by_status"] == {"active": 2, "closed": 1, "merged": 1, "returned_in_house": 1}

    def test_a_contract_of_a_mutual_that_closed_years_ago_is_not_current(self, world, client):
        closed = MutualFactory(name="Gone Since CIC", status=Mutual.Status.CLOSED, status_year=world["year"] - 4)
        ContractFactory(mutual=closed, value_gbp=Decimal("7000000"), start_year=2018, end_year=None)
        statistics = stats.Statistics(Mutual.objects.published())
        closed_row = next(row for row in statistics.status.rows if row.key == "closed")
        assert (closed_row.count, closed_row.value) == (2, None)
        assert statistics.totals["value"] == Decimal("4500000")
        assert "£11.5m" not in client.get(reverse("directory:home")).text

    def test_a_draft_never_counts(self, world, client):
        statistics = stats.Statistics(Mutual.objects.published())
        housing = next(row for row in statistics.breakdowns[0].rows if row.label == "Housing")
        assert (housing.count, housing.value) == (0, None)
        years = [row.label for row in stats.by_spin_out_year(Mutual.objects.published()).rows]
        assert "1995–1999" not in years
        response = client.get(reverse("directory:stats"))
        assert "Draft Housing Mutual" not in response.text
        assert "£50" not in response.text

    def test_every_count_links_to_a_listing_of_as_many_mutuals(self, world, client):
        statistics = stats.Statistics(Mutual.objects.published())
        checked = 0
        for breakdown in statistics.breakdowns:
            for row in breakdown.rows:
                if row.listing_query and row.count:
                    listing = client.get(f"{reverse('directory:mutual-list')}?{row.listing_query}")
                    assert listing.context["page_obj"].paginator.count == row.count, (breakdown.key, row.label)
                    checked += 1
                if row.active_query and row.active:
                    listing = client.get(f"{reverse('directory:mutual-list')}?{row.active_query}")
                    assert listing.context["page_obj"].paginator.count == row.active, (breakdown.key, row.label)
        assert checked >= 10

    def test_an_empty_directory_has_statistics_of_nothing(self, client):
        statistics = stats.Statistics(Mutual.objects.published())
        assert statistics.totals["count"] == 0
        assert statistics.totals["value"] is None
        assert client.get(reverse("directory:stats")).status_code == 200


class StatisticsPageTests:
    def test_shows_the_published_figures_beside_the_directorys_own_with_sources(self, world, client):
        PublishedFigureFactory()
        PublishedFigureFactory(
            figure="services_value",
            value=Decimal("1600000000"),
            unit="GBP a year",
            wording="delivering an estimated £1.6billion of public services",
        )
        response = client.get(reverse("directory:stats"))
        assert "about 115" in response.text
        assert "about £1.6bn" in response.text
        assert "undated (GOV.UK guidance page)" in response.text
        assert 'href="https://www.gov.uk/guidance/introduction-to-public-service-mutuals"' in response.text
        assert "£4.5m" in response.text
        assert "Health is over-represented because NHS spin-outs are better documented" in response.text
        assert "3 of the 5 mutuals here (60%) work in health" in response.text

    def test_has_a_chart_and_a_data_table_for_every_breakdown(self, world, client):
        response = client.get(reverse("directory:stats"))
        for key in ("sector", "region", "legal-form", "funding", "spin-out-year", "status"):
            assert f'id="{key}-heading"' in response.text
            assert f'id="{key}-caption"' in response.text
        assert response.text.count('class="app-chart"') == 12
        assert '<rect class="app-chart__fill app-chart__fill--active" width="100.0%"' in response.text

    def test_has_no_inline_style_so_a_strict_csp_can_come(self, world, client):
        response = client.get(reverse("directory:stats"))
        assert "style=" not in response.text
        assert "<style" not in response.text

    def test_is_in_the_menu_and_marked_current(self, client):
        response = client.get(reverse("directory:stats"))
        assert f'href="{reverse("directory:stats")}" aria-current="page"' in response.text
        response = client.get(reverse("directory:home"))
        assert f'href="{reverse("directory:stats")}"' in response.text

    @pytest.mark.parametrize("extra", [0, 5])
    def test_query_count_does_not_grow_with_mutuals(self, world, client, django_assert_num_queries, extra):
        for n in range(extra):
            ContractFactory(mutual=MutualFactory(region=RegionFactory(name="North East")), service=f"Service {n}")
        # 17 for the breakdowns counted from the data, 1 asking whether the tallies are up to date, 6 for the
        # districts reached.
        with django_assert_num_queries(24):
            client.get(reverse("directory:stats"))


@pytest.fixture
def seeded():
    call_command("loaddata", "mutuals", verbosity=0)


class SeedStatisticsTests:
    def test_the_seed_data_loads_and_renders_as_valid_html_with_its_coverage(self, seeded, client):
        response = client.get(reverse("directory:stats"))
        html5lib.HTMLParser(strict=True).parse(response.content)
        totals = response.context["stats"].totals
        assert totals["count"] == Mutual.objects.published().count() == len(researched("mutuals.csv"))
        assert totals["value"] == Mutual.objects.published().headline_figures()["annual_value"]
        assert "about 115" in response.text
        assert "about £1.6bn" in response.text


class StatisticsDownloadTests:
    def test_links_to_downloads_of_every_mutual(self, world, client):
        text = client.get(reverse("directory:stats")).text
        for name in ("directory:mutual-csv", "directory:mutual-json"):
            url = f"{reverse(name)}?status=all"
            assert f'href="{url}"' in text
            assert client.get(url).status_code == 200


def serving(*districts, scope=Mutual.AreaScope.LOCAL, **fields):
    """Return a mutual whose areas name the districts (a local or county scope) or none (across regions, national)."""
    mutual = MutualFactory(
        area_scope=scope,
        area_basis=Mutual.AreaBasis.SOURCE,
        area_basis_detail="Its own website lists where it works.",
        area_source_urls="https://www.example.org/where-we-work",
        **fields,
    )
    mutual.districts.set(districts)
    return mutual


class DistrictsReachedTests:
    """How many of England's districts have an active mutual named there, by sector and overall."""

    @pytest.fixture
    def reach_world(self):
        districts = [DistrictFactory(name=name) for name in ("Leeds", "Wakefield", "Kirklees", "Bradford")]
        leeds, wakefield, kirklees, _ = districts
        health, care = SectorFactory(name="Health"), SectorFactory(name="Adult social care")
        serving(leeds, wakefield, primary_sector=health)
        serving(wakefield, kirklees, primary_sector=care)
        serving(kirklees, primary_sector=care, sectors=[health])
        # Not counted: closed, a draft; and one working nationally, named in no district.
        serving(leeds, wakefield, kirklees, districts[3], primary_sector=health, status=Mutual.Status.CLOSED)
        serving(*districts, primary_sector=care, is_published=False)
        serving(scope=Mutual.AreaScope.NATIONAL, primary_sector=health)
        return districts

    def test_districts_with_an_active_published_mutual_named_there_by_sector(self, reach_world):
        reach = stats.district_reach()
        assert reach.districts == 4
        assert (reach.total.districts, reach.total.everywhere, reach.total.percent) == (3, 1, 75)
        rows = {row.label: (row.districts, row.everywhere) for row in reach.rows}
        assert rows == {"Health": (3, 1), "Adult social care": (2, 0)}

    def test_the_statistics_page_shows_them_in_a_captioned_table(self, client, reach_world):
        page = client.get(reverse("directory:stats")).text
        assert "3 of England's 4 local authority districts (75%) have at least one active mutual" in page
        assert "1 more active mutual works across several regions or nationally" in page
        tree = html5lib.parse(page, namespaceHTMLElements=False)
        table = next(t for t in tree.iter("table") if t.find("caption").get("id") == "reach-caption")
        assert (
            table.find("caption").text
            == "Districts of England with at least one active mutual named there, by sector, of 4"
        )
        cells = [[cell.findtext(".//a") or cell.text for cell in row] for row in table.find("tbody")]
        assert cells == [["Health", "3", "75%", "1"], ["Adult social care", "2", "50%", "0"]]
        assert [cell.text for cell in table.find("tfoot/tr")] == ["Any sector", "3", "75%", "1"]
