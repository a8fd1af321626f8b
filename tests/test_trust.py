"""Every record says how we know each section and when, and by whom (a role), it was last verified."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from directory.models import Mutual
from tests.admin_support import make_editor
from tests.factories import ContractFactory, MutualFactory, SourceFactory

pytestmark = pytest.mark.django_db


def section(text, heading_id, end_marker):
    """Return the part of a page from the heading with `heading_id` to the next `end_marker`."""
    start = text.index(f'id="{heading_id}"')
    return text[start : text.index(end_marker, start)]


@pytest.fixture
def mutual():
    mutual = MutualFactory(
        name="Leeds Community Mutual",
        evidence=Mutual.Evidence.UNCONFIRMED,
        last_verified=timezone.localdate().replace(year=2026, month=11, day=26),
        source=None,
    )
    SourceFactory(mutual=mutual, url="https://www.gov.uk/leeds-spin-out", backs="")
    SourceFactory(mutual=mutual, url="https://www.contractsfinder.service.gov.uk/notice/1", backs="contract value")
    ContractFactory(mutual=mutual, source_url="https://www.find-tender.service.gov.uk/notice/2")
    return mutual


class HowWeKnowTests:
    def test_the_facts_say_their_evidence_sources_and_check(self, client, mutual):
        facts = section(client.get(mutual.get_absolute_url()).text, "facts-heading", 'id="contracts-heading"')
        assert "How we know" in facts
        assert "Evidence: Spin-out; staff ownership or control not confirmed." in facts
        assert "but not that its staff own or control it" in facts
        assert "https://www.gov.uk/leeds-spin-out" in facts
        assert "contractsfinder" not in facts
        assert "26 November 2026</time>, by the directory&#x27;s researchers" in facts

    def test_the_contracts_list_their_own_sources_and_those_that_back_contracts(self, client, mutual):
        text = client.get(mutual.get_absolute_url()).text
        contracts = section(text, "contracts-heading", 'id="sources-heading"')
        assert "2 sources for these values" in contracts
        assert "https://www.contractsfinder.service.gov.uk/notice/1" in contracts
        assert "https://www.find-tender.service.gov.uk/notice/2" in contracts
        assert "https://www.gov.uk/leeds-spin-out" not in contracts.split("How we know")[1]

    def test_all_sources_are_still_listed_at_the_end_with_the_check(self, client, mutual):
        sources = section(client.get(mutual.get_absolute_url()).text, "sources-heading", "</section>")
        assert "All sources" in sources
        assert sources.count("<li>") == 2
        assert 'Last verified: <time datetime="2026-11-26">26 November 2026</time>, by the directory' in sources

    def test_a_record_never_checked_says_so(self, client):
        mutual = MutualFactory(last_verified=None)
        text = client.get(mutual.get_absolute_url()).text
        assert "When it was last checked is not known." in text
        assert "Last verified: not known." in text

    def test_how_we_know_costs_no_query(self, client, mutual, django_assert_num_queries):
        url = mutual.get_absolute_url()
        client.get(url)
        # The mutual, its sectors, sources, contracts and the districts it works in.
        with django_assert_num_queries(5):
            client.get(url)


class VerifiedByTests:
    @pytest.fixture
    def editor(self, client):
        user = make_editor()
        client.force_login(user)
        return user

    def test_the_seed_was_verified_by_the_researchers(self):
        call_command("loaddata", "mutuals", verbosity=0)
        assert set(Mutual.objects.values_list("last_verified_by", flat=True)) == {"researchers"}

    def test_marking_verified_in_the_admin_makes_it_an_editors_check(self, client, editor, mutual):
        client.post(
            reverse("admin:directory_mutual_changelist"),
            {"action": "mark_verified_today", "_selected_action": [mutual.pk]},
        )
        client.logout()
        mutual.refresh_from_db()
        assert (mutual.last_verified, mutual.last_verified_by) == (timezone.localdate(), "editor")
        assert f"{timezone.localdate():%-d %B %Y}</time>, by an editor" in client.get(mutual.get_absolute_url()).text

    def test_the_data_says_who_verified_it_as_a_role(self, client, mutual):
        record = client.get(reverse("directory:api-mutual-detail", kwargs={"slug": mutual.slug})).json()["mutual"]
        assert (record["last_verified"], record["last_verified_by"]) == ("2026-11-26", "researchers")
        never = MutualFactory(last_verified=None)
        record = client.get(reverse("directory:api-mutual-detail", kwargs={"slug": never.slug})).json()["mutual"]
        assert record["last_verified_by"] is None


@pytest.mark.django_db(transaction=True)
class VerifiedByMigrationTests:
    before = [("directory", "0011_readers_reports")]
    after = [("directory", "0012_last_verified_by")]

    def test_a_check_saved_by_a_signed_in_user_was_an_editors(self):
        executor = MigrationExecutor(connection)
        executor.migrate(self.before)
        apps = executor.loader.project_state(self.before).apps
        User = apps.get_model("auth", "User")
        Sector, Mutual, History = (
            apps.get_model("directory", name) for name in ("Sector", "Mutual", "HistoricalMutual")
        )
        health = Sector.objects.create(name="Health", slug="health")
        editor = User.objects.create(username="editor")
        checked = {}
        for name, user in (("By Editor", editor), ("From Research", None)):
            mutual = Mutual.objects.create(
                name=name,
                slug=name.lower().replace(" ", "-"),
                primary_sector=health,
                last_verified="2026-11-26",
                created_at=timezone.now(),
                updated_at=timezone.now(),
            )
            History.objects.create(
                id=mutual.pk,
                name=name,
                slug=mutual.slug,
                primary_sector=health,
                last_verified="2026-11-26",
                history_date=timezone.now(),
                history_type="~",
                history_user=user,
                created_at=timezone.now(),
                updated_at=timezone.now(),
            )
            checked[name] = mutual.pk
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(self.after)
        Mutual = executor.loader.project_state(self.after).apps.get_model("directory", "Mutual")
        assert dict(Mutual.objects.values_list("name", "last_verified_by")) == {
            "By Editor": "editor",
            "From Research": "researchers",
        }
        call_command("migrate", verbosity=0)
