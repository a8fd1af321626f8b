import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from directory.geo import polygons_of
from directory.models import District, Mutual, web_addresses
from tests.research import RESEARCH, researched

BOUNDARIES = RESEARCH / "boundaries" / "england-lad-2024-buc.geojson"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The seed, loaded once for the module outside any test's transaction, and removed after it, history too.

    Loading records history (the sectors and districts are set like an editor's change): left behind, it would
    show in a later test's change feed.
    """
    with django_db_blocker.unblock():
        call_command("loaddata", "mutuals", verbosity=0)
        yield
        Mutual.objects.all().delete()
        for model in apps.get_app_config("directory").get_models():
            model.objects.all().delete()


@pytest.fixture(scope="module")
def research_rows():
    return researched("mutuals.csv")


@pytest.fixture(scope="module")
def area_rows():
    return researched("areas_served.csv")


@pytest.fixture(scope="module")
def boundary_names():
    features = json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]
    return [feature["properties"]["name"] for feature in features]


def district_names(row):
    return {name.strip() for name in row["lad_names"].split(";") if name.strip()}


@pytest.mark.django_db
class SeedDataTests:
    def test_every_researched_organisation_is_in_the_directory(self, seeded, research_rows):
        assert sorted(Mutual.objects.published().values_list("name", flat=True)) == sorted(
            row["name"] for row in research_rows
        )

    def test_every_mutual_page_renders_with_its_sources_and_status(self, seeded, research_rows, client):
        for row in research_rows:
            mutual = Mutual.objects.get(name=row["name"])
            response = client.get(mutual.get_absolute_url())
            assert response.status_code == 200, row["name"]
            text = response.content.decode()
            for url in filter(None, (u.strip() for u in row["source_urls"].split(";"))):
                assert f'href="{url.replace("&", "&amp;")}"' in text, (row["name"], url)
            assert "Last verified: <time" in text
            if row["status"] != "active":
                assert "govuk-tag--green" not in text, row["name"]

    def test_every_mutual_page_shows_its_researched_facts(self, seeded, research_rows, client):
        for row in research_rows:
            text = client.get(Mutual.objects.get(name=row["name"]).get_absolute_url()).text
            facts = [row["services_summary"], row["staff_count"], row["registered_postcode"]]
            if row["status"] != "active":
                facts.append(row["status_note"])
            for fact in filter(None, (fact.strip() for fact in facts)):
                assert escape(fact) in text, (row["name"], fact)
            if row["website"]:
                assert f'href="{escape(row["website"])}"' in text, row["name"]
            if number := row["company_or_society_number"].strip():
                mutual = Mutual.objects.get(name=row["name"])
                assert f"{number} on the {mutual.get_register_display()}" in text, row["name"]
                assert f"<code>{mutual.org_id}</code>" in text, row["name"]

    def test_a_charity_shows_its_charity_commission_number_and_org_id(self, seeded, client):
        mutual = Mutual.objects.get(registration_number="1170092")
        text = client.get(mutual.get_absolute_url()).text
        assert "1170092 on the Charity Commission for England and Wales" in text
        assert "<code>GB-CHC-1170092</code>" in text
        record = client.get(reverse("directory:mutual-detail-json", args=[mutual.slug])).json()["mutual"]
        assert (record["org_id"], record["register"], record["registration_number"]) == (
            "GB-CHC-1170092",
            "GB-CHC",
            "1170092",
        )
        csv_row = b"".join(client.get(reverse("directory:mutual-csv"), {"q": mutual.name}).streaming_content)
        assert b",GB-CHC-1170092," in csv_row

    def test_every_contract_shows_on_its_mutuals_page_with_its_funding_in_words(self, seeded, client):
        for row in researched("contracts.csv"):
            text = client.get(Mutual.objects.get(name=row["mutual_name"]).get_absolute_url()).text
            assert escape(row["service"]) in text, row["service"]
            assert escape(row["quote"]) in text, row["service"]
            assert escape(row["funding_type"]).lower() in text.lower(), row["funding_type"]

    def test_the_listing_of_all_statuses_holds_every_mutual(self, seeded, research_rows, client):
        response = client.get(reverse("directory:mutual-list"), {"status": "all"})
        assert response.context["page_obj"].paginator.count == len(research_rows)


@pytest.mark.django_db
class SeedAreasTests:
    def test_every_district_of_england_loads_with_its_boundary_and_box(self, seeded, boundary_names):
        assert len(boundary_names) == 296
        assert sorted(District.objects.values_list("name", flat=True)) == sorted(boundary_names)
        for district in District.objects.all():
            polygons = polygons_of(district.geometry)
            xs = [x for polygon in polygons for x, _ in polygon[0]]
            ys = [y for polygon in polygons for _, y in polygon[0]]
            assert (district.west, district.south, district.east, district.north) == (
                min(xs),
                min(ys),
                max(xs),
                max(ys),
            ), district.name

    def test_every_district_named_in_the_areas_file_is_a_boundary(self, area_rows, boundary_names):
        named = set().union(*(district_names(row) for row in area_rows))
        assert named, "the areas file names no districts"
        assert named - set(boundary_names) == set()

    def test_every_row_of_the_areas_file_is_in_the_seed_with_its_basis_and_source(self, seeded, area_rows):
        for row in area_rows:
            mutual = Mutual.objects.get(name=row["mutual_name"])
            assert (
                mutual.area_scope,
                mutual.area_basis,
                mutual.area_basis_detail,
                mutual.area_source_urls.split("\n"),
                mutual.area_quote,
            ) == (
                row["scope"],
                row["basis"],
                row["basis_detail"],
                web_addresses(row["source_url"]),
                row["quote"],
            ), row["mutual_name"]
            assert set(mutual.districts.values_list("name", flat=True)) == district_names(row), row["mutual_name"]

    def test_a_mutual_whose_areas_were_not_found_has_none(self, seeded, research_rows, area_rows):
        not_found = {row["name"] for row in research_rows} - {row["mutual_name"] for row in area_rows}
        assert not_found == {"LymphCare UK"}
        mutual = Mutual.objects.get(name="LymphCare UK")
        assert (mutual.area_scope, mutual.area_basis, mutual.districts.count()) == ("", "", 0)

    def test_local_and_county_mutuals_name_their_districts_and_the_others_none(self, seeded):
        for mutual in Mutual.objects.exclude(area_scope="").prefetch_related("districts"):
            assert mutual.district_error(list(mutual.districts.all())) == "", mutual.name
