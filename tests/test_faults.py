import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import CommissionerFactory, ContractFactory, MutualFactory, RegionFactory, SectorFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent
# Parameters the public pages understand, so random query strings often reach the code behind them.
KNOWN_PARAMETERS = [
    "q", "sector", "region", "legal_form", "funding", "commissioner", "value_min", "value_max",
    "spun_out_from", "spun_out_to", "ending_within", "status", "sort", "page", "mutual", "bbox", "format",
]  # fmt: skip
NOT_PUBLIC = {"admin"}


def database_down():
    return mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("connection refused"),
    )


def public_routes(world):
    """Return a URL for every GET route in the URLconf outside the admin, filling slugs from the world."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace not in NOT_PUBLIC:
                    yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern

    urls = []
    for name, pattern in walk(get_resolver().url_patterns):
        params = pattern.pattern.converters
        kind = name.split(":")[-1].split("-")[0]
        kwargs = {key: world.get(kind, world["mutual"]) if key == "slug" else "1" for key in params}
        urls.append(reverse(name, kwargs=kwargs))
    return urls


@pytest.fixture
def world():
    mutual = MutualFactory(name="Fault Test Mutual CIC")
    ContractFactory(mutual=mutual, commissioner=CommissionerFactory(name="Fault Test Council"))
    return {
        "mutual": mutual.slug,
        "sector": SectorFactory().slug,
        "region": RegionFactory().slug,
        "commissioner": "fault-test-council",
    }


class DatabaseDownTests:
    @pytest.mark.parametrize("cached", [False, True])
    def test_pages_answer_a_friendly_503_and_recover_when_it_returns(self, client, settings, cached):
        settings.PAGE_CACHE = cached
        MutualFactory(name="Still Here CIC")
        url = reverse("directory:mutual-list")
        client.raise_request_exception = False
        with database_down():
            response = client.get(url)
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "Sorry, the service is unavailable" in response.text
        assert response["X-Request-ID"] in response.text
        assert "Traceback" not in response.text and "OperationalError" not in response.text
        recovered = client.get(url)
        assert recovered.status_code == 200
        assert "Still Here CIC" in recovered.text

    def test_an_unreachable_database_gives_503_pages_and_health_check(self):
        """Run the site against a database port nothing listens on, in a process of its own."""
        code = (
            "import django; django.setup(); from django.conf import settings;"
            "settings.STORAGES = {**settings.STORAGES, 'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}};"
            "from django.test import Client; c = Client(raise_request_exception=False);"
            "r = c.get('/'); print(r.status_code, 'unavailable' in r.text, c.get('/healthz').status_code)"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mutuals_site.settings",
            "DATABASE_URL": "postgres://app:app@127.0.0.1:9/nowhere",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            "PAGE_CACHE": "true",
            "LOG_LEVEL": "CRITICAL",
        }
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True)
        assert out.stdout.splitlines()[-1].split() == ["503", "True", "503"], out.stderr[-2000:]


class BadInputTests:
    def test_a_bad_host_header_gets_400_with_the_sites_page(self, client):
        response = client.get(reverse("directory:home"), headers={"Host": "evil.example"})
        assert response.status_code == 400
        assert "could not understand that request" in response.text
        assert "evil.example" not in response.text

    @pytest.mark.parametrize(
        "query",
        [
            "q=" + "x" * 10_240,
            "&".join(f"sector=s{n}" for n in range(500)),
            "q=%ff%fe&sector=%ff&page=%ff",
            "page=%00&value_min=1e999&spun_out_from=-0&sort=%ff",
            "unknown=1&another=2&q",
            "%ff=%ff&=&&&=x",
        ],
        ids=["10KB", "repeated", "non-utf8", "odd-values", "unknown", "broken-pairs"],
    )
    def test_odd_query_strings_never_give_a_server_error(self, client, world, query):
        for url in public_routes(world):
            response = client.get(f"{url}?{query}")
            assert response.status_code < 500, (url, query, response.status_code)

    def test_the_route_list_covers_the_public_pages(self, world):
        urls = public_routes(world)
        assert reverse("directory:mutual-list") in urls
        assert reverse("healthz") in urls
        assert not [url for url in urls if url.startswith(reverse("admin:index"))]


query_parts = st.one_of(
    st.sampled_from(KNOWN_PARAMETERS),
    st.text(max_size=20),
    st.binary(max_size=12).map(lambda raw: "".join(f"%{byte:02x}" for byte in raw)),
    st.integers().map(str),
    st.sampled_from(["-1", "0", "1e309", "NaN", "∞", "%", "%%", "+", "&", "="]),
)
query_strings = st.lists(st.tuples(query_parts, query_parts), max_size=8).map(
    lambda pairs: "&".join(f"{key}={value}" for key, value in pairs)
)


class RandomQueryStringTests:
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def test_no_public_route_gives_a_server_error(self, client, world, page_cache, data):
        url = data.draw(st.sampled_from(public_routes(world)))
        query = data.draw(query_strings)
        response = client.get(f"{url}?{query}")
        assert response.status_code < 500, (url, query)
