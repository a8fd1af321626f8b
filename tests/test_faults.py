import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse, reverse_lazy
from django.utils.http import http_date
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from directory.filters import MAX_MONEY, MutualFilter
from directory.models import Contract, Correction, Mutual
from directory.sitemaps import SITEMAPS
from tests.factories import (
    CommissionerFactory,
    ContractFactory,
    DistrictFactory,
    MutualFactory,
    RegionFactory,
    SectorFactory,
)
from tests.public_urls import public_urls
from tests.streaming import body

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent
# Parameters the public pages understand, so random query strings often reach the code behind them.
KNOWN_PARAMETERS = [
    "q", "sector", "region", "legal_form", "funding", "commissioner", "value_min", "value_max",
    "spun_out_from", "spun_out_to", "ending_within", "status", "sort", "page", "mutual", "bbox", "format",
]  # fmt: skip
WORLD = {
    "mutual": ["fault-test-mutual-cic"],
    "sector": ["health"],
    "region": ["london"],
    "commissioner": ["fault-test-council"],
    "area": ["fault-test-district"],
    "section": list(SITEMAPS),
    "rest": ["no-such-endpoint"],
    "number": [10**12],
    "record_id": ["no-such-record", "00000000-0000-0000-0000-000000000000"],
}


def database_down():
    return mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("connection refused"),
    )


def public_routes(world):
    """Return an address for every public route in the URLconf, its path filled from `world` (or the test fails)."""
    return [url for _, url in public_urls(world)]


@pytest.fixture
def world():
    """One published mutual with a buyer, a sector and a region: each a value for the paths and queries that name one."""
    mutual = MutualFactory(name=WORLD["mutual"][0].replace("-", " ").title(), slug=WORLD["mutual"][0])
    ContractFactory(mutual=mutual, commissioner=CommissionerFactory(name="Fault Test Council"))
    SectorFactory(name="Health")
    RegionFactory(name="London")
    DistrictFactory(name="Fault Test District")
    return WORLD


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
    st.sampled_from(["-1", "0", "1e309", "NaN", "∞", "%", "%%", "+", "&", "=", "%00", "a%00b", "9" * 40]),
)
query_strings = st.lists(st.tuples(query_parts, query_parts), max_size=8).map(
    lambda pairs: "&".join(f"{key}={value}" for key, value in pairs)
)


def boxes():
    """Valid bounding boxes, west,south,east,north, somewhere around England or anywhere on Earth."""
    return st.tuples(st.floats(-180, 179), st.floats(-90, 89), st.floats(0.0001, 360), st.floats(0.0001, 180)).map(
        lambda box: f"{box[0]:.4f},{box[1]:.4f},{min(box[0] + box[2], 180):.4f},{min(box[1] + box[3], 90):.4f}"
    )


# A valid value for each parameter the public pages and data understand, from the fault tests' world.
VALID_VALUES = {
    "q": st.sampled_from(["fault", "test+mutual", "council", "health"]),
    "sector": st.sampled_from(WORLD["sector"]),
    "region": st.sampled_from(WORLD["region"]),
    "commissioner": st.sampled_from(WORLD["commissioner"]),
    "mutual": st.sampled_from(WORLD["mutual"]),
    "legal_form": st.sampled_from(Mutual.LegalForm.values),
    "funding": st.sampled_from(Contract.FundingType.values),
    "status": st.sampled_from([*Mutual.Status.values, "all"]),
    "sort": st.deferred(
        lambda: st.sampled_from([value for value, _ in MutualFilter.base_filters["sort"].extra["choices"]])
    ),
    "value_min": st.integers(0, MAX_MONEY).map(str),
    "value_max": st.integers(0, MAX_MONEY).map(str),
    "spun_out_from": st.integers(1900, 2100).map(str),
    "spun_out_to": st.integers(1900, 2100).map(str),
    "ending_within": st.integers(0, 600).map(str),
    "page": st.integers(1, 3).map(str),
    "page_size": st.integers(1, 100).map(str),
    "modified_after": st.dates(date(2000, 1, 1), date(2100, 1, 1)).map(date.isoformat),
    "bbox": boxes(),
    "zoom": st.integers(0, 14).map(str),
    "format": st.sampled_from(["json", "csv", "geojson"]),
}
# Any of the parameters, each with a valid or a hostile value (a valid bbox beside a bad zoom…), then raw pairs.
mixed_queries = st.tuples(
    st.fixed_dictionaries({}, optional={name: st.one_of(VALID_VALUES[name], query_parts) for name in VALID_VALUES}),
    query_strings,
).map(lambda parts: "&".join(filter(None, [*(f"{key}={value}" for key, value in parts[0].items()), parts[1]])))

# Header text as a WSGI server passes it on: Latin-1, without line breaks.
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=60)
http_dates = st.integers(-(2**40), 2**40).map(
    lambda seconds: http_date(max(seconds, 0)) if seconds < 253402300799 else "Fri, 31 Dec 9999 23:59:59 GMT"
)
etags = st.one_of(
    st.sampled_from(["*", '"abc"', 'W/"abc"', '"', "W/", ",", '"a", W/"b", *', 'W/"' + "x" * 2000, '"\\"']),
    header_text,
)
dates = st.one_of(
    http_dates,
    st.sampled_from(
        [
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "Mon, 32 Foo 99999 99:99:99 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "0",
            "-1",
        ]
    ),
    header_text,
)
ranges = st.one_of(
    st.sampled_from(
        [
            "bytes=0-10",
            "bytes=-1",
            "bytes=5-",
            "bytes=10-5",
            "bytes=0-0,-1",
            f"bytes={'9' * 30}-",
            "items=0-5",
            "bytes",
        ]
    ),
    header_text,
)
hostile_headers = st.fixed_dictionaries(
    {},
    optional={
        "If-None-Match": etags,
        "If-Match": etags,
        "If-Modified-Since": dates,
        "If-Unmodified-Since": dates,
        "If-Range": st.one_of(etags, dates),
        "Range": ranges,
        "Accept-Encoding": st.one_of(st.sampled_from(["gzip", "br, gzip;q=0", "*;q=0", "identity;q=0"]), header_text),
    },
)
correction_posts = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "message": st.one_of(
                st.just("The website address has changed."),
                st.text(max_size=60),
                st.integers(3995, 4005).map(lambda length: "x" * length),
            ),
            "mutual": st.one_of(st.sampled_from(WORLD["mutual"]), st.text(max_size=20)),
            "source_url": st.one_of(
                st.sampled_from(
                    ["https://www.example.org/news/moved", "javascript:alert(1)", f"https://{'a' * 600}.org"]
                ),
                st.text(max_size=30),
            ),
            "email": st.one_of(
                st.sampled_from(["reader@example.org", "a@b", f"{'x' * 300}@example.org"]), st.text(max_size=30)
            ),
            "nickname": st.one_of(st.just(""), st.text(max_size=10)),
        },
    ),
    query_strings,  # A form body as raw, broken text.
)
routes = st.deferred(lambda: st.sampled_from(public_urls(WORLD)))
# The routes that take the listing's parameters, where most of them reach a query.
SELECTION_ROUTES = [
    "directory:mutual-list",
    "directory:mutual-map",
    "directory:mutual-csv",
    "directory:mutual-json",
    "directory:mutual-geojson",
    "directory:api-mutual-list",
]
HYPOTHESIS = {
    "derandomize": True,  # The same examples on every run, so CI is reproducible.
    "database": None,
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}


def at(name, **kwargs):
    """A route for an explicit example, as the routes strategy draws one."""
    return name, reverse_lazy(name, kwargs=kwargs or None)


def assert_answered(response, context):
    assert response.status_code < 500, (*context, response.status_code)
    if response.status_code == 304:
        assert body(response) == b"", context


class HostileInputTests:
    """Odd query strings, valid values beside hostile ones, hostile conditional and range headers with the page cache
    on, hostile correction posts: never a server error. Seeded from each test, with the cases that matter written out."""

    @pytest.mark.parametrize("name", SELECTION_ROUTES)
    @settings(max_examples=30, **HYPOTHESIS)
    @given(query=mixed_queries)
    @example(query="bbox=-3,50,2,56&zoom=99")
    @example(query="bbox=-3,50,2,56&zoom=-1")
    @example(query="bbox=-3,50,2,56&zoom=abc")
    @example(query="bbox=-3,50,2,56&zoom=")
    @example(query="bbox=2,56,-3,50&zoom=7")
    @example(query="bbox=-3,50,nan,56&zoom=7")
    @example(query="bbox=-3,50,2,56&zoom=7&sector=%00&commissioner=a%00b")
    @example(query="sector=health&value_min=1e999&value_max=-1")
    @example(query="region=london&page=99999999999999999999")
    @example(query="sort=value&spun_out_from=2100&spun_out_to=1900&ending_within=601")
    @example(query="sector=health&page_size=0&modified_after=2026-13-45")
    def test_the_listings_parameters_never_give_a_server_error(self, client, world, page_cache, name, query):
        url = f"{reverse(name)}?{query}"
        assert_answered(client.get(url), (url,))

    @settings(max_examples=150, **HYPOTHESIS)
    @given(route=routes, query=st.one_of(query_strings, mixed_queries), headers=hostile_headers, again=st.booleans())
    @example(route=at("directory:correction-create"), query="mutual=%00", headers={}, again=False)
    @example(
        route=at("directory:mutual-list"), query="", headers={"If-Modified-Since": "Mon, 32 Foo 99999"}, again=False
    )
    @example(route=at("directory:mutual-list"), query="sector=health", headers={"Range": "bytes=-0"}, again=True)
    @example(route=at("directory:mutual-json"), query="", headers={"If-None-Match": 'W/"' + "x" * 2000}, again=True)
    @example(
        route=at("directory:home"), query="", headers={"If-Range": "yesterday", "Range": "bytes=0-10"}, again=True
    )
    @example(route=at("directory:feed"), query="", headers={"If-Match": "*", "If-Unmodified-Since": "0"}, again=True)
    @example(
        route=at("directory:sitemap"), query="", headers={"If-None-Match": "\x80\xff", "Range": "\xff"}, again=True
    )
    def test_no_public_route_gives_a_server_error(self, client, world, page_cache, route, query, headers, again):
        _, path = route
        url = f"{path}?{query}"
        if again:
            # Ask once, then again with the answer's own validators beside the hostile headers: a real revalidation.
            first = client.get(url)
            assert_answered(first, (url,))
            validators = {"If-None-Match": first.get("ETag"), "If-Modified-Since": first.get("Last-Modified")}
            headers = {**{key: value for key, value in validators.items() if value}, **headers}
        for method in (client.get, client.head):
            response = method(url, headers=headers)
            assert_answered(response, (method.__name__, url, headers))
        preconditions = {"If-Match", "If-Unmodified-Since"} & set(headers)
        if again and first.get("ETag") and headers.get("If-None-Match") == first["ETag"] and not preconditions:
            # The page is unchanged, so its own ETag gets 304 whatever Range, If-Range or a bad date say beside it.
            assert response.status_code == 304, (url, headers)

    @settings(max_examples=100, **HYPOTHESIS)
    @given(on_page=st.one_of(st.just(""), st.sampled_from(WORLD["mutual"]), query_parts), post=correction_posts)
    @example(on_page="", post={"message": "The website moved.", "mutual": "fault-test-mutual-cic"})
    @example(on_page="", post={"message": "a\x00b", "email": "reader@example.org"})
    @example(on_page="", post={"message": "The website moved.", "mutual": "a\x00b"})
    @example(on_page="%00", post={"message": "The website moved."})
    @example(on_page="", post={"message": "x" * 4001})
    @example(on_page="", post={"message": "Moved.", "source_url": "javascript:alert(1)", "email": "not-an-address"})
    @example(on_page="", post={"message": "Moved.", "nickname": "robot"})
    @example(on_page="", post="message=%ff%fe&mutual=%00&=&&")
    def test_correction_posts_never_give_a_server_error_or_half_a_record(
        self, client, world, page_cache, on_page, post
    ):
        url = f"{reverse('directory:correction-create')}?mutual={on_page}"
        before = Correction.objects.count()
        if isinstance(post, str):
            response = client.post(url, post, content_type="application/x-www-form-urlencoded")
        else:
            response = client.post(url, post)
        assert response.status_code < 500, (url, post)
        saved = Correction.objects.count() - before
        if response.status_code == 302:
            assert saved == 1
            correction = Correction.objects.latest("pk")
            if isinstance(post, dict):
                assert correction.message == post["message"].strip()
            assert "\x00" not in correction.message + correction.email + correction.source_url
        else:
            assert (response.status_code, saved) == (200, 0), (url, post)
