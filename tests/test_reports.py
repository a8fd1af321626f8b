"""Readers tell the editors about a mistake on a record or a mutual we don't list; editors work through the queue."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from directory.models import Correction
from tests.admin_support import make_editor
from tests.factories import CorrectionFactory, MutualFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

QUEUE = "admin:directory_correction_changelist"


@pytest.fixture
def editor(client):
    user = make_editor()
    client.force_login(user)
    return user


class ReportAMistakeTests:
    url = reverse("directory:correction-create")

    def test_a_mutuals_page_leads_to_a_report_on_its_record(self, client):
        mutual = MutualFactory(name="Leeds Community Mutual")
        page = client.get(mutual.get_absolute_url())
        assert f'href="{self.url}?mutual={mutual.slug}"' in page.text
        form = client.get(self.url, {"mutual": mutual.slug})
        assert "Report a mistake on this record" in form.text
        assert "Leeds Community Mutual" in form.text

    def test_the_report_lands_in_the_queue_as_a_new_mistake_on_that_record(self, client):
        mutual = MutualFactory()
        response = client.post(
            f"{self.url}?mutual={mutual.slug}",
            {"mutual": mutual.slug, "message": "The website moved.", "email": "reader@example.org"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == mutual.get_absolute_url()
        assert "Thank you. An editor will check your report against its source." in response.text
        report = Correction.objects.get()
        assert (report.kind, report.status, report.mutual, report.email) == (
            Correction.Kind.MISTAKE,
            Correction.Status.NEW,
            mutual,
            "reader@example.org",
        )

    def test_without_a_record_it_is_about_the_directory_and_points_to_the_suggestion_form(self, client):
        page = client.get(self.url, {"mutual": "no-such-mutual"})
        assert "Report a mistake" in page.text
        assert reverse("directory:suggestion-create") in page.text
        client.post(self.url, {"message": "The statistics page adds up wrongly."})
        assert Correction.objects.get().mutual is None

    def test_a_draft_cannot_be_reported_on_by_slug(self, client):
        draft = MutualFactory(is_published=False)
        client.post(self.url, {"mutual": draft.slug, "message": "Something."})
        assert not Correction.objects.exists()


class SuggestAMutualTests:
    url = reverse("directory:suggestion-create")

    @pytest.mark.parametrize("page", ["directory:home", "directory:about", "directory:mutual-list"])
    def test_every_page_offers_it_in_the_banner_and_footer(self, client, page):
        response = client.get(reverse(page))
        assert response.text.count(f'href="{self.url}"') >= 2

    def test_a_suggestion_lands_in_the_queue_with_its_name_and_email(self, client):
        response = client.post(
            self.url,
            {
                "name": "Example Community Health CIC",
                "website": "https://www.example.org/",
                "message": "Spun out of an NHS trust in 2011; staff own it.",
                "source_url": "https://www.example.org/about",
                "email": "reader@example.org",
            },
            follow=True,
        )
        assert "Thank you. An editor will look for its sources before adding it." in response.text
        report = Correction.objects.get()
        assert (report.kind, report.status, report.name, report.mutual, report.email) == (
            Correction.Kind.MISSING,
            Correction.Status.NEW,
            "Example Community Health CIC",
            None,
            "reader@example.org",
        )

    def test_a_suggestion_needs_a_name_and_says_so(self, client):
        response = client.post(self.url, {"message": "There is one in Leeds."})
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert "Enter the name of the mutual." in response.text
        assert not Correction.objects.exists()

    def test_robots_filling_the_hidden_field_are_refused(self, client):
        client.post(self.url, {"name": "Spam", "message": "Buy now", "nickname": "spam"})
        assert not Correction.objects.exists()


class EditorsQueueTests:
    def test_the_queue_shows_kind_status_record_and_email_open_reports_first(self, client, editor):
        mutual = MutualFactory(name="Leeds Community Mutual")
        CorrectionFactory(mutual=mutual, message="Old and done.", status=Correction.Status.ADDED)
        CorrectionFactory(mutual=mutual, message="The website moved.", email="reader@example.org")
        SuggestionFactory(name="Example Community Health CIC")
        text = client.get(reverse(QUEUE)).text
        assert "Mistake on a record" in text and "Mutual we don&#x27;t list" in text
        assert "Leeds Community Mutual" in text and "Example Community Health CIC" in text
        assert "reader@example.org" in text
        assert text.index("The website moved.") < text.index("Old and done.")

    @pytest.mark.parametrize(
        "query, shown, hidden",
        [
            ("status__exact=new", "Still new", "Being checked"),
            ("kind__exact=missing-mutual", "A suggestion", "Still new"),
        ],
    )
    def test_editors_filter_the_queue(self, client, editor, query, shown, hidden):
        CorrectionFactory(message="Still new")
        CorrectionFactory(message="Being checked", status=Correction.Status.CHECKING)
        SuggestionFactory(message="A suggestion", status=Correction.Status.CHECKING)
        text = client.get(f"{reverse(QUEUE)}?{query}").text
        assert shown in text and hidden not in text

    def test_changing_a_status_is_kept_in_its_history_with_who_did_it(self, client, editor):
        report = SuggestionFactory()
        client.post(reverse(QUEUE), {"action": "mark_checking", "_selected_action": [report.pk]})
        change = reverse("admin:directory_correction_change", args=[report.pk])
        client.post(change, {"status": Correction.Status.ADDED, "editor_note": "Added as a draft."})
        report.refresh_from_db()
        assert report.status == Correction.Status.ADDED
        statuses = [(r.status, r.history_user) for r in report.history.order_by("history_date")]
        assert statuses == [("new", None), ("checking", editor), ("added", editor)]
        history = client.get(reverse("admin:directory_correction_history", args=[report.pk]))
        assert history.status_code == 200 and "Added as a draft." in history.text

    def test_editors_cannot_change_what_the_reader_wrote(self, client, editor):
        report = CorrectionFactory(message="The website moved.")
        change = reverse("admin:directory_correction_change", args=[report.pk])
        client.post(change, {"status": "checking", "message": "Rewritten", "email": "other@example.org"})
        report.refresh_from_db()
        assert (report.message, report.email, report.status) == ("The website moved.", "", "checking")


@pytest.mark.django_db(transaction=True)
class ResolvedCorrectionsMigrationTests:
    """Corrections made before the queue had statuses keep their meaning: resolved ones were acted on."""

    before = [("directory", "0010_one_rule_each")]
    after = [("directory", "0011_readers_reports")]

    def test_resolved_become_added_and_the_rest_new(self):
        executor = MigrationExecutor(connection)
        executor.migrate(self.before)
        old = executor.loader.project_state(self.before).apps.get_model("directory", "Correction")
        old.objects.create(message="Fixed long ago.", is_resolved=True)
        old.objects.create(message="Still open.", is_resolved=False)
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(self.after)
        new = executor.loader.project_state(self.after).apps.get_model("directory", "Correction")
        assert dict(new.objects.values_list("message", "status")) == {"Fixed long ago.": "added", "Still open.": "new"}
        call_command("migrate", verbosity=0)
