"""A small directory for the accessibility tests and the users' journeys: enough mutuals for every page type."""

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from directory.models import Commissioner, Contract, Mutual
from tests.factories import (
    CommissionerFactory,
    ContractFactory,
    MutualFactory,
    PublishedFigureFactory,
    RegionFactory,
    SectorFactory,
    SourceFactory,
)

# More than a page (25) of health mutuals in London, so the listing paginates and the CSV must hold every page.
LONDON_BOROUGHS = [
    ("Barnet", 51.625, -0.152),
    ("Bexley", 51.441, 0.150),
    ("Brent", 51.559, -0.282),
    ("Bromley", 51.406, 0.015),
    ("Camden", 51.539, -0.143),
    ("Croydon", 51.372, -0.101),
    ("Ealing", 51.513, -0.305),
    ("Enfield", 51.652, -0.081),
    ("Greenwich", 51.478, 0.010),
    ("Hackney", 51.545, -0.055),
    ("Haringey", 51.589, -0.108),
    ("Harrow", 51.580, -0.334),
    ("Havering", 51.577, 0.183),
    ("Hillingdon", 51.533, -0.452),
    ("Hounslow", 51.468, -0.361),
    ("Islington", 51.538, -0.102),
    ("Kingston", 51.412, -0.301),
    ("Lambeth", 51.457, -0.123),
    ("Lewisham", 51.445, -0.021),
    ("Merton", 51.410, -0.188),
    ("Newham", 51.525, 0.035),
    ("Redbridge", 51.559, 0.070),
    ("Richmond", 51.461, -0.304),
    ("Southwark", 51.503, -0.088),
    ("Sutton", 51.360, -0.191),
    ("Wandsworth", 51.457, -0.192),
]
# Annual contract values (pounds) for some of them, so that sorting by value has something to sort.
VALUES = {"Croydon": 24_500_000, "Camden": 18_000_000, "Lambeth": 9_750_000, "Barnet": 4_200_000, "Ealing": 650_000}


@dataclass
class World:
    health_london: int
    detail: Mutual
    closed: Mutual
    unlocated: Mutual
    buyer: Commissioner


def build_world():
    """Create regions, sectors, buyers, about thirty published mutuals (one closed, one without a location) and a draft."""
    london, north_west, yorkshire = (
        RegionFactory(name=name) for name in ("London", "North West", "Yorkshire and The Humber")
    )
    health, care, libraries, leisure = (
        SectorFactory(name=name) for name in ("Health", "Adult social care", "Libraries", "Leisure")
    )
    icb = CommissionerFactory(name="NHS North Central London ICB", kind=Commissioner.Kind.NHS)
    council = CommissionerFactory(name="London Borough of Camden")
    for borough, latitude, longitude in LONDON_BOROUGHS:
        mutual = MutualFactory(
            name=f"{borough} Community Health CIC",
            summary=f"Community nursing, therapies and health visiting for people in {borough}.",
            primary_sector=health,
            sectors=[care] if borough in ("Camden", "Hackney") else [],
            region=london,
            town=borough,
            latitude=latitude,
            longitude=longitude,
            location_note=f"town centre ({borough})",
            parent_body=f"NHS {borough}",
            staff_count=120 + len(borough) * 10,
        )
        if borough in VALUES:
            ContractFactory(
                mutual=mutual,
                commissioner=icb if borough != "Camden" else council,
                service=f"Community health services in {borough}",
                value_gbp=Decimal(VALUES[borough]),
            )
    detail = MutualFactory(
        name="York Leisure Trust",
        summary="Leisure centres, swimming pools and sports development for the City of York.",
        primary_sector=leisure,
        region=yorkshire,
        town="York",
        latitude=53.96,
        longitude=-1.08,
        location_note="town centre (York)",
        legal_form=Mutual.LegalForm.CBS,
        year_spun_out=2014,
        parent_body="City of York Council",
        staff_count=310,
        ownership_detail="Community benefit society owned by its staff and members.",
        website="https://www.example.org/york-leisure",
    )
    SourceFactory(mutual=detail, title="City of York Council: leisure services transfer to staff-led trust")
    ContractFactory(
        mutual=detail,
        commissioner=CommissionerFactory(name="City of York Council"),
        service="Leisure centres and swimming pools",
        value_gbp=Decimal("14000000"),
        value_basis=Contract.ValueBasis.WHOLE_LIFE,
        start_year=2024,
        end_year=2034,
    )
    MutualFactory(
        name="Bolton Libraries Mutual",
        summary="Public libraries and the home library service in Bolton.",
        primary_sector=libraries,
        region=north_west,
        town="Bolton",
        latitude=53.58,
        longitude=-2.43,
        location_note="town centre (Bolton)",
    )
    closed = MutualFactory(
        name="Salford Care Co-operative",
        summary="Home care and day services for older people in Salford.",
        primary_sector=care,
        region=north_west,
        town="Salford",
        latitude=53.49,
        longitude=-2.29,
        status=Mutual.Status.CLOSED,
        status_year=2022,
        status_note="Its contract ended and the council took the service back.",
        evidence=Mutual.Evidence.UNCONFIRMED,
    )
    unlocated = MutualFactory(
        name="Leeds Health Partnership",
        summary="Community health services across Leeds.",
        primary_sector=health,
        region=yorkshire,
        town="",
        latitude=None,
        longitude=None,
        location_basis="",
        location_note="",
    )
    MutualFactory(name="Wigan Youth Mutual", region=north_west, primary_sector=care, is_published=False)
    PublishedFigureFactory()
    PublishedFigureFactory(
        figure="services_value",
        value=Decimal("1600000000"),
        unit="GBP a year",
        wording="Public service mutuals deliver around £1.6 billion of public services a year",
    )
    return World(health_london=len(LONDON_BOROUGHS), detail=detail, closed=closed, unlocated=unlocated, buyer=icb)


PAGE_NAMES = [
    "home",
    "listing",
    "listing-filtered",
    "listing-ignored",
    "mutual",
    "mutual-closed",
    "mutual-unlocated",
    "map",
    "map-filtered",
    "stats",
    "about",
    "accessibility",
    "api",
    "sectors",
    "sector",
    "regions",
    "region",
    "buyers",
    "buyer",
    "correction",
    "suggestion",
    "data",
    "embed-map",
    "embed-list",
    "not-found",
]
# Pages for other sites to frame: the frame is their chrome, so they have no header, menu or skip link to the main
# content (tests/browser/test_embed.py checks their own structure).
EMBEDDED = ["embed-map", "embed-list"]


def page_types(world):
    """Return every kind of public page, by name: the address to open and whether it draws a map."""
    list_url = reverse("directory:mutual-list")
    return {
        "home": reverse("directory:home"),
        "listing": list_url,
        "listing-filtered": f"{list_url}?sector=health&region=london&sort=value&page=2",
        "listing-ignored": f"{list_url}?value_min=lots&page=-1&sector=nope",
        "mutual": world.detail.get_absolute_url(),
        "mutual-closed": world.closed.get_absolute_url(),
        "mutual-unlocated": world.unlocated.get_absolute_url(),
        "map": reverse("directory:mutual-map"),
        "map-filtered": f"{reverse('directory:mutual-map')}?sector=health&region=london",
        "stats": reverse("directory:stats"),
        "about": reverse("directory:about"),
        "accessibility": reverse("directory:accessibility"),
        "api": reverse("directory:api"),
        "sectors": reverse("directory:sector-list"),
        "sector": reverse("directory:sector-detail", kwargs={"slug": "health"}),
        "regions": reverse("directory:region-list"),
        "region": reverse("directory:region-detail", kwargs={"slug": "london"}),
        "buyers": reverse("directory:commissioner-list"),
        "buyer": world.buyer.get_absolute_url(),
        "correction": f"{reverse('directory:correction-create')}?mutual={world.detail.slug}",
        "suggestion": reverse("directory:suggestion-create"),
        "data": reverse("directory:dataset"),
        "embed-map": f"{reverse('directory:embed-map')}?sector=health",
        "embed-list": f"{reverse('directory:embed-list')}?sector=health",
        "not-found": reverse("directory:mutual-detail", kwargs={"slug": "no-such-mutual"}),
    }
