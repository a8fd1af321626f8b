from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.history import field_changes, related_changes
from directory.models import Contract, Mutual, Source
from tests.admin_support import make_editor, mutual_form_data
from tests.factories import ContractFactory, MutualFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = make_editor()
    client.force_login(user)
    return user


def save_in_admin(client, mutual, **changes):
    response = client.post(
        reverse("admin:directory_mutual_change", args=[mutual.pk]), mutual_form_data(mutual, **changes)
    )
    assert response.status_code == 302, response.context["errors"]
    mutual.refresh_from_db()
    return mutual


class MutualHistoryTests:
    def test_an_edit_is_recorded_with_who_when_and_what(self, client, editor):
        mutual = MutualFactory(summary="Comunity nursing.")
        before = timezone.now()
        save_in_admin(client, mutual, summary="Community nursing.")
        record = mutual.history.latest()
        assert record.history_user == editor
        assert record.history_date >= before
        assert ("Summary", "Comunity nursing.", "Community nursing.") in field_changes(record)

    def test_editors_see_the_change_in_the_history_page(self, client, editor):
        mutual = MutualFactory(summary="Comunity nursing.")
        save_in_admin(client, mutual, summary="Community nursing.")
        response = client.get(reverse("admin:directory_mutual_history", args=[mutual.pk]))
        assert response.status_code == 200
        assert "Comunity nursing." in response.text and "Community nursing." in response.text
        assert editor.username in response.text

    def test_a_change_can_be_reverted(self, client, editor):
        mutual = MutualFactory(name="Riverside Health CIC", slug="riverside-health-cic")
        save_in_admin(client, mutual, name="Riverside Helth CIC")
        original = mutual.history.earliest()
        revert_url = reverse("admin:directory_mutual_simple_history", args=[mutual.pk, original.history_id])
        assert "Revert" in client.get(revert_url).text
        response = client.post(revert_url, mutual_form_data(original.instance))
        assert response.status_code == 302
        mutual.refresh_from_db()
        assert mutual.name == "Riverside Health CIC"
        assert mutual.history.latest().history_user == editor


class RelatedHistoryTests:
    def test_contract_and_source_edits_in_the_form_are_recorded(self, client, editor):
        contract = ContractFactory(service="Comunity nursing")
        mutual = contract.mutual
        data = mutual_form_data(mutual)
        data["contracts-0-service"] = "Community nursing"
        data["sources-0-title"] = "Launch story"
        response = client.post(reverse("admin:directory_mutual_change", args=[mutual.pk]), data)
        assert response.status_code == 302
        contract_record = Contract.history.filter(id=contract.pk).latest()
        source_record = Source.history.filter(mutual_id=mutual.pk).latest()
        assert contract_record.history_user == editor
        assert ("Service", "Comunity nursing", "Community nursing") in field_changes(contract_record)
        assert source_record.history_user == editor
        kinds = {item["kind"] for item in related_changes(mutual.pk)}
        assert kinds == {"contract", "source"}
        page = client.get(reverse("admin:directory_mutual_history", args=[mutual.pk])).text
        assert "Changes to its contract values and sources" in page
        assert "Community nursing" in page

    def test_a_deleted_source_stays_in_history(self, client, editor):
        mutual = MutualFactory()
        source = mutual.sources.get()
        Source.objects.create(mutual=mutual, url="https://www.example.org/second", position=1)
        data = mutual_form_data(mutual)
        data["sources-0-DELETE"] = "on"
        client.post(reverse("admin:directory_mutual_change", args=[mutual.pk]), data)
        deleted = Source.history.filter(id=source.pk, history_type="-").get()
        assert deleted.history_user == editor


class LastChangedTests:
    def test_last_changed_is_the_latest_change_to_the_mutual_its_contracts_or_sources(self):
        mutual = MutualFactory()
        contract = ContractFactory(mutual=mutual)
        later = timezone.now() + timedelta(days=3)
        contract._history_date = later
        contract.save()
        annotated = Mutual.objects.with_last_changed().get(pk=mutual.pk)
        assert annotated.last_changed == later

    def test_records_without_history_fall_back_to_their_update_time(self):
        mutual = MutualFactory()
        Mutual.history.all().delete()
        Source.history.all().delete()
        annotated = Mutual.objects.with_last_changed().get(pk=mutual.pk)
        assert annotated.last_changed == mutual.updated_at
