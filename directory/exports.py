"""The listing's selection as data, CSV or JSON, with its licence and attribution."""

import csv
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from .filters import InvalidSelection, strict_selection
from .models import Contract, Mutual, Source
from .serializers import attribution, licensed, mutual_record, slug_url

SEPARATOR = "; "
# Mutuals per batch of a streamed download: each batch costs a query for each kind of related row, and no more
# than one batch of records and their related rows is in memory at a time.
CHUNK_SIZE = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "name",
    "slug",
    "url",
    "summary",
    "status",
    "status_year",
    "status_note",
    "evidence",
    "primary_sector",
    "sectors",
    "region",
    "region_ons_code",
    "town",
    "postcode",
    "latitude",
    "longitude",
    "location_basis",
    "location_approximate",
    "website",
    "legal_form",
    "ownership_detail",
    "org_id",
    "year_spun_out",
    "parent_body",
    "staff_count",
    "staff_count_detail",
    "turnover_gbp",
    "turnover_period",
    "annual_value_gbp",
    "next_contract_end_year",
    "contracts",
    "source_urls",
    "last_verified",
    "updated_at",
    "licence",
    "attribution",
)
CSV_FIELDS = (
    "pk",
    "name",
    "slug",
    "summary",
    "status",
    "status_year",
    "status_note",
    "evidence",
    "primary_sector__slug",
    "region__name",
    "region__ons_code",
    "town",
    "postcode",
    "latitude",
    "longitude",
    "location_basis",
    "website",
    "legal_form",
    "ownership_detail",
    "register",
    "registration_number",
    "year_spun_out",
    "parent_body",
    "staff_count",
    "staff_count_detail",
    "turnover_gbp",
    "turnover_period",
    "annual_value",
    "last_verified",
    "updated_at",
)


@require_safe
def mutual_csv(request):
    try:
        mutuals = strict_selection(request.GET, Mutual.objects.published().with_annual_value())
    except InvalidSelection as error:
        return errors_response(error.errors)
    response = StreamingHttpResponse(started(csv_lines(mutuals, request)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mutuals-{timezone.localdate():%Y-%m-%d}.csv"'
    return with_data_headers(response)


@require_safe
def mutual_json(request):
    try:
        mutuals = strict_selection(request.GET, Mutual.objects.published().for_detail())
    except InvalidSelection as error:
        return errors_response(error.errors)
    response = StreamingHttpResponse(started(json_document(mutuals, request)), content_type="application/json")
    return with_data_headers(response)


def started(chunks):
    """Return a streamed body with its head and first batch already made, so that a database that cannot be reached
    gives an error response (503) before the first byte rather than a 200 cut short."""
    chunks = iter(chunks)
    return chain(list(islice(chunks, 2)), chunks)


def json_document(mutuals, request):
    """Yield the JSON download, {"licence", "attribution", "count", "results"}, a batch of records at a time."""
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    head = encoder.encode(licensed(request, count=mutuals.count(), results=[]))
    yield head.removesuffix("]}")
    separator = ""
    for chunk in batched(mutuals.prefetch_related(None).iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        attach_related(chunk)
        yield separator + ", ".join(encoder.encode(mutual_record(mutual, request)) for mutual in chunk)
        separator = ", "
    yield "]}"


def attach_related(mutuals, *relations):
    """Give a batch of mutuals their sectors, sources and contracts (or only `relations`) in a query each.

    As prefetch_related() would, but it makes a QuerySet for every mutual and relation, which took most of the time
    of a download of 100k mutuals.
    """
    pks = [mutual.pk for mutual in mutuals]
    rows = {
        "sectors": lambda: (
            (link.mutual_id, link.sector)
            for link in Mutual.sectors.through.objects.filter(mutual__in=pks)
            .select_related("sector")
            .order_by("sector__name")
        ),
        "sources": lambda: ((source.mutual_id, source) for source in Source.objects.filter(mutual__in=pks)),
        "contracts": lambda: (
            (contract.mutual_id, contract)
            for contract in Contract.objects.filter(mutual__in=pks).select_related("commissioner")
        ),
    }
    related = {name: group(rows[name]()) for name in relations or rows}
    for mutual in mutuals:
        mutual._prefetched_objects_cache = {name: by_mutual[mutual.pk] for name, by_mutual in related.items()}


@require_safe
def mutual_detail_json(request, slug):
    mutual = Mutual.objects.published().for_detail().filter(slug=slug).first()
    if mutual is None:
        return errors_response(
            [{"parameter": "slug", "message": f"There is no published mutual “{slug}”."}],
            status=404,
        )
    return data_response(licensed(request, mutual=mutual_record(mutual, request)))


def data_response(payload, status=200):
    return with_data_headers(JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False}))


def errors_response(errors, status=400):
    """Return the API's error document: every bad parameter with a message naming it."""
    return data_response({"errors": errors}, status=status)


def with_data_headers(response):
    response["X-Robots-Tag"] = "noindex"
    response["Link"] = f'<{settings.DIRECTORY["DATA_LICENCE_URL"]}>; rel="license"'
    return response


class Echo:
    """Hand back what csv.writer writes, so that each row can be streamed as it is made."""

    def write(self, value):
        return value


def csv_lines(mutuals, request):
    """Yield the CSV, a BOM first so that Excel reads it as UTF-8, with four queries per batch of mutuals."""
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    credit = {"licence": settings.DIRECTORY["DATA_LICENCE_URL"], "attribution": attribution(request)}
    for chunk in batched(mutuals.values_list(*CSV_FIELDS).iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        related = RelatedRows([values[0] for values in chunk])
        lines = []
        for values in chunk:
            record = csv_record(dict(zip(CSV_FIELDS, values, strict=True)), related, request) | credit
            lines.append(writer.writerow([csv_cell(record[column]) for column in CSV_COLUMNS]))
        yield "".join(lines)


class RelatedRows:
    """The sectors, sources and contracts of a batch of mutuals, one query each, by mutual."""

    def __init__(self, pks):
        self.sectors = group(
            Mutual.sectors.through.objects.filter(mutual__in=pks)
            .order_by("sector__name")
            .values_list("mutual_id", "sector__slug")
        )
        self.sources = group(Source.objects.filter(mutual__in=pks).values_list("mutual_id", "url"))
        contracts = Contract.objects.filter(mutual__in=pks).select_related("commissioner")
        self.contracts = group((contract.mutual_id, contract) for contract in contracts)


def batched(iterable, size):
    """Yield lists of up to `size` items (itertools.batched from Python 3.12)."""
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def group(pairs):
    grouped = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


def csv_record(row, related, request):
    """Return one mutual's CSV cells by column, from its values_list() row and its related rows."""
    contracts = related.contracts[row["pk"]]
    has_location = row["latitude"] is not None and row["longitude"] is not None
    this_year = timezone.localdate().year
    return {
        "name": row["name"],
        "slug": row["slug"],
        "url": slug_url(request, "directory:mutual-detail", row["slug"]),
        "summary": row["summary"],
        "status": row["status"],
        "status_year": row["status_year"],
        "status_note": row["status_note"],
        "evidence": row["evidence"],
        "primary_sector": row["primary_sector__slug"],
        "sectors": SEPARATOR.join(related.sectors[row["pk"]]),
        "region": row["region__name"],
        "region_ons_code": row["region__ons_code"],
        "town": row["town"],
        "postcode": row["postcode"],
        "latitude": row["latitude"],
        "longitude": row["longitude"],
        "location_basis": row["location_basis"],
        "location_approximate": has_location and row["location_basis"] != Mutual.LocationBasis.ADDRESS,
        "website": row["website"],
        "legal_form": row["legal_form"],
        "ownership_detail": row["ownership_detail"],
        "org_id": f"{row['register']}-{row['registration_number']}" if row["registration_number"] else "",
        "year_spun_out": row["year_spun_out"],
        "parent_body": row["parent_body"],
        "staff_count": row["staff_count"],
        "staff_count_detail": row["staff_count_detail"],
        "turnover_gbp": row["turnover_gbp"],
        "turnover_period": row["turnover_period"],
        "annual_value_gbp": row["annual_value"],
        "next_contract_end_year": min(
            (contract.end_year for contract in contracts if contract.end_year and contract.end_year >= this_year),
            default=None,
        ),
        "contracts": SEPARATOR.join(contract_summary(contract) for contract in contracts),
        "source_urls": SEPARATOR.join(related.sources[row["pk"]]),
        "last_verified": row["last_verified"],
        "updated_at": row["updated_at"],
    }


def contract_summary(contract):
    """Return a contract in one line, e.g. 'Leeds City Council: 22000000.00 GBP annual, 2015-2020, Support'."""
    buyer = contract.commissioner.name if contract.commissioner else "buyer not known"
    value = "value not known" if contract.value_gbp is None else f"{contract.value_gbp:.2f} GBP {contract.value_basis}"
    years = f"{contract.start_year or '?'}-{contract.end_year or '?'}"
    return f"{buyer}: {value}, {years}, {contract.service}"


def csv_cell(value):
    """Return a value as CSV text; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
