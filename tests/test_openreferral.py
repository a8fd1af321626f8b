"""The published mutuals in Open Referral UK: every record validates against the standard's own schemas."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from directory.models import Mutual
from directory.openreferral import mapping
from tests.factories import CommissionerFactory, ContractFactory, DistrictFactory, MutualFactory, SectorFactory

pytestmark = pytest.mark.django_db

SCHEMAS = Path(mapping.__file__).parent / "schema"


def schema(name):
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


# taxonomy.json refers to taxonomy_term.json by its file name.
REGISTRY = Registry().with_resource("taxonomy_term.json", Resource.opaque(schema("taxonomy_term.json")))
PAGE = schema("openapi.json")["components"]["schemas"]["Page"]


def problems(record, name):
    """Return what is wrong with `record` by the Open Referral UK schema `name` (formats checked too)."""
    validator = Draft202012Validator(
        schema(name), registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(record)]


def get(client, name, query=None, **kwargs):
    response = client.get(reverse(f"directory:openreferral-{name}", kwargs=kwargs), query or {})
    assert response.status_code == 200, response.content
    return response.json()


def every_item(client, name):
    """Return every item of a list, following its pages as a consumer would."""
    items, number = [], 1
    while True:
        page = get(client, name, {"page": number, "per_page": 20})
        assert list(Draft202012Validator(PAGE).iter_errors(page)) == []
        assert set(PAGE["properties"]) | {"contents"} == set(page)
        items += page["contents"]
        if page["last_page"]:
            return items
        number += 1


@pytest.fixture
def world():
    health, care = SectorFactory(name="Health"), SectorFactory(name="Adult social care")
    located = MutualFactory(
        name="Leeds Community Mutual",
        primary_sector=health,
        sectors=[care],
        latitude=53.8,
        longitude=-1.55,
        location_basis=Mutual.LocationBasis.TOWN_CENTRE,
        location_note="town centre (Leeds)",
        register=Mutual.Register.COMPANIES_HOUSE,
        registration_number="07733466",
        website="https://www.example.org/",
    )
    ContractFactory(mutual=located, commissioner=CommissionerFactory(name="Leeds City Council"))
    Mutual.objects.filter(pk=located.pk).update(area_scope="local", area_basis="contract")
    located.districts.set([DistrictFactory(name="Leeds"), DistrictFactory(name="Wakefield")])
    return {
        "located": located,
        "unlocated": MutualFactory(name="Nowhere Care CIC", primary_sector=care, latitude=None, longitude=None),
        "closed": MutualFactory(
            name="Closed Care CIC",
            primary_sector=care,
            status=Mutual.Status.CLOSED,
            area_scope=Mutual.AreaScope.NATIONAL,
            area_basis=Mutual.AreaBasis.SOURCE,
        ),
        "draft": MutualFactory(name="Draft Health CIC", primary_sector=health, is_published=False),
    }


class ValidationTests:
    def test_every_service_validates_in_the_list_and_in_full(self, client, world):
        services = every_item(client, "services")
        assert {service["name"] for service in services} == {
            "Leeds Community Mutual",
            "Nowhere Care CIC",
            "Closed Care CIC",
        }
        for service in services:
            assert problems(service, "service_list.json") == []
            assert problems(get(client, "service", record_id=service["id"]), "service.json") == []

    def test_every_other_record_validates(self, client, world):
        for item in every_item(client, "service-at-locations"):
            assert problems(item, "service_at_location_list.json") == []
            assert problems(get(client, "service-at-location", record_id=item["id"]), "service_at_location.json") == []
        for item in every_item(client, "organizations"):
            assert problems(item, "organization_list.json") == []
            assert problems(get(client, "organization", record_id=item["id"]), "organization.json") == []
        for item in every_item(client, "taxonomies"):
            assert problems(item, "taxonomy.json") == []
            assert problems(get(client, "taxonomy", record_id=item["id"]), "taxonomy.json") == []
        for item in every_item(client, "taxonomy-terms"):
            assert problems(item, "taxonomy_term.json") == []
            assert problems(get(client, "taxonomy-term", record_id=item["id"]), "taxonomy_term.json") == []

    def test_the_schemas_catch_a_wrong_record(self):
        assert problems({"id": "not-a-uuid", "name": "X", "status": "open"}, "service.json")

    def test_every_seed_mutual_validates(self, client):
        call_command("loaddata", "mutuals", verbosity=0)
        services = every_item(client, "services")
        assert len(services) == Mutual.objects.published().count()
        for service in services:
            assert problems(get(client, "service", record_id=service["id"]), "service.json") == []
        for term in every_item(client, "taxonomy-terms"):
            assert problems(term, "taxonomy_term.json") == []


class MappingTests:
    def test_a_service_carries_its_organization_location_sectors_and_funding(self, client, world):
        mutual = world["located"]
        service = get(client, "service", record_id=mapping.identifier("service", mutual.slug))
        assert service["status"] == "active"
        assert service["organization"]["organization_identifiers"][0]["identifier"] == "07733466"
        assert service["organization"]["uri"] == f"http://testserver{mutual.get_absolute_url()}"
        location = service["service_at_locations"][0]["location"]
        assert (location["latitude"], location["longitude"]) == (53.8, -1.55)
        assert location["description"] == "Approximate: town centre (Leeds)."
        assert {attribute["taxonomy_term"]["term"] for attribute in service["attributes"]} == {
            "health",
            "adult-social-care",
        }
        assert service["funding"][0]["source"].startswith("Leeds City Council: public contract for ")
        assert [area["name"] for area in service["service_areas"]] == ["Leeds", "Wakefield"]
        leeds = service["service_areas"][0]
        assert leeds["id"] == mapping.identifier("service-area", mutual.slug, "leeds")
        assert leeds["uri"] == "http://testserver" + reverse("directory:area-detail", kwargs={"slug": "leeds"})
        assert leeds["service_area"] == (
            "Leeds local authority district (how this was found: the area of a buyer of its services)."
        )

    def test_a_mutual_that_worked_nationally_served_england_and_unknown_areas_are_left_out(self, client, world):
        national = get(client, "service", record_id=mapping.identifier("service", world["closed"].slug))
        assert [(area["name"], area["id"]) for area in national["service_areas"]] == [
            ("England", mapping.identifier("service-area", world["closed"].slug, "england"))
        ]
        unknown = get(client, "service", record_id=mapping.identifier("service", world["unlocated"].slug))
        assert "service_areas" not in unknown

    def test_unknown_facts_are_left_out_not_null(self, client, world):
        service = get(client, "service", record_id=mapping.identifier("service", world["unlocated"].slug))
        assert "service_at_locations" not in service and "url" not in service
        assert None not in service.values()

    def test_a_closed_mutuals_service_is_defunct(self, client, world):
        service = get(client, "service", record_id=mapping.identifier("service", world["closed"].slug))
        assert service["status"] == "defunct"

    def test_drafts_never_appear(self, client, world):
        assert "Draft Health CIC" not in json.dumps(every_item(client, "services"))
        response = client.get(
            reverse(
                "directory:openreferral-service",
                kwargs={"record_id": mapping.identifier("service", world["draft"].slug)},
            )
        )
        assert response.status_code == 404 and response["Content-Type"] == "application/json"

    def test_identifiers_survive_edits_and_a_new_import(self, client, world):
        mutual = world["located"]
        before = get(client, "service", record_id=mapping.identifier("service", mutual.slug))
        mutual.summary, mutual.name = "A new summary.", "Leeds Community Mutual CIC"
        mutual.save()
        slug, sector = mutual.slug, mutual.primary_sector
        mutual.delete()
        MutualFactory(
            name="Leeds Community Mutual CIC", slug=slug, primary_sector=sector, latitude=53.8, longitude=-1.55
        )
        after = get(client, "service", record_id=before["id"])
        assert (after["id"], after["organization"]["id"], after["service_at_locations"][0]["id"]) == (
            before["id"],
            before["organization"]["id"],
            before["service_at_locations"][0]["id"],
        )


class ListTests:
    def test_pages_as_the_standard_says(self, client, world):
        page = get(client, "services", {"per_page": 2})
        assert {key: page[key] for key in page if key != "contents"} == {
            "total_items": 3,
            "total_pages": 2,
            "page_number": 1,
            "size": 2,
            "first_page": True,
            "last_page": False,
            "empty": False,
        }
        past = get(client, "services", {"page": 5})
        assert (past["contents"], past["empty"], past["last_page"]) == ([], True, True)

    @pytest.mark.parametrize("query", [{"page": "abc"}, {"page": "0"}, {"per_page": "-1"}, {"per_page": "100000"}])
    def test_bad_paging_gets_400_naming_the_parameter(self, client, world, query):
        response = client.get(reverse("directory:openreferral-services"), query)
        assert response.status_code == 400
        assert response.json()["errors"][0]["parameter"] == next(iter(query))

    def test_search_and_taxonomy_term_select_services(self, client, world):
        assert [s["name"] for s in get(client, "services", {"search": "Nowhere"})["contents"]] == ["Nowhere Care CIC"]
        care = mapping.identifier("taxonomy-term", "adult-social-care")
        names = {s["name"] for s in get(client, "services", {"taxonomy_term_id": care})["contents"]}
        assert names == {"Leeds Community Mutual", "Nowhere Care CIC", "Closed Care CIC"}
        assert get(client, "services", {"taxonomy_term_id": "nope"})["empty"]

    def test_any_site_may_read_it(self, client, world):
        response = client.get(reverse("directory:openreferral-services"), headers={"Origin": "https://example.org"})
        assert response["Access-Control-Allow-Origin"] == "*"

    def test_an_unknown_id_gets_404_in_json(self, client, world):
        response = client.get(reverse("directory:openreferral-service", kwargs={"record_id": "nope"}))
        assert response.status_code == 404
        assert response.json()["errors"][0]["message"] == "There is no published service with this id."

    def test_says_what_it_is(self, client):
        about = get(client, "about")
        assert about["version"] == "3.0"
        assert about["openapi_url"] == f"http://testserver{reverse('directory:openreferral-openapi')}"
        assert "/services" in get(client, "openapi")["paths"]

    def test_takes_the_same_number_of_queries_however_many_mutuals(self, client, world, django_assert_num_queries):
        client.get(reverse("directory:openreferral-services"))
        with django_assert_num_queries(
            6
        ):  # The page, its count, and each relation: sectors, sources, contracts, areas.
            client.get(reverse("directory:openreferral-services"))
        MutualFactory.create_batch(5)
        with django_assert_num_queries(
            6
        ):  # The page, its count, and each relation: sectors, sources, contracts, areas.
            client.get(reverse("directory:openreferral-services"))
