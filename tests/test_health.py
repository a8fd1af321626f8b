from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def database_down():
    return mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("connection refused"),
    )


class HealthCheckTests:
    def test_answers_200_when_the_database_answers(self, client):
        response = client.get(reverse("healthz"))
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}

    def test_answers_503_when_the_database_cannot_be_reached(self, client):
        with database_down():
            response = client.get(reverse("healthz"))
        assert response.status_code == 503
        assert response.json()["database"] == "unreachable"

    def test_is_never_cached(self, client, page_cache):
        response = client.get(reverse("healthz"))
        assert "no-store" in response["Cache-Control"]
        assert "X-Cache" not in response

    def test_a_load_balancer_probing_by_ip_address_is_answered(self, client):
        response = client.get(reverse("healthz"), headers={"Host": "10.1.2.3:8000"})
        assert response.status_code == 200

    def test_is_answered_over_plain_http_when_pages_redirect_to_https(self, client, settings):
        settings.SECURE_SSL_REDIRECT = True
        assert client.get(reverse("directory:home")).status_code == 301
        assert client.get(reverse("healthz")).status_code == 200

    def test_still_rejects_a_bad_host_everywhere_else(self, client):
        assert client.get(reverse("directory:home"), headers={"Host": "10.1.2.3:8000"}).status_code == 400
