import json
import re
import sys
from datetime import date, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from directory.models import WEB_ADDRESS_MESSAGE, Mutual
from tests.admin_support import make_editor, mutual_form_data
from tests.factories import (
    CommissionerFactory,
    ContractFactory,
    MutualFactory,
    RegionFactory,
    SectorFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:directory_mutual_changelist"


@pytest.fixture
def editor(client):
    user = make_editor()
    client.force_login(user)
    return user


def new_mutual_data(**changes):
    health = SectorFactory(name="Health")
    values = {
        "name": "Riverside Community Health CIC",
        "slug": "riverside-community-health-cic",
        "summary": "Community nursing and therapies for Riverside.",
        "primary_sector": health,
        "sectors": [health],
        "region": RegionFactory(name="North West"),
        "town": "Preston",
        "latitude": 53.7632,
        "longitude": -2.7031,
        "location_basis": Mutual.LocationBasis.ADDRESS,
        **changes,
    }
    contracts = [
        {
            "commissioner": CommissionerFactory(name="Lancashire County Council"),
            "service": "Community nursing",
            "value_gbp": "1200000",
            "value_basis": "annual",
            "start_year": "2024",
            "end_year": "2027",
            "funding_type": "public-contract",
        }
    ]
    sources = [
        {"url": "https://www.example.org/riverside-launch", "title": "Riverside launches", "position": "0"},
        {"url": "https://www.example.org/riverside-contract", "title": "", "position": "1"},
    ]
    return mutual_form_data(contracts=contracts, sources=sources, **values)


def add_mutual(client, data):
    return client.post(reverse("admin:directory_mutual_add"), data)


class AdminAccessTests:
    def test_anonymous_users_are_sent_to_sign_in(self, client):
        for name in ("admin:index", CHANGELIST, "admin:directory_mutual_import"):
            response = client.get(reverse(name))
            assert response.status_code == 302
            assert response.url.startswith(reverse("admin:login"))

    def test_signed_in_people_who_are_not_staff_get_no_admin(self, client):
        client.force_login(User.objects.create_user("reader", password="a-long-test-password"))
        response = client.get(reverse(CHANGELIST))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))

    def test_editors_work_on_mutuals(self, client, editor):
        MutualFactory(name="Listed Mutual")
        response = client.get(reverse(CHANGELIST))
        assert response.status_code == 200
        assert "Listed Mutual" in response.text

    def test_editors_cannot_manage_users_or_groups(self, client, editor):
        for name in ("admin:auth_user_changelist", "admin:auth_user_add", "admin:auth_group_changelist"):
            assert client.get(reverse(name)).status_code == 403
        assert client.get(reverse("admin:auth_user_change", args=[editor.pk])).status_code == 403
        assert "auth/user" not in client.get(reverse("admin:index")).text

    def test_editors_cannot_delete_mutuals_but_may_delete_sources(self, editor):
        assert not editor.has_perm("directory.delete_mutual")
        assert editor.has_perm("directory.delete_source")
        assert editor.has_perm("directory.view_historicalmutual")
        assert not editor.has_perm("auth.change_user")

    def test_superusers_manage_users(self, client):
        client.force_login(User.objects.create_superuser("boss", "boss@example.org", "a-long-test-password"))
        assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
        assert Group.objects.filter(name="Editors").exists()


class MutualChangeFormTests:
    def test_fieldsets_follow_the_record_in_the_design(self, client, editor):
        html = client.get(reverse("admin:directory_mutual_add")).text
        order = ["id_name", "id_summary", "id_primary_sector", "id_region", "id_latitude", "id_website"]
        order += ["id_registration_number", "id_year_spun_out", "id_staff_count", "id_turnover_gbp", "id_status"]
        order += ["id_evidence", "id_is_published", "id_last_verified", "contracts-group", "sources-group"]
        positions = [html.index(f'id="{element}"') for element in order]
        assert positions == sorted(positions)

    def test_form_has_sector_filter_prepopulated_slug_and_help(self, client, editor):
        html = client.get(reverse("admin:directory_mutual_add")).text
        assert "SelectFilter2.js" in html
        assert "prepopulated" in html
        assert "filled in from the name; never change it once published" in html

    def test_location_widget_renders_leaflet_without_gdal(self, client, editor, settings):
        settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
        mutual = MutualFactory()
        html = client.get(reverse("admin:directory_mutual_change", args=[mutual.pk])).text
        assert "leaflet/leaflet.js" in html
        assert "leaflet/leaflet.css" in html
        assert "directory/js/admin-location.js" in html
        config = json.loads(
            re.search(r'<script id="id_location_map-config" type="application/json">(.*?)</script>', html)[1]
        )
        assert config["tileUrl"] == settings.MAP_TILE_URL
        assert config["fields"] == {
            "latitude": "id_latitude",
            "longitude": "id_longitude",
            "basis": "id_location_basis",
        }
        assert 'name="latitude"' in html and 'name="longitude"' in html
        assert "leaflet.admin" not in sys.modules
        assert "leaflet.forms.widgets" not in sys.modules

    def test_the_form_has_no_inline_scripts(self, client, editor):
        html = client.get(reverse("admin:directory_mutual_add")).text
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag

    def test_an_editor_adds_a_draft_with_a_contract_and_two_sources(self, client, editor):
        response = add_mutual(client, new_mutual_data())
        assert response.status_code == 302, response.context["adminform"].form.errors
        mutual = Mutual.objects.get(slug="riverside-community-health-cic")
        assert not mutual.is_published
        assert mutual.contracts.get().annual_value_gbp == 1200000
        assert mutual.sources.count() == 2
        assert mutual.history.latest().history_user == editor


def form_errors(response):
    """Return every error message the admin page shows: fields, the form and the inlines."""
    if response.status_code == 302:
        return []
    messages = [str(error) for error in response.context["errors"]]
    for inline in response.context["inline_admin_formsets"]:
        messages += [str(e) for e in inline.formset.non_form_errors()]
    return " ".join(messages)


class ValidationMessageTests:
    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"latitude": 48.85, "longitude": 2.35}, "Latitude must be between 49.8 and 55.9 (England)."),
            ({"longitude": 3.2}, "Longitude must be between -6.5 and 1.8 (England)."),
            ({"longitude": None}, "Give both latitude and longitude, or neither."),
            ({"turnover_gbp": "-5"}, "Turnover cannot be negative."),
            ({"website": "ftp://files.example.org/"}, WEB_ADDRESS_MESSAGE),
            ({"website": "not a web address"}, WEB_ADDRESS_MESSAGE),
            ({"postcode": "pr1 2xx"}, "Enter a UK postcode in capitals with one space, e.g. E8 4SA."),
            (
                {"register": "GB-COH", "registration_number": "123"},
                "This is not a Companies House number; they look like 07733466 or SC123456.",
            ),
            (
                {"register": "GB-MPR", "registration_number": "07733466X"},
                "This is not a FCA Mutuals Public Register number; they look like IP27793R or 31151R.",
            ),
            (
                {"register": "GB-CHC", "registration_number": "07733466"},
                "This is not a Charity Commission for England and Wales number; they look like 1170092.",
            ),
            ({"registration_number": "07733466"}, "Give both the register and the registration number, or neither."),
            ({"year_spun_out": "1066"}, "Ensure this value is greater than or equal to 1900."),
            ({"is_published": True, "summary": ""}, "A published mutual needs a summary"),
        ],
    )
    def test_each_rule_says_what_is_wrong(self, client, editor, changes, message):
        response = add_mutual(client, new_mutual_data(**changes))
        assert response.status_code == 200
        assert message in form_errors(response)
        assert not Mutual.objects.exists()

    def test_a_name_taken_in_other_capitals_is_refused(self, client, editor):
        MutualFactory(name="Riverside Community Health CIC", slug="riverside")
        response = add_mutual(client, new_mutual_data(name="RIVERSIDE community health cic"))
        assert "A mutual with this name already exists (names are compared ignoring capitals)." in form_errors(
            response
        )

    def test_a_taken_slug_is_refused(self, client, editor):
        MutualFactory(name="Other", slug="riverside-community-health-cic")
        response = add_mutual(client, new_mutual_data())
        assert "Another mutual already has this slug" in form_errors(response)

    def test_the_primary_sector_must_be_among_its_sectors(self, client, editor):
        response = add_mutual(client, new_mutual_data(sectors=[SectorFactory(name="Libraries")]))
        assert "Choose the primary sector (Health) among its sectors too." in form_errors(response)

    def test_a_contract_cannot_end_before_it_starts_or_cost_less_than_nothing(self, client, editor):
        data = new_mutual_data()
        data.update({"contracts-0-start_year": "2027", "contracts-0-end_year": "2024", "contracts-0-value_gbp": "-1"})
        response = add_mutual(client, data)
        inline_errors = str(response.context["inline_admin_formsets"][0].formset.errors)
        assert "The end year cannot be before the start year." in inline_errors
        assert "A contract value cannot be negative." in inline_errors

    def test_a_source_must_be_a_web_address(self, client, editor):
        data = new_mutual_data()
        data["sources-0-url"] = "javascript:alert(1)"
        response = add_mutual(client, data)
        assert WEB_ADDRESS_MESSAGE in str(response.context["inline_admin_formsets"][1].formset.errors)

    def test_publishing_needs_a_source(self, client, editor):
        data = new_mutual_data(is_published=True)
        data["sources-TOTAL_FORMS"] = "0"
        response = add_mutual(client, data)
        assert "A published mutual needs at least one source" in form_errors(response)


def violates_constraint(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()
    return True


class DatabaseConstraintTests:
    def test_the_database_refuses_what_the_form_refuses(self):
        assert violates_constraint(lambda: MutualFactory(website="ftp://example.org/"))
        assert violates_constraint(lambda: MutualFactory(postcode="e8 4sa"))
        assert violates_constraint(lambda: MutualFactory(summary="", is_published=True))
        assert violates_constraint(lambda: SourceFactory(url="mailto:someone@example.org"))
        assert violates_constraint(lambda: ContractFactory(source_url="file:///etc/passwd"))


def run_action(client, action, *mutuals):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [mutual.pk for mutual in mutuals]},
        follow=True,
    )


class PublicationActionTests:
    def test_publish_makes_a_draft_public_and_records_it(self, client, editor):
        draft = MutualFactory(name="Draft Mutual", is_published=False)
        response = run_action(client, "publish", draft)
        draft.refresh_from_db()
        assert draft.is_published
        assert "Published 1 mutual." in response.text
        latest = draft.history.latest()
        assert (latest.history_change_reason, latest.history_user) == ("Published.", editor)
        assert LogEntry.objects.get(object_id=str(draft.pk)).change_message == "Published."
        assert client.get(reverse("directory:mutual-list")).text.count("Draft Mutual") >= 1

    def test_publish_refuses_a_draft_without_sources(self, client, editor):
        draft = MutualFactory(name="Half Made", is_published=False, source=None)
        response = run_action(client, "publish", draft)
        draft.refresh_from_db()
        assert not draft.is_published
        assert "Not published, left as a draft: Half Made (it has no sources)." in response.text

    def test_unpublish_makes_a_draft(self, client, editor):
        mutual = MutualFactory(name="Going Private")
        run_action(client, "unpublish", mutual)
        mutual.refresh_from_db()
        assert not mutual.is_published
        assert mutual.history.latest().history_change_reason == "Unpublished."
        client.logout()
        assert client.get(mutual.get_absolute_url()).status_code == 404

    def test_mark_verified_today(self, client, editor):
        mutual = MutualFactory(last_verified=date(2020, 1, 1))
        run_action(client, "mark_verified_today", mutual)
        mutual.refresh_from_db()
        today = timezone.localdate()
        assert mutual.last_verified == today
        assert mutual.history.latest().history_change_reason == f"Verified on {today.isoformat()}."


class PreviewTests:
    def test_drafts_404_publicly_but_editors_preview_them(self, client):
        draft = MutualFactory(name="Secret Draft", is_published=False)
        assert client.get(draft.get_absolute_url()).status_code == 404
        preview = reverse("admin:directory_mutual_preview", args=[draft.pk])
        assert client.get(preview).status_code == 302
        client.force_login(make_editor())
        assert client.get(draft.get_absolute_url()).status_code == 404
        response = client.get(preview)
        assert response.status_code == 200
        assert "Secret Draft" in response.text
        assert "This draft is not public" in response.text
        assert 'content="noindex, nofollow"' in response.text

    def test_view_on_site_of_a_draft_is_its_preview(self, client, editor):
        draft = MutualFactory(is_published=False)
        html = client.get(reverse("admin:directory_mutual_change", args=[draft.pk])).text
        assert reverse("admin:directory_mutual_preview", args=[draft.pk]) in html


def shown(client, query):
    """Return the names of the mutuals the admin's list shows for `query`."""
    response = client.get(f"{reverse(CHANGELIST)}?{query}")
    return {mutual.name for mutual in response.context["cl"].result_list}


class MutualListTests:
    def test_filters_find_what_needs_work(self, client, editor):
        MutualFactory(name="Stale One", last_verified=timezone.localdate() - timedelta(days=400))
        MutualFactory(name="Fresh One", last_verified=timezone.localdate(), website="https://fresh.example.org/")
        MutualFactory(name="Nowhere One", latitude=None, longitude=None, location_basis="", last_verified=None)
        MutualFactory(name="Unsourced One", source=None, is_published=False, last_verified=None)
        expectations = {
            "verified=stale": {"Stale One", "Nowhere One", "Unsourced One"},
            "verified=never": {"Nowhere One", "Unsourced One"},
            "missing=location": {"Nowhere One"},
            "missing=sources": {"Unsourced One"},
            "missing=website": {"Stale One", "Nowhere One", "Unsourced One"},
            "publication=draft": {"Unsourced One"},
            "publication=published": {"Stale One", "Fresh One", "Nowhere One"},
        }
        for query, expected in expectations.items():
            assert shown(client, query) == expected, query

    def test_search_sector_region_and_status_filters_and_sorting(self, client, editor):
        libraries = SectorFactory(name="Libraries")
        MutualFactory(name="Book Mutual", primary_sector=libraries, region=RegionFactory(name="South West"))
        MutualFactory(name="Care Mutual", status=Mutual.Status.CLOSED)
        south_west = Mutual.objects.get(name="Book Mutual").region
        assert shown(client, "q=book") == {"Book Mutual"}
        assert shown(client, f"sectors__id__exact={libraries.pk}") == {"Book Mutual"}
        assert shown(client, f"region__id__exact={south_west.pk}") == {"Book Mutual"}
        assert shown(client, "status__exact=closed") == {"Care Mutual"}
        for column in range(1, 9):
            assert client.get(f"{reverse(CHANGELIST)}?o={column}").status_code == 200

    def test_export_of_the_selected_rows(self, client, editor):
        chosen = MutualFactory(name="Chosen Mutual")
        MutualFactory(name="Left Out")
        response = client.post(reverse(CHANGELIST), {"action": "export_csv", "_selected_action": [chosen.pk]})
        assert response["Content-Type"].startswith("text/csv")
        text = response.content.decode()
        assert text.splitlines()[0].startswith("name,sector,sector_detail,services_summary")
        assert "Chosen Mutual" in text and "Left Out" not in text


class LoginLockoutTests:
    def test_repeated_failures_lock_the_sign_in(self, client, settings):
        settings.AXES_ENABLED = True
        User.objects.create_user("target", password="the-right-password", is_staff=True)
        login = reverse("admin:login")
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            response = client.post(login, {"username": "target", "password": "wrong"})
            assert response.status_code == 200
        response = client.post(login, {"username": "target", "password": "wrong"})
        assert response.status_code == 429
        response = client.post(login, {"username": "target", "password": "the-right-password"})
        assert response.status_code == 429
        assert "Too many failed sign-ins" in response.text
        assert "_auth_user_id" not in client.session

    def test_a_right_password_signs_in_before_the_limit(self, client, settings):
        settings.AXES_ENABLED = True
        User.objects.create_user("editor2", password="the-right-password", is_staff=True)
        client.post(reverse("admin:login"), {"username": "editor2", "password": "wrong"})
        response = client.post(reverse("admin:login"), {"username": "editor2", "password": "the-right-password"})
        assert response.status_code == 302
        assert client.session["_auth_user_id"]
