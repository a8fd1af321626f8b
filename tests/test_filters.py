from datetime import date
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse

from directory.facets import Facets
from directory.filters import MutualFilter
from directory.models import Contract, Mutual
from directory.selection import InvalidSelection, strict_selection
from tests.factories import CommissionerFactory, ContractFactory, MutualFactory, RegionFactory, SectorFactory
from tests.streaming import body

pytestmark = pytest.mark.django_db

THIS_YEAR = date.today().year


@pytest.fixture
def world():
    health, care, leisure = (SectorFactory(name=name) for name in ("Health", "Adult social care", "Leisure"))
    london, north_west = RegionFactory(name="London"), RegionFactory(name="North West")
    council = CommissionerFactory(name="Leeds City Council")
    nhs = CommissionerFactory(name="NHS Kent and Medway Integrated Care Board")
    mutuals = {
        "clinic": MutualFactory(
            name="Bromley Clinic CIC",
            primary_sector=health,
            region=london,
            town="Bromley",
            year_spun_out=2011,
            staff_count=500,
            legal_form=Mutual.LegalForm.CIC,
        ),
        "care": MutualFactory(
            name="Aspire Care",
            summary="Day services for adults with learning disabilities.",
            primary_sector=care,
            sectors=[health],
            region=north_west,
            year_spun_out=2015,
            staff_count=50,
            legal_form=Mutual.LegalForm.CBS,
            parent_body="Leeds City Council",
        ),
        "leisure": MutualFactory(
            name="Closed Leisure Trust",
            primary_sector=leisure,
            region=north_west,
            year_spun_out=2005,
            legal_form=Mutual.LegalForm.CHARITY,
            status=Mutual.Status.CLOSED,
        ),
        "unknown": MutualFactory(
            name="Zed Libraries", primary_sector=SectorFactory(name="Libraries"), region=None, year_spun_out=None
        ),
    }
    ContractFactory(mutual=mutuals["clinic"], commissioner=nhs, value_gbp=Decimal("1000000"), end_year=THIS_YEAR + 1)
    ContractFactory(
        mutual=mutuals["care"],
        commissioner=council,
        value_gbp=Decimal("200000"),
        end_year=THIS_YEAR + 5,
        funding_type=Contract.FundingType.GRANT,
    )
    return mutuals


def names(query):
    data = QueryDict(query)
    return sorted(mutual.name for mutual in MutualFilter(data, queryset=Mutual.objects.published().for_listing()).qs)


class SingleFilterTests:
    def test_without_parameters_only_active_mutuals_are_listed(self, world):
        assert names("") == ["Aspire Care", "Bromley Clinic CIC", "Zed Libraries"]

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("q=bromley", ["Bromley Clinic CIC"]),
            ("q=learning+disabilities", ["Aspire Care"]),
            ("q=leeds+council", ["Aspire Care"]),
            ("sector=health", ["Aspire Care", "Bromley Clinic CIC"]),
            ("sector=adult-social-care", ["Aspire Care"]),
            ("sector=libraries&sector=adult-social-care", ["Aspire Care", "Zed Libraries"]),
            ("region=london", ["Bromley Clinic CIC"]),
            ("region=london&region=north-west", ["Aspire Care", "Bromley Clinic CIC"]),
            ("legal_form=community-benefit-society", ["Aspire Care"]),
            ("funding=grant", ["Aspire Care"]),
            ("funding=public-contract&funding=grant", ["Aspire Care", "Bromley Clinic CIC"]),
            ("commissioner=leeds-city-council", ["Aspire Care"]),
            ("value_min=500000", ["Bromley Clinic CIC"]),
            ("value_max=500000", ["Aspire Care"]),
            ("spun_out_from=2012", ["Aspire Care"]),
            ("spun_out_to=2012", ["Bromley Clinic CIC"]),
            ("ending_within=18", ["Bromley Clinic CIC"]),
            ("ending_within=120", ["Aspire Care", "Bromley Clinic CIC"]),
            ("status=closed", ["Closed Leisure Trust"]),
            ("status=all", ["Aspire Care", "Bromley Clinic CIC", "Closed Leisure Trust", "Zed Libraries"]),
        ],
    )
    def test_each_filter_narrows_the_selection(self, world, query, expected):
        assert names(query) == expected


class CombinedFilterTests:
    def test_filters_combine(self, world):
        assert names("sector=health&region=north-west&funding=grant&spun_out_from=2010") == ["Aspire Care"]

    def test_a_combination_can_select_nothing(self, world):
        assert names("sector=leisure&region=london&status=all") == []

    @pytest.mark.parametrize(
        "route",
        [
            "directory:mutual-list",
            "directory:mutual-map",
            "directory:mutual-csv",
            "directory:mutual-json",
            "directory:mutual-geojson",
            "directory:api-mutual-list",
        ],
    )
    def test_drafts_never_match(self, client, world, route):
        MutualFactory(name="Bromley Draft", is_published=False)
        query = QueryDict("q=bromley&status=all")
        # The filter itself would match the draft: only the pages' own choice of published mutuals keeps it out.
        every_mutual = MutualFilter(query, queryset=Mutual.objects.all()).qs
        assert sorted(mutual.name for mutual in every_mutual) == ["Bromley Clinic CIC", "Bromley Draft"]
        text = body(client.get(reverse(route), query)).decode()
        assert "Bromley Clinic CIC" in text
        assert "Bromley Draft" not in text and "bromley-draft" not in text


class SortTests:
    def sorted_names(self, sort):
        data = QueryDict(f"status=all&sort={sort}")
        return [m.name for m in MutualFilter(data, queryset=Mutual.objects.published().for_listing()).qs]

    def test_by_value_puts_the_largest_first_and_unknown_last(self, world):
        assert self.sorted_names("value")[:2] == ["Bromley Clinic CIC", "Aspire Care"]

    def test_by_staff_puts_the_largest_first_and_unknown_last(self, world):
        assert self.sorted_names("staff")[:2] == ["Bromley Clinic CIC", "Aspire Care"]

    def test_by_spin_out_year(self, world):
        assert self.sorted_names("spun_out") == [
            "Closed Leisure Trust",
            "Bromley Clinic CIC",
            "Aspire Care",
            "Zed Libraries",
        ]
        assert self.sorted_names("-spun_out")[0] == "Aspire Care"

    def test_by_name_backwards(self, world):
        assert self.sorted_names("-name")[0] == "Zed Libraries"


class BadInputTests:
    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("sector=nope", "Ignored sector “nope”: it is not one of the options."),
            ("region=atlantis", "Ignored region “atlantis”: it is not one of the options."),
            ("funding=bitcoin", "Ignored funding “bitcoin”: it is not one of the options."),
            ("value_min=abc", "Ignored annual value from (£) “abc”: Enter a number."),
            ("value_max=1e400", "Ignored annual value up to (£) “1e400”"),
            ("spun_out_from=year", "Ignored spun out in or after “year”: Enter a whole number."),
            ("status=zombie", "Ignored status “zombie”"),
            ("sort=chaos", "Ignored sort by “chaos”"),
            ("q=" + "x" * 5000, "Ignored search “xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…”"),
        ],
    )
    def test_a_value_that_makes_no_sense_is_ignored_and_named(self, world, query, message):
        filterset = MutualFilter(QueryDict(query), queryset=Mutual.objects.published())
        assert any(text.startswith(message) for text in filterset.messages), filterset.messages
        assert filterset.qs.count() == 3

    def test_known_values_are_kept_beside_unknown_ones(self, world):
        filterset = MutualFilter(QueryDict("sector=nope&sector=health"), queryset=Mutual.objects.published())
        assert sorted(m.name for m in filterset.qs) == ["Aspire Care", "Bromley Clinic CIC"]
        assert filterset.messages == ["Ignored sector “nope”: it is not one of the options."]

    def test_data_formats_refuse_bad_parameters_by_name(self, world):
        with pytest.raises(InvalidSelection) as raised:
            strict_selection(QueryDict("value_min=abc&region=atlantis"), Mutual.objects.published())
        assert len(raised.value.messages) == 2
        assert "atlantis" in str(raised.value)


class FacetTests:
    def facets(self, query):
        filterset = MutualFilter(QueryDict(query), queryset=Mutual.objects.published().for_listing())
        return {facet.name: {o.value: (o.count, o.selected) for o in facet.options} for facet in Facets(filterset)}

    def test_counts_describe_the_current_selection(self, world):
        facets = self.facets("region=north-west")
        assert facets["sector"]["health"] == (1, False)
        assert facets["sector"]["leisure"] == (0, False)
        assert facets["funding"]["grant"] == (1, False)
        assert facets["status"]["active"] == (1, True)
        assert facets["status"]["closed"] == (1, False)

    def test_a_facet_counts_its_other_options_as_if_it_were_not_chosen(self, world):
        facets = self.facets("region=north-west")
        assert facets["region"]["north-west"] == (1, True)
        assert facets["region"]["london"] == (1, False)


class NameOrderTests:
    def test_names_sort_ignoring_capitals_and_accents(self):
        for name in ["Youth First", "focus independent adult social work CIC", "Émile Care", "Ealing Health", "apple"]:
            MutualFactory(name=name)
        filterset = MutualFilter({"sort": "name"}, queryset=Mutual.objects.published())
        expected = ["apple", "Ealing Health", "Émile Care", "focus independent adult social work CIC", "Youth First"]
        assert [mutual.name for mutual in filterset.qs] == expected
        assert [mutual.name for mutual in Mutual.objects.all()] == expected
        reverse_order = MutualFilter({"sort": "-name"}, queryset=Mutual.objects.published())
        assert [mutual.name for mutual in reverse_order.qs] == expected[::-1]
