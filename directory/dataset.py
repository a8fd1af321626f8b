"""The whole dataset as one versioned download: a zip of the CSV, the JSON and their Frictionless Data package.

The version is the directory's data version (mutuals_site.ops.dataversion), which every change to directory data
moves on: one address per version, whose answer never changes, so any cache may keep it.
"""

import hashlib
import io
import json
import zipfile
from datetime import UTC

from django.conf import settings
from django.urls import reverse

from .models import Mutual
from .records import COLUMNS, JSON_FACTS
from .schema import AMOUNT
from .streaming import csv_lines, json_document

PACKAGE_NAME = "mutuals-directory"
CSV_NAME, JSON_NAME, DESCRIPTOR_NAME = "mutuals.csv", "mutuals.json", "datapackage.json"
# The licence's identifier in the Open Definition's list, which Frictionless Data uses.
LICENCE_ID = "OGL-UK-3.0"
TABLE_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}
STRING_FORMATS = {"date": "date", "date-time": "datetime"}


def all_mutuals():
    """Return every published mutual, whatever its status, with what the CSV and the JSON say of it."""
    return Mutual.objects.published().for_detail().with_next_contract_end()


def file_name(version):
    return f"{PACKAGE_NAME}-v{version.number}.zip"


def download_url(request, version):
    return request.build_absolute_uri(reverse("directory:dataset-download", kwargs={"number": version.number}))


def table_field(name, description, schema, cells="json"):
    """Return the Table Schema field of a JSON Schema: in the CSV (`cells="csv"`) money strings are numbers."""
    if "$ref" in schema or "anyOf" in schema:
        return {"name": name, "type": "object", "description": description}
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    kind = next(kind for kind in types if kind != "null")
    field = {"name": name, "type": TABLE_TYPES.get(kind, kind), "description": description}
    constraints = {} if "null" in types else {"required": True}
    if kind == "string":
        if schema.get("format") in STRING_FORMATS:
            field["type"] = STRING_FORMATS[schema["format"]]
        elif schema.get("format") == "uri":
            field["format"] = "uri"
        if schema.get("pattern") == AMOUNT and cells == "csv":
            field["type"] = "number"
        elif "pattern" in schema:
            constraints["pattern"] = whole_value_pattern(schema["pattern"])
    if "enum" in schema:
        constraints["enum"] = [value for value in schema["enum"] if value is not None]
    constraints.update({key: schema[key] for key in ("minimum", "maximum") if key in schema})
    return field | ({"constraints": constraints} if constraints else {})


def whole_value_pattern(pattern):
    """Return a JSON Schema pattern (found anywhere in the value) as Table Schema's, which must match the whole value."""
    head = pattern[1:] if pattern.startswith("^") else f".*{pattern}"
    return head[:-1] if head.endswith("$") else f"{head}.*"


def csv_schema():
    fields = [table_field(column.name, column.description, column.schema, "csv") for column in COLUMNS]
    return {"fields": fields, "primaryKey": ["slug"], "missingValues": [""]}


def json_schema():
    fields = [table_field(fact.key, fact.key.replace("_", " "), fact.schema) for fact in JSON_FACTS]
    return {"fields": fields, "primaryKey": ["slug"]}


def descriptor(request, version, files):
    """Return datapackage.json: the package's version, licence and sources, each file's schema, the CSV's size and hash."""
    site = settings.DIRECTORY["SITE_NAME"]
    home = request.build_absolute_uri(reverse("directory:home"))

    def resource(name, path, title, extra):
        return {"name": name, "path": path, "title": title, "profile": "tabular-data-resource", **extra}

    size, digest = files[CSV_NAME]

    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "id": download_url(request, version),
        "title": f"{site}: England's public service mutuals",
        "description": (
            "Every public service mutual the directory publishes, whatever its status (active, closed, merged or "
            "returned in-house), with its sources, contracts and the evidence that its staff own or control it. "
            "Unknown facts are empty in the CSV and null in the JSON. The same records as the site and its API."
        ),
        "homepage": request.build_absolute_uri(reverse("directory:dataset")),
        "version": str(version.number),
        "created": version.changed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "keywords": ["public service mutuals", "spin-outs", "England", "public services", "employee ownership"],
        "licenses": [
            {
                "name": LICENCE_ID,
                "path": settings.DIRECTORY["DATA_LICENCE_URL"],
                "title": settings.DIRECTORY["DATA_LICENCE"],
            }
        ],
        "sources": [
            {
                "title": f"{site}: each record's public sources, in its source_urls (CSV) or sources (JSON)",
                "path": home,
            }
        ],
        "contributors": [{"title": site, "path": home, "role": "publisher"}],
        "resources": [
            resource(
                "mutuals-csv",
                CSV_NAME,
                "Mutuals, one row each (CSV)",
                {
                    "format": "csv",
                    "mediatype": "text/csv",
                    # The CSV starts with a byte order mark, so that Excel reads it as UTF-8.
                    "encoding": "utf-8-sig",
                    "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                    "schema": csv_schema(),
                    # Only the CSV's: frictionless reads JSON by its records, so cannot check a JSON file's bytes.
                    "bytes": size,
                    "hash": f"sha256:{digest}",
                },
            ),
            resource(
                "mutuals-json",
                JSON_NAME,
                "Mutuals, with contracts and sources as fields (JSON: the records are under results)",
                {
                    "format": "json",
                    "mediatype": "application/json",
                    "encoding": "utf-8",
                    "dialect": {"json": {"property": "results", "keyed": True}},
                    "schema": json_schema(),
                },
            ),
        ],
    }


class Drain(io.RawIOBase):
    """A file that zipfile writes to and that hands on what was written, so the zip is streamed as it is made."""

    def __init__(self):
        self.chunks = []

    def writable(self):
        return True

    def write(self, data):
        self.chunks.append(bytes(data))
        return len(data)

    def take(self):
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def zip_chunks(request, version):
    """Yield the dataset's zip a batch of mutuals at a time: the CSV, the JSON, then datapackage.json with their hashes.

    Each member's date is the version's, so the same version always makes the same bytes.
    """
    drain = Drain()

    def drained():
        if data := drain.take():
            yield data

    stamp = version.changed_at.astimezone(UTC).timetuple()[:6]
    files = {}
    with zipfile.ZipFile(drain, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def member(name, chunks):
            info = zipfile.ZipInfo(name, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            digest, size = hashlib.sha256(), 0
            with archive.open(info, "w") as file:
                for chunk in chunks:
                    data = chunk.encode()
                    digest.update(data)
                    size += len(data)
                    file.write(data)
                    yield from drained()
            files[name] = (size, digest.hexdigest())
            yield from drained()

        yield from member(CSV_NAME, csv_lines(all_mutuals(), request))
        yield from member(JSON_NAME, json_document(all_mutuals(), request))
        package = json.dumps(descriptor(request, version, files), indent=2, ensure_ascii=False) + "\n"
        yield from member(DESCRIPTOR_NAME, [package])
    yield from drained()
