"""Where mutuals work, as data: the area filter, the districts in every record, /areas.json and the boundaries file."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from directory.management.commands.build_boundaries import boundaries_document
from directory.maps import BOUNDARIES
from directory.models import District, Mutual
from tests.factories import DistrictFactory, MutualFactory, RegionFactory, SectorFactory
from tests.helpers import add_mutuals, queries_for
from tests.streaming import body, json_body

pytestmark = pytest.mark.django_db

LISTING, MAP, CSV = "directory:mutual-list", "directory:mutual-map", "directory:mutual-csv"
COUNTS = "directory:area-counts"


def local(name, districts, **fields):
    """A published mutual whose areas name `districts`, found from a source."""
    mutual = MutualFactory(name=name, area_scope=Mutual.AreaScope.LOCAL, area_basis=Mutual.AreaBasis.SOURCE, **fields)
    mutual.districts.set(districts)
    return mutual


@pytest.fixture
def world():
    care, health = SectorFactory(name="Adult social care"), SectorFactory(name="Health")
    east = RegionFactory(name="East of England")
    ipswich, east_suffolk, leeds = (DistrictFactory(name=n) for n in ("Ipswich", "East Suffolk", "Leeds"))
    return {
        "districts": {"ipswich": ipswich, "east-suffolk": east_suffolk, "leeds": leeds},
        "suffolk_care": local(
            "Suffolk Care Society",
            [ipswich, east_suffolk],
            primary_sector=care,
            region=east,
            area_basis_detail="spun out of the county council's care service",
            area_source_urls="https://www.example.org/care\nhttps://www.example.org/about",
            area_quote="We support people across Suffolk.",
        ),
        "suffolk_health": local("Suffolk Health CIC", [ipswich], primary_sector=health, region=east),
        "leeds_care": local("Leeds Care CIC", [leeds], primary_sector=care),
        "national_care": MutualFactory(
            name="National Care Mutual",
            primary_sector=care,
            area_scope=Mutual.AreaScope.NATIONAL,
            area_basis=Mutual.AreaBasis.SOURCE,
        ),
        "unknown_care": MutualFactory(name="Unplaced Care CIC", primary_sector=care),
        "draft": local("Draft Care CIC", [ipswich], primary_sector=care, is_published=False),
    }


def names_in(response):
    """Return the names of the mutuals a listing, map or CSV response holds."""
    if response["Content-Type"].startswith("text/csv"):
        return {row["name"] for row in csv.DictReader(io.StringIO(body(response).decode("utf-8-sig")))}
    return {name for name in NAMES if f">{name}<" in response.text}


NAMES = [
    "Suffolk Care Society",
    "Suffolk Health CIC",
    "Leeds Care CIC",
    "National Care Mutual",
    "Unplaced Care CIC",
    "Draft Care CIC",
]


class AreaFilterTests:
    @pytest.mark.parametrize("route", [LISTING, MAP, CSV])
    def test_adult_social_care_providers_serving_suffolk_agree_everywhere(self, client, world, route):
        response = client.get(reverse(route), {"sector": "adult-social-care", "area": ["ipswich", "east-suffolk"]})
        assert response.status_code == 200
        # Named in Suffolk's districts, or working nationally; not Leeds's, nor those whose areas are not known.
        assert names_in(response) == {"Suffolk Care Society", "National Care Mutual"}

    def test_the_api_selects_the_same_mutuals(self, client, world):
        data = client.get(reverse("directory:api-mutual-list"), {"area": "leeds"}).json()
        assert [record["name"] for record in data["results"]] == ["Leeds Care CIC", "National Care Mutual"]

    def test_the_selection_says_where_they_work_with_a_tag_that_removes_the_area(self, client, world):
        response = client.get(reverse(LISTING), {"sector": "adult-social-care", "area": "ipswich"})
        assert "2 adult social care mutuals working in Ipswich" in response.text
        assert '<span class="govuk-visually-hidden">Remove this filter: Area</span> Ipswich</a>' in response.text
        assert 'href="/mutuals/?sector=adult-social-care"' in response.text
        assert '<input type="hidden" name="area" value="ipswich">' in response.text

    def test_the_map_says_it_too(self, client, world):
        response = client.get(reverse(MAP), {"area": ["leeds", "ipswich"]})
        assert "Map of public service mutuals working in Ipswich or Leeds" in response.text

    def test_the_facet_counts_respect_the_area(self, client, world):
        response = client.get(reverse(LISTING), {"area": "leeds"})
        facets = response.context["facets"]
        assert {option.value: option.count for option in facets["sector"].options if option.count} == {
            "adult-social-care": 2
        }

    def test_an_unknown_area_is_ignored_and_said_on_the_pages(self, client, world):
        response = client.get(reverse(LISTING), {"area": ["nowhere", "leeds"]})
        assert "Ignored area “nowhere”: it is not one of the options." in response.text
        assert names_in(response) == {"Leeds Care CIC", "National Care Mutual"}

    @pytest.mark.parametrize("route", ["directory:api-mutual-list", CSV, "directory:mutual-json", COUNTS])
    def test_an_unknown_area_is_refused_by_the_data_formats(self, client, world, route):
        response = client.get(reverse(route), {"area": "nowhere"})
        assert response.status_code == 400
        assert response.json() == {
            "errors": [{"parameter": "area", "message": "Invalid area “nowhere”: it is not one of the options."}]
        }

    def test_the_openapi_document_describes_the_area_parameter(self, client):
        document = client.get(reverse("directory:api-openapi")).json()
        area = document["components"]["parameters"]["area"]
        assert (area["in"], area["schema"]["items"]["type"]) == ("query", "string")
        list_parameters = document["paths"]["/api/mutuals/"]["get"]["parameters"]
        assert {"$ref": "#/components/parameters/area"} in list_parameters

    @pytest.mark.parametrize("route", [LISTING, MAP])
    def test_the_number_of_queries_does_not_grow_with_the_mutuals(self, client, world, route):
        params = {"area": "leeds", "sector": "adult-social-care"}
        few = queries_for(client, reverse(route), params)
        add_mutuals(5, area_scope=Mutual.AreaScope.NATIONAL, area_basis=Mutual.AreaBasis.SOURCE)
        assert queries_for(client, reverse(route), params) == few


class RecordTests:
    def test_the_json_record_says_where_it_works_and_how_that_was_found(self, client, world):
        record = client.get(reverse("directory:mutual-detail-json", args=["suffolk-care-society"])).json()["mutual"]
        assert record["areas"] == {
            "scope": "local",
            "districts": [{"slug": "east-suffolk", "name": "East Suffolk"}, {"slug": "ipswich", "name": "Ipswich"}],
            "basis": "source",
            "basis_label": "A source names the areas",
            "basis_detail": "spun out of the county council's care service",
            "source_urls": ["https://www.example.org/care", "https://www.example.org/about"],
            "quote": "We support people across Suffolk.",
        }

    def test_areas_not_known_are_null(self, client, world):
        record = client.get(reverse("directory:mutual-detail-json", args=["unplaced-care-cic"])).json()["mutual"]
        assert record["areas"] is None

    def test_the_csv_has_the_scope_the_districts_and_the_basis(self, client, world):
        rows = {
            row["name"]: row
            for row in csv.DictReader(
                io.StringIO(body(client.get(reverse(CSV), {"status": "all"})).decode("utf-8-sig"))
            )
        }
        care = rows["Suffolk Care Society"]
        assert (care["area_scope"], care["areas_served"], care["area_basis"]) == (
            "local",
            "East Suffolk; Ipswich",
            "source",
        )
        assert care["area_source_urls"] == "https://www.example.org/care; https://www.example.org/about"
        national = rows["National Care Mutual"]
        assert (national["area_scope"], national["areas_served"]) == ("national", "")
        assert (rows["Unplaced Care CIC"]["area_scope"], rows["Unplaced Care CIC"]["areas_served"]) == ("", "")

    def test_the_json_download_and_the_record_agree_on_the_districts(self, client, world):
        download = json_body(client.get(reverse("directory:mutual-json")))
        one = client.get(reverse("directory:mutual-detail-json", args=["suffolk-care-society"])).json()["mutual"]
        assert next(r for r in download["results"] if r["slug"] == "suffolk-care-society")["areas"] == one["areas"]

    @pytest.mark.parametrize("route", ["directory:api-mutual-list", CSV, "directory:mutual-json"])
    def test_the_districts_cost_no_query_per_mutual(self, client, world, route):
        few = queries_for(client, reverse(route))
        for number in range(5):
            local(f"Another Leeds Mutual {number}", [world["districts"]["leeds"]])
        assert queries_for(client, reverse(route)) == few


class AreaCountsTests:
    def counts(self, client, **query):
        response = client.get(reverse(COUNTS), query)
        assert response.status_code == 200
        return response.json()

    def test_every_district_with_the_mutuals_of_the_selection_named_there(self, client, world):
        data = self.counts(client)
        assert {d["slug"]: d["count"] for d in data["districts"]} == {"east-suffolk": 1, "ipswich": 2, "leeds": 1}
        assert data["districts"][0] == {
            "slug": "east-suffolk",
            "name": "East Suffolk",
            "count": 1,
            "url": "http://testserver" + reverse("directory:area-detail", args=["east-suffolk"]),
        }
        # Those working everywhere are counted apart, never in a district; drafts nowhere.
        assert (data["mutuals"], data["working_everywhere"], data["areas_not_known"]) == (5, 1, 1)

    def test_in_step_with_the_selection(self, client, world):
        data = self.counts(client, sector="health")
        assert {d["slug"]: d["count"] for d in data["districts"]} == {"east-suffolk": 0, "ipswich": 1, "leeds": 0}
        assert (data["mutuals"], data["working_everywhere"]) == (1, 0)

    def test_says_where_the_boundaries_are_and_whose_they_are(self, client, world):
        data = self.counts(client)
        assert data["boundaries"]["url"].endswith(".geojson")
        assert "Contains OS data © Crown copyright and database right 2024" in data["boundaries"]["attribution"]
        assert data["licence"]["name"] == "Open Government Licence v3.0"

    def test_takes_the_same_number_of_queries_however_many_mutuals_and_districts(self, client, world):
        few = queries_for(client, reverse(COUNTS), {"sector": "adult-social-care"})
        for number in range(5):
            local(f"Another Mutual {number}", [DistrictFactory()])
        assert queries_for(client, reverse(COUNTS), {"sector": "adult-social-care"}) == few

    def test_the_map_page_tables_the_districts_with_mutuals_and_notes_those_working_everywhere(self, client, world):
        response = client.get(reverse(MAP), {"sector": "adult-social-care"})
        table = response.text.split("Districts and counts as a table", 1)[1].split("</details>", 1)[0]
        assert '<a class="govuk-link" href="/areas/ipswich/">Ipswich</a>' in table
        assert '<a class="govuk-link" href="/areas/leeds/">Leeds</a>' in table
        assert "Draft" not in table
        assert "1 mutual of this selection works across regions or nationally and is not shaded." in response.text
        assert "Contains OS data © Crown copyright and database right 2024" in table
        health = client.get(reverse(MAP), {"sector": "health"}).text
        assert "/areas/leeds/" not in health.split("Districts and counts as a table", 1)[1]

    def test_the_map_page_fetches_the_counts_of_its_own_selection(self, client, world):
        response = client.get(reverse(MAP), {"sector": "health", "value_min": "abc"})
        assert f'data-counts-url="{reverse(COUNTS)}?sector=health"' in response.text


class BoundariesTests:
    def test_the_command_writes_every_district_with_its_slug_and_name(self, tmp_path):
        DistrictFactory(name="Leeds")
        output = tmp_path / "districts.geojson"
        call_command("build_boundaries", output=output, verbosity=0)
        data = json.loads(output.read_text())
        feature = data["features"][0]
        assert feature["properties"] == {"slug": "leeds", "name": "Leeds"}
        assert feature["geometry"]["type"] == "MultiPolygon"

    def test_rounding_keeps_rings_closed_and_drops_repeated_points(self):
        district = District(
            name="Tiny",
            slug="tiny",
            geometry=json.dumps(
                {"type": "Polygon", "coordinates": [[[0, 0], [1.000001, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
            ),
        )
        ring = boundaries_document([district])["features"][0]["geometry"]["coordinates"][0][0]
        assert ring == [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]

    def test_the_committed_file_is_the_seeds_districts_and_small(self):
        call_command("loaddata", "mutuals", verbosity=0)
        path = Path(settings.BASE_DIR) / "static" / BOUNDARIES
        assert path.stat().st_size < 1_500_000
        committed = json.loads(path.read_text())
        rebuilt = boundaries_document(District.objects.order_by("slug"))
        assert committed == json.loads(json.dumps(rebuilt)), "Run manage.py build_boundaries and commit the file"
        assert len(committed["features"]) == 296
