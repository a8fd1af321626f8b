"""Load-test the site under gunicorn on loopback with wrk, against a static file served by the same stack.

Run by hand (see README "Benchmarks"), e.g.:
    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app .venv/bin/python bench/run.py --label "seed (79)"
It starts gunicorn twice, with the page cache on and off, and prints a Markdown table per run.
"""

import argparse
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

BASE_DIR = Path(__file__).resolve().parent.parent
# Addresses from DESIGN.md that are benchmarked when they answer 200 (others' work may not be merged yet).
OPTIONAL_PATHS = ["/map/", "/mutuals.geojson", "/mutuals.csv", "/mutuals.json", "/stats/", "/api/mutuals/"]
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def django_paths():
    """Return the named pages to test, built from the URLconf and the database."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuals_site.settings")
    import django

    django.setup()
    from django.db.models import Count
    from django.urls import reverse

    from directory.models import Mutual, Region, Sector

    sector = Sector.objects.annotate(n=Count("mutuals")).order_by("-n").first()
    region = Region.objects.annotate(n=Count("mutuals")).order_by("-n").first()
    mutual = Mutual.objects.published().exclude(name__startswith="Synthetic Mutual ").order_by("pk").first()
    listing = reverse("directory:mutual-list")
    return [
        ("home", reverse("directory:home")),
        ("listing", listing),
        ("filtered listing", f"{listing}?sector={sector.slug}&region={region.slug}&sort=value"),
        ("mutual's page", mutual.get_absolute_url()),
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


def wrk(url, duration, connections, threads):
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {p: float(v) * UNITS[u] for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, latency["50"], latency["99"], int(errors.group(1)) if errors else 0


def combine(runs):
    """Return mean requests/s, median p50 and p99, and total errors of several wrk runs."""
    return (
        statistics.mean(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        statistics.median(r[2] for r in runs),
        sum(r[3] for r in runs),
    )


def static_file_near(size):
    """Return the hashed static file whose size is closest to `size`, as the baseline."""
    files = [
        p
        for p in (BASE_DIR / "staticfiles").rglob("*")
        if p.is_file() and p.suffix in {".css", ".js", ".svg"} and re.search(r"\.[0-9a-f]{12}\.", p.name)
    ]
    best = min(files, key=lambda p: abs(p.stat().st_size - size))
    return "/static/" + best.relative_to(BASE_DIR / "staticfiles").as_posix()


def serve(port, workers, cached, log):
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "PAGE_CACHE": "true" if cached else "false",
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
        answering = []
        for name, path in paths:
            status, size = fetch(base + path)
            if status == 200:
                answering.append((name, path, size))
            elif name in dict(paths[:4]):
                raise SystemExit(f"{path} answered {status}")
        static = static_file_near(statistics.median(size for _, _, size in answering))
        static_size = fetch(base + static)[1]
        results = []
        for name, path, size in answering:
            fetch(base + path)
            # Static file and page take turns, so changes in other load on the machine affect both alike.
            static_runs, page_runs = [], []
            for _ in range(args.rounds):
                static_runs.append(wrk(base + static, args.duration, args.connections, args.threads))
                page_runs.append(wrk(base + path, args.duration, args.connections, args.threads))
            baseline = combine(static_runs)
            results.append(("static file (baseline)", static, static_size, *baseline, baseline[0]))
            results.append((name, path, size, *combine(page_runs), baseline[0]))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return results


def table(results):
    baselines = [row for row in results if row[0] == "static file (baseline)"]
    pages = [row for row in results if row[0] != "static file (baseline)"]
    name, path, size, *_ = baselines[0]
    rps, p50, p99 = (statistics.median(row[i] for row in baselines) for i in (3, 4, 5))
    lines = [
        "| page | path | bytes | requests/s | p50 ms | p99 ms | vs static | non-2xx |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {name} (median of {len(baselines)} runs) | `{path}` | {size:,} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | 100% | 0 |",
    ]
    for name, path, size, rps, p50, p99, errors, baseline in pages:
        shown = path if len(path) <= 60 else path[:57] + "…"
        lines.append(
            f"| {name} | `{shown}` | {size:,} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | {rps / baseline:.0%} | {errors} |"
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
    parser.add_argument("--log", default="/tmp/bench-gunicorn.log")
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env={**os.environ, "DEBUG": "false"},
        check=True,
    )
    paths = django_paths()
    from directory.models import Mutual

    print(f"## {args.label or 'run'}: {Mutual.objects.published().count():,} published mutuals, {date.today()}\n")
    print(f"Machine: {machine()}. Database: {os.environ.get('DATABASE_URL', 'sqlite').split('@')[-1]}.")
    print(
        f"gunicorn -w {args.workers}; wrk -t{args.threads} -c{args.connections}, {args.rounds} runs of {args.duration}s"
        " per URL on loopback, taking turns with the static file; 'vs static' compares each page with those turns.\n"
    )
    for mode in ("cached", "uncached"):
        if args.only in (None, mode):
            print(f"### Page cache {'on (repeat requests are cache hits)' if mode == 'cached' else 'off'}\n")
            print(table(run(args, paths, cached=mode == "cached")) + "\n", flush=True)


if __name__ == "__main__":
    main()
