import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directory.admin_csv import COLUMNS, export_response, import_mutuals
from directory.models import Mutual, Source
from directory.research_data import ensure_reference_data
from tests.admin_support import make_editor
from tests.factories import DistrictFactory, MutualFactory, RegionFactory, SectorFactory
from tests.research import researched

pytestmark = pytest.mark.django_db

IMPORT = "admin:directory_mutual_import"
RESEARCH_FILE = Path(settings.BASE_DIR) / "fixtures" / "research" / "mutuals.csv"


@pytest.fixture
def editor(client):
    user = make_editor()
    client.force_login(user)
    return user


@pytest.fixture
def mutuals():
    """Five published mutuals, exported to the file an editor corrects."""
    SectorFactory(name="Health")
    RegionFactory(name="London")
    return [MutualFactory(name=f"Mutual {letter} CIC", town="Leeds", website="", postcode="") for letter in "ABCDE"]


@pytest.fixture
def districts():
    return {name: DistrictFactory(name=name) for name in ("Leeds", "Kingston upon Hull, City of", "Wakefield")}


def exported(queryset):
    """Return the export of `queryset` as a list of row dicts."""
    return list(csv.DictReader(io.StringIO(export_response(queryset).content.decode())))


def as_csv(rows):
    handle = io.StringIO()
    writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return handle.getvalue()


def upload(client, text, name="corrections.csv"):
    return client.post(reverse(IMPORT), {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


def five_corrections(mutuals):
    rows = exported(Mutual.objects.filter(pk__in=[m.pk for m in mutuals]))
    for row in rows:
        row["website"] = f"https://www.{row['slug']}.example.org/"
    rows[0]["town_or_area"] = "Leeds and Wakefield"
    return rows


def database_state():
    return (
        list(Mutual.objects.order_by("pk").values()),
        Source.objects.count(),
        Mutual.history.count(),
        LogEntry.objects.count(),
    )


class ImportPreviewTests:
    def test_a_dry_run_lists_changes_and_writes_nothing(self, client, editor, mutuals):
        rows = five_corrections(mutuals)
        rows.append({**rows[0], "name": "Brand New Mutual CIC", "slug": ""})
        before = database_state()
        response = upload(client, as_csv(rows))
        assert response.status_code == 200
        report = response.context["report"]
        assert [row.name for row in report.created] == ["Brand New Mutual CIC"]
        assert len(report.changed) == 5
        assert ("Town or area", "Leeds", "Leeds and Wakefield") in report.changed[0].changes
        assert ("Website", "", "https://www.mutual-a-cic.example.org/") in report.changed[0].changes
        assert "Dry run of corrections.csv: nothing has been written yet" in response.text
        assert "Leeds and Wakefield" in response.text
        assert "Apply these changes" in response.text
        assert database_state() == before

    def test_applying_the_preview_writes_every_row_with_history_and_log(self, client, editor, mutuals):
        preview = upload(client, as_csv(five_corrections(mutuals)))
        response = client.post(reverse(IMPORT), {"payload": preview.context["payload"]}, follow=True)
        assert "Imported corrections.csv: 0 created as drafts, 5 changed, 0 unchanged." in response.text
        for mutual in mutuals:
            mutual.refresh_from_db()
            assert mutual.website == f"https://www.{mutual.slug}.example.org/"
            record = mutual.history.latest()
            assert (record.history_user, record.history_change_reason) == (editor, "Imported from corrections.csv.")
        assert LogEntry.objects.filter(change_message__startswith="Imported from corrections.csv").count() == 5
        assert Mutual.objects.get(name="Mutual A CIC").town == "Leeds and Wakefield"

    def test_new_mutuals_are_created_as_drafts(self, client, editor, mutuals):
        row = {**exported(Mutual.objects.filter(pk=mutuals[0].pk))[0], "name": "Brand New Mutual CIC", "slug": ""}
        preview = upload(client, as_csv([row]))
        client.post(reverse(IMPORT), {"payload": preview.context["payload"]})
        created = Mutual.objects.get(name="Brand New Mutual CIC")
        assert not created.is_published
        assert created.sources.count() == 1

    def test_one_bad_row_writes_nothing_and_is_named(self, client, editor, mutuals):
        rows = five_corrections(mutuals)
        rows[2]["lat"] = "48.85"
        rows[2]["lng"] = "2.35"
        rows[3]["year_spun_out"] = "soon"
        before = database_state()
        response = upload(client, as_csv(rows))
        report = response.context["report"]
        assert [(row.number, row.name) for row in report.errors] == [(4, "Mutual C CIC"), (5, "Mutual D CIC")]
        assert report.errors[0].errors == [
            "lat: Latitude must be between 49.8 and 55.9 (England).",
            "lng: Longitude must be between -6.5 and 1.8 (England).",
        ]
        assert report.errors[1].errors == ["year_spun_out: 'soon' is not a year"]
        assert "Row 4" in response.text and "Mutual C CIC" in response.text
        assert "Apply these changes" not in response.text
        assert database_state() == before

    def test_applying_refuses_everything_if_a_row_has_gone_bad_since_the_preview(self, client, editor, mutuals):
        rows = five_corrections(mutuals)
        rows.append({**rows[0], "name": "Brand New Mutual CIC", "slug": ""})
        preview = upload(client, as_csv(rows))
        MutualFactory(name="Another Mutual", slug="brand-new-mutual-cic")
        before = database_state()
        response = client.post(reverse(IMPORT), {"payload": preview.context["payload"]})
        assert response.status_code == 200
        assert "Nothing was imported from corrections.csv" in response.text
        assert "the page address &#x27;brand-new-mutual-cic&#x27; already belongs to Another Mutual" in response.text
        assert database_state() == before

    def test_a_tampered_preview_is_refused(self, client, editor, mutuals):
        response = client.post(reverse(IMPORT), {"payload": "forged"}, follow=True)
        assert "That preview has expired: upload the file again." in response.text

    def test_a_file_without_every_column_is_refused(self, client, editor, mutuals):
        response = upload(client, "name,website\nMutual A CIC,https://a.example.org/\n")
        assert "The file lacks these columns: sector, sector_detail" in response.text
        assert "Apply these changes" not in response.text

    def test_a_name_twice_in_a_file_is_an_error(self, mutuals):
        rows = five_corrections(mutuals)
        rows.append(dict(rows[1]))
        report = import_mutuals(as_csv(rows))
        assert report.errors[0].number == 7
        assert report.errors[0].errors == ["name: 'Mutual B CIC' is also on row 3"]

    def test_a_file_that_is_not_utf8_is_refused(self, client, editor):
        response = client.post(reverse(IMPORT), {"file": SimpleUploadedFile("x.csv", "name\nCafé".encode("latin-1"))})
        assert "The file is not UTF-8 text" in response.text

    def test_staff_without_the_editors_permissions_cannot_import(self, client, mutuals):
        client.force_login(User.objects.create_user("visitor", password="a-long-test-password", is_staff=True))
        assert client.get(reverse(IMPORT)).status_code == 403


class ExportRoundTripTests:
    def test_an_exported_file_imports_back_unchanged(self, mutuals, districts):
        mutuals[1].staff_count, mutuals[1].staff_count_detail = 40, ""
        mutuals[1].register, mutuals[1].registration_number = "GB-COH", "07733466"
        mutuals[1].location_basis = Mutual.LocationBasis.ADDRESS
        mutuals[1].area_scope, mutuals[1].area_basis = Mutual.AreaScope.LOCAL, Mutual.AreaBasis.CONTRACT
        mutuals[1].area_source_urls = "https://www.example.org/notice-1\nhttps://www.example.org/notice-2"
        mutuals[1].save()
        mutuals[1].districts.set([districts["Leeds"], districts["Kingston upon Hull, City of"]])
        mutuals[2].register, mutuals[2].registration_number = "GB-CHC", "1170092"
        mutuals[2].area_scope, mutuals[2].area_basis = Mutual.AreaScope.NATIONAL, Mutual.AreaBasis.SOURCE
        mutuals[2].save()
        report = import_mutuals(as_csv(exported(Mutual.objects.all())))
        assert report.ok, [row.errors for row in report.errors]
        assert len(report.unchanged) == 5, [row.changes for row in report.changed]

    def test_the_export_has_the_research_files_columns_then_the_slug_and_areas(self, mutuals):
        with RESEARCH_FILE.open(encoding="utf-8-sig") as handle:
            research_columns = next(csv.reader(handle))
        assert research_columns == COLUMNS
        assert list(exported(Mutual.objects.all())[0]) == [
            *research_columns,
            "slug",
            "area_scope",
            "area_districts",
            "area_basis",
            "area_basis_detail",
            "area_source_urls",
            "area_quote",
        ]


AREAS = {
    "area_scope": "local",
    "area_districts": "Leeds; Kingston upon Hull, City of",
    "area_basis": "contract",
    "area_basis_detail": "Leeds City Council's contract, 2024-2029",
    "area_source_urls": "https://www.example.org/notice-1; https://www.example.org/notice-2",
    "area_quote": "Community services across Leeds and Hull.",
}


class ImportAreasTests:
    def test_an_editor_sets_where_mutuals_work_from_a_file(self, client, editor, mutuals, districts):
        rows = exported(Mutual.objects.filter(pk=mutuals[0].pk))
        rows[0].update(AREAS)
        preview = upload(client, as_csv(rows))
        changes = {label: (old, new) for label, old, new in preview.context["report"].changed[0].changes}
        assert changes["Districts it serves"] == ("", "Kingston upon Hull, City of; Leeds")
        assert changes["Scope of its work"] == ("", "Local")
        assert changes["How its areas were found"] == ("", "The area of a buyer of its services")
        assert not mutuals[0].districts.exists()
        client.post(reverse(IMPORT), {"payload": preview.context["payload"]})
        mutual = Mutual.objects.get(pk=mutuals[0].pk)
        assert set(mutual.districts.values_list("name", flat=True)) == {"Leeds", "Kingston upon Hull, City of"}
        assert mutual.area_source_urls == "https://www.example.org/notice-1\nhttps://www.example.org/notice-2"
        assert (mutual.area_basis, mutual.area_basis_detail) == (
            "contract",
            "Leeds City Council's contract, 2024-2029",
        )
        assert mutual.history.latest().history_change_reason == "Imported from corrections.csv."

    @pytest.mark.parametrize(
        ("changes", "error"),
        [
            (
                {"area_districts": "Leeds; Leedz; Hul"},
                "area_districts: 'Leedz', 'Hul' are not names of districts of England (use the ONS names, "
                "';'-separated, e.g. 'Leeds; Kingston upon Hull, City of')",
            ),
            ({"area_basis": ""}, "area_basis: Say how its areas were found"),
            ({"area_basis": "hearsay"}, "area_basis: 'hearsay' is not one of source, parent-body, contract"),
            ({"area_scope": "national"}, "area_districts: A national mutual works across regions"),
            ({"area_districts": ""}, "area_districts: Choose the districts a local mutual serves."),
            ({"area_source_urls": "the council's website"}, "area_source_urls: Enter a full web address"),
        ],
    )
    def test_a_bad_area_is_a_row_error_naming_its_column(self, mutuals, districts, changes, error):
        rows = five_corrections(mutuals)
        for row in rows:
            row.update(AREAS)
        rows[3].update(changes)
        before = database_state()
        report = import_mutuals(as_csv(rows), dry_run=False)
        assert [row.number for row in report.errors] == [5]
        assert report.errors[0].errors[0].startswith(error), report.errors[0].errors
        assert not report.applied
        assert database_state() == before

    def test_a_file_without_the_area_columns_leaves_the_areas_as_they_are(self, mutuals, districts):
        mutuals[0].area_scope, mutuals[0].area_basis = Mutual.AreaScope.COUNTY, Mutual.AreaBasis.PARENT_BODY
        mutuals[0].save()
        mutuals[0].districts.set([districts["Leeds"]])
        rows = [
            {column: value for column, value in row.items() if not column.startswith("area_")}
            for row in five_corrections(mutuals)
        ]
        report = import_mutuals(as_csv(rows), dry_run=False)
        assert report.applied
        mutual = Mutual.objects.get(pk=mutuals[0].pk)
        assert (mutual.area_scope, list(mutual.districts.values_list("name", flat=True))) == ("county", ["Leeds"])

    def test_some_area_columns_without_the_others_are_refused(self, client, editor, mutuals):
        rows = [{**row, "area_scope": "local"} for row in five_corrections(mutuals)]
        rows = [
            {column: value for column, value in row.items() if column not in ("area_quote", "area_basis")}
            for row in rows
        ]
        response = upload(client, as_csv(rows))
        assert (
            "The file has some of the columns of where a mutual works but lacks area_basis, area_quote: give all of "
            "them, or none to leave the areas as they are."
        ) in response.text
        assert "Apply these changes" not in response.text


class ResearchFileTests:
    def test_the_research_file_passes_a_dry_run(self):
        ensure_reference_data()
        report = import_mutuals(RESEARCH_FILE.read_text(encoding="utf-8-sig"))
        assert report.ok, [(row.number, row.errors) for row in report.errors]
        assert len(report.created) == len(researched("mutuals.csv"))
        assert not Mutual.objects.exists()
