"""Drafts stay private: no public address, in any format, shows a draft or anything known only through one.

The sweep reads every public route of the URLconf twice, before and after the drafts are added: each answer must be
the same, byte for byte once the per-request tokens are set aside, so that no name, slug, buyer, contract, source,
count or total comes from a draft; and no draft's words may appear anywhere.
"""

import difflib
import re
from decimal import Decimal

import html5lib
import pytest
from django.core.cache import caches
from django.urls import reverse

from directory.models import Commissioner, Contract, District, Mutual
from directory.openreferral import mapping
from directory.sitemaps import SITEMAPS
from mutuals_site.ops import dataversion
from tests.factories import (
    CommissionerFactory,
    ContractFactory,
    DistrictFactory,
    MutualFactory,
    RegionFactory,
    SectorFactory,
    SourceFactory,
)
from tests.public_urls import public_urls
from tests.streaming import body

pytestmark = pytest.mark.django_db

DRAFT = "hidden-draft-mutual-cic"
WITHDRAWN = "withdrawn-mutual-cic"
DRAFT_ONLY_BUYER = "confidential-borough-council"
SHARED_BUYER = "shared-county-council"
# Everything the drafts bring that only they have: none of it may appear on any public address.
SECRETS = [
    "Hidden Draft Mutual",
    DRAFT,
    "Withdrawn Mutual",
    WITHDRAWN,
    "Confidential Borough Council",
    DRAFT_ONLY_BUYER,
    "Withdrawn Buyer Trust",
    "withdrawn-buyer-trust",
    "Confidential draft service",
    "Secret service for a shared buyer",
    "Withdrawn service",
    "confidential-draft-source",
    "77,000,000",
    "77000000",
    "£77",
]
# Selections that mean the same before and after the drafts exist, each narrowed to where a draft would count.
QUERIES = [
    "status=all&sort=value",
    "sector=housing&status=all",
    "region=north-west&legal_form=charity&status=all",
    "funding=trading&status=all",
    f"commissioner={SHARED_BUYER}&status=all",
    "status=merged",
    "q=hidden",
    "area=camden&area=barnet&status=all",  # Barnet: only a draft names it.
    "bbox=-10,45,5,60&zoom=5&status=all",
    "bbox=-10,45,5,60&zoom=12&status=all",
]
# What changes from one request to the next whatever the data: the CSP nonce and the CSRF token.
PER_REQUEST = [
    (re.compile(rb'nonce="[^"]*"'), b'nonce="-"'),
    (re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"'), b'name="csrfmiddlewaretoken" value="-"'),
]


@pytest.fixture
def published():
    """The public directory: two sectors and regions in use, one of each that only drafts will use, and a buyer."""
    health, _ = SectorFactory(name="Health"), SectorFactory(name="Housing")
    london, _ = RegionFactory(name="London"), RegionFactory(name="North West")
    shared = CommissionerFactory(name="Shared County Council")
    clinic = MutualFactory(name="Open Clinic CIC", primary_sector=health, region=london, staff_count=120)
    ContractFactory(mutual=clinic, commissioner=shared, service="Community nursing", value_gbp=Decimal("2500000"))
    closed = MutualFactory(
        name="Closed Care Mutual", primary_sector=health, region=london, status=Mutual.Status.CLOSED, status_year=2020
    )
    ContractFactory(mutual=closed, commissioner=shared, service="Day care", start_year=2012, end_year=2019)
    MutualFactory(name="Unlocated Health Mutual", primary_sector=health, region=None, latitude=None, longitude=None)
    # Districts: one a published mutual serves, one only a draft will serve.
    served = DistrictFactory(name="Camden")
    DistrictFactory(name="Barnet")
    clinic.area_scope, clinic.area_basis = Mutual.AreaScope.LOCAL, Mutual.AreaBasis.SOURCE
    clinic.save()
    clinic.districts.add(served)
    return {"clinic": clinic.slug, "closed": closed.slug}


def add_drafts():
    """Drafts that would show in every count: in a sector, region, legal form, funding and status of their own."""
    housing, north_west = SectorFactory(name="Housing"), RegionFactory(name="North West")
    health, london = SectorFactory(name="Health"), RegionFactory(name="London")
    draft = MutualFactory(
        name="Hidden Draft Mutual CIC",
        primary_sector=housing,
        sectors=[health],
        region=north_west,
        legal_form=Mutual.LegalForm.CHARITY,
        status=Mutual.Status.MERGED,
        status_year=2024,
        staff_count=9999,
        year_spun_out=1999,
        is_published=False,
        source=None,
    )
    SourceFactory(mutual=draft, url="https://www.example.org/confidential-draft-source", title="Draft source")
    draft.area_scope, draft.area_basis = Mutual.AreaScope.LOCAL, Mutual.AreaBasis.CONTRACT
    draft.save()
    draft.districts.add(*District.objects.filter(slug__in=["camden", "barnet"]))
    ContractFactory(
        mutual=draft,
        commissioner=CommissionerFactory(name="Confidential Borough Council"),
        service="Confidential draft service",
        funding_type=Contract.FundingType.TRADING,
        value_gbp=Decimal("77000000"),
    )
    ContractFactory(
        mutual=draft,
        commissioner=Commissioner.objects.get(slug=SHARED_BUYER),
        service="Secret service for a shared buyer",
        value_gbp=Decimal("77000000"),
        end_year=None,
    )
    # Published once, then taken back to a draft: its history holds a published past.
    withdrawn = MutualFactory(name="Withdrawn Mutual CIC", primary_sector=health, region=london)
    ContractFactory(
        mutual=withdrawn,
        commissioner=CommissionerFactory(name="Withdrawn Buyer Trust"),
        service="Withdrawn service",
        funding_type=Contract.FundingType.TRADING,
    )
    withdrawn.is_published = False
    withdrawn.save()


def path_values(published):
    return {
        "mutual": [published["clinic"], published["closed"], DRAFT, WITHDRAWN],
        "sector": ["health", "housing"],
        "region": ["london", "north-west"],
        "commissioner": [SHARED_BUYER, DRAFT_ONLY_BUYER, "withdrawn-buyer-trust"],
        "area": [district.slug for district in District.objects.all()],
        "section": list(SITEMAPS),
        "rest": [f"mutuals/{DRAFT}/", "commissioners/"],
        "number": [0],
        "record_id": [
            mapping.identifier(kind, slug)
            for kind in ("service", "organization", "service-at-location")
            for slug in (published["clinic"], DRAFT, WITHDRAWN)
        ],
    }


# The dataset page and its download name the data version, which every change to directory data moves on, drafts'
# included: they answer with a new version, not with the drafts (tests/test_dataset.py checks what the zip holds).
VERSIONED = {"directory:dataset", "directory:dataset-download", "directory:dataset-latest"}


def position_in(slug):
    """Return the query of "Use my location" for a point inside the district: its box's centre (the boxes are squares)."""
    district = District.objects.get(slug=slug)
    return f"lat={(district.south + district.north) / 2}&lon={(district.west + district.east) / 2}"


def addresses(published):
    # "Use my location" needs a position (without one it answers 400): one in the district a published mutual serves.
    queries = {"directory:area-at": [position_in("camden")]}
    return [
        address
        for name, path in public_urls(path_values(published))
        if name not in VERSIONED
        for address in [
            *([] if name in queries else [path]),
            *(f"{path}?{query}" for query in queries.get(name, QUERIES)),
        ]
    ]


def read_all(client, urls):
    """Return every address's status, type and body, computed afresh (no cached counts), per-request tokens blanked."""
    for cache in caches.all():
        cache.clear()
    dataversion.forget()
    answers = {}
    for url in urls:
        response = client.get(url, follow=True)
        content = body(response)
        for pattern, blank in PER_REQUEST:
            content = pattern.sub(blank, content)
        answers[url] = (response.status_code, response["Content-Type"].split(";")[0], content)
    return answers


def difference(before, after):
    lines = difflib.unified_diff(
        before.decode(errors="replace").splitlines(), after.decode(errors="replace").splitlines(), lineterm="", n=1
    )
    return "\n".join(list(lines)[:40])


class DraftLeakSweepTests:
    # The map draws a small selection whole, and a large one (above the limit) in groups loaded by area.
    @pytest.mark.parametrize("points_limit", [500, 1], ids=["small-map", "large-map"])
    def test_no_public_address_changes_in_any_way_when_drafts_are_added(
        self, client, published, settings, points_limit
    ):
        settings.DIRECTORY = {**settings.DIRECTORY, "MAP_POINTS_LIMIT": points_limit}
        urls = addresses(published)
        before = read_all(client, urls)
        add_drafts()
        after = read_all(client, urls)
        problems = {}
        for url in urls:
            status, _, content = after[url]
            text = content.decode(errors="replace").lower()
            if status not in (200, 404):
                problems[url] = f"status {status}"
            # An address that names a draft is echoed by its 404 page: that tells the visitor only what they sent.
            elif shown := [secret for secret in SECRETS if secret.lower() in text and secret not in url]:
                problems[url] = f"shows {shown}"
            elif after[url] != before[url]:
                problems[url] = f"status {before[url][0]} then {status}\n{difference(before[url][2], content)}"
        assert problems == {}, "\n\n".join(f"{url}: {problem}" for url, problem in problems.items())
        # The sweep read every kind of answer: HTML, CSV, JSON, GeoJSON, the feed and the sitemaps, found and not.
        assert {"text/html", "text/csv", "application/json", "application/geo+json", "application/xml"} <= {
            kind for _, kind, _ in after.values()
        }
        assert any(kind.startswith("application/atom") for _, kind, _ in after.values())
        assert {status for status, _, _ in after.values()} == {200, 404}
        statuses = {url: status for url, (status, _, _) in after.items()}
        assert statuses[reverse("directory:commissioner-detail", kwargs={"slug": SHARED_BUYER})] == 200
        assert statuses[reverse("directory:commissioner-detail", kwargs={"slug": DRAFT_ONLY_BUYER})] == 404
        assert statuses[reverse("directory:mutual-detail", kwargs={"slug": DRAFT})] == 404

    def test_the_sweep_sees_a_leak(self, client, published, settings):
        """Guard the guard: once the draft is published, the answers change (the map's groups too) and name it."""
        settings.DIRECTORY = {**settings.DIRECTORY, "MAP_POINTS_LIMIT": 1}
        listing = reverse("directory:mutual-list") + "?status=all&sort=value"
        csv = reverse("directory:mutual-csv") + "?status=all&sort=value"
        groups = reverse("directory:mutual-geojson") + "?bbox=-10,45,5,60&zoom=5&status=all"
        urls = [listing, csv, groups, reverse("directory:mutual-detail", kwargs={"slug": DRAFT})]
        before = read_all(client, urls)
        add_drafts()
        Mutual.objects.filter(slug=DRAFT).update(is_published=True)
        after = read_all(client, urls)
        assert [url for url in urls if after[url] == before[url]] == []
        assert b'"clustered": true' in after[groups][2]
        assert [url for url in urls if b"Hidden Draft Mutual" not in after[url][2]] in ([], [groups])


def buyer_menu(response):
    """Return the slugs the Buyer list of the filter form offers."""
    document = html5lib.parse(response.content, namespaceHTMLElements=False)
    select = next(element for element in document.iter("select") if element.get("name") == "commissioner")
    return [option.get("value") for option in select.iter("option") if option.get("value")]


@pytest.fixture
def buyers(published):
    add_drafts()


class BuyerMenuTests:
    @pytest.mark.parametrize("page", ["directory:mutual-list", "directory:mutual-map"])
    def test_names_only_buyers_of_published_mutuals(self, client, buyers, page):
        assert buyer_menu(client.get(reverse(page))) == [SHARED_BUYER]

    @pytest.mark.parametrize("page", ["directory:mutual-list", "directory:mutual-map"])
    @pytest.mark.parametrize("buyer", [DRAFT_ONLY_BUYER, "withdrawn-buyer-trust"])
    def test_a_buyer_known_only_through_a_draft_is_ignored_like_an_unknown_one(self, client, buyers, page, buyer):
        unknown = client.get(reverse(page), {"commissioner": "no-such-buyer"})
        draft_only = client.get(reverse(page), {"commissioner": buyer})
        assert draft_only.context["ignored"] == [
            message.replace("no-such-buyer", buyer) for message in unknown.context["ignored"]
        ]
        assert draft_only.context["ignored"] == [f"Ignored buyer “{buyer}”: it is not one of the options."]

    @pytest.mark.parametrize(
        "route",
        ["directory:mutual-csv", "directory:mutual-json", "directory:mutual-geojson", "directory:api-mutual-list"],
    )
    def test_data_formats_refuse_a_buyer_known_only_through_a_draft_like_an_unknown_one(self, client, buyers, route):
        unknown = client.get(reverse(route), {"commissioner": "no-such-buyer"})
        draft_only = client.get(reverse(route), {"commissioner": DRAFT_ONLY_BUYER})
        assert (draft_only.status_code, unknown.status_code) == (400, 400)
        assert draft_only.json() == {
            "errors": [
                {**error, "message": error["message"].replace("no-such-buyer", DRAFT_ONLY_BUYER)}
                for error in unknown.json()["errors"]
            ]
        }
