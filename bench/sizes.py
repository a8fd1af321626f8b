"""Time the first, uncached view of the pages whose cost grows with the data, one request at a time.

Run by hand (see README "Benchmarks"), against a PostgreSQL database with the seed data loaded, e.g.:
    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app .venv/bin/python bench/sizes.py --label "seed data"
bench/run-sizes.sh --uncached runs it at seed size and with 100k synthetic mutuals added, and writes the results file.

Each page is rendered in this process through Django's test client with the page cache off and the cache emptied
before every request, so nothing kept from an earlier request (the facet counts, say) helps: what a visitor gets on
the first view of a selection after the data changed. It prints a Markdown table: the median and the slowest of
--runs requests after one to warm the process, and the number of queries.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def setup():
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuals_site.settings")
    os.environ.update({"PAGE_CACHE": "false", "SECURE_SSL_REDIRECT": "false", "DEBUG": "false"})
    os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    import django

    logging.disable(logging.WARNING)  # Quietly: the table goes to standard output.
    django.setup()


def pages():
    from django.urls import reverse

    from directory.models import Region, Sector

    sector = Sector.objects.filter(slug="health").first() or Sector.objects.first()
    region = Region.objects.filter(slug="london").first() or Region.objects.first()
    listing = reverse("directory:mutual-list")
    return [
        ("listing", listing),
        ("filtered listing", f"{listing}?sector={sector.slug}&region={region.slug}"),
        ("filtered listing, by value", f"{listing}?sector={sector.slug}&region={region.slug}&sort=value"),
        ("listing, page 5", f"{listing}?page=5"),
        ("map", reverse("directory:mutual-map")),
        ("statistics", reverse("directory:stats")),
        ("home", reverse("directory:home")),
    ]


def measure(client, path, runs):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(runs + 1):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path, HTTP_HOST="127.0.0.1")
            if response.streaming:
                b"".join(response.streaming_content)
            times.append(1000 * (time.perf_counter() - started))
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return statistics.median(times[1:]), max(times[1:]), len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="")
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page, after one to warm up")
    args = parser.parse_args()
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from directory.models import Mutual

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    settings.DEBUG = False
    published = Mutual.objects.published().count()
    database = settings.DATABASES["default"]
    print(f"## {args.label or 'uncached pages'}: {published:,} published mutuals, {date.today()}\n")
    print(
        f"Database: {connection.vendor} {database.get('HOST', '')}/{database['NAME']}. One request at a time, in"
        f" process, page cache off and the cache emptied before each; median and slowest of {args.runs}.\n"
    )
    print("| page | path | median ms | slowest ms | queries |")
    print("| --- | --- | ---: | ---: | ---: |")
    client = Client()
    for name, path in pages():
        median, slowest, queries = measure(client, path, args.runs)
        print(f"| {name} | `{path}` | {median:,.0f} | {slowest:,.0f} | {queries} |", flush=True)
    print()


if __name__ == "__main__":
    main()
