import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import Mutual
from mutuals_site.ops import dataversion
from mutuals_site.ops.models import DataVersion
from tests.factories import ContractFactory, MutualFactory, RegionFactory, SectorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def nonce_of(response):
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


class PageCacheTests:
    def test_a_repeat_visit_is_served_from_the_cache_with_the_same_page(self, client):
        MutualFactory(name="Leeds Care CIC")
        url = reverse("directory:mutual-list")
        first, second = client.get(url), client.get(url)
        assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
        assert first.content == second.content
        assert "Leeds Care CIC" in second.text

    def test_a_cache_hit_costs_one_query_for_the_data_version(self, client, django_assert_num_queries):
        MutualFactory()
        url = reverse("directory:mutual-list")
        client.get(url)
        with django_assert_num_queries(1):
            assert client.get(url)["X-Cache"] == "hit"

    def test_the_whole_query_string_is_part_of_the_key(self, client):
        MutualFactory(name="Alpha Health CIC")
        MutualFactory(name="Beta Leisure CIC")
        url = reverse("directory:mutual-list")
        client.get(url, {"q": "Alpha"})
        response = client.get(url, {"q": "Beta"})
        assert response["X-Cache"] == "miss"
        assert "Beta Leisure CIC" in response.text
        assert "Alpha Health CIC" not in response.text


class EditsShowAtOnceTests:
    def test_an_edited_name_shows_at_once_on_the_listing_and_the_page(self, client):
        mutual = MutualFactory(name="Old Name CIC")
        listing, page = reverse("directory:mutual-list"), mutual.get_absolute_url()
        assert "Old Name CIC" in client.get(listing).text
        assert "Old Name CIC" in client.get(page).text
        mutual.name = "New Name CIC"
        mutual.save()
        assert "New Name CIC" in client.get(listing).text
        assert "New Name CIC" in client.get(page).text

    def test_a_new_contract_a_deletion_and_a_sector_change_each_show_at_once(self, client):
        mutual = MutualFactory(name="Changing CIC")
        page = mutual.get_absolute_url()
        client.get(page)
        ContractFactory(mutual=mutual, service="Brand new contract")
        assert "Brand new contract" in client.get(page).text
        mutual.sectors.add(SectorFactory(name="Libraries"))
        assert "Libraries" in client.get(page).text
        mutual.delete()
        assert client.get(page).status_code == 404

    def test_unpublishing_takes_a_mutual_off_the_listing_at_once(self, client):
        mutual = MutualFactory(name="Soon Draft CIC")
        listing = reverse("directory:mutual-list")
        assert "Soon Draft CIC" in client.get(listing).text
        mutual.is_published = False
        mutual.save()
        assert "Soon Draft CIC" not in client.get(listing).text

    def test_loaddata_bumps_the_data_version(self):
        before = dataversion.current().number
        call_command("loaddata", "mutuals", verbosity=0)
        assert dataversion.current().number > before

    def test_an_editors_post_bumps_the_version_for_changes_that_send_no_signals(self, client):
        editor = User.objects.create_user("editor", password="pw-for-tests-only", is_staff=True)
        client.force_login(editor)
        before = dataversion.current().number
        client.post(reverse("directory:correction-create"), {"message": "A note from an editor."})
        assert dataversion.current().number == before + 1

    def test_a_public_correction_does_not_empty_the_cache(self, client):
        before = dataversion.current().number
        response = client.post(reverse("directory:correction-create"), {"message": "The website has moved."})
        assert response.status_code == 302
        assert dataversion.current().number == before

    def test_history_and_corrections_are_not_tracked(self):
        labels = {model._meta.label for model in dataversion.tracked_models()}
        assert {"directory.Mutual", "directory.Contract", "directory.Mutual_sectors", "directory.Sector"} <= labels
        assert not {label for label in labels if "Historical" in label}
        assert "directory.Correction" not in labels


class Rollback(Exception):
    pass


@pytest.mark.django_db(transaction=True)
class DataVersionReadsTests:
    """Outside a transaction, as under gunicorn, a process reads the data version at most once per DATA_VERSION_MAX_AGE."""

    def test_a_repeat_visit_within_the_max_age_costs_no_query(self, client, settings, django_assert_num_queries):
        settings.DATA_VERSION_MAX_AGE = 60
        url = MutualFactory().get_absolute_url()
        client.get(url)
        with django_assert_num_queries(0):
            assert client.get(url)["X-Cache"] == "hit"

    def test_with_a_max_age_of_0_every_hit_reads_the_version(self, client, settings, django_assert_num_queries):
        settings.DATA_VERSION_MAX_AGE = 0
        url = MutualFactory().get_absolute_url()
        client.get(url)
        with django_assert_num_queries(1):
            assert client.get(url)["X-Cache"] == "hit"

    def test_an_edit_in_this_process_shows_at_once(self, client, settings):
        settings.DATA_VERSION_MAX_AGE = 60
        mutual = MutualFactory(name="Old Name CIC")
        assert "Old Name CIC" in client.get(mutual.get_absolute_url()).text
        mutual.name = "New Name CIC"
        mutual.save()
        assert "New Name CIC" in client.get(mutual.get_absolute_url()).text

    def test_an_edit_by_another_process_shows_once_the_version_read_is_older_than_the_max_age(
        self, client, settings, monkeypatch
    ):
        settings.DATA_VERSION_MAX_AGE = 1
        mutual = MutualFactory(name="Old Name CIC")
        page = mutual.get_absolute_url()
        client.get(page)
        # As another process would: the row changes and the version goes up, and this process hears nothing of it.
        Mutual.objects.filter(pk=mutual.pk).update(name="New Name CIC")
        DataVersion.objects.filter(pk=dataversion.ROW_ID).update(version=F("version") + 1)
        assert "Old Name CIC" in client.get(page).text
        later = dataversion.monotonic() + 1.5
        monkeypatch.setattr(dataversion, "monotonic", lambda: later)
        assert "New Name CIC" in client.get(page).text

    def test_a_version_bumped_in_a_transaction_rolled_back_is_not_kept(self, settings):
        settings.DATA_VERSION_MAX_AGE = 60
        MutualFactory()
        before = dataversion.current().number
        with pytest.raises(Rollback), transaction.atomic():
            dataversion.bump()
            assert dataversion.current().number == before + 1
            raise Rollback
        assert dataversion.current().number == before


class ConditionalGetTests:
    def test_pages_carry_an_etag_and_last_modified_ask_browsers_to_revalidate_and_let_a_cdn_keep_them(
        self, client, settings
    ):
        settings.CDN_MAX_AGE = 120
        settings.PAGE_CACHE_STALE_SECONDS = 3600
        for response in (client.get(reverse("directory:home")), client.get(reverse("directory:home"))):
            assert response["ETag"]
            assert response["Last-Modified"]
            assert response["Cache-Control"] == "max-age=0, s-maxage=120, stale-if-error=3600"
            assert "Cookie" in response["Vary"]

    def test_a_matching_etag_gets_304_without_a_body_or_a_policy(self, client):
        url = reverse("directory:mutual-list")
        etag = client.get(url)["ETag"]
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 304
        assert response.content == b""
        assert "Content-Security-Policy" not in response

    def test_an_unchanged_page_since_last_modified_gets_304(self, client):
        url = reverse("directory:home")
        last_modified = client.get(url)["Last-Modified"]
        assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304

    def test_the_etag_changes_when_the_data_does(self, client):
        mutual = MutualFactory(name="Before CIC")
        url = reverse("directory:mutual-list")
        etag = client.get(url)["ETag"]
        mutual.name = "After CIC"
        mutual.save()
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200
        assert "After CIC" in response.text


class NotCachedTests:
    def test_signed_in_users_are_never_served_or_stored_in_the_cache(self, client):
        url = reverse("directory:home")
        client.get(url)
        client.force_login(User.objects.create_user("reader", password="pw-for-tests-only"))
        response = client.get(url)
        assert "X-Cache" not in response
        assert "private" in response["Cache-Control"]

    def test_a_visitor_with_messages_is_not_served_from_the_cache(self, client):
        url = reverse("directory:home")
        client.get(url)
        client.cookies["messages"] = "something"
        assert "X-Cache" not in client.get(url)

    def test_the_correction_form_with_its_csrf_token_is_never_stored(self, client):
        url = reverse("directory:correction-create")
        first = client.get(url)
        second = client.get(url)
        assert "X-Cache" not in second
        assert "private" in second["Cache-Control"]
        token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
        assert token.search(first.text).group(1) != token.search(second.text).group(1)

    def test_the_admin_is_never_cached(self, client):
        response = client.get(reverse("admin:login"))
        assert "X-Cache" not in response
        assert "no-store" in response["Cache-Control"]

    def test_pages_that_are_not_found_are_not_cached(self, client):
        url = reverse("directory:mutual-detail", kwargs={"slug": "not-there"})
        client.get(url)
        assert "X-Cache" not in client.get(url)


@pytest.mark.urls("tests.ops_urls")
class NonceAndStreamingTests:
    def test_a_cached_page_gets_a_fresh_nonce_in_its_script_and_its_policy(self, client):
        url = reverse("test-nonce")
        first, second = client.get(url), client.get(url)
        assert second["X-Cache"] == "hit"
        assert nonce_of(first) != nonce_of(second)
        assert f'nonce="{nonce_of(second)}"' in second.text
        assert second["ETag"].startswith('W/"') and second["ETag"] == first["ETag"]

    def test_a_streamed_response_is_kept_once_it_has_been_sent_whole(self, client):
        url = reverse("test-streamed")
        first = client.get(url)
        body = b"".join(first.streaming_content)
        second = client.get(url)
        assert second["X-Cache"] == "hit"
        assert second.content == body


class FacetCountCacheTests:
    def test_other_pages_and_orders_of_a_selection_reuse_its_facet_counts(self, client):
        for n in range(30):
            MutualFactory(name=f"Paged Mutual {n:02d} CIC")
        url = reverse("directory:mutual-list")
        with CaptureQueriesContext(connection) as first:
            client.get(url, {"region": "london"})
        with CaptureQueriesContext(connection) as second:
            response = client.get(url, {"region": "london", "page": 2, "sort": "-name"})
        assert response["X-Cache"] == "miss"
        assert len(second) < len(first)
        assert "30 mutuals" in response.text

    def test_facet_counts_follow_an_edit_at_once(self, client):
        mutual = MutualFactory(name="Moving CIC")
        url = reverse("directory:mutual-list")
        assert 'North West <span class="app-count">' not in client.get(url).text
        mutual.region = RegionFactory(name="North West")
        mutual.save()
        response = client.get(url, {"page": 1})
        assert 'North West <span class="app-count">(1)</span>' in response.text
        assert 'London <span class="app-count">' not in response.text  # No mutuals there now: not offered.
