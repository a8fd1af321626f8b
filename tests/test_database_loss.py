"""Losing the database on every public route: a whole cached copy, marked as possibly old, or a 503; never a 500 and
never a 200 cut short. Here the database is made unreachable in-process; tests/test_resilience.py stops a real
PostgreSQL under gunicorn."""

import json
import re
from unittest import mock

import psycopg
import pytest
from django.db import InterfaceError, OperationalError
from django.urls import reverse

from mutuals_site.ops import cache as page_cache
from mutuals_site.ops import dataversion
from tests import test_faults
from tests.streaming import body
from tests.test_faults import public_routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]
world = test_faults.world

DATA_ROUTE = re.compile(r"^/(api/.*|openreferral/.*|[^/]+\.(csv|json|geojson)|[^/]+/[^/]+\.(csv|json|geojson))$")
STALE_NOTICE = "This page may be out of date"
ERRORS = {
    "refused": OperationalError("connection refused"),
    "closed": InterfaceError("connection already closed"),
    "psycopg": psycopg.OperationalError("server closed the connection unexpectedly"),
}


def database_down(error=ERRORS["refused"]):
    def refuse(*args, **kwargs):
        raise type(error)(*error.args)

    return mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection", side_effect=refuse)


def whole(response):
    """Return the body, read to its end: a streamed body that fails on the way raises here."""
    return body(response)


def answers(client, urls):
    return {url: client.get(url) for url in urls}


def assert_never_an_error_or_cut_short(url, response):
    assert response.status_code in {200, 301, 302, 404, 503}, (url, response.status_code)
    content = whole(response)
    if response.status_code == 503 and url != reverse("healthz"):
        assert response["Retry-After"] == "30"
        if DATA_ROUTE.match(url):
            assert response["Content-Type"] == "application/json", url
            document = json.loads(content)
            assert document["errors"][0]["message"].startswith("The directory cannot reach its data")
            assert document["request_id"] == response["X-Request-ID"]
        else:
            assert response["Content-Type"].startswith("text/html"), url
            assert "Sorry, the service is unavailable" in content.decode()
    return content


class NothingCachedTests:
    @pytest.mark.parametrize("error", ERRORS.values(), ids=ERRORS.keys())
    def test_every_route_answers_503_as_html_or_json_never_500_or_cut_short(self, client, world, error):
        urls = public_routes(world)
        client.raise_request_exception = False
        with database_down(error):
            responses = answers(client, urls)
        for url, response in responses.items():
            assert_never_an_error_or_cut_short(url, response)
        assert responses[reverse("directory:mutual-list")].status_code == 503
        for name in ("mutual-csv", "mutual-json", "mutual-geojson", "api-mutual-list"):
            assert responses[reverse(f"directory:{name}")].status_code == 503, name
        assert responses[reverse("healthz")].status_code == 503

    @pytest.mark.parametrize("name", ["mutual-csv", "mutual-json", "mutual-geojson"])
    def test_a_download_reaches_the_database_before_its_first_byte(self, client, world, name, monkeypatch):
        """As when the data version was read a moment before the database went away: the stream must not start."""
        monkeypatch.setattr(dataversion, "current", lambda: dataversion.Version(10**9, dataversion.EPOCH))
        client.raise_request_exception = False
        with database_down():
            response = client.get(reverse(f"directory:{name}"))
        assert response.status_code == 503
        assert not response.streaming
        assert json.loads(response.content)["errors"]


class CachedCopyTests:
    def test_every_cached_route_is_served_whole_and_marked_while_the_database_is_away(self, client, world):
        urls = public_routes(world)
        fresh = {url: (r.status_code, whole(r)) for url, r in answers(client, urls).items()}
        cached = [url for url, r in answers(client, urls).items() if r.get("X-Cache") == "hit"]
        assert reverse("directory:mutual-list") in cached and reverse("directory:mutual-csv") in cached
        client.raise_request_exception = False
        with database_down():
            responses = answers(client, urls)
        for url, response in responses.items():
            content = assert_never_an_error_or_cut_short(url, response)
            if url not in cached:
                continue
            assert response.status_code == 200, url
            assert response["X-Cache"] == "stale"
            assert response["Cache-Control"] == "no-store"
            assert int(response["Age"]) >= 0
            if response["Content-Type"].startswith("text/html"):
                assert_the_same_page_with_a_notice(content.decode(), fresh[url][1].decode())
            else:
                assert content == fresh[url][1], url
        assert responses[reverse("healthz")].status_code == 503

    def test_a_fresh_page_says_nothing_of_being_out_of_date(self, client):
        response = client.get(reverse("directory:home"))
        assert STALE_NOTICE not in response.text
        assert "<!-- stale-notice -->" in response.text

    def test_the_notice_says_when_the_copy_was_made(self, client):
        url = reverse("directory:home")
        client.get(url)
        with database_down():
            response = client.get(url)
        made = page_cache.timezone.localtime().strftime("%H:")
        assert re.search(rf"this is the page as it was at {made}\d\d on \d+ \w+ \d{{4}}", response.text)
        assert 'role="region"' in response.text

    @pytest.mark.parametrize("error", ERRORS.values(), ids=ERRORS.keys())
    def test_a_database_lost_after_the_version_was_read_gives_the_last_copy(self, client, monkeypatch, error):
        mutual_list = reverse("directory:mutual-list")
        client.get(mutual_list)
        newer = dataversion.Version(10**9, dataversion.EPOCH)
        monkeypatch.setattr(dataversion, "current", lambda: newer)
        client.raise_request_exception = False
        with database_down(error):
            response = client.get(mutual_list)
        assert response.status_code == 200
        assert response["X-Cache"] == "stale"
        assert STALE_NOTICE in response.text

    def test_a_copy_older_than_the_stale_limit_is_not_served(self, client, settings, monkeypatch):
        settings.PAGE_CACHE_STALE_SECONDS = 3600
        url = reverse("directory:mutual-list")
        client.get(url)
        later = page_cache.time.time() + 3601
        monkeypatch.setattr(page_cache.time, "time", lambda: later)
        client.raise_request_exception = False
        with database_down():
            response = client.get(url)
        assert response.status_code == 503

    def test_when_the_database_returns_pages_are_fresh_again(self, client):
        url = reverse("directory:mutual-list")
        client.get(url)
        with database_down():
            assert client.get(url)["X-Cache"] == "stale"
        dataversion.forget()
        response = client.get(url)
        assert response["X-Cache"] == "hit"
        assert STALE_NOTICE not in response.text

    def test_signed_in_editors_get_503_not_a_public_copy(self, client, admin_user):
        url = reverse("directory:mutual-list")
        client.get(url)
        client.force_login(admin_user)
        client.raise_request_exception = False
        with database_down():
            assert client.get(url).status_code == 503


def assert_the_same_page_with_a_notice(stale, fresh):
    """Assert that `stale` is `fresh` whole, with the notice in its slot (and another CSP nonce, if it has one)."""
    stale, fresh = (re.sub(r'nonce="[^"]*"', 'nonce=""', page) for page in (stale, fresh))
    before, after = fresh.split("<!-- stale-notice -->")
    assert stale.startswith(before) and stale.endswith(after)
    assert STALE_NOTICE in stale[len(before) : len(stale) - len(after)]
    assert stale.rstrip().endswith("</html>")
