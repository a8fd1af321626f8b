"""The public records: what the JSON, the CSV, the API, its OpenAPI schemas and the change feed say of each record.

A mutual's public record is declared once, in FACTS: each fact's JSON key and value, its schema, the CSV columns made
from it and the model fields behind it. Adding a public field is one Fact here (and its test).
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from .models import ORG_ID_PATTERN, Commissioner, Contract, Mutual
from .schema import (
    AMOUNT,
    BOOLEAN,
    COUNT,
    DEGREES,
    MONEY,
    NULLABLE_YEAR,
    ONS_REGION,
    TEXT,
    URL,
    array,
    nullable,
    obj,
    ref,
    string,
)

SLUG_MARK = "0slug0"
SEPARATOR = "; "


def slug_url(request, name, slug):
    """Return the absolute address of the page `name` for `slug`, reversing the URL pattern once per request.

    The downloads give 100,000 mutuals two or three addresses each, and reverse() costs more than the rest of a record.
    """
    parts = request.__dict__.setdefault("_slug_urls", {})
    if name not in parts:
        head, tail = path_around_slug(name)
        parts[name] = (request.build_absolute_uri(head), tail)
    head, tail = parts[name]
    return f"{head}{slug}{tail}"


def path_around_slug(name):
    """Return the path of the page `name` as the parts before and after its slug, to build many paths from one reverse()."""
    head, tail = reverse(name, kwargs={"slug": SLUG_MARK}).split(SLUG_MARK)
    return head, tail


def text(value):
    """Return the text, or None where it is not known (blank)."""
    return value or None


def money(value):
    """Return pounds as a decimal string with pence, e.g. '1000000.00', so no float rounding creeps in."""
    return None if value is None else f"{value:.2f}"


def date(value):
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class Column:
    """A column of the CSV download, made from its fact's JSON value."""

    name: str
    cell: Callable[[Any], Any]
    description: str
    schema: dict | None = None  # The cell's JSON Schema, where it is not its fact's (the data package's field types).


@dataclass(frozen=True)
class Fact:
    """One fact of a mutual's public record."""

    key: str
    value: Callable  # (mutual, request) -> the JSON value
    schema: dict | None  # None: not in the JSON record (a CSV column only)
    columns: tuple = ()
    fields: tuple = ()  # The model fields it shows: a change to one is a public change (the feed).

    @classmethod
    def plain(cls, name, schema, description, csv=True, value=None):
        """Return the fact of one model field, shown as it is (blank text as null), in a CSV column of its name."""
        read = value or (lambda mutual, request: getattr(mutual, name))
        return cls(name, read, schema, (Column(name, same, description),) if csv else (), (name,))


def same(value):
    return value


def region_reference(region):
    if region is None:
        return None
    return {"slug": region.slug, "name": region.name, "ons_code": region.ons_code}


def commissioner_reference(commissioner, request):
    if commissioner is None:
        return None
    return {
        "slug": commissioner.slug,
        "name": commissioner.name,
        "kind": commissioner.kind,
        "url": slug_url(request, "directory:commissioner-detail", commissioner.slug),
    }


def mutual_reference(mutual, request):
    return {
        "slug": mutual.slug,
        "name": mutual.name,
        "status": mutual.status,
        "url": slug_url(request, "directory:mutual-detail", mutual.slug),
        "api_url": slug_url(request, "directory:api-mutual-detail", mutual.slug),
    }


def location(mutual):
    if not mutual.has_location:
        return None
    return {
        "latitude": mutual.latitude,
        "longitude": mutual.longitude,
        "basis": text(mutual.location_basis),
        "approximate": mutual.location_is_approximate,
        "note": text(mutual.location_note),
    }


def areas(mutual):
    """Return where the mutual works and how that was found, or None where it is not known."""
    if not mutual.area_scope:
        return None
    return {
        "scope": mutual.area_scope,
        "districts": [{"slug": district.slug, "name": district.name} for district in mutual.districts.all()],
        "basis": mutual.area_basis,
        "basis_label": mutual.get_area_basis_display(),
        "basis_detail": text(mutual.area_basis_detail),
        "source_urls": mutual.area_source_urls.split(),
        "quote": text(mutual.area_quote),
    }


def contract_facts(contract):
    return {
        "service": contract.service,
        "value_gbp": money(contract.value_gbp),
        "value_basis": contract.value_basis,
        "annual_value_gbp": money(contract.annual_value_gbp),
        "annual_value_is_estimate": contract.annual_value_is_derived,
        "start_year": contract.start_year,
        "end_year": contract.end_year,
        "funding_type": contract.funding_type,
        "funding_detail": text(contract.funding_detail),
        "source_url": text(contract.source_url),
        "source_quote": text(contract.source_quote),
    }


def contract_line(contract):
    """Return a contract record in one line, e.g. 'Leeds City Council: 22000000.00 GBP annual, 2015-2020, Support'."""
    buyer = contract["commissioner"]["name"] if contract["commissioner"] else "buyer not known"
    value = (
        "value not known"
        if contract["value_gbp"] is None
        else f"{contract['value_gbp']} GBP {contract['value_basis']}"
    )
    years = f"{contract['start_year'] or '?'}-{contract['end_year'] or '?'}"
    return f"{buyer}: {value}, {years}, {contract['service']}"


def part(key):
    """Return a cell reading `key` of an object value that may be null."""
    return lambda value: None if value is None else value[key]


def joined(read):
    return lambda values: SEPARATOR.join(read(value) for value in values)


CONTRACT_FACTS = {
    "service": string(),
    "value_gbp": MONEY,
    "value_basis": string(enum=Contract.ValueBasis.values),
    "annual_value_gbp": nullable(string(pattern=AMOUNT, description="One year's value, where the data allows it.")),
    "annual_value_is_estimate": {"type": "boolean", "description": "Whole-life value divided by the years."},
    "start_year": NULLABLE_YEAR,
    "end_year": NULLABLE_YEAR,
    "funding_type": string(enum=Contract.FundingType.values),
    "funding_detail": TEXT,
    "source_url": nullable(URL),
    "source_quote": TEXT,
}


def blank_as_null(name):
    return lambda mutual, request: text(getattr(mutual, name))


def plain_text(name, description, csv=True):
    return Fact.plain(name, TEXT, description, csv, value=blank_as_null(name))


FACTS = (
    Fact.plain("name", string(), "the mutual's name"),
    Fact.plain("slug", string(), "its stable identifier in this directory"),
    Fact(
        "url",
        lambda mutual, request: slug_url(request, "directory:mutual-detail", mutual.slug),
        URL,
        (Column("url", same, "its page"),),
    ),
    Fact("api_url", lambda mutual, request: slug_url(request, "directory:api-mutual-detail", mutual.slug), URL),
    plain_text("summary", "one sentence on what it does"),
    plain_text("services", "", csv=False),
    Fact.plain("status", string(enum=Mutual.Status.values), "`active`, `closed`, `merged` or `returned-in-house`"),
    Fact.plain("status_year", NULLABLE_YEAR, "when it closed, merged or returned in-house"),
    plain_text("status_note", "what happened"),
    Fact.plain("evidence", string(enum=Mutual.Evidence.values), "`psm`, `staff-control-unconfirmed` or `borderline`"),
    plain_text("notes", "", csv=False),
    Fact(
        "primary_sector",
        lambda mutual, request: mutual.primary_sector.slug,
        string(),
        (Column("primary_sector", same, "slug of its main sector"),),
        ("primary_sector",),
    ),
    Fact(
        "sectors",
        lambda mutual, request: [{"slug": sector.slug, "name": sector.name} for sector in mutual.sectors.all()],
        array(ref("SectorReference"), minItems=1),
        (Column("sectors", joined(part("slug")), "slugs of all its sectors, `; `-separated", string()),),
    ),
    plain_text("sector_detail", "", csv=False),
    Fact(
        "region",
        lambda mutual, request: region_reference(mutual.region),
        nullable(ref("RegionReference")),
        (
            Column("region", part("name"), "ONS region name", TEXT),
            Column("region_ons_code", part("ons_code"), "ONS region code, e.g. `E12000002`", nullable(ONS_REGION)),
        ),
        ("region",),
    ),
    Fact(
        "areas",
        lambda mutual, request: areas(mutual),
        nullable(ref("Areas")),
        (
            Column(
                "area_scope",
                part("scope"),
                "where it works: `local`, `county`, `multi-regional` or `national`; empty if not known",
                nullable(string(enum=Mutual.AreaScope.values)),
            ),
            Column(
                "areas_served",
                lambda value: None if value is None else joined(part("name"))(value["districts"]),
                "the local authority districts it serves (ONS names), `; `-separated; empty for multi-regional and "
                "national mutuals",
                TEXT,
            ),
            Column(
                "area_basis",
                part("basis"),
                "how its areas were found: `source`, `parent-body` or `contract`",
                nullable(string(enum=Mutual.AreaBasis.values)),
            ),
            Column("area_basis_detail", part("basis_detail"), "how its areas were found, in words", TEXT),
            Column(
                "area_source_urls",
                lambda value: None if value is None else SEPARATOR.join(value["source_urls"]),
                "the pages that show where it works, `; `-separated",
                TEXT,
            ),
        ),
        ("area_scope", "area_basis", "area_basis_detail", "area_source_urls", "area_quote"),
    ),
    plain_text("town", "town or area"),
    plain_text("postcode", "registered office postcode"),
    Fact(
        "location",
        lambda mutual, request: location(mutual),
        nullable(ref("Location")),
        (
            Column("latitude", part("latitude"), "decimal degrees", nullable(DEGREES)),
            Column("longitude", part("longitude"), "decimal degrees", nullable(DEGREES)),
            Column(
                "location_basis",
                part("basis"),
                "`address`, `postcode` or `town-centre`",
                nullable(string(enum=Mutual.LocationBasis.values)),
            ),
            Column(
                "location_approximate",
                lambda value: bool(value and value["approximate"]),
                "`true` unless the coordinates are a street address",
                BOOLEAN,
            ),
        ),
        ("latitude", "longitude", "location_basis", "location_note"),
    ),
    Fact.plain("website", nullable(URL), "its website", value=blank_as_null("website")),
    Fact.plain(
        "legal_form",
        nullable(string(enum=Mutual.LegalForm.values)),
        "e.g. `community-interest-company`",
        value=blank_as_null("legal_form"),
    ),
    plain_text("ownership_detail", "how staff own or control it, in the sources' words"),
    Fact(
        "org_id",
        lambda mutual, request: text(mutual.org_id),
        nullable(string(pattern=ORG_ID_PATTERN, description="Org-ID identifier.")),
        (Column("org_id", same, "Org-ID identifier, e.g. `GB-COH-07584906`"),),
    ),
    Fact.plain(
        "register",
        nullable(string(enum=Mutual.Register.values)),
        "",
        csv=False,
        value=blank_as_null("register"),
    ),
    plain_text("registration_number", "", csv=False),
    Fact.plain("year_spun_out", NULLABLE_YEAR, "year it left the public sector"),
    plain_text("parent_body", "the public body it spun out of"),
    Fact.plain("staff_count", nullable(COUNT), "staff, where the sources give one figure"),
    plain_text("staff_count_detail", "staff, in the sources' words"),
    Fact.plain(
        "turnover_gbp",
        MONEY,
        "latest annual turnover, pounds",
        value=lambda mutual, request: money(mutual.turnover_gbp),
    ),
    plain_text("turnover_period", "the turnover's year, in the sources' words"),
    Fact(
        "annual_value_gbp",
        lambda mutual, request: money(mutual.annual_value),
        nullable(
            string(
                pattern=AMOUNT,
                description="Known annual contract value: the sum of current contracts' annual equivalents.",
            )
        ),
        (Column("annual_value_gbp", same, "known annual contract value, pounds (section 2)"),),
    ),
    Fact(
        "next_contract_end_year",
        lambda mutual, request: mutual.next_contract_end,
        None,
        (
            Column(
                "next_contract_end_year",
                same,
                "the earliest end year, this year or later, of its current contracts",
                NULLABLE_YEAR,
            ),
        ),
    ),
    Fact(
        "contracts",
        lambda mutual, request: [
            {"commissioner": commissioner_reference(contract.commissioner, request), **contract_facts(contract)}
            for contract in mutual.contracts.all()
        ],
        array(ref("Contract")),
        (
            Column(
                "contracts",
                joined(contract_line),
                "each contract as `buyer: value GBP basis, start-end, service`, `; `-separated (the JSON has them as fields)",
                TEXT,
            ),
        ),
    ),
    Fact(
        "sources",
        lambda mutual, request: [
            {"url": source.url, "title": text(source.title), "backs": text(source.backs)}
            for source in mutual.sources.all()
        ],
        array(ref("Source")),
        (Column("source_urls", joined(part("url")), "its sources, `; `-separated", TEXT),),
    ),
    Fact.plain(
        "last_verified",
        nullable(string(format="date")),
        "date an editor last checked it",
        value=lambda mutual, request: date(mutual.last_verified),
    ),
    Fact.plain(
        "last_verified_by",
        nullable(string(enum=Mutual.VerifiedBy.values)),
        "who last checked it, as a role: `researchers` (the directory's) or `editor`",
        value=lambda mutual, request: mutual.last_verified_by if mutual.last_verified else None,
    ),
    Fact(
        "updated_at",
        lambda mutual, request: mutual.updated_at.isoformat(),
        string(format="date-time"),
        (Column("updated_at", same, "when the record last changed"),),
    ),
)
FACTS_BY_KEY = {fact.key: fact for fact in FACTS}
JSON_FACTS = tuple(fact for fact in FACTS if fact.schema is not None)
CREDIT_COLUMNS = (
    Column("licence", same, "the data licence's address", URL),
    Column("attribution", same, "the credit line to show when reusing the data", string()),
)
COLUMNS = (
    tuple(replace(column, schema=column.schema or fact.schema) for fact in FACTS for column in fact.columns)
    + CREDIT_COLUMNS
)
# The model fields whose change is a change to the public record.
PUBLIC_FIELDS = tuple(name for fact in FACTS for name in fact.fields)


def mutual_record(mutual, request):
    """Return a published mutual with every fact its page shows; unknown facts are None."""
    return {fact.key: fact.value(mutual, request) for fact in JSON_FACTS}


def mutual_row(mutual, request, credit):
    """Return a published mutual as the CSV's cells by column (the mutual needs its next_contract_end annotation)."""
    row = {}
    for fact in FACTS:
        if fact.columns:
            value = fact.value(mutual, request)
            row.update((column.name, column.cell(value)) for column in fact.columns)
    return row | credit


def mutual_schema():
    """Return the OpenAPI schema of a mutual's record."""
    return obj("A published mutual. Unknown facts are null.", **{fact.key: fact.schema for fact in JSON_FACTS})


def licence():
    """Return the data licence as the JSON formats state it."""
    return {"name": settings.DIRECTORY["DATA_LICENCE"], "url": settings.DIRECTORY["DATA_LICENCE_URL"]}


def attribution(request):
    """Return the credit line that anyone reusing the data should show."""
    home = request.build_absolute_uri(reverse("directory:home"))
    return (
        f"{settings.DIRECTORY['SITE_NAME']} ({home}), under the {settings.DIRECTORY['DATA_LICENCE']}. "
        "Each record lists the public sources its facts come from."
    )


def licensed(request, **payload):
    """Return the payload under top-level `licence` and `attribution` keys."""
    return {"licence": licence(), "attribution": attribution(request), **payload}


def credit(request):
    """Return the CSV's licence and attribution cells, the same on every row."""
    return {"licence": settings.DIRECTORY["DATA_LICENCE_URL"], "attribution": attribution(request)}


def sector_record(sector, request):
    """Return a sector with its page, its mutuals in the API and how many active mutuals it has."""
    return {
        "slug": sector.slug,
        "name": sector.name,
        "description": text(sector.description),
        "active_mutuals": sector.active_count,
        "url": request.build_absolute_uri(sector.get_absolute_url()),
        "mutuals_api_url": mutuals_api_url(request, sector=sector.slug),
    }


def region_record(region, request):
    """Return a region with its ONS code, its page, its mutuals in the API and how many active mutuals it has."""
    return {
        **region_reference(region),
        "active_mutuals": region.active_count,
        "url": request.build_absolute_uri(region.get_absolute_url()),
        "mutuals_api_url": mutuals_api_url(request, region=region.slug),
    }


def commissioner_record(commissioner, request):
    """Return a buyer with the published mutuals it buys from and the contracts' values."""
    return {
        **commissioner_reference(commissioner, request),
        "mutuals_api_url": mutuals_api_url(request, commissioner=commissioner.slug, status="all"),
        "contracts": [
            {"mutual": mutual_reference(contract.mutual, request), **contract_facts(contract)}
            for contract in commissioner.published_contracts
        ],
    }


def mutuals_api_url(request, **query):
    return request.build_absolute_uri(f"{reverse('directory:api-mutual-list')}?{urlencode(query)}")


SCHEMAS = {
    "Licence": obj(name=string(), url=URL),
    "SectorReference": obj(slug=string(), name=string()),
    "RegionReference": obj(slug=string(), name=string(), ons_code=ONS_REGION),
    "CommissionerReference": obj(slug=string(), name=string(), kind=string(enum=Commissioner.Kind.values), url=URL),
    "MutualReference": obj(
        slug=string(), name=string(), status=string(enum=Mutual.Status.values), url=URL, api_url=URL
    ),
    "Location": obj(
        "Where the mutual is; `approximate` is true unless it is a street address.",
        latitude=DEGREES,
        longitude=DEGREES,
        basis=nullable(string(enum=Mutual.LocationBasis.values)),
        approximate=BOOLEAN,
        note=TEXT,
    ),
    "DistrictReference": obj(slug=string(), name=string()),
    "Areas": obj(
        "Where the mutual delivers its services, and how that was found. Multi-regional and national mutuals name no "
        "districts. Areas change over time: `basis_detail` gives the sources' dates where known.",
        scope=string(enum=Mutual.AreaScope.values),
        districts=array(ref("DistrictReference")),
        basis=string(enum=Mutual.AreaBasis.values),
        basis_label=string(),
        basis_detail=TEXT,
        source_urls=array(URL),
        quote=TEXT,
    ),
    "Contract": obj(commissioner=nullable(ref("CommissionerReference")), **CONTRACT_FACTS),
    "CommissionerContract": obj(mutual=ref("MutualReference"), **CONTRACT_FACTS),
    "Source": obj(url=URL, title=TEXT, backs=TEXT),
    "Mutual": mutual_schema(),
    "Sector": obj(slug=string(), name=string(), description=TEXT, active_mutuals=COUNT, url=URL, mutuals_api_url=URL),
    "Region": obj(
        slug=string(),
        name=string(),
        ons_code=ONS_REGION,
        active_mutuals=COUNT,
        url=URL,
        mutuals_api_url=URL,
    ),
    "Commissioner": obj(
        slug=string(),
        name=string(),
        kind=string(enum=Commissioner.Kind.values),
        url=URL,
        mutuals_api_url=URL,
        contracts=array(ref("CommissionerContract")),
    ),
}
