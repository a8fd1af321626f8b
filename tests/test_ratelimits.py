"""A client sending too many reports, or asking the data routes too often, is asked to wait; browsing never is."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from directory.models import Correction
from mutuals_site.ops.ratelimits import client_ip
from tests.factories import MutualFactory
from tests.test_shared_cache import unreachable_redis  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

REPORT = {"message": "The statistics page adds up wrongly."}
SUGGESTION = {"name": "Example Community Health CIC", "message": "Spun out of an NHS trust in 2011; staff own it."}


@pytest.fixture(autouse=True)
def limits(settings):
    """Turn the limits on (the rest of the test run has them off) with an empty count."""
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_FORMS = "5/m"
    settings.RATELIMIT_API = "3/m"
    cache.clear()
    yield settings
    cache.clear()


def post_from(client, url, data, address="203.0.113.7"):
    return client.post(url, data, REMOTE_ADDR=address)


class ReportLimitTests:
    @pytest.mark.parametrize(
        ("route", "data"), [("directory:correction-create", REPORT), ("directory:suggestion-create", SUGGESTION)]
    )
    def test_the_sixth_report_in_a_minute_is_refused_with_when_to_try_again(self, client, route, data):
        url = reverse(route)
        for _ in range(5):
            assert post_from(client, url, data).status_code == 302
        response = post_from(client, url, data)
        assert response.status_code == 429
        seconds = int(response["Retry-After"])
        assert 1 <= seconds <= 60
        assert "Too many requests" in response.text
        assert "Try again in 1 minute" in response.text
        assert response["Cache-Control"] == "no-store"
        assert Correction.objects.count() == 5

    def test_reading_the_form_is_never_limited(self, client):
        url = reverse("directory:correction-create")
        for _ in range(5):
            post_from(client, url, REPORT)
        assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 200

    def test_each_address_has_its_own_count(self, client):
        url = reverse("directory:correction-create")
        for _ in range(6):
            post_from(client, url, REPORT)
        assert post_from(client, url, REPORT, address="198.51.100.2").status_code == 302

    def test_the_limit_is_a_setting(self, client, limits):
        limits.RATELIMIT_FORMS = "1/h"
        url = reverse("directory:suggestion-create")
        assert post_from(client, url, SUGGESTION).status_code == 302
        response = post_from(client, url, SUGGESTION)
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 3600

    def test_with_the_limits_off_nothing_is_refused(self, client, limits):
        limits.RATELIMIT_ENABLE = False
        url = reverse("directory:correction-create")
        assert all(post_from(client, url, REPORT).status_code == 302 for _ in range(8))


class DataLimitTests:
    @pytest.mark.parametrize(
        "path",
        [
            "/api/mutuals/",
            "/api/",
            "/openreferral/services",
            "/mutuals.csv",
            "/mutuals.json",
            "/mutuals.geojson",
            "/data/mutuals-directory-latest.zip",
        ],
    )
    def test_the_fourth_request_in_a_minute_gets_429_in_the_apis_error_shape(self, client, path):
        MutualFactory()
        for _ in range(3):
            assert client.get(path, REMOTE_ADDR="203.0.113.7").status_code in (200, 302)
        response = client.get(path, REMOTE_ADDR="203.0.113.7", HTTP_ORIGIN="https://elsewhere.example")
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        error = response.json()["errors"][0]
        assert error["parameter"] is None
        assert error["message"].startswith("Too many requests from your address: try again in ")
        # Scripts on other sites can read why.
        assert response["Access-Control-Allow-Origin"] == "*"

    def test_one_count_for_every_data_route(self, client):
        for path in ("/api/mutuals/", "/api/sectors/", "/mutuals.csv"):
            client.get(path, REMOTE_ADDR="203.0.113.7")
        assert client.get("/api/regions/", REMOTE_ADDR="203.0.113.7").status_code == 429
        assert client.get("/api/regions/", REMOTE_ADDR="198.51.100.2").status_code == 200

    def test_browsing_the_sites_pages_is_never_limited(self, client):
        mutual = MutualFactory()
        for path in ("/", "/mutuals/", "/map/", "/stats/", mutual.get_absolute_url()):
            for _ in range(5):
                assert client.get(path, REMOTE_ADDR="203.0.113.7").status_code == 200

    @pytest.mark.usefixtures("page_cache")
    def test_copies_from_the_page_cache_count_too(self, client):
        for _ in range(3):
            client.get("/api/sectors/", REMOTE_ADDR="203.0.113.7")
        response = client.get("/api/sectors/", REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 429
        assert "X-Cache" not in response

    def test_while_the_cache_cannot_be_reached_nothing_is_refused(self, client, unreachable_redis):  # noqa: F811
        for _ in range(6):
            assert client.get("/api/sectors/", REMOTE_ADDR="203.0.113.7").status_code == 200
        for _ in range(7):
            assert post_from(client, reverse("directory:correction-create"), REPORT).status_code == 302


class ClientAddressTests:
    def request(self, remote="10.0.0.5", forwarded=None):
        headers = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            headers["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().get("/api/", **headers)

    def test_without_a_proxy_the_client_is_the_connections_address_whatever_it_claims(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert client_ip(self.request(forwarded="192.0.2.1")) == "10.0.0.5"

    def test_behind_one_proxy_the_client_is_the_address_it_added(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        assert client_ip(self.request(forwarded="192.0.2.1")) == "192.0.2.1"
        # Whatever the client put in front of it is its own word, not believed.
        assert client_ip(self.request(forwarded="198.51.100.9, 192.0.2.1")) == "192.0.2.1"

    def test_behind_two_proxies_the_outer_ones_address_is_believed(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2
        assert client_ip(self.request(forwarded="198.51.100.9, 192.0.2.1, 10.0.0.9")) == "192.0.2.1"

    def test_a_missing_or_garbled_header_falls_back_to_the_connection(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        assert client_ip(self.request()) == "10.0.0.5"
        assert client_ip(self.request(forwarded="not-an-address")) == "10.0.0.5"

    def test_clients_behind_the_proxy_are_counted_apart(self, client, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        for _ in range(3):
            client.get("/api/sectors/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.1")
        assert client.get("/api/sectors/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
        assert client.get("/api/sectors/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 200
