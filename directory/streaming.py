"""Whole selections as streamed documents (CSV, JSON), a batch of mutuals at a time, so memory holds one batch."""

import csv
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice

from django.core.serializers.json import DjangoJSONEncoder

from .db import by_name
from .models import Contract, Mutual, Source
from .records import COLUMNS, credit, licensed, mutual_record, mutual_row

# Mutuals per batch: each batch costs a query for each kind of related row, and no more than one batch of records and
# their related rows is in memory at a time.
CHUNK_SIZE = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def batched(iterable, size):
    """Yield lists of up to `size` items (itertools.batched from Python 3.12)."""
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def batches(mutuals):
    """Yield the mutuals a batch at a time from one server-side cursor, without per-mutual prefetch queries."""
    return batched(mutuals.prefetch_related(None).iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE)


def group(pairs):
    grouped = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


RELATED = {
    "sectors": lambda pks: (
        (link.mutual_id, link.sector)
        for link in Mutual.sectors.through.objects.filter(mutual__in=pks)
        .select_related("sector")
        .order_by("sector__name")
    ),
    "districts": lambda pks: (
        (link.mutual_id, link.district)
        for link in Mutual.districts.through.objects.filter(mutual__in=pks)
        .select_related("district")
        .only("mutual_id", "district__name", "district__slug")
        .order_by(by_name("district__name"))
    ),
    "sources": lambda pks: ((source.mutual_id, source) for source in Source.objects.filter(mutual__in=pks)),
    "contracts": lambda pks: (
        (contract.mutual_id, contract)
        for contract in Contract.objects.filter(mutual__in=pks).select_related("commissioner")
    ),
}


def attach_related(mutuals, *relations):
    """Give a batch of mutuals their sectors, sources and contracts (or only `relations`) in a query each.

    As prefetch_related() would, but it makes a QuerySet for every mutual and relation, which took most of the time
    of a download of 100k mutuals.
    """
    pks = [mutual.pk for mutual in mutuals]
    related = {name: group(RELATED[name](pks)) for name in relations or RELATED}
    for mutual in mutuals:
        mutual._prefetched_objects_cache = {name: by_mutual[mutual.pk] for name, by_mutual in related.items()}


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
    for chunk in batches(mutuals):
        attach_related(chunk)
        yield separator + ", ".join(encoder.encode(mutual_record(mutual, request)) for mutual in chunk)
        separator = ", "
    yield "]}"


class Echo:
    """Hand back what csv.writer writes, so that each row can be streamed as it is made."""

    def write(self, value):
        return value


def csv_lines(mutuals, request):
    """Yield the CSV, a BOM first so that Excel reads it as UTF-8, then a batch of rows at a time."""
    writer = csv.writer(Echo())
    names = [column.name for column in COLUMNS]
    yield "\ufeff" + writer.writerow(names)
    cells = credit(request)
    for chunk in batches(mutuals):
        attach_related(chunk)
        rows = (mutual_row(mutual, request, cells) for mutual in chunk)
        yield "".join(writer.writerow([csv_cell(row[name]) for name in names]) for row in rows)


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
