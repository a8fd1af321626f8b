import json
from datetime import date
from decimal import Decimal

import factory
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from directory.models import (
    Commissioner,
    Contract,
    Correction,
    District,
    Mutual,
    PublishedFigure,
    Region,
    Sector,
    Source,
)
from directory.research_data import REGIONS


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    name = "London"
    slug = factory.LazyAttribute(lambda region: slugify(region.name))
    ons_code = factory.LazyAttribute(lambda region: REGIONS[region.name])


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("slug",)

    name = "Health"
    slug = factory.LazyAttribute(lambda sector: slugify(sector.name))
    description = factory.LazyAttribute(lambda sector: f"Mutuals working in {sector.name.lower()}.")


def square(west, south, size=0.1):
    """Return a GeoJSON MultiPolygon square `size` degrees a side, its south-west corner at (west, south)."""
    ring = [[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]
    return json.dumps({"type": "MultiPolygon", "coordinates": [[ring]]})


class DistrictFactory(DjangoModelFactory):
    """A district with a made-up square boundary (tests that need real shapes load fixtures/research/boundaries/)."""

    class Meta:
        model = District
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test District {n}")
    slug = factory.LazyAttribute(lambda district: slugify(district.name))
    geometry = factory.Sequence(lambda n: square(-2 + (n % 20) * 0.1, 52 + (n // 20) * 0.1))


class CommissionerFactory(DjangoModelFactory):
    class Meta:
        model = Commissioner
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test County Council {n}")
    slug = factory.LazyAttribute(lambda commissioner: slugify(commissioner.name))
    kind = Commissioner.Kind.LOCAL_AUTHORITY


class MutualFactory(DjangoModelFactory):
    class Meta:
        model = Mutual
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test Mutual {n:04d} CIC")
    slug = factory.LazyAttribute(lambda mutual: slugify(mutual.name))
    summary = "Community health services spun out of the NHS."
    primary_sector = factory.SubFactory(SectorFactory)
    region = factory.SubFactory(RegionFactory)
    town = "Leeds"
    latitude = 53.8
    longitude = -1.55
    location_basis = Mutual.LocationBasis.TOWN_CENTRE
    location_note = "town centre (Leeds)"
    legal_form = Mutual.LegalForm.CIC
    year_spun_out = 2011
    parent_body = "NHS Leeds"
    status = Mutual.Status.ACTIVE
    evidence = Mutual.Evidence.PSM
    is_published = True
    last_verified = date(2026, 11, 26)
    source = factory.RelatedFactory("tests.factories.SourceFactory", factory_related_name="mutual")

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create:
            self.sectors.add(self.primary_sector, *(extracted or []))


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    mutual = factory.SubFactory(MutualFactory, source=None)
    url = factory.Sequence(lambda n: f"https://www.example.org/news/mutual-story-{n}")
    title = ""


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = Contract

    mutual = factory.SubFactory(MutualFactory)
    commissioner = factory.SubFactory(CommissionerFactory)
    service = factory.Sequence(lambda n: f"Community services contract {n}")
    value_gbp = Decimal("1000000")
    value_basis = Contract.ValueBasis.ANNUAL
    start_year = 2025
    end_year = 2030
    funding_type = Contract.FundingType.PUBLIC_CONTRACT
    source_url = "https://www.example.org/contracts/notice-1"


class CorrectionFactory(DjangoModelFactory):
    class Meta:
        model = Correction

    mutual = factory.SubFactory(MutualFactory)
    message = "The website address has changed."


class SuggestionFactory(DjangoModelFactory):
    class Meta:
        model = Correction

    kind = Correction.Kind.MISSING
    mutual = None
    name = "Example Community Health CIC"
    message = "A community health spin-out from an NHS trust, owned by its staff."


class PublishedFigureFactory(DjangoModelFactory):
    class Meta:
        model = PublishedFigure

    figure = "mutuals_count"
    value = Decimal("115")
    unit = "organisations"
    as_of = "undated (GOV.UK guidance page)"
    scope = "England"
    source_url = "https://www.gov.uk/guidance/introduction-to-public-service-mutuals"
    wording = "Approximately 115 public service mutuals across England"
