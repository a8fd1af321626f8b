"""The dataset page, and the whole dataset as a versioned zip whose Frictionless Data package validates."""

import csv
import io
import json
import zipfile

import frictionless
import pytest
from django.core.management import call_command
from django.urls import reverse

from directory.models import Mutual
from directory.records import COLUMNS, JSON_FACTS
from mutuals_site.ops import dataversion
from tests.factories import MutualFactory, PublishedFigureFactory

pytestmark = pytest.mark.django_db


def current_address():
    return reverse("directory:dataset-download", kwargs={"number": dataversion.current().number})


def download(client, address=None):
    response = client.get(address or current_address())
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, zipfile.ZipFile(io.BytesIO(body))


def validated(archive, folder):
    """Return frictionless's report on the package unzipped into `folder`."""
    archive.extractall(folder)
    return frictionless.validate(folder / "datapackage.json")


def errors(report):
    return [(task.name, error.type, error.note) for task in report.tasks for error in task.errors] + report.errors


@pytest.fixture
def mutuals():
    return {
        "active": MutualFactory(name="Active Mutual"),
        "closed": MutualFactory(name="Closed Mutual", status=Mutual.Status.CLOSED, status_year=2020),
        "unconfirmed": MutualFactory(name="Unconfirmed Mutual", evidence=Mutual.Evidence.UNCONFIRMED),
        "draft": MutualFactory(name="Draft Mutual", is_published=False),
    }


class DatasetPageTests:
    url = reverse("directory:dataset")

    def test_states_coverage_from_the_data_against_the_governments_count(self, client, mutuals):
        PublishedFigureFactory(figure="mutuals_count", value=115)
        text = client.get(self.url).text
        assert "The directory lists <strong>3</strong> organisations, 2 of them active" in text
        assert "against the about 115 public service mutuals the government counts in England" in text

    def test_says_what_each_evidence_level_means_and_how_many_have_it(self, client, mutuals):
        text = client.get(self.url).text
        for level in Mutual.Evidence:
            assert level.label in text and f'<code class="govuk-body-s">{level.value}</code>' in text
        assert "but not that its staff own or control it" in text

    def test_says_how_to_suggest_a_missing_mutual(self, client, mutuals):
        assert reverse("directory:suggestion-create") in client.get(self.url).text

    def test_lists_recent_changes_from_the_history(self, client, mutuals):
        text = client.get(self.url).text
        assert "Added: Active Mutual" in text and "Draft Mutual" not in text
        assert reverse("directory:feed") in text

    def test_offers_the_current_version(self, client, mutuals):
        text = client.get(self.url).text
        number = dataversion.current().number
        assert f"version {number}</strong>" in text
        assert f'href="{current_address()}"' in text

    @pytest.mark.parametrize("page", ["directory:api", "directory:about", "directory:home"])
    def test_is_linked_from_the_api_the_about_page_and_every_footer(self, client, page):
        assert f'href="{self.url}"' in client.get(reverse(page)).text

    def test_is_in_the_openapi_document(self, client):
        paths = client.get(reverse("directory:api-openapi")).json()["paths"]
        assert reverse("directory:dataset-latest") in paths


class DatasetDownloadTests:
    def test_holds_every_published_mutual_of_every_status_as_csv_and_json(self, client, mutuals):
        response, archive = download(client)
        assert response["Content-Type"] == "application/zip"
        assert f"mutuals-directory-v{dataversion.current().number}.zip" in response["Content-Disposition"]
        assert sorted(archive.namelist()) == ["datapackage.json", "mutuals.csv", "mutuals.json"]
        rows = list(csv.DictReader(io.StringIO(archive.read("mutuals.csv").decode("utf-8-sig"))))
        assert [row["name"] for row in rows] == ["Active Mutual", "Closed Mutual", "Unconfirmed Mutual"]
        results = json.loads(archive.read("mutuals.json"))["results"]
        assert [record["slug"] for record in results] == [row["slug"] for row in rows]

    def test_drafts_never_appear_and_adding_one_changes_only_the_version(self, client, mutuals):
        _, before = download(client)
        MutualFactory(name="Secret Draft Mutual", is_published=False)
        _, after = download(client)
        for archive in (before, after):
            assert b"Draft Mutual" not in archive.read("mutuals.csv") + archive.read("mutuals.json")
        assert [after.read(name) for name in ("mutuals.csv", "mutuals.json")] == [
            before.read(name) for name in ("mutuals.csv", "mutuals.json")
        ]
        assert (
            json.loads(after.read("datapackage.json"))["version"]
            != json.loads(before.read("datapackage.json"))["version"]
        )

    def test_its_package_validates_and_describes_every_column(self, client, mutuals, tmp_path):
        _, archive = download(client)
        report = validated(archive, tmp_path)
        assert report.valid, errors(report)
        package = json.loads(archive.read("datapackage.json"))
        assert package["profile"] == "tabular-data-package"
        assert package["version"] == str(dataversion.current().number)
        assert package["licenses"][0]["path"].startswith("https://www.nationalarchives.gov.uk/")
        csv_fields, json_fields = (resource["schema"]["fields"] for resource in package["resources"])
        assert [field["name"] for field in csv_fields] == [column.name for column in COLUMNS]
        assert [field["name"] for field in json_fields] == [fact.key for fact in JSON_FACTS]
        assert {field["name"]: field["type"] for field in csv_fields if field["type"] != "string"} == {
            "status_year": "integer",
            "latitude": "number",
            "longitude": "number",
            "location_approximate": "boolean",
            "year_spun_out": "integer",
            "staff_count": "integer",
            "turnover_gbp": "number",
            "annual_value_gbp": "number",
            "next_contract_end_year": "integer",
            "last_verified": "date",
            "updated_at": "datetime",
        }

    def test_validation_catches_a_file_changed_after_packaging(self, client, mutuals, tmp_path):
        _, archive = download(client)
        archive.extractall(tmp_path)
        path = tmp_path / "mutuals.csv"
        path.write_bytes(path.read_bytes().replace(b"Closed Mutual", b"Closed Mutuals"))
        assert not frictionless.validate(tmp_path / "datapackage.json").valid

    def test_the_seed_data_validates(self, client, tmp_path):
        call_command("loaddata", "mutuals", verbosity=0)
        _, archive = download(client)
        report = validated(archive, tmp_path)
        assert report.valid, errors(report)
        assert report.tasks[0].stats["rows"] == Mutual.objects.published().count()

    def test_the_same_version_gives_the_same_bytes_and_any_cache_may_keep_them(self, client, mutuals):
        first, archive = download(client)
        _, again = download(client)
        assert archive.fp.getvalue() == again.fp.getvalue()
        assert "immutable" in first["Cache-Control"] and "public" in first["Cache-Control"]

    def test_a_change_makes_a_new_version_and_the_old_address_says_so(self, client, mutuals):
        old = current_address()
        mutuals["active"].summary = "A new summary."
        mutuals["active"].save()
        response = client.get(old)
        assert response.status_code == 410
        assert f"the current version is {dataversion.current().number}" in response.text
        assert current_address() != old and current_address() in response.text

    def test_latest_redirects_to_the_current_version(self, client, mutuals):
        response = client.get(reverse("directory:dataset-latest"))
        assert response.status_code == 302 and response["Location"] == current_address()

    def test_the_page_cache_keeps_it(self, client, mutuals, page_cache):
        _, first = download(client)
        response, second = download(client)
        assert response["X-Cache"] == "hit"
        assert second.fp.getvalue() == first.fp.getvalue()
