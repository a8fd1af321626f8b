import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from directory import streaming
from directory.filters import ALL_STATUSES, MutualFilter
from directory.models import Contract, Mutual
from directory.records import COLUMNS
from tests.factories import (
    CommissionerFactory,
    ContractFactory,
    MutualFactory,
    RegionFactory,
    SectorFactory,
    SourceFactory,
)
from tests.streaming import body, json_body

pytestmark = pytest.mark.django_db

CSV_COLUMNS = tuple(column.name for column in COLUMNS)

THIS_YEAR = timezone.localdate().year
SELECTIONS = [
    "",
    "status=all",
    "status=closed",
    "sector=adult-social-care&region=north-west",
    "sector=adult-social-care&sector=health",
    "value_min=500000&value_max=2000000",
    "value_min=1500000",
    "ending_within=18",
    "sector=adult-social-care&region=north-west&ending_within=18",
    "q=Rochdale",
    "sort=value&status=all",
]


@pytest.fixture
def world():
    """Mutuals in two sectors and regions, active and closed, with contracts ending soon and later, and a draft."""
    health = SectorFactory(name="Health")
    care = SectorFactory(name="Adult social care")
    north_west = RegionFactory(name="North West")
    london = RegionFactory(name="London")
    buyer = CommissionerFactory(name="Rochdale Borough Council")
    soon, later = THIS_YEAR + 1, THIS_YEAR + 6
    mutuals = {
        "care-nw-ending": MutualFactory(
            name="Care NW Ending", primary_sector=care, region=north_west, town="Rochdale"
        ),
        "care-nw-later": MutualFactory(name="Care NW Later", primary_sector=care, region=north_west),
        "care-london": MutualFactory(name="Care London", primary_sector=care, region=london),
        "health-nw": MutualFactory(name="Health NW", primary_sector=health, region=north_west, sectors=[care]),
        "health-london-closed": MutualFactory(
            name="Health London Closed", primary_sector=health, region=london, status=Mutual.Status.CLOSED
        ),
        "no-region": MutualFactory(
            name="No Region", primary_sector=health, region=None, latitude=None, longitude=None
        ),
    }
    ContractFactory(mutual=mutuals["care-nw-ending"], commissioner=buyer, value_gbp=Decimal("1000000"), end_year=soon)
    ContractFactory(mutual=mutuals["care-nw-later"], value_gbp=Decimal("9000000"), end_year=later)
    ContractFactory(
        mutual=mutuals["health-nw"],
        value_gbp=Decimal("6000000"),
        value_basis=Contract.ValueBasis.WHOLE_LIFE,
        start_year=THIS_YEAR - 2,
        end_year=soon,
    )
    ContractFactory(mutual=mutuals["health-london-closed"], value_gbp=Decimal("750000"), end_year=soon)
    draft = MutualFactory(name="Draft Care NW", primary_sector=care, region=north_west, is_published=False)
    ContractFactory(mutual=draft, commissioner=buyer, value_gbp=Decimal("1000000"), end_year=soon)
    return mutuals


def listing(client, query):
    response = client.get(f"{reverse('directory:mutual-list')}?{query}")
    assert response.status_code == 200
    return response.context["page_obj"]


def csv_text(response):
    """Return the CSV as the csv module reads it: decoded with the BOM taken off."""
    return b"".join(response.streaming_content).decode("utf-8-sig")


def csv_records(response):
    return list(csv.DictReader(io.StringIO(csv_text(response), newline="")))


def get_csv(client, query=""):
    response = client.get(f"{reverse('directory:mutual-csv')}?{query}")
    assert response.status_code == 200
    return response


class MutualCsvExportTests:
    @pytest.mark.parametrize("query", SELECTIONS)
    def test_has_a_row_for_every_mutual_the_listing_counts(self, client, world, query):
        page = listing(client, query)
        records = csv_records(get_csv(client, query))
        assert len(records) == page.paginator.count
        assert [record["slug"] for record in records] == [mutual.slug for mutual in page.object_list]

    def test_commissioners_selection_is_exactly_what_they_filtered(self, client, world):
        query = "sector=adult-social-care&region=north-west&ending_within=18"
        records = csv_records(get_csv(client, query))
        assert [record["slug"] for record in records] == ["care-nw-ending", "health-nw"]
        assert records[0]["next_contract_end_year"] == str(THIS_YEAR + 1)
        assert "Rochdale Borough Council: 1000000.00 GBP annual" in records[0]["contracts"]

    def test_is_streamed_utf8_with_a_bom_as_a_named_attachment(self, client, world):
        response = get_csv(client)
        assert response.streaming
        body = b"".join(response.streaming_content)
        assert body.startswith(b"\xef\xbb\xbfname,slug,url,")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="mutuals-{timezone.localdate():%Y-%m-%d}.csv"'
        assert response["X-Robots-Tag"] == "noindex"

    def test_carries_the_licence_in_a_header_and_on_every_row(self, client, world, settings):
        response = get_csv(client, "status=all")
        licence_url = settings.DIRECTORY["DATA_LICENCE_URL"]
        assert response["Link"] == f'<{licence_url}>; rel="license"'
        records = csv_records(response)
        assert {record["licence"] for record in records} == {licence_url}
        assert all(record["attribution"].startswith("Mutuals Directory (http://testserver/)") for record in records)

    def test_columns_come_in_the_documented_order_and_round_trip(self, client, world):
        text = csv_text(get_csv(client, "status=all"))
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert rows[0] == list(CSV_COLUMNS)
        assert all(len(row) == len(CSV_COLUMNS) for row in rows)
        written = io.StringIO(newline="")
        csv.writer(written).writerows(rows)
        assert written.getvalue() == text

    def test_the_readme_documents_every_column_in_order(self, settings):
        readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
        section = readme.split("The columns, always in this order:", 1)[1]
        assert re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE) == list(CSV_COLUMNS)

    def test_every_column_holds_the_mutuals_facts(self, client):
        care, health = SectorFactory(name="Adult social care"), SectorFactory(name="Health")
        mutual = MutualFactory(
            name="Full Record CIC",
            summary="Support for adults with learning disabilities.",
            primary_sector=care,
            sectors=[health],
            region=RegionFactory(name="North West"),
            town="Rochdale",
            postcode="OL16 1AB",
            latitude=53.615,
            longitude=-2.155,
            website="https://www.example.org/",
            ownership_detail="Owned by its staff",
            register=Mutual.Register.COMPANIES_HOUSE,
            registration_number="07733466",
            year_spun_out=2014,
            parent_body="Rochdale Borough Council",
            staff_count=200,
            staff_count_detail="200 (at launch)",
            turnover_gbp=Decimal("12500000.50"),
            turnover_period="2023/24",
            status_note="",
        )
        mutual.sources.update(url="https://www.example.org/news/full-record")
        contract = ContractFactory(
            mutual=mutual,
            commissioner=CommissionerFactory(name="Rochdale Borough Council"),
            start_year=THIS_YEAR - 1,
            end_year=THIS_YEAR + 4,
        )
        (record,) = csv_records(get_csv(client))
        assert record == {
            "name": "Full Record CIC",
            "slug": "full-record-cic",
            "url": "http://testserver" + reverse("directory:mutual-detail", kwargs={"slug": "full-record-cic"}),
            "summary": "Support for adults with learning disabilities.",
            "status": "active",
            "status_year": "",
            "status_note": "",
            "evidence": "psm",
            "primary_sector": "adult-social-care",
            "sectors": "adult-social-care; health",
            "region": "North West",
            "region_ons_code": "E12000002",
            "area_scope": "",
            "areas_served": "",
            "area_basis": "",
            "area_basis_detail": "",
            "area_source_urls": "",
            "town": "Rochdale",
            "postcode": "OL16 1AB",
            "latitude": "53.615",
            "longitude": "-2.155",
            "location_basis": "town-centre",
            "location_approximate": "true",
            "website": "https://www.example.org/",
            "legal_form": "community-interest-company",
            "ownership_detail": "Owned by its staff",
            "org_id": "GB-COH-07733466",
            "year_spun_out": "2014",
            "parent_body": "Rochdale Borough Council",
            "staff_count": "200",
            "staff_count_detail": "200 (at launch)",
            "turnover_gbp": "12500000.50",
            "turnover_period": "2023/24",
            "annual_value_gbp": "1000000.00",
            "next_contract_end_year": str(THIS_YEAR + 4),
            "contracts": f"Rochdale Borough Council: 1000000.00 GBP annual, {THIS_YEAR - 1}-{THIS_YEAR + 4}, "
            f"{contract.service}",
            "source_urls": "https://www.example.org/news/full-record",
            "last_verified": "2026-11-26",
            "last_verified_by": "researchers",
            "updated_at": Mutual.objects.get().updated_at.isoformat(),
            "licence": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
            "attribution": "Mutuals Directory (http://testserver/), under the Open Government Licence v3.0. "
            "Each record lists the public sources its facts come from.",
        }

    def test_unknown_facts_are_empty_cells(self, client):
        MutualFactory(region=None, latitude=None, longitude=None, location_basis="", year_spun_out=None, source=None)
        (record,) = csv_records(get_csv(client))
        for column in ("region", "region_ons_code", "latitude", "longitude", "annual_value_gbp", "source_urls"):
            assert record[column] == ""
        assert record["location_approximate"] == "false"

    @pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
    def test_text_a_spreadsheet_would_run_as_a_formula_starts_with_an_apostrophe(self, client, start):
        formula = f'{start}HYPERLINK("https://evil.example","click")'
        mutual = MutualFactory(name=f"{start}Mutual", summary=formula, town=formula, parent_body=formula)
        ContractFactory(mutual=mutual, commissioner=CommissionerFactory(name=f"{start}Council"))
        (record,) = csv_records(get_csv(client))
        for column in ("name", "summary", "town", "parent_body", "contracts"):
            assert record[column].startswith("'" + start), column
        assert record["summary"] == "'" + formula

    def test_numbers_are_left_as_numbers(self, client):
        MutualFactory(longitude=-2.155)
        (record,) = csv_records(get_csv(client))
        assert record["longitude"] == "-2.155"

    def test_drafts_never_appear(self, client, world):
        records = csv_records(get_csv(client, "status=all&sector=adult-social-care&region=north-west"))
        assert "draft-care-nw" not in {record["slug"] for record in records}
        assert "Draft" not in csv_text(get_csv(client, "status=all"))

    @pytest.mark.parametrize(
        "query, parameter",
        [
            ("value_min=abc", "value_min"),
            ("sector=nope", "sector"),
            ("region=atlantis", "region"),
            ("ending_within=9999", "ending_within"),
            ("status=lost", "status"),
            ("spun_out_from=1066", "spun_out_from"),
        ],
    )
    def test_bad_parameters_get_400_naming_them(self, client, world, query, parameter):
        response = client.get(f"{reverse('directory:mutual-csv')}?{query}")
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        (error,) = response.json()["errors"]
        assert error["parameter"] == parameter
        assert parameter in error["message"]

    def test_is_open_to_other_sites(self, client, world):
        response = client.get(reverse("directory:mutual-csv"), headers={"Origin": "https://example.org"})
        assert response["Access-Control-Allow-Origin"] == "*"

    @pytest.mark.parametrize("mutuals", [2, 8])
    def test_takes_the_same_number_of_queries_however_many_mutuals(self, client, django_assert_num_queries, mutuals):
        for contract in ContractFactory.create_batch(mutuals):
            SourceFactory(mutual=contract.mutual)
        with django_assert_num_queries(7):
            response = client.get(f"{reverse('directory:mutual-csv')}?sector=health")
            assert len(csv_records(response)) == mutuals


class MutualJsonExportTests:
    @pytest.mark.parametrize("query", SELECTIONS)
    def test_holds_the_listings_selection_in_its_order(self, client, world, query):
        page = listing(client, query)
        data = json_body(client.get(f"{reverse('directory:mutual-json')}?{query}"))
        assert data["count"] == page.paginator.count
        assert [record["slug"] for record in data["results"]] == [mutual.slug for mutual in page.object_list]

    def test_carries_the_licence_and_attribution(self, client, world, settings):
        response = client.get(reverse("directory:mutual-json"))
        data = json_body(response)
        assert data["licence"] == {
            "name": "Open Government Licence v3.0",
            "url": settings.DIRECTORY["DATA_LICENCE_URL"],
        }
        assert data["attribution"].startswith("Mutuals Directory (http://testserver/)")
        assert response["Link"] == f'<{settings.DIRECTORY["DATA_LICENCE_URL"]}>; rel="license"'
        assert response["X-Robots-Tag"] == "noindex"

    def test_records_hold_sectors_region_location_contracts_and_sources(self, client, world):
        data = json_body(client.get(reverse("directory:mutual-json")))
        (record,) = [record for record in data["results"] if record["slug"] == "health-nw"]
        assert [sector["slug"] for sector in record["sectors"]] == ["adult-social-care", "health"]
        assert record["primary_sector"] == "health"
        assert record["region"] == {"slug": "north-west", "name": "North West", "ons_code": "E12000002"}
        assert record["location"]["approximate"] is True
        assert record["location"]["basis"] == "town-centre"
        assert record["url"] == "http://testserver" + world["health-nw"].get_absolute_url()
        assert record["sources"][0]["url"].startswith("https://www.example.org/news/")
        (contract,) = record["contracts"]
        assert contract["value_gbp"] == "6000000.00"
        assert contract["value_basis"] == "whole-life"
        assert contract["annual_value_gbp"] == "2000000.00"
        assert contract["annual_value_is_estimate"] is True
        assert record["annual_value_gbp"] == "2000000.00"
        assert record["last_verified"] == "2026-11-26"
        assert record["org_id"] is None

    def test_bad_parameters_get_400_naming_them(self, client, world):
        response = client.get(f"{reverse('directory:mutual-json')}?value_min=abc&sector=nope")
        assert response.status_code == 400
        assert {error["parameter"] for error in response.json()["errors"]} == {"value_min", "sector"}

    def test_drafts_never_appear(self, client, world):
        response = client.get(f"{reverse('directory:mutual-json')}?status=all")
        assert b"draft-care-nw" not in body(response)

    @pytest.mark.parametrize("mutuals", [2, 8])
    def test_takes_the_same_number_of_queries_however_many_mutuals(self, client, django_assert_num_queries, mutuals):
        ContractFactory.create_batch(mutuals)
        # The count, the mutuals, and their sectors, districts, sources and contracts (a query each per batch of 500).
        with django_assert_num_queries(6):
            assert json_body(client.get(reverse("directory:mutual-json")))["count"] == mutuals


class MutualDetailJsonTests:
    def test_gives_one_published_mutual_with_the_licence(self, client, world):
        mutual = world["care-nw-ending"]
        response = client.get(reverse("directory:mutual-detail-json", kwargs={"slug": mutual.slug}))
        assert response.status_code == 200
        data = response.json()
        assert data["mutual"]["slug"] == mutual.slug
        assert data["mutual"]["contracts"][0]["commissioner"]["slug"] == "rochdale-borough-council"
        assert data["licence"]["name"] == "Open Government Licence v3.0"

    @pytest.mark.parametrize("slug", ["draft-care-nw", "no-such-mutual"])
    def test_answers_404_in_json_for_drafts_and_unknown_slugs(self, client, world, slug):
        response = client.get(reverse("directory:mutual-detail-json", kwargs={"slug": slug}))
        assert response.status_code == 404
        assert response.json()["errors"][0]["parameter"] == "slug"

    @pytest.mark.parametrize("contracts", [1, 5])
    def test_takes_the_same_number_of_queries_however_many_contracts(
        self, client, django_assert_num_queries, contracts
    ):
        mutual = MutualFactory()
        ContractFactory.create_batch(contracts, mutual=mutual)
        with django_assert_num_queries(5):  # The mutual, its sectors, sources, contracts and districts.
            client.get(reverse("directory:mutual-detail-json", kwargs={"slug": mutual.slug}))


class ListingExportLinksTests:
    def test_link_to_the_same_selection_without_the_page(self, client, world):
        response = client.get(f"{reverse('directory:mutual-list')}?sector=adult-social-care&status=all&page=1")
        query = "?sector=adult-social-care&amp;status=all"
        assert f'href="{reverse("directory:mutual-csv")}{query}"' in response.text
        assert f'href="{reverse("directory:mutual-json")}{query}"' in response.text
        assert f'href="{reverse("directory:mutual-geojson")}{query}"' in response.text

    def test_leave_out_what_the_listing_ignored(self, client, world):
        response = client.get(f"{reverse('directory:mutual-list')}?sector=nope&sector=health&value_min=abc")
        assert f'href="{reverse("directory:mutual-csv")}?sector=health"' in response.text

    def test_a_linked_download_has_what_the_listing_counts(self, client, world):
        response = client.get(f"{reverse('directory:mutual-list')}?region=north-west&sector=nope")
        link = reverse("directory:mutual-csv") + "?region=north-west"
        assert f'href="{link}"' in response.text
        assert len(csv_records(client.get(link))) == response.context["page_obj"].paginator.count


class StreamedDownloadTests:
    """Downloads of a whole selection are streamed a batch of mutuals at a time, so 100k records fit in memory."""

    @pytest.fixture
    def batches_of_two(self, monkeypatch):
        monkeypatch.setattr(streaming, "CHUNK_SIZE", 2)

    def test_the_json_download_streams_the_same_document_in_batches(self, client, world, batches_of_two):
        response = client.get(reverse("directory:mutual-json"), {"status": "all"})
        assert response.streaming
        assert response["Content-Type"] == "application/json"
        chunks = list(response.streaming_content)
        data = json.loads(b"".join(chunks))
        assert list(data) == ["licence", "attribution", "count", "results"]
        assert data["count"] == len(data["results"]) == 6
        assert len(chunks) == 1 + 3 + 1, "the head, three batches of two mutuals, the end"
        for record in data["results"]:
            detail = client.get(reverse("directory:mutual-detail-json", kwargs={"slug": record["slug"]})).json()
            assert record == detail["mutual"], "the same record as the one-mutual document, made with prefetching"

    def test_the_csv_streams_the_same_rows_in_batches(self, client, world, monkeypatch):
        whole = csv_text(get_csv(client, "status=all"))
        monkeypatch.setattr(streaming, "CHUNK_SIZE", 2)
        response = get_csv(client, "status=all")
        chunks = list(response.streaming_content)
        assert len(chunks) == 1 + 3, "the header, then three batches of two rows"
        assert b"".join(chunks).decode("utf-8-sig") == whole

    def test_the_csv_starts_before_any_mutual_is_read(self, client, world, django_assert_num_queries):
        response = get_csv(client)
        with django_assert_num_queries(0):
            assert next(iter(response.streaming_content)).startswith(b"\xef\xbb\xbfname,slug,url,")

    @pytest.mark.parametrize(("name", "per_download", "per_batch"), [("mutual-json", 2, 4), ("mutual-csv", 1, 4)])
    # Per download: the selection (and the JSON's count); per batch: its sectors, districts, sources and contracts.
    def test_queries_grow_with_batches_not_mutuals(self, client, world, batches_of_two, name, per_download, per_batch):
        with CaptureQueriesContext(connection) as queries:
            body(client.get(reverse(f"directory:{name}"), {"status": "all"}))
        assert len(queries) == per_download + 3 * per_batch


# A directory of sixty published mutuals, facts varied in fixed patterns, so a selection can run to three pages.
PATTERN_SECTORS = ["Health", "Adult social care", "Libraries", "Leisure"]
PATTERN_REGIONS = ["London", "North West", "Yorkshire and The Humber", None]
PATTERN_BUYERS = ["Leeds City Council", "NHS Kent and Medway ICB", "Bolton Council"]
PATTERN_NAMES = [
    "{} Community Health CIC",
    "{} Care Co-operative",
    "{} Libraries Mutual",
    "{} leisure trust",
    "Éclair {}",
]
PATTERN_TOWNS = ["Leeds", "Bolton", "Camden", "York", "Rochdale", "Ealing", "Wigan", "Bexley", "Salford", "Kent"]


@pytest.fixture
def directory():
    sectors = [SectorFactory(name=name) for name in PATTERN_SECTORS]
    regions = [RegionFactory(name=name) if name else None for name in PATTERN_REGIONS]
    buyers = [CommissionerFactory(name=name) for name in PATTERN_BUYERS]
    statuses = [Mutual.Status.ACTIVE] * 4 + [Mutual.Status.CLOSED, Mutual.Status.MERGED]
    for number in range(60):
        town = PATTERN_TOWNS[number % len(PATTERN_TOWNS)]
        mutual = MutualFactory(
            name=PATTERN_NAMES[number % len(PATTERN_NAMES)].format(f"{town} {number}"),
            town=town,
            primary_sector=sectors[number % 4],
            sectors=[sectors[(number + 1) % 4]] if number % 3 == 0 else [],
            region=regions[number % 4],
            legal_form=Mutual.LegalForm.values[number % len(Mutual.LegalForm.values)],
            status=statuses[number % len(statuses)],
            year_spun_out=None if number % 9 == 0 else 2005 + number % 15,
            staff_count=None if number % 7 == 0 else 50 * (number % 6),
            latitude=None if number % 8 == 0 else 51 + number / 30,
            longitude=None if number % 8 == 0 else -2 + number / 40,
        )
        if number % 5 != 4:
            ContractFactory(
                mutual=mutual,
                commissioner=buyers[number % 3],
                value_gbp=Decimal(100_000 * (number % 11 + 1)) if number % 10 else None,
                value_basis=Contract.ValueBasis.WHOLE_LIFE if number % 4 == 0 else Contract.ValueBasis.ANNUAL,
                start_year=THIS_YEAR - 3,
                end_year=THIS_YEAR + number % 6,
                funding_type=Contract.FundingType.values[number % len(Contract.FundingType.values)],
            )
    draft = MutualFactory(name="Draft Health CIC", primary_sector=sectors[0], is_published=False)
    ContractFactory(mutual=draft, commissioner=buyers[0])


def slugs_of(objects):
    return st.lists(st.sampled_from([slugify(name) for name in objects if name]), max_size=2, unique=True)


# Selections a person could make on the listing: real slugs, sensible numbers, any sort order.
valid_selections = st.fixed_dictionaries(
    {},
    optional={
        "q": st.sampled_from(["health", "care", "Leeds", "trust", "mutual", "éclair"]),
        "sector": slugs_of(PATTERN_SECTORS),
        "region": slugs_of(PATTERN_REGIONS),
        "commissioner": slugs_of(PATTERN_BUYERS),
        "legal_form": st.lists(st.sampled_from(Mutual.LegalForm.values), max_size=2, unique=True),
        "funding": st.lists(st.sampled_from(Contract.FundingType.values), max_size=2, unique=True),
        "value_min": st.integers(0, 1_200_000),
        "value_max": st.integers(100_000, 2_000_000),
        "spun_out_from": st.integers(2000, 2025),
        "spun_out_to": st.integers(2000, 2025),
        "ending_within": st.sampled_from([0, 6, 12, 24, 60]),
        "status": st.sampled_from([*Mutual.Status.values, ALL_STATUSES]),
        "sort": st.deferred(
            lambda: st.sampled_from([value for value, _ in MutualFilter.base_filters["sort"].extra["choices"]])
        ),
    },
)


def listing_slugs(client, query):
    """Walk every page of the listing and return its mutuals' slugs and locations, in its order."""
    mutuals, number = [], 1
    while True:
        response = client.get(reverse("directory:mutual-list"), {**query, "page": number})
        assert response.status_code == 200
        assert response.context["ignored"] == [], query
        page = response.context["page_obj"]
        mutuals += [(mutual.slug, mutual.latitude is not None and mutual.longitude is not None) for mutual in page]
        if not page.has_next():
            assert len(mutuals) == page.paginator.count
            return mutuals
        number += 1


def api_slugs(client, query, page_size):
    """Follow the API's next links from the first page and return the slugs in order, and the count it states."""
    response = client.get(
        reverse("directory:api-mutual-list"), {**query, **({"page_size": page_size} if page_size else {})}
    )
    slugs = []
    while True:
        assert response.status_code == 200, response.content
        data = response.json()
        slugs += [record["slug"] for record in data["results"]]
        if not data["next"]:
            return slugs, data["count"]
        response = client.get(data["next"])


class ExportsEqualTheListingTests:
    """Whatever a person selects, every download and the API hold exactly the listing's mutuals, in its order."""

    @settings(
        max_examples=30,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=valid_selections, page_size=st.sampled_from([None, 7, 25, 100]))
    @example(query={}, page_size=None)
    @example(query={"status": ALL_STATUSES, "sort": "value"}, page_size=7)
    @example(query={"status": ALL_STATUSES, "sort": "-name"}, page_size=None)
    @example(query={"sector": ["health"], "status": ALL_STATUSES, "sort": "staff"}, page_size=100)
    def test_csv_json_geojson_and_api_hold_the_listings_selection_in_its_order(
        self, client, directory, query, page_size
    ):
        listed = listing_slugs(client, query)
        slugs = [slug for slug, _ in listed]
        assert [record["slug"] for record in csv_records(client.get(reverse("directory:mutual-csv"), query))] == slugs
        data = json_body(client.get(reverse("directory:mutual-json"), query))
        assert (data["count"], [record["slug"] for record in data["results"]]) == (len(slugs), slugs)
        features = json_body(client.get(reverse("directory:mutual-geojson"), query))["features"]
        assert [feature["id"] for feature in features] == [slug for slug, located in listed if located]
        assert api_slugs(client, query, page_size) == (slugs, len(slugs))

    def test_the_directory_runs_to_more_than_one_page(self, client, directory):
        """Guard the property: the unfiltered listing has three pages, so walking them is tested."""
        assert len(listing_slugs(client, {"status": ALL_STATUSES})) == 60
        assert (
            client.get(reverse("directory:mutual-list"), {"status": ALL_STATUSES})
            .context["page_obj"]
            .paginator.num_pages
            == 3
        )
