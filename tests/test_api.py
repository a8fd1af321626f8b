import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from directory.filters import MutualFilter
from directory.models import Mutual
from directory.openreferral import mapping
from mutuals_site.ops import dataversion
from tests.factories import CommissionerFactory, ContractFactory, MutualFactory, RegionFactory, SectorFactory
from tests.research import researched
from tests.streaming import json_body

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
SLUG = "a-mutual-slug"
DOCUMENTED = {
    "directory:api-mutual-list": {},
    "directory:api-mutual-detail": {"slug": SLUG},
    "directory:api-sector-list": {},
    "directory:api-region-list": {},
    "directory:api-commissioner-list": {},
    "directory:api-openapi": {},
    "directory:mutual-json": {},
    "directory:mutual-csv": {},
    "directory:mutual-detail-json": {"slug": SLUG},
    "directory:area-counts": {},
    "directory:dataset-latest": {},
    "directory:dataset-download": {"number": 0},
    "directory:openreferral-about": {},
    "directory:openreferral-services": {},
    "directory:openreferral-service": {"record_id": "0"},
}
DATASET = ["directory:dataset-latest", "directory:dataset-download"]
OPEN_REFERRAL = ["directory:openreferral-about", "directory:openreferral-services", "directory:openreferral-service"]
JSON_ENDPOINTS = [name for name in DOCUMENTED if name not in ["directory:mutual-csv", *DATASET, *OPEN_REFERRAL]]


@pytest.fixture
def world():
    """Adult social care and health mutuals in the North West and London, buyers, and a draft that matches everything."""
    care = SectorFactory(name="Adult social care")
    health = SectorFactory(name="Health")
    north_west = RegionFactory(name="North West")
    london = RegionFactory(name="London")
    council = CommissionerFactory(name="Bolton Council")
    drafts_only = CommissionerFactory(name="Secret Council")
    mutuals = {
        "care-nw-ending": MutualFactory(name="Care NW Ending", primary_sector=care, region=north_west),
        "care-nw-later": MutualFactory(name="Care NW Later", primary_sector=care, region=north_west),
        "care-london": MutualFactory(name="Care London", primary_sector=care, region=london),
        "health-nw": MutualFactory(name="Health NW", primary_sector=health, region=north_west),
        "care-nw-closed": MutualFactory(
            name="Care NW Closed", primary_sector=care, region=north_west, status=Mutual.Status.CLOSED
        ),
    }
    ContractFactory(mutual=mutuals["care-nw-ending"], commissioner=council, end_year=THIS_YEAR + 1)
    ContractFactory(mutual=mutuals["care-nw-later"], commissioner=council, end_year=THIS_YEAR + 6)
    ContractFactory(mutual=mutuals["care-nw-closed"], end_year=THIS_YEAR)
    draft = MutualFactory(name="Draft Care NW", primary_sector=care, region=north_west, is_published=False)
    ContractFactory(mutual=draft, commissioner=council, value_gbp=Decimal("5"), end_year=THIS_YEAR + 1)
    ContractFactory(mutual=draft, commissioner=drafts_only, end_year=THIS_YEAR + 1)
    return mutuals


@pytest.fixture
def document(client):
    return client.get(reverse("directory:api-openapi")).json()


def api_list(client, query=""):
    response = client.get(f"{reverse('directory:api-mutual-list')}?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def schema_validator(document, schema):
    """Return a JSON Schema validator for one schema of the document, resolving its $refs within the document."""
    return Draft202012Validator(
        {**schema, "components": document["components"]}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


class OpenApiDocumentTests:
    def test_is_a_valid_openapi_document(self, document):
        validate(document)
        assert document["openapi"].startswith("3.1")

    def test_describes_every_endpoint_at_its_real_address(self, document):
        addresses = {
            reverse(name, kwargs=kwargs).replace(SLUG, "{slug}").replace("-v0.", "-v{number}.").replace("/0", "/{id}")
            for name, kwargs in DOCUMENTED.items()
        }
        assert set(document["paths"]) == addresses

    def test_names_this_site_as_its_server(self, document):
        assert document["servers"] == [{"url": "http://testserver"}]

    def test_documents_every_filter_of_the_listing(self, document):
        list_parameters = {
            parameter["$ref"].rsplit("/", 1)[1]
            for parameter in document["paths"][reverse("directory:api-mutual-list")]["get"]["parameters"]
        }
        assert set(MutualFilter.base_filters) | {"page", "page_size", "modified_after"} == list_parameters

    def test_every_example_fits_its_schema(self, document):
        checked = 0
        for path, item in document["paths"].items():
            for status, response in item["get"]["responses"].items():
                media = response.get("content", {}).get("application/json", {})
                if "example" in media:
                    errors = list(schema_validator(document, media["schema"]).iter_errors(media["example"]))
                    assert not errors, (path, status, errors[0].message)
                    checked += 1
        assert checked == 14

    @pytest.mark.parametrize("name", JSON_ENDPOINTS)
    def test_real_responses_fit_the_schemas_the_examples_fit(self, client, document, world, name):
        kwargs = {"slug": "care-nw-ending"} if DOCUMENTED[name] else {}
        path = reverse(name, kwargs=kwargs)
        response = client.get(f"{path}?status=all&page_size=2" if name == "directory:api-mutual-list" else path)
        assert response.status_code == 200
        operation = document["paths"][path.replace("care-nw-ending", "{slug}")]["get"]
        media = operation["responses"]["200"]["content"]["application/json"]
        data = json_body(response)
        errors = list(schema_validator(document, media["schema"]).iter_errors(data))
        assert not errors, errors[0].message
        if "example" in media:
            assert data.keys() == media["example"].keys()

    def test_error_examples_fit_real_error_responses(self, client, document, world):
        for name, query, status in [
            ("directory:api-mutual-list", "?value_min=abc&sector=nope", "400"),
            ("directory:mutual-csv", "?value_min=abc", "400"),
            ("directory:mutual-json", "?sector=nope", "400"),
        ]:
            response = client.get(reverse(name) + query)
            media = document["paths"][reverse(name)]["get"]["responses"][status]["content"]["application/json"]
            assert response.status_code == int(status)
            assert not list(schema_validator(document, media["schema"]).iter_errors(response.json()))
        response = client.get(reverse("directory:api-mutual-detail", kwargs={"slug": "draft-care-nw"}))
        assert response.status_code == 404
        assert not list(
            schema_validator(document, {"$ref": "#/components/schemas/Errors"}).iter_errors(response.json())
        )

    def test_csv_example_is_the_real_header_row(self, client, document, world):
        example = document["paths"][reverse("directory:mutual-csv")]["get"]["responses"]["200"]["content"]["text/csv"]
        body = b"".join(client.get(reverse("directory:mutual-csv")).streaming_content).decode("utf-8-sig")
        assert body.startswith(example["example"])

    def test_the_seed_data_fits_the_document(self, client, document):
        call_command("loaddata", "mutuals", verbosity=0)
        data = api_list(client, "status=all&page_size=100")
        assert data["count"] == Mutual.objects.published().count() == len(researched("mutuals.csv"))
        validator = schema_validator(document, {"$ref": "#/components/schemas/MutualPage"})
        assert not list(validator.iter_errors(data))
        records = list(
            csv.DictReader(
                io.StringIO(
                    b"".join(client.get(f"{reverse('directory:mutual-csv')}?status=all").streaming_content).decode(
                        "utf-8-sig"
                    ),
                    newline="",
                )
            )
        )
        assert [record["slug"] for record in records] == [record["slug"] for record in data["results"]]


class ApiMutualListTests:
    @pytest.mark.parametrize(
        "query",
        [
            "",
            "status=all",
            "sector=adult-social-care&region=north-west",
            "ending_within=18",
            "sector=adult-social-care&region=north-west&ending_within=18",
            "value_min=1000000&value_max=1000000",
            "commissioner=bolton-council",
            "sort=-name&status=all",
        ],
    )
    def test_agrees_with_the_listing(self, client, world, query):
        listing = client.get(f"{reverse('directory:mutual-list')}?{query}").context["filter"].qs
        data = api_list(client, query)
        assert data["count"] == listing.count()
        assert [record["slug"] for record in data["results"]] == [mutual.slug for mutual in listing]

    def test_a_commissioner_opens_the_same_selection_as_their_csv(self, client, world):
        query = "sector=adult-social-care&region=north-west&ending_within=18"
        response = client.get(f"{reverse('directory:mutual-csv')}?{query}")
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        csv_slugs = [record["slug"] for record in csv.DictReader(io.StringIO(body, newline=""))]
        assert csv_slugs == [record["slug"] for record in api_list(client, query)["results"]] == ["care-nw-ending"]

    def test_pages_link_to_each_other_and_cover_the_selection_once(self, client):
        MutualFactory.create_batch(23)
        data = api_list(client, "page_size=10&sort=-name")
        assert (data["count"], data["pages"], data["page"], data["page_size"]) == (23, 3, 1, 10)
        assert data["previous"] is None
        slugs = []
        while True:
            slugs += [record["slug"] for record in data["results"]]
            if not data["next"]:
                break
            data = client.get(data["next"]).json()
        assert data["previous"].endswith("page=2")
        assert slugs == list(Mutual.objects.order_by("-name").values_list("slug", flat=True))

    def test_gives_25_a_page_unless_asked(self, client):
        MutualFactory.create_batch(26)
        data = api_list(client)
        assert len(data["results"]) == 25
        assert data["next"] == "http://testserver" + reverse("directory:api-mutual-list") + "?page=2"

    def test_carries_the_licence_and_attribution(self, client, world):
        data = api_list(client)
        assert data["licence"]["name"] == "Open Government Licence v3.0"
        assert "Mutuals Directory" in data["attribution"]

    def test_modified_after_selects_records_changed_since(self, client, world):
        Mutual.objects.update(updated_at=datetime(2026, 1, 10, 12, 0, tzinfo=UTC))
        Mutual.objects.filter(slug="care-london").update(updated_at=datetime(2026, 6, 1, 11, 30, tzinfo=UTC))
        assert [r["slug"] for r in api_list(client, "modified_after=2026-06-01")["results"]] == ["care-london"]
        assert api_list(client, "modified_after=2026-01-10")["count"] == 4
        assert api_list(client, "modified_after=2026-06-01T11:31:00Z")["count"] == 0
        # 12:30 at +01:00 is 11:30 UTC; the unencoded "+" arrives as a space.
        assert api_list(client, "modified_after=2026-06-01T12:30:00+01:00")["count"] == 1
        assert api_list(client, "modified_after=2026-06-01T12:30:00%2B01:00")["count"] == 1

    @pytest.mark.parametrize(
        "query, parameter",
        [
            ("value_min=abc", "value_min"),
            ("sector=nope", "sector"),
            ("page_size=10000", "page_size"),
            ("page_size=0", "page_size"),
            ("modified_after=notadate", "modified_after"),
            ("modified_after=2026-02-30", "modified_after"),
            ("page=-1", "page"),
            ("page=abc", "page"),
            ("page=99", "page"),
            ("sort=sideways", "sort"),
        ],
    )
    def test_bad_parameters_get_400_naming_them(self, client, world, query, parameter):
        response = client.get(f"{reverse('directory:api-mutual-list')}?{query}")
        assert response.status_code == 400
        (error,) = response.json()["errors"]
        assert error["parameter"] == parameter
        assert error["message"].startswith(f"Invalid {parameter} ")

    def test_names_every_bad_parameter_at_once(self, client, world):
        response = client.get(f"{reverse('directory:api-mutual-list')}?sector=nope&page=-1&page_size=10000")
        assert [error["parameter"] for error in response.json()["errors"]] == ["sector", "page", "page_size"]

    @pytest.mark.parametrize("mutuals", [2, 8])
    def test_takes_the_same_number_of_queries_however_many_mutuals(self, client, django_assert_num_queries, mutuals):
        for contract in ContractFactory.create_batch(mutuals):
            contract.mutual.sectors.add(SectorFactory(name="Adult social care"))
        # The count, the page, then its sectors, sources, contracts and districts.
        with django_assert_num_queries(6):
            assert api_list(client)["count"] == mutuals


class ApiMutualDetailTests:
    def test_gives_the_same_record_as_the_list(self, client, world):
        response = client.get(reverse("directory:api-mutual-detail", kwargs={"slug": "care-nw-ending"}))
        record = next(r for r in api_list(client)["results"] if r["slug"] == "care-nw-ending")
        assert response.json()["mutual"] == record
        assert record["api_url"] == "http://testserver" + reverse(
            "directory:api-mutual-detail", kwargs={"slug": "care-nw-ending"}
        )

    @pytest.mark.parametrize("slug", ["draft-care-nw", "nope"])
    def test_answers_404_for_drafts_and_unknown_slugs(self, client, world, slug):
        response = client.get(reverse("directory:api-mutual-detail", kwargs={"slug": slug}))
        assert response.status_code == 404
        assert response.json()["errors"] == [
            {"parameter": "slug", "message": f"There is no published mutual “{slug}”."}
        ]

    @pytest.mark.parametrize("contracts", [1, 6])
    def test_takes_the_same_number_of_queries_however_many_contracts(
        self, client, django_assert_num_queries, contracts
    ):
        mutual = MutualFactory()
        ContractFactory.create_batch(contracts, mutual=mutual)
        with django_assert_num_queries(5):  # The mutual, its sectors, sources, contracts and districts.
            client.get(reverse("directory:api-mutual-detail", kwargs={"slug": mutual.slug}))


class ApiReferenceListTests:
    def test_sectors_count_their_active_published_mutuals(self, client, world):
        data = client.get(reverse("directory:api-sector-list")).json()
        counts = {sector["slug"]: sector["active_mutuals"] for sector in data["results"]}
        assert counts == {"adult-social-care": 3, "health": 1}
        care = next(sector for sector in data["results"] if sector["slug"] == "adult-social-care")
        assert care["mutuals_api_url"] == "http://testserver" + reverse("directory:api-mutual-list") + (
            "?sector=adult-social-care"
        )

    def test_regions_carry_their_ons_codes(self, client, world):
        data = client.get(reverse("directory:api-region-list")).json()
        regions = {region["slug"]: (region["ons_code"], region["active_mutuals"]) for region in data["results"]}
        assert regions == {"london": ("E12000007", 1), "north-west": ("E12000002", 3)}

    def test_commissioners_list_the_published_mutuals_they_buy_from_with_values(self, client, world):
        data = client.get(reverse("directory:api-commissioner-list")).json()
        (bolton,) = [buyer for buyer in data["results"] if buyer["slug"] == "bolton-council"]
        contracts = {(c["mutual"]["slug"], c["value_gbp"], c["end_year"]) for c in bolton["contracts"]}
        assert contracts == {
            ("care-nw-ending", "1000000.00", THIS_YEAR + 1),
            ("care-nw-later", "1000000.00", THIS_YEAR + 6),
        }
        assert bolton["kind"] == "local-authority"
        assert "secret-council" not in {buyer["slug"] for buyer in data["results"]}

    @pytest.mark.parametrize("contracts", [1, 6])
    def test_commissioners_take_the_same_number_of_queries_however_many_contracts(
        self, client, django_assert_num_queries, contracts
    ):
        ContractFactory.create_batch(contracts)
        with django_assert_num_queries(2):
            assert client.get(reverse("directory:api-commissioner-list")).json()["count"] == contracts


class ApiOpenDataTests:
    @pytest.mark.parametrize("name", [*DOCUMENTED, "directory:api"])
    def test_is_open_to_other_sites_for_get(self, client, world, name):
        kwargs = {"slug": "care-nw-ending"} if DOCUMENTED.get(name) else {}
        if name == "directory:dataset-download":
            kwargs = {"number": dataversion.current().number}
        if name == "directory:openreferral-service":
            kwargs = {"record_id": mapping.identifier("service", "care-nw-ending")}
        response = client.get(reverse(name, kwargs=kwargs), headers={"Origin": "https://example.org"})
        assert response.status_code == (302 if name == "directory:dataset-latest" else 200)
        assert response["Access-Control-Allow-Origin"] == "*"

    def test_html_pages_are_not_shared_with_other_sites(self, client, world):
        response = client.get(reverse("directory:mutual-list"), headers={"Origin": "https://example.org"})
        assert "Access-Control-Allow-Origin" not in response

    def test_answers_a_preflight_for_get(self, client):
        response = client.options(
            reverse("directory:api-mutual-list"),
            headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
        )
        assert "GET" in response["Access-Control-Allow-Methods"]
        assert "POST" not in response["Access-Control-Allow-Methods"]

    @pytest.mark.parametrize("name", [name for name in DOCUMENTED if name not in [*DATASET, *OPEN_REFERRAL]])
    def test_drafts_never_appear(self, client, world, name):
        kwargs = {"slug": "care-nw-ending"} if DOCUMENTED[name] else {}
        response = client.get(f"{reverse(name, kwargs=kwargs)}?status=all")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"draft-care-nw" not in body
        assert b"Draft Care NW" not in body
        assert b"secret-council" not in body

    def test_refuses_to_change_anything(self, client, world):
        assert client.post(reverse("directory:api-mutual-list")).status_code == 405

    def test_unknown_api_addresses_answer_404_in_json(self, client):
        response = client.get(reverse("directory:api-mutual-list") + "nope/extra/")
        assert response.status_code == 404
        assert response.json()["errors"][0]["message"].startswith("There is no such endpoint")


class ApiPageTests:
    def test_explains_endpoints_parameters_pages_and_licence(self, client, world):
        response = client.get(reverse("directory:api"))
        assert response.status_code == 200
        for name in [*MutualFilter.base_filters, "page_size", "modified_after"]:
            assert f"<code>{name}</code>" in response.text
        assert reverse("directory:api-openapi") in response.text
        assert "Open Government Licence v3.0" in response.text
        assert (
            f'href="{reverse("directory:mutual-csv")}?sector=adult-social-care&amp;region=north-west' in response.text
        )

    def test_is_in_the_site_menu(self, client):
        response = client.get(reverse("directory:api"))
        assert f'href="{reverse("directory:api")}" aria-current="page"' in response.text
