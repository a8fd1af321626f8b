from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directory.models import Contract, Mutual
from tests.factories import ContractFactory, MutualFactory, RegionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def violates_constraint(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()
    return True


class MutualConstraintsTests:
    def test_a_location_outside_england_is_refused_by_the_database(self):
        assert violates_constraint(lambda: MutualFactory(latitude=48.85, longitude=2.35))

    def test_half_a_location_is_refused_by_the_database(self):
        assert violates_constraint(lambda: MutualFactory(latitude=53.8, longitude=None))

    def test_negative_turnover_is_refused_by_the_database(self):
        assert violates_constraint(lambda: MutualFactory(turnover_gbp=Decimal("-1")))

    def test_an_implausible_spin_out_year_is_refused_by_the_database(self):
        assert violates_constraint(lambda: MutualFactory(year_spun_out=1066))

    def test_slugs_are_unique(self):
        MutualFactory(name="Alpha", slug="alpha")
        assert violates_constraint(lambda: Mutual.objects.create(name="Beta", slug="alpha", primary_sector_id=1))

    def test_names_are_unique_whatever_their_case(self):
        first = MutualFactory(name="Alpha Health CIC")
        assert violates_constraint(
            lambda: Mutual.objects.create(name="ALPHA HEALTH CIC", slug="alpha-2", primary_sector=first.primary_sector)
        )

    def test_a_companies_house_number_must_look_like_one(self):
        assert violates_constraint(lambda: MutualFactory(register="GB-COH", registration_number="123"))

    def test_a_number_without_its_register_is_refused(self):
        assert violates_constraint(lambda: MutualFactory(register="", registration_number="07733466"))

    def test_well_formed_registration_numbers_are_accepted(self):
        company = MutualFactory(register="GB-COH", registration_number="07733466")
        society = MutualFactory(register="GB-MPR", registration_number="IP27793R")
        charity = MutualFactory(register="GB-CHC", registration_number="1170092")
        assert company.org_id == "GB-COH-07733466"
        assert society.org_id == "GB-MPR-IP27793R"
        assert charity.org_id == "GB-CHC-1170092"

    @pytest.mark.parametrize("number", ["11700920", "IP27793R", "11700"])
    def test_a_charity_commission_number_must_look_like_one(self, number):
        assert violates_constraint(lambda: MutualFactory(register="GB-CHC", registration_number=number))


class MutualValidationTests:
    def errors_of(self, **fields):
        mutual = MutualFactory.build(primary_sector=MutualFactory().primary_sector, **fields)
        with pytest.raises(ValidationError) as raised:
            mutual.full_clean(exclude=["region"])
        return raised.value.message_dict

    def test_a_location_outside_england_gets_a_clear_message(self):
        errors = self.errors_of(latitude=48.85, longitude=2.35)
        assert "Latitude must be between 49.8 and 55.9 (England)." in errors["latitude"]
        assert "Longitude must be between -6.5 and 1.8 (England)." in errors["longitude"]

    def test_a_registration_number_in_the_wrong_format_names_the_register(self):
        errors = self.errors_of(register="GB-MPR", registration_number="NOT-A-NUMBER")
        assert any("FCA Mutuals Public Register" in message for message in errors["registration_number"])

    def test_a_charity_number_in_the_wrong_format_gets_an_example(self):
        errors = self.errors_of(register="GB-CHC", registration_number="CH1170092")
        assert errors["registration_number"] == [
            "This is not a Charity Commission for England and Wales number; they look like 1170092."
        ]

    def test_a_lowercase_postcode_is_refused_with_an_example(self):
        errors = self.errors_of(postcode="e8 4sa")
        assert any("E8 4SA" in message for message in errors["postcode"])


class ContractTests:
    def test_the_end_year_cannot_be_before_the_start_year(self):
        assert violates_constraint(lambda: ContractFactory(start_year=2025, end_year=2020))

    def test_a_value_cannot_be_negative(self):
        assert violates_constraint(lambda: ContractFactory(value_gbp=Decimal("-5")))

    def test_an_annual_value_is_its_own_annual_equivalent(self):
        contract = ContractFactory(value_gbp=Decimal("22000000"), value_basis=Contract.ValueBasis.ANNUAL)
        assert contract.annual_value_gbp == Decimal("22000000")
        assert not contract.annual_value_is_derived

    def test_a_whole_life_value_is_spread_over_the_years_between_start_and_end(self):
        contract = ContractFactory(
            value_gbp=Decimal("240000000"), value_basis=Contract.ValueBasis.WHOLE_LIFE, start_year=2015, end_year=2021
        )
        assert contract.annual_value_gbp == Decimal("40000000")
        assert contract.annual_value_is_derived

    @pytest.mark.parametrize(
        ("basis", "start", "end"),
        [("whole-life", None, 2030), ("whole-life", 2025, None), ("whole-life", 2025, 2025), ("unknown", 2025, 2030)],
    )
    def test_no_annual_equivalent_is_made_up_where_the_data_does_not_allow_it(self, basis, start, end):
        contract = ContractFactory(value_basis=basis, start_year=start, end_year=end)
        assert contract.annual_value_gbp is None


class SourceTests:
    def test_a_source_without_a_title_is_labelled_by_its_site(self):
        source = SourceFactory(url="http://www.localgovernmentlawyer.co.uk/index.php?option=com_content&id=13983")
        assert source.label == "localgovernmentlawyer.co.uk"

    def test_a_source_with_a_title_is_labelled_by_it(self):
        assert SourceFactory(title="Mutuals support programme").label == "Mutuals support programme"

    def test_a_source_is_listed_once_per_mutual(self):
        source = SourceFactory()
        assert violates_constraint(lambda: SourceFactory(mutual=source.mutual, url=source.url))


class MutualPlaceTests:
    @pytest.mark.parametrize(
        ("town", "region", "place"),
        [
            ("London", "London", "London"),
            ("Batley / Kirklees", "Yorkshire and The Humber", "Batley / Kirklees, Yorkshire and The Humber"),
            ("", "North West", "North West"),
            ("Leeds", None, "Leeds"),
            ("", None, ""),
        ],
    )
    def test_where_a_mutual_is_based_names_each_place_once(self, town, region, place):
        mutual = MutualFactory(town=town, region=RegionFactory(name=region) if region else None)
        assert mutual.place == place
