"""Load-test the site under gunicorn on loopback with wrk, against a static file served by the same stack.

Run by hand (see README "Benchmarks"), e.g.:
    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app .venv/bin/python bench/run.py --label "seed (79)"
It starts gunicorn twice, with the page cache on and off, and prints a Markdown table per run.
"""

import argparse
import logging
import os
import platform
import re
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

from tqdm import tqdm

BASE_DIR = Path(__file__).resolve().parent.parent
# Addresses from DESIGN.md that are benchmarked when they answer 200 (others' work may not be merged yet).
OPTIONAL_PATHS = [
    "/map/", "/mutuals.geojson", "/mutuals.csv", "/mutuals.json", "/stats/", "/api/mutuals/", "/feed/", "/sitemap.xml",
    # What the map of a large selection loads: England at a glance (in groups at 100k), and a town close up.
    "/mutuals.geojson?bbox=-8,49,4,57&zoom=6", "/mutuals.geojson?bbox=-1.75,53.75,-1.5,53.875&zoom=12",
]  # fmt: skip
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def django_paths():
    """Return the named pages to test, built from the URLconf and the database."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuals_site.settings")
    import django

    logging.disable(logging.INFO)  # Quietly: the tables go to standard output.
    django.setup()
    logging.disable(logging.NOTSET)
    from django.db.models import Count
    from django.urls import reverse

    from directory.models import District, Mutual, Region, Sector

    # The same filtered listing at every size: the seed data's largest sector and region, if they are there.
    sector = Sector.objects.filter(slug="health").first() or Sector.objects.annotate(n=Count("mutuals")).latest("n")
    region = Region.objects.filter(slug="london").first() or Region.objects.annotate(n=Count("mutuals")).latest("n")
    mutual = Mutual.objects.published().exclude(name__startswith="Synthetic Mutual ").order_by("pk").first()
    # An area's page with mutuals named there: Leeds in the seed data.
    district = District.objects.filter(slug="leeds").first() or District.objects.order_by("slug").first()
    listing = reverse("directory:mutual-list")
    counts = reverse("directory:area-counts")
    return [
        ("home", reverse("directory:home")),
        ("listing", listing),
        ("filtered listing", f"{listing}?sector={sector.slug}&region={region.slug}&sort=value"),
        ("mutual's page", mutual.get_absolute_url()),
        ("areas", reverse("directory:area-list")),
        ("an area's page", district.get_absolute_url()),
        ("district counts", counts),
        ("district counts of a sector", f"{counts}?sector={sector.slug}"),
    ] + [(path, path) for path in OPTIONAL_PATHS]


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return f"{cpu}, {os.cpu_count()} cores, {int(memory) // 1024 // 1024} GiB, {platform.platform()}, Python {platform.python_version()}"


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, 0


def wrk_summary(out):
    """Return what wrk --latency printed: requests, requests/s, p50 and p99 in ms, and its errors."""
    latency = {p: float(v) * UNITS[u] for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    summary = {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency["50"],
        "p99": latency["99"],
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, sockets.groups())) if sockets else 0,
    }
    summary["errors"] = summary["non_2xx"] + summary["socket_errors"]
    return summary


def wrk(url, duration, connections, threads):
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    summary = wrk_summary(out)
    return summary["rps"], summary["p50"], summary["p99"], summary["non_2xx"]


def combine(runs):
    """Return mean requests/s, median p50 and p99, and total errors of several wrk runs."""
    return (
        statistics.mean(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        statistics.median(r[2] for r in runs),
        sum(r[3] for r in runs),
    )


def static_file_near(size):
    """Return the hashed static file whose size is closest to `size` (up to 1 MB), as the baseline."""
    files = [
        p
        for p in (BASE_DIR / "staticfiles").rglob("*")
        if p.is_file() and p.suffix in {".css", ".js", ".svg"} and re.search(r"\.[0-9a-f]{12}\.", p.name)
    ]
    size = min(size, 1024 * 1024)
    best = min(files, key=lambda p: abs(p.stat().st_size - size))
    return "/static/" + best.relative_to(BASE_DIR / "staticfiles").as_posix()


def serve(port, workers, cached, log):
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "PAGE_CACHE": "true" if cached else "false",
        # wrk from one address would be over the rate limits at once.
        "RATELIMIT_ENABLE": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "mutuals_site.wsgi"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            if fetch(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start; see the log")


def run(args, paths, cached):
    base = f"http://127.0.0.1:{args.port}"
    with open(args.log, "a") as log:
        server = serve(args.port, args.workers, cached, log)
    try:
        answering, skipped = [], []
        for name, path in paths:
            started = time.monotonic()
            try:
                status, size = fetch(base + path)
            except OSError as error:  # Timed out, or the worker was killed for taking too long.
                status, size = f"no answer ({error})", 0
            seconds = time.monotonic() - started
            if status == 200 and seconds <= args.max_seconds:
                answering.append((name, path, size))
            elif status == 200:
                skipped.append(f"{name} (`{path}`, {size:,} bytes): one request took {seconds:.1f} s, not load-tested")
            elif name in dict(paths[:4]):
                raise SystemExit(f"{path} answered {status}")
            elif status != 404:
                skipped.append(f"{name} (`{path}`): {status} after {seconds:.1f} s, not load-tested")
        results = []
        progress = tqdm(answering, desc=f"page cache {'on' if cached else 'off'}", unit="page", disable=args.quiet)
        for name, path, size in progress:
            progress.set_postfix_str(path[:40], refresh=False)
            static = static_file_near(size)
            static_size = fetch(base + static)[1]
            fetch(base + path)  # Warm up: fills the page cache when it is on.
            # Static file and page take turns, so changes in other load on the machine affect both alike.
            static_runs, page_runs = [], []
            for _ in range(args.rounds):
                static_runs.append(wrk(base + static, args.duration, args.connections, args.threads))
                page_runs.append(wrk(base + path, args.duration, args.connections, args.threads))
            results.append((name, path, size, *combine(page_runs), static, static_size, *combine(static_runs)))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return results, skipped


def table(results):
    lines = [
        "| page | path | bytes | requests/s | p50 ms | p99 ms | static file of similar size | its requests/s | its p50 ms"
        " | page vs static | non-2xx |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, path, size, rps, p50, p99, errors, static, static_size, base_rps, base_p50, _, _ in results:
        shown = path if len(path) <= 60 else path[:57] + "…"
        lines.append(
            f"| {name} | `{shown}` | {size:,} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | `{static.rsplit('/', 1)[-1]}`"
            f" ({static_size:,} bytes) | {base_rps:,.0f} | {base_p50:.1f} | {rps / base_rps:.0%} | {errors} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label", default="", help="What data the run used, e.g. 'seed (79)' or '100k'.")
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=4, help="wrk runs per URL, taking turns with the static file")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (wrk shares the machine's cores)")
    parser.add_argument("--only", choices=["cached", "uncached"], help="run one mode only")
    parser.add_argument("--max-seconds", type=float, default=5, help="skip URLs whose first request takes longer")
    parser.add_argument("--log", default="/tmp/bench-gunicorn.log")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary on standard error")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # So gunicorn is stopped too.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env={**os.environ, "DEBUG": "false", "LOG_LEVEL": "WARNING"},  # Its log lines are not results.
        check=True,
    )
    paths = django_paths()
    from directory.models import Mutual

    print(f"## {args.label or 'run'}: {Mutual.objects.published().count():,} published mutuals, {date.today()}\n")
    print(f"Machine: {machine()}. Database: {os.environ.get('DATABASE_URL', 'sqlite').split('@')[-1]}.")
    print(
        f"gunicorn -w {args.workers}; wrk -t{args.threads} -c{args.connections}, {args.rounds} runs of {args.duration}s"
        " per URL on loopback, each page taking turns with the static file nearest its size.\n"
    )
    for mode in ("cached", "uncached"):
        if args.only in (None, mode):
            print(f"### Page cache {'on (repeat requests are cache hits)' if mode == 'cached' else 'off'}\n")
            results, skipped = run(args, paths, cached=mode == "cached")
            print(table(results) + "\n", flush=True)
            for line in skipped:
                print(f"- {line}")
            print(flush=True)
            if not args.quiet:
                ratios = [r[3] / r[9] for r in results]
                errors = sum(r[6] for r in results)
                print(
                    f"page cache {'on' if mode == 'cached' else 'off'}: {len(results)} pages measured,"
                    f" {len(skipped)} skipped, {min(ratios, default=0):.0%}–{max(ratios, default=0):.0%} of the"
                    f" static file's requests/s, {errors} non-2xx answers",
                    file=sys.stderr,
                )


if __name__ == "__main__":
    main()
