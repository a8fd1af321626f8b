"""The OpenAPI 3.1 description of the JSON API and the exports, written by hand and checked against real responses."""

from django.conf import settings
from django.urls import reverse

from .filters import ALL_STATUSES, MAX_MONEY, SORTS
from .maps import BOUNDARIES_CREDIT
from .models import Contract, Mutual
from .pagination import MAX_API_PAGE_SIZE, PAGE_SIZE
from .records import COLUMNS, SCHEMAS
from .schema import COUNT, URL, YEAR, array, nullable, obj, ref, string


def document(request):
    """Return the OpenAPI document, with this site as its server so that its examples are real addresses."""
    base = request.build_absolute_uri(reverse("directory:home")).rstrip("/")
    example = Examples(base)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.DIRECTORY['SITE_NAME']} API",
            "version": "1.0.0",
            "summary": "England's public service mutuals as open data: read-only, no key needed.",
            "description": (
                "Every list takes the listing's query parameters, so any selection made on the site can be fetched "
                "as JSON or CSV. Only published records appear. Money is in pounds, as a decimal string. Unknown "
                "facts are null. Locations whose `approximate` is true are town centres, not addresses. A parameter "
                "that makes no sense gets a 400 answer naming it. Data under the "
                f"{settings.DIRECTORY['DATA_LICENCE']}: credit the directory and the sources each record lists."
            ),
            "license": {"name": settings.DIRECTORY["DATA_LICENCE"], "url": settings.DIRECTORY["DATA_LICENCE_URL"]},
        },
        "servers": [{"url": base}],
        "tags": [
            {"name": "mutuals", "description": "The directory's records, filtered like the listing."},
            {"name": "exports", "description": "A whole selection in one file, for spreadsheets and downloads."},
            {"name": "reference", "description": "The sectors, regions and buyers that mutuals are filtered by."},
            {"name": "dataset", "description": "The whole dataset as one versioned download (see /data/)."},
            {
                "name": "openreferral",
                "description": "The published mutuals in Open Referral UK (HSDS 3.0, UK profile), for councils' "
                "service directories. Its own OpenAPI document describes every path.",
                "externalDocs": {"url": f"{base}{reverse('directory:openreferral-openapi')}"},
            },
        ],
        "paths": {
            "/api/mutuals/": get(
                "listMutuals",
                "mutuals",
                "Published mutuals, a page at a time",
                "The listing's selection, with `page`, `page_size` and `modified_after`. Like the listing, only "
                "active mutuals unless `status` says otherwise; use `status=all` to keep a full copy in step.",
                [*SELECTION_PARAMETERS, "page", "page_size", "modified_after"],
                json_response("MutualPage", example.mutual_page()),
                {"400": errors_response(example)},
            ),
            "/api/mutuals/{slug}/": get(
                "getMutual",
                "mutuals",
                "One published mutual",
                "Every fact the mutual's page shows, with its sources and contracts.",
                ["slug"],
                json_response("MutualDocument", example.mutual_document()),
                {"404": not_found_response(example)},
            ),
            "/api/sectors/": get(
                "listSectors",
                "reference",
                "Sectors",
                "Every sector, with how many active mutuals work in it.",
                [],
                json_response("SectorList", example.sector_list()),
            ),
            "/api/regions/": get(
                "listRegions",
                "reference",
                "Regions",
                "England's nine ONS regions, with how many active mutuals are based in each.",
                [],
                json_response("RegionList", example.region_list()),
            ),
            "/api/commissioners/": get(
                "listCommissioners",
                "reference",
                "Commissioners (buyers)",
                "The bodies that buy services from published mutuals, with each contract's mutual and value.",
                [],
                json_response("CommissionerList", example.commissioner_list()),
            ),
            "/api/openapi.json": get(
                "getOpenApi",
                "reference",
                "This document",
                "The OpenAPI 3.1 description of the API.",
                [],
                {
                    "description": "The OpenAPI document.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
            ),
            "/mutuals.json": get(
                "exportMutualsJson",
                "exports",
                "A selection as one JSON file",
                "The same selection as the listing with the same query parameters, all of it, not paginated.",
                SELECTION_PARAMETERS,
                json_response("MutualExport", example.mutual_export()),
                {"400": errors_response(example)},
            ),
            "/mutuals.csv": get(
                "exportMutualsCsv",
                "exports",
                "A selection as CSV",
                "One row per mutual, UTF-8 with a byte order mark, columns in a fixed order (the example is the "
                "header row). Lists inside a cell are separated by `; `. Text that a spreadsheet would run as a "
                "formula starts with an apostrophe. Streamed; sent as an attachment.",
                SELECTION_PARAMETERS,
                {
                    "description": "The selection as CSV.",
                    "headers": {"Link": {"description": 'The licence, as `rel="license"`.', "schema": string()}},
                    "content": {
                        "text/csv": {
                            "schema": string(),
                            "example": ",".join(column.name for column in COLUMNS) + "\r\n",
                        }
                    },
                },
                {"400": errors_response(example)},
            ),
            "/areas.json": get(
                "countMutualsByArea",
                "exports",
                "How many mutuals of a selection work in each district",
                "Every local authority district of England, by name, with how many mutuals of the selection name it "
                "among the places they work. Those working across regions or nationally name no district: they are "
                "counted in `working_everywhere`, in no district. The boundaries are a static GeoJSON file (its "
                "address in `boundaries`), each district's feature with its `slug` and `name`.",
                SELECTION_PARAMETERS,
                json_response("AreaCounts", example.area_counts()),
                {"400": errors_response(example)},
            ),
            "/mutuals/{slug}.json": get(
                "exportMutualJson",
                "exports",
                "One published mutual as a JSON file",
                "The same document as `/api/mutuals/{slug}/`.",
                ["slug"],
                json_response("MutualDocument", example.mutual_document()),
                {"404": not_found_response(example)},
            ),
            **dataset_paths(),
            **openreferral_paths(),
        },
        "components": {"parameters": PARAMETERS, "schemas": {**SCHEMAS, **DOCUMENT_SCHEMAS}},
    }


def dataset_paths():
    """Return the paths of the versioned download of the whole dataset."""
    latest = reverse("directory:dataset-latest")
    version = reverse("directory:dataset-download", kwargs={"number": 0}).replace("v0", "v{number}")
    return {
        latest: {
            "get": {
                "operationId": "getLatestDataset",
                "tags": ["dataset"],
                "summary": "The whole dataset, current version",
                "description": "Redirects to the current version's address, below.",
                "responses": {
                    "302": {
                        "description": "The current version's address.",
                        "headers": {"Location": {"description": "The current version's address.", "schema": URL}},
                    }
                },
            }
        },
        version: get(
            "getDataset",
            "dataset",
            "The whole dataset, one version",
            "Every published mutual, whatever its status: a zip of `mutuals.csv`, `mutuals.json` and "
            "`datapackage.json` (a Frictionless Data tabular data package describing both). The bytes of a version "
            "never change; once the data has changed, an older version's address answers 410 naming the current one.",
            ["number"],
            {"description": "The zip file.", "content": {"application/zip": {"schema": string(format="binary")}}},
            {"410": {"description": "This version has been replaced; the page names the current one."}},
        ),
    }


def openreferral_paths():
    """Return the main paths of the Open Referral UK feed; /openreferral/openapi.json describes them all."""
    hsds = {"type": "object", "description": "As the Open Referral UK profile's schema describes it."}
    service = reverse("directory:openreferral-service", kwargs={"record_id": "0"}).replace("/0", "/{id}")

    def answer(description):
        return {"description": description, "content": {"application/json": {"schema": hsds}}}

    return {
        reverse("directory:openreferral-about"): get(
            "getOpenReferral",
            "openreferral",
            "The Open Referral UK feed",
            "Its HSDS version, profile and OpenAPI document. Lists: `services`, `service_at_locations`, "
            "`organizations`, `taxonomies`, `taxonomy_terms`, each with `page` and `per_page`.",
            [],
            answer("The feed's description of itself."),
        ),
        reverse("directory:openreferral-services"): get(
            "listOpenReferralServices",
            "openreferral",
            "Services, in Open Referral UK",
            "Every published mutual's service (whatever its status: ended ones are `defunct`), a page at a time, "
            "with `search`, `taxonomy_term_id`, `page` and `per_page` (1-1000, default 50).",
            [],
            answer("A page of services: `total_items`, `total_pages`, `page_number`, `size`, `contents`…"),
            {"400": {"description": "`page` or `per_page` is not a whole number in range."}},
        ),
        service: get(
            "getOpenReferralService",
            "openreferral",
            "One service, in Open Referral UK",
            "A mutual's service with its organization, location, sectors (as taxonomy terms) and funding. The "
            "identifier is stable: a mutual keeps it across edits and re-imports.",
            ["id"],
            answer("The service, fully nested."),
            {"404": {"description": "No published mutual has a service with this identifier."}},
        ),
    }


def query_parameters(document):
    """Return (name, description, allowed values) of every query parameter, in words, for the API page."""
    return [
        (name, parameter["description"], allowed_values(parameter["schema"]))
        for name, parameter in document["components"]["parameters"].items()
        if parameter["in"] == "query"
    ]


def allowed_values(schema):
    items = schema.get("items", schema)
    if "enum" in items:
        text = ", ".join(f"`{value}`" for value in items["enum"])
    elif items["type"] in ("integer", "number"):
        kind = "whole number" if items["type"] == "integer" else "number"
        bounds = [items["minimum"], *filter(None, [items.get("maximum")])]
        text = f"{kind} from " + " to ".join(f"{bound:,}" if bound >= 10_000 else str(bound) for bound in bounds)
    elif "pattern" in items:
        text = "a slug"
    elif "examples" in items:
        text = "e.g. " + ", ".join(f"`{example}`" for example in items["examples"])
    else:
        text = f"text, up to {items['maxLength']} characters"
    return f"{text}; default `{schema['default']}`" if "default" in schema else text


def get(operation_id, tag, summary, description, parameters, success, others=None):
    return {
        "get": {
            "operationId": operation_id,
            "tags": [tag],
            "summary": summary,
            "description": description,
            "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in parameters],
            "responses": {"200": success, **(others or {})},
        }
    }


def json_response(schema, example):
    return {
        "description": "The records, with the data's licence and attribution.",
        "content": {"application/json": {"schema": ref(schema), "example": example}},
    }


def errors_response(example):
    return {
        "description": "A parameter makes no sense; every one that doesn't is named.",
        "content": {"application/json": {"schema": ref("Errors"), "example": example.errors()}},
    }


def not_found_response(example):
    return {
        "description": "There is no published mutual with this slug.",
        "content": {"application/json": {"schema": ref("Errors"), "example": example.not_found()}},
    }


def parameter(name, description, schema, location="query"):
    repeatable = schema.get("type") == "array"
    return {
        "name": name,
        "in": location,
        "required": location == "path",
        "description": description + (" Repeatable." if repeatable else ""),
        "schema": schema,
        **({"style": "form", "explode": True} if repeatable else {}),
    }


def slugs(example):
    return {"type": "array", "items": string(pattern=r"^[-a-zA-Z0-9_]+$"), "examples": [[example]]}


def choices(values):
    return {"type": "array", "items": string(enum=list(values))}


POUNDS = {"type": "number", "minimum": 0, "maximum": MAX_MONEY}
SELECTION_PARAMETERS = [
    "q",
    "sector",
    "region",
    "area",
    "legal_form",
    "funding",
    "commissioner",
    "value_min",
    "value_max",
    "spun_out_from",
    "spun_out_to",
    "ending_within",
    "status",
    "sort",
]
PARAMETERS = {
    "q": parameter("q", "Words to find in name, summary, services, town or parent body.", string(maxLength=200)),
    "sector": parameter("sector", "A sector's slug (see /api/sectors/).", slugs("adult-social-care")),
    "region": parameter("region", "A region's slug (see /api/regions/).", slugs("north-west")),
    "area": parameter(
        "area",
        "Works in this local authority district: a district's slug (as in /areas/<slug>/ and /areas.json). Mutuals "
        "whose areas name the district, and those working across regions or nationally.",
        slugs("leeds"),
    ),
    "legal_form": parameter("legal_form", "A legal form.", choices(Mutual.LegalForm.values)),
    "funding": parameter("funding", "Has funding of this type.", choices(Contract.FundingType.values)),
    "commissioner": parameter(
        "commissioner", "Buys from it: a buyer's slug (see /api/commissioners/).", slugs("calderdale-council")
    ),
    "value_min": parameter("value_min", "Known annual contract value at least this, in pounds.", POUNDS),
    "value_max": parameter("value_max", "Known annual contract value at most this, in pounds.", POUNDS),
    "spun_out_from": parameter("spun_out_from", "Spun out in or after this year.", YEAR),
    "spun_out_to": parameter("spun_out_to", "Spun out in or before this year.", YEAR),
    "ending_within": parameter(
        "ending_within",
        "Has a contract whose end year falls between this year and this many months ahead.",
        {"type": "integer", "minimum": 0, "maximum": 600},
    ),
    "status": parameter(
        "status",
        "Lifecycle status; `all` for every status.",
        string(enum=[*Mutual.Status.values, ALL_STATUSES], default=Mutual.Status.ACTIVE),
    ),
    "sort": parameter(
        "sort",
        "Order: " + "; ".join(f"`{key}` {label.lower()}" for key, (label, _) in SORTS.items()) + ". Default: name.",
        string(enum=list(SORTS)),
    ),
    "page": parameter("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
    "page_size": parameter(
        "page_size",
        f"Mutuals a page, at most {MAX_API_PAGE_SIZE}.",
        {"type": "integer", "minimum": 1, "maximum": MAX_API_PAGE_SIZE, "default": PAGE_SIZE},
    ),
    "modified_after": parameter(
        "modified_after",
        "Only records changed at or after this ISO 8601 date or date and time (e.g. `2026-11-26` or "
        "`2026-11-26T09:30:00Z`). A date means the start of that day, and a time without an offset is UK time; "
        "write a `+` offset as `%2B`.",
        string(examples=["2026-11-26", "2026-11-26T09:30:00Z"]),
    ),
    "slug": parameter("slug", "The mutual's slug, as in its page's address.", string(), location="path"),
    "id": parameter("id", "The record's identifier (a UUID).", string(format="uuid"), location="path"),
    "number": parameter(
        "number", "The data version, as /data/ gives it.", {"type": "integer", "minimum": 0}, location="path"
    ),
}

LICENSED = {"licence": ref("Licence"), "attribution": string()}
# The documents the API answers with, around the records of directory/records.py.
DOCUMENT_SCHEMAS = {
    "Error": obj(
        parameter=nullable(string(description="The query or path parameter at fault.")),
        message=string(),
    ),
    "Errors": obj(errors=array(ref("Error"), minItems=1)),
    "MutualDocument": obj(**LICENSED, mutual=ref("Mutual")),
    "AreaCounts": obj(
        **LICENSED,
        boundaries=obj(url=URL, attribution=string()),
        mutuals=COUNT,
        working_everywhere=COUNT,
        areas_not_known=COUNT,
        districts=array(obj(slug=string(), name=string(), count=COUNT, url=URL)),
    ),
    "MutualExport": obj(**LICENSED, count=COUNT, results=array(ref("Mutual"))),
    "MutualPage": obj(
        **LICENSED,
        count=COUNT,
        page={"type": "integer", "minimum": 1},
        pages={"type": "integer", "minimum": 1},
        page_size={"type": "integer", "minimum": 1, "maximum": MAX_API_PAGE_SIZE},
        next=nullable(URL),
        previous=nullable(URL),
        results=array(ref("Mutual")),
    ),
    "SectorList": obj(**LICENSED, count={"type": "integer"}, results=array(ref("Sector"))),
    "RegionList": obj(**LICENSED, count={"type": "integer"}, results=array(ref("Region"))),
    "CommissionerList": obj(**LICENSED, count={"type": "integer"}, results=array(ref("Commissioner"))),
}


class Examples:
    """Examples from the seed data (Locala and its buyer Kirklees, trimmed to one contract and one source)."""

    SLUG = "locala-health-and-wellbeing-locala-community-partnerships-cic"

    def __init__(self, base):
        self.base = base

    def licensed(self, **payload):
        return {
            "licence": {"name": settings.DIRECTORY["DATA_LICENCE"], "url": settings.DIRECTORY["DATA_LICENCE_URL"]},
            "attribution": f"{settings.DIRECTORY['SITE_NAME']} ({self.base}/), under the "
            f"{settings.DIRECTORY['DATA_LICENCE']}. Each record lists the public sources its facts come from.",
            **payload,
        }

    def area_counts(self):
        return self.licensed(
            boundaries={
                "url": f"{self.base}/static/directory/data/districts.0123456789ab.geojson",
                "attribution": BOUNDARIES_CREDIT,
            },
            mutuals=3,
            working_everywhere=1,
            areas_not_known=0,
            districts=[
                {"slug": "adur", "name": "Adur", "count": 0, "url": f"{self.base}/areas/adur/"},
                {"slug": "leeds", "name": "Leeds", "count": 2, "url": f"{self.base}/areas/leeds/"},
            ],
        )

    def commissioner(self):
        return {
            "slug": "kirklees-council",
            "name": "Kirklees Council",
            "kind": "local-authority",
            "url": f"{self.base}/commissioners/kirklees-council/",
        }

    def contract(self):
        return {
            "service": "0-19 Healthy Child Programme (2026-2031, extendable to 2036)",
            "value_gbp": "83500000.00",
            "value_basis": "whole-life",
            "annual_value_gbp": "16700000.00",
            "annual_value_is_estimate": True,
            "start_year": 2026,
            "end_year": 2031,
            "funding_type": "public-contract",
            "funding_detail": None,
            "source_url": "https://d3tenders.com/contract/?ocid=ocds-h6vhtk-050c3d",
            "source_quote": "The contract, valued at £83,500,000 ... awarded to Locala Community Partnerships C.I.C.",
        }

    def mutual(self):
        return {
            "slug": self.SLUG,
            "name": "Locala Health and Wellbeing (Locala Community Partnerships CIC)",
            "url": f"{self.base}/mutuals/{self.SLUG}/",
            "api_url": f"{self.base}/api/mutuals/{self.SLUG}/",
            "summary": "Membership-based CIC providing adult and children's NHS community health services in "
            "Kirklees and parts of Calderdale, Bradford and Greater Manchester.",
            "services": None,
            "primary_sector": "health",
            "sectors": [{"slug": "health", "name": "Health"}],
            "sector_detail": "health",
            "region": {
                "slug": "yorkshire-and-the-humber",
                "name": "Yorkshire and The Humber",
                "ons_code": "E12000003",
            },
            "areas": {
                "scope": "local",
                "districts": [{"slug": "calderdale", "name": "Calderdale"}, {"slug": "kirklees", "name": "Kirklees"}],
                "basis": "contract",
                "basis_label": "The area of a buyer of its services",
                "basis_detail": "contracts with NHS Greater Huddersfield and North Kirklees CCGs and Kirklees Council "
                "(Kirklees) and Calderdale Council (5-19 Healthy Child Programme 2025-2030).",
                "source_urls": [
                    "https://www.find-tender.service.gov.uk/Notice/034007-2025",
                    "https://d3tenders.com/contract/?ocid=ocds-h6vhtk-050c3d",
                ],
                "quote": "The lifetime value of the contract is £3,356,753.75 [Calderdale Council] | The contract, "
                "valued at £83,500,000 ... awarded to Locala Community Partnerships C.I.C. [Kirklees Council]",
            },
            "town": "Batley / Kirklees",
            "postcode": "WF17 5PW",
            "location": {
                "latitude": 53.705,
                "longitude": -1.632,
                "basis": "town-centre",
                "approximate": True,
                "note": "town centre (Batley)",
            },
            "website": "https://www.locala.org.uk",
            "legal_form": "community-interest-company",
            "ownership_detail": "Community interest company (membership organisation with staff and community "
            "members)",
            "org_id": "GB-COH-07584906",
            "register": "GB-COH",
            "registration_number": "07584906",
            "year_spun_out": 2011,
            "parent_body": "NHS Kirklees (Kirklees Community Healthcare Services provider arm)",
            "staff_count": 1300,
            "staff_count_detail": "around 1,300 (2022)",
            "turnover_gbp": "75900000.00",
            "turnover_period": "2022",
            "status": "active",
            "status_year": None,
            "status_note": None,
            "evidence": "psm",
            "notes": "Became a CIC on 1 Oct (2011) per Examiner; members' council 10 staff, 6 public, 4 co-opted | "
            "Companies House no. 07584906, incorporated March 2011, registered office Batley WF17 5PW (via Pomanda); "
            "Pomanda turnover estimate £81.6m | Live (Pomanda, which mirrors Companies House)",
            "annual_value_gbp": "17371351.00",
            "contracts": [{"commissioner": self.commissioner(), **self.contract()}],
            "sources": [
                {
                    "url": "https://pomanda.com/company/07584906/locala-community-partnerships-c.i.c.",
                    "title": None,
                    "backs": None,
                }
            ],
            "last_verified": "2026-11-26",
            "last_verified_by": "researchers",
            "updated_at": "2026-11-26T00:00:00+00:00",
        }

    def mutual_document(self):
        return self.licensed(mutual=self.mutual())

    def mutual_export(self):
        return self.licensed(count=1, results=[self.mutual()])

    def mutual_page(self):
        query = "sector=health&region=yorkshire-and-the-humber&page_size=1"
        return self.licensed(
            count=6,
            page=2,
            pages=6,
            page_size=1,
            next=f"{self.base}/api/mutuals/?{query}&page=3",
            previous=f"{self.base}/api/mutuals/?{query}&page=1",
            results=[self.mutual()],
        )

    def sector_list(self):
        sector = {
            "slug": "health",
            "name": "Health",
            "description": "Community health services spun out of the NHS: district nursing, therapies, dental, GP "
            "and specialist services.",
            "active_mutuals": 30,
            "url": f"{self.base}/sectors/health/",
            "mutuals_api_url": f"{self.base}/api/mutuals/?sector=health",
        }
        return self.licensed(count=1, results=[sector])

    def region_list(self):
        region = {
            "slug": "north-west",
            "name": "North West",
            "ons_code": "E12000002",
            "active_mutuals": 10,
            "url": f"{self.base}/regions/north-west/",
            "mutuals_api_url": f"{self.base}/api/mutuals/?region=north-west",
        }
        return self.licensed(count=1, results=[region])

    def commissioner_list(self):
        mutual = {
            "slug": self.SLUG,
            "name": "Locala Health and Wellbeing (Locala Community Partnerships CIC)",
            "status": "active",
            "url": f"{self.base}/mutuals/{self.SLUG}/",
            "api_url": f"{self.base}/api/mutuals/{self.SLUG}/",
        }
        commissioner = {
            **self.commissioner(),
            "mutuals_api_url": f"{self.base}/api/mutuals/?commissioner=kirklees-council&status=all",
            "contracts": [{"mutual": mutual, **self.contract()}],
        }
        return self.licensed(count=1, results=[commissioner])

    def errors(self):
        return {
            "errors": [
                {"parameter": "value_min", "message": "Invalid value_min “abc”: Enter a number."},
                {"parameter": "sector", "message": "Invalid sector “nope”: it is not one of the options."},
            ]
        }

    def not_found(self):
        return {"errors": [{"parameter": "slug", "message": "There is no published mutual “nope”."}]}
