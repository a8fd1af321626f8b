"""Time the first, uncached view of the pages whose cost grows with the data, one request at a time.

Run by hand (see README "Benchmarks"), against a PostgreSQL database with the seed data loaded, e.g.:
    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app .venv/bin/python bench/sizes.py --sizes 0,100000
It adds synthetic mutuals (make_synthetic_mutuals) to reach each of --sizes in turn, measures every page twice, with
the tallies and counting from the data, writes bench/results-uncached-<date>.md and removes the synthetic mutuals.

Each page is rendered in this process through Django's test client with the page cache off and the cache emptied
before every request, so nothing kept from an earlier request (the facet counts, say) helps: what a visitor gets on
the first view of a selection after the data changed. Each table gives the fastest and the median of --runs requests
after one to warm the process, and the number of queries.
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
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # Pages name their static files as in production.


def pages():
    from django.urls import reverse

    from directory.models import District, Region, Sector

    sector = Sector.objects.filter(slug="health").first() or Sector.objects.first()
    region = Region.objects.filter(slug="london").first() or Region.objects.first()
    district = District.objects.filter(slug="leeds").first() or District.objects.first()
    listing = reverse("directory:mutual-list")
    return [
        ("listing", listing),
        ("filtered listing", f"{listing}?sector={sector.slug}&region={region.slug}"),
        ("filtered listing, by value", f"{listing}?sector={sector.slug}&region={region.slug}&sort=value"),
        ("listing, page 5", f"{listing}?page=5"),
        ("map", reverse("directory:mutual-map")),
        ("statistics", reverse("directory:stats")),
        ("home", reverse("directory:home")),
        ("about", reverse("directory:about")),
        ("area page", district.get_absolute_url()),
        ("areas' counts", reverse("directory:area-counts")),
        ("areas' counts, one sector", f"{reverse('directory:area-counts')}?sector={sector.slug}"),
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
    return min(times[1:]), statistics.median(times[1:]), len(queries)


def table(label, runs, counting):
    """Measure every page; return the Markdown lines of its table."""
    from django.test import Client

    from directory import tallies
    from directory.models import Mutual, TallyState

    if counting:
        TallyState.objects.update(version=-1)  # Stale: every page counts from the data, as before the tallies.
    else:
        tallies.rebuild()
    published = Mutual.objects.published().count()
    how = "counted from the data (tallies stale)" if counting else "tallies up to date"
    lines = [f"### {label}: {published:,} published mutuals, {how}", ""]
    lines += ["| page | path | fastest ms | median ms | queries |", "| --- | --- | ---: | ---: | ---: |"]
    client = Client()
    for name, path in pages():
        fastest, median, queries = measure(client, path, runs)
        lines.append(f"| {name} | `{path}` | {fastest:,.0f} | {median:,.0f} | {queries} |")
        print(lines[-1], file=sys.stderr, flush=True)
    if counting:
        tallies.rebuild()
    return [*lines, ""]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,100000", help="synthetic mutuals to add to the seed data, in turn")
    parser.add_argument("--runs", type=int, default=7, help="timed requests per page, after one to warm up")
    parser.add_argument("--out", default=f"bench/results-uncached-{date.today()}.md", help="the results file")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic mutuals at the end")
    args = parser.parse_args()
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from directory.management.commands.make_synthetic_mutuals import synthetic_mutuals

    sys.path.insert(0, str(BASE_DIR / "bench"))
    from run import machine

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    database = settings.DATABASES["default"]
    lines = [
        f"## First, uncached views by size, {date.today()}",
        "",
        f"Machine: {machine()}; load average at the start {os.getloadavg()[0]:.1f}."
        f" Database: {connection.vendor} {database.get('HOST', '')}/{database['NAME']}.",
        f"One request at a time, in process, page cache off and the cache emptied before each: fastest and median of"
        f" {args.runs} after one to warm up (on a shared machine the fastest is the best estimate of the cost itself)."
        " Each size twice: with the tallies, then counting from the data.",
        "",
    ]
    call_command("make_synthetic_mutuals", delete=True, verbosity=0)
    for size in (int(size) for size in args.sizes.split(",")):
        lines.append(f"Load average before this size: {os.getloadavg()[0]:.1f}.")
        lines.append("")
        have = synthetic_mutuals().count()
        if size > have:
            call_command("make_synthetic_mutuals", size - have, verbosity=0)
        label = "seed data" if not size else f"seed data + {size:,} synthetic"
        for counting in (False, True):
            lines += table(label, args.runs, counting)
    if not args.keep:
        call_command("make_synthetic_mutuals", delete=True, verbosity=0)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
