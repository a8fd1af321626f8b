"""Editors set where a mutual works in the admin: its scope, the districts it serves and how that was found."""

import re

import pytest
from django.urls import reverse

from directory.history import field_changes
from directory.models import Mutual
from tests.admin_support import make_editor, mutual_form_data
from tests.factories import DistrictFactory, MutualFactory

pytestmark = pytest.mark.django_db

CQC_PAGE = "https://www.cqc.org.uk/location/1-312220130/inspection-summary"
COUNCIL_PAGE = "https://www.example.org/council/news/mutual-launch"


@pytest.fixture
def editor(client):
    user = make_editor()
    client.force_login(user)
    return user


@pytest.fixture
def districts():
    return {name: DistrictFactory(name=name) for name in ("Leeds", "Wakefield", "Kirklees")}


def save(client, mutual, **changes):
    return client.post(reverse("admin:directory_mutual_change", args=[mutual.pk]), mutual_form_data(mutual, **changes))


def errors_of(response):
    assert response.status_code == 200, "the form was saved"
    return response.context["adminform"].form.errors


def local_areas(*districts, **changes):
    return {
        "area_scope": Mutual.AreaScope.LOCAL,
        "districts": list(districts),
        "area_basis": Mutual.AreaBasis.SOURCE,
        "area_basis_detail": "CQC: services in Leeds and Wakefield",
        "area_source_urls": f"{CQC_PAGE}\r\n{COUNCIL_PAGE}",
        "area_quote": "It provides community services in Leeds and Wakefield.",
        **changes,
    }


class SettingAreasTests:
    def test_an_editor_sets_the_districts_a_mutual_serves_and_how_that_was_found(self, client, editor, districts):
        mutual = MutualFactory()
        response = save(client, mutual, **local_areas(districts["Leeds"], districts["Wakefield"]))
        assert response.status_code == 302, errors_of(response)
        mutual.refresh_from_db()
        assert set(mutual.districts.values_list("name", flat=True)) == {"Leeds", "Wakefield"}
        assert (mutual.area_scope, mutual.area_basis) == ("local", "source")
        assert mutual.area_basis_detail == "CQC: services in Leeds and Wakefield"
        assert mutual.area_source_urls == f"{CQC_PAGE}\n{COUNCIL_PAGE}"
        assert mutual.area_quote == "It provides community services in Leeds and Wakefield."

    def test_the_districts_are_in_the_mutuals_history(self, client, editor, districts):
        mutual = MutualFactory()
        save(client, mutual, **local_areas(districts["Leeds"]))
        save(client, mutual, **local_areas(districts["Leeds"], districts["Kirklees"]))
        latest = mutual.history.latest()
        assert set(latest.districts.values_list("district__name", flat=True)) == {"Leeds", "Kirklees"}
        assert latest.history_user == editor
        changes = {label: (old, new) for label, old, new in field_changes(latest)}
        assert "Districts it serves" in changes
        history_page = client.get(reverse("admin:directory_mutual_history", args=[mutual.pk]))
        assert history_page.status_code == 200

    def test_reverting_to_an_earlier_version_restores_its_districts(self, client, editor, districts):
        mutual = MutualFactory()
        save(client, mutual, **local_areas(districts["Leeds"]))
        earlier = mutual.history.latest()
        save(client, mutual, **local_areas(districts["Kirklees"]))
        revert_url = reverse("admin:directory_mutual_simple_history", args=[mutual.pk, earlier.history_id])
        form = client.get(revert_url).context["adminform"].form
        assert list(form.initial["districts"]) == [districts["Leeds"].pk]
        assert list(form.initial["sectors"]) == [mutual.primary_sector.pk]
        response = client.post(
            revert_url, {**mutual_form_data(earlier.instance), "districts": form.initial["districts"]}
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert list(mutual.districts.values_list("name", flat=True)) == ["Leeds"]

    def test_a_national_mutual_has_a_scope_and_a_basis_but_no_districts(self, client, editor):
        mutual = MutualFactory()
        response = save(client, mutual, **local_areas(area_scope=Mutual.AreaScope.NATIONAL))
        assert response.status_code == 302, errors_of(response)
        mutual.refresh_from_db()
        assert mutual.area_scope == "national" and not mutual.districts.exists()

    def test_emptying_the_areas_makes_them_not_known(self, client, editor, districts):
        mutual = MutualFactory()
        save(client, mutual, **local_areas(districts["Leeds"]))
        empty = dict.fromkeys(["area_scope", "area_basis", "area_basis_detail", "area_source_urls", "area_quote"], "")
        response = save(client, mutual, districts=[], **empty)
        assert response.status_code == 302, errors_of(response)
        mutual.refresh_from_db()
        assert (mutual.area_scope, mutual.districts.count()) == ("", 0)


class AreaValidationTests:
    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"area_basis": ""}, "area_basis", "Say how its areas were found"),
            ({"districts": []}, "districts", "Choose the districts a local mutual serves."),
            ({"area_scope": ""}, "districts", "Choose the scope of its work (local or county) for these districts"),
            ({"area_scope": "multi-regional"}, "districts", "A multi-regional mutual works across regions"),
            ({"area_source_urls": "the CQC's page"}, "area_source_urls", "Enter a full web address"),
        ],
    )
    def test_each_rule_says_what_is_wrong(self, client, editor, districts, changes, field, message):
        mutual = MutualFactory()
        response = save(client, mutual, **local_areas(districts["Leeds"], **changes))
        assert any(message in error for error in errors_of(response)[field]), errors_of(response)
        mutual.refresh_from_db()
        assert not mutual.districts.exists() and mutual.area_scope == ""

    def test_a_basis_without_a_scope_is_refused(self, client, editor):
        mutual = MutualFactory()
        response = save(client, mutual, area_basis=Mutual.AreaBasis.CONTRACT)
        assert errors_of(response)["area_scope"] == [
            "Choose the scope of its work: how its areas were found describes them."
        ]


class DistrictChoiceTests:
    def test_the_form_offers_the_districts_as_a_search(self, client, editor):
        html = client.get(reverse("admin:directory_mutual_add")).text
        assert 'id="id_districts"' in html
        assert re.search(
            r'<select name="districts"[^>]* class="admin-autocomplete"[^>]* data-ajax--url="/admin/autocomplete/"',
            html,
        )
        assert "Where it works" in html and "How its areas were found" in html

    def test_typing_part_of_a_name_finds_the_district(self, client, editor, districts):
        response = client.get(
            reverse("admin:autocomplete"),
            {"app_label": "directory", "model_name": "mutual", "field_name": "districts", "term": "wake"},
        )
        assert response.status_code == 200
        assert [result["text"] for result in response.json()["results"]] == ["Wakefield"]

    def test_editors_look_districts_up_but_never_change_them(self, client, editor, districts):
        listing = client.get(reverse("admin:directory_district_changelist"), {"q": "leeds"})
        assert listing.status_code == 200
        assert [district.name for district in listing.context["cl"].result_list] == ["Leeds"]
        leeds = districts["Leeds"]
        assert (
            client.post(reverse("admin:directory_district_change", args=[leeds.pk]), {"name": "X"}).status_code == 403
        )
        assert client.get(reverse("admin:directory_district_add")).status_code == 403
        assert client.get(reverse("admin:directory_district_delete", args=[leeds.pk])).status_code == 403


class DraftAreasTests:
    def test_a_drafts_districts_show_nowhere_public(self, client, districts):
        draft = MutualFactory(name="Secret Draft Mutual", is_published=False)
        draft.area_scope, draft.area_basis = Mutual.AreaScope.LOCAL, Mutual.AreaBasis.SOURCE
        draft.save()
        draft.districts.set([districts["Leeds"]])
        page = client.get(districts["Leeds"].get_absolute_url())
        assert page.status_code == 200
        assert "Secret Draft Mutual" not in page.text


class AreaPageTests:
    def test_a_districts_page_is_at_its_slug_and_unknown_slugs_are_404(self, client, districts):
        leeds = districts["Leeds"]
        assert leeds.get_absolute_url() == "/areas/leeds/" == reverse("directory:area-detail", args=["leeds"])
        response = client.get(leeds.get_absolute_url())
        assert response.status_code == 200
        assert '<h1 class="govuk-heading-xl">Mutuals working in Leeds</h1>' in response.text
        assert client.get("/areas/nowhere/").status_code == 404
