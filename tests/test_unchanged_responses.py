"""Every public address answers the seed data as recorded in tests/responses/ (gzipped): a change users see fails here.

A change that is meant to show (and is named in the README) is recorded again with
    RECORD_RESPONSES=1 .venv/bin/pytest -n0 tests/test_unchanged_responses.py
and the difference reviewed in git like any other.
"""

import difflib
import gzip
import hashlib
import os
import re
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from directory.models import Commissioner, District, Mutual, Region, Sector
from directory.sitemaps import SITEMAPS

RECORDED = Path(__file__).parent / "responses"
RECORDING = os.environ.get("RECORD_RESPONSES") == "1"
# The seed's current contracts and the CSV's file name depend on the date: answer as on one fixed day.
FROZEN_AT = "2026-12-01 12:00:00+00:00"

# The query strings people use on every view of a selection, the odd ones included.
SELECTIONS = [
    "",
    "status=all",
    "sector=health&region=london",
    "sector=adult-social-care&region=north-west&ending_within=18",
    "q=library",
    "q=libary+unlimted",
    "sort=value",
    "sort=-spun_out&status=all",
    "page=2",
    "funding=grant&status=all",
    "value_min=1000000&value_max=50000000",
    "legal_form=community-benefit-society",
    "commissioner=kirklees-council&status=all",
    "spun_out_from=2010&spun_out_to=2012",
    "sector=nope&value_min=abc&page=-1",
    "area=kirklees",
    "sector=adult-social-care&area=east-suffolk&area=ipswich",
    "area=nowhere",
]
SELECTION_VIEWS = {
    "mutual-list",
    "mutual-map",
    "mutual-csv",
    "mutual-json",
    "mutual-geojson",
    "api-mutual-list",
    "area-counts",
}
NOT_RECORDED = {
    "correction-create": "holds a CSRF token, different on every request; checked by its own tests",
    "suggestion-create": "holds a CSRF token, different on every request; checked by its own tests",
    "dataset-download": "a zip file, whose files tests/test_dataset.py checks and validates",
    "dataset-latest": "a redirect to the current version's zip file, checked by tests/test_dataset.py",
    "openreferral-service": "one record by its UUID: tests/test_openreferral.py validates every one",
    "openreferral-service-at-location": "one record by its UUID: tests/test_openreferral.py validates every one",
    "openreferral-organization": "one record by its UUID: tests/test_openreferral.py validates every one",
    "openreferral-taxonomy": "one record by its UUID: tests/test_openreferral.py validates every one",
    "openreferral-taxonomy-term": "one record by its UUID: tests/test_openreferral.py validates every one",
}
VOLATILE = [
    # The data version counts every change the test database has seen, so it depends on the tests run before.
    (re.compile(r"(?<=version )\d+(?![.\d])|(?<=mutuals-directory-v)\d+(?=\.zip)"), "N"),
    (re.compile(r'nonce="[^"]+"'), 'nonce="…"'),
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken" value="…"'),
]


def slugs(name):
    """Return the slugs that fill the URL pattern `name`, from the seed data."""
    published = Mutual.objects.published()
    return {
        "mutual-detail": published.values_list("slug", flat=True),
        "mutual-detail-json": published.values_list("slug", flat=True),
        "api-mutual-detail": published.values_list("slug", flat=True),
        "sector-detail": Sector.objects.values_list("slug", flat=True),
        "region-detail": Region.objects.values_list("slug", flat=True),
        "commissioner-detail": Commissioner.objects.with_published_contracts().values_list("slug", flat=True),
        # The districts a published mutual names, and one that none names.
        "area-detail": [
            *District.objects.filter(mutuals__in=published).values_list("slug", flat=True).distinct(),
            District.objects.exclude(mutuals__in=published).values_list("slug", flat=True).first(),
        ],
    }[name]


def addresses():
    """Return every public address of the directory's URLconf, filled from the seed data; fail on one left out."""
    found = []
    for pattern in directory_patterns():
        name = pattern.name
        if name in NOT_RECORDED:
            continue
        keys = set(pattern.pattern.regex.groupindex)
        if not keys:
            path = reverse(f"directory:{name}")
            found += (
                [f"{path}?{query}" if query else path for query in SELECTIONS] if name in SELECTION_VIEWS else [path]
            )
        elif keys == {"slug"}:
            found += [reverse(f"directory:{name}", kwargs={"slug": slug}) for slug in sorted(slugs(name))]
        elif name == "sitemap-section":
            found += [reverse(f"directory:{name}", kwargs={"section": section}) for section in SITEMAPS]
        elif name == "api-not-found":
            found.append(reverse(f"directory:{name}", kwargs={"rest": "nope/"}))
        else:
            pytest.fail(f"The URL pattern {name} has parameters this test cannot fill: add them here.")
    return found


def directory_patterns():
    resolver = next(
        p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "directory"
    )
    return [pattern for pattern in resolver.url_patterns if isinstance(pattern, URLPattern)]


def file_for(address):
    readable = re.sub(r"[^A-Za-z0-9.-]+", "_", address).strip("_")[:80] or "home"
    digest = hashlib.sha256(address.encode()).hexdigest()[:8]
    return RECORDED / f"{readable}-{digest}.txt.gz"


def answer(client, address):
    """Return the status, headers that matter and body of `address`, without what differs on every request."""
    response = client.get(address)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    headers = [
        f"{key}: {response[key]}" for key in ("Content-Type", "Content-Disposition", "Location") if key in response
    ]
    return "\n".join([f"GET {address}", str(response.status_code), *headers, "", text])


def restart_ids():
    """Number new directory records from the lowest free id, as a fresh database does.

    The feed's entries are known by history ids, and ids move on past rows that other tests wrote before this one:
    PostgreSQL's sequences ignore rollbacks, and SQLite's counters keep what was committed and deleted since.
    """
    models = list(apps.get_app_config("directory").get_models())
    if connection.vendor == "postgresql":
        statements = connection.ops.sequence_reset_sql(no_style(), models)  # to the highest id in use, plus one
    else:
        tables = [{"table": model._meta.db_table, "column": model._meta.pk.column} for model in models]
        statements = connection.ops.sequence_reset_by_name_sql(no_style(), tables)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.fixture
def seed(db):
    restart_ids()
    with time_machine.travel(FROZEN_AT, tick=False):
        call_command("loaddata", "mutuals", verbosity=0)
        yield


def test_every_public_address_answers_as_recorded(client, seed):
    with time_machine.travel(FROZEN_AT, tick=False):
        answers = {address: answer(client, address) for address in addresses()}
    if RECORDING:
        RECORDED.mkdir(exist_ok=True)
        for old in RECORDED.glob("*.txt.gz"):
            old.unlink()
        for address, text in answers.items():
            file_for(address).write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
        pytest.skip(f"Recorded {len(answers)} responses in {RECORDED}.")
    recorded = {path.name for path in RECORDED.glob("*.txt.gz")}
    missing = [address for address in answers if file_for(address).name not in recorded]
    assert not missing, f"Not recorded (record again, see the docstring): {missing[:5]}"
    gone = recorded - {file_for(address).name for address in answers}
    assert not gone, f"Recorded but no longer answered: {sorted(gone)[:5]}"
    changed = []
    for address, text in answers.items():
        before = gzip.decompress(file_for(address).read_bytes()).decode("utf-8")
        if before != text:
            lines = before.splitlines(keepends=True), text.splitlines(keepends=True)
            diff = (repr(line) for line in difflib.unified_diff(*lines, "recorded", "now", n=1))
            changed.append("\n".join(list(diff)[:40]))
    if os.environ.get("RESPONSES_REPORT"):
        Path(os.environ["RESPONSES_REPORT"]).write_text("\n\n".join(changed), encoding="utf-8")
    assert not changed, f"{len(changed)} of {len(answers)} responses changed:\n\n" + "\n\n".join(changed[:5])
