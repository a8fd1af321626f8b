"""Load test with editing: two servers (scripts/run-cluster), many clients, an editor saving records every few seconds.

Run by hand (see README "Benchmarks"), against a PostgreSQL database with the seed data loaded, e.g.:
    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app .venv/bin/python bench/load.py --minutes 5

wrk drives a mixed workload (public pages, searches and filtered listings, data endpoints and the API) against both
servers at once. Meanwhile an editor signs in to the admin and saves a synthetic mutual's summary every few seconds,
through each server in turn, and watchers ask every server for that mutual's page and JSON until they show the new
summary. It reports requests/s, p50 and p99 per server, errors, how long each edit took to show on each server, and
checks at the end that every edit is in the database and its history: nothing lost. It prints Markdown.
"""

import argparse
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from tqdm import tqdm

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.run import machine, wrk_summary  # noqa: E402
from bench.site_client import HOST, Editor, get  # noqa: E402

LUA = """
paths = {%s}
request = function()
    return wrk.format("GET", paths[math.random(#paths)], {["Host"] = "%s"})
end
-- A person reads a page before asking for the next: a pause of 0 to twice THINK_MS, THINK_MS on average.
delay = function()
    return math.random(0, 2 * %d)
end
"""


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuals_site.settings")
    import logging

    import django

    logging.disable(logging.INFO)
    django.setup()
    logging.disable(logging.NOTSET)


def workload():
    """Return the mixed workload's paths: pages, searches, filtered listings, data and the API, from the database."""
    from django.urls import reverse

    from directory.models import Commissioner, Mutual, Region, Sector

    sectors = list(Sector.objects.order_by("name").values_list("slug", flat=True))
    regions = list(Region.objects.order_by("name").values_list("slug", flat=True))
    mutuals = list(Mutual.objects.published().order_by("pk").values_list("slug", flat=True)[:200])
    buyer = Commissioner.objects.order_by("pk").values_list("slug", flat=True).first()
    listing = reverse("directory:mutual-list")
    paths = [reverse("directory:home"), listing, reverse("directory:mutual-map"), reverse("directory:stats")]
    paths += [reverse("directory:sector-list"), reverse("directory:region-list"), reverse("directory:api")]
    paths += [f"{listing}?q={word}" for word in ("care", "health", "leisure", "library", "youth", "community")]
    paths += [f"{listing}?sector={s}" for s in sectors] + [f"{listing}?region={r}&sort=value" for r in regions]
    paths += [f"{listing}?page={n}" for n in range(2, 6)]
    paths += [reverse("directory:sector-detail", kwargs={"slug": s}) for s in sectors[:4]]
    paths += [reverse("directory:region-detail", kwargs={"slug": r}) for r in regions[:4]]
    paths += [reverse("directory:mutual-detail", kwargs={"slug": s}) for s in mutuals[::10]]
    paths += [reverse("directory:mutual-detail-json", kwargs={"slug": s}) for s in mutuals[5::20]]
    paths += [f"{reverse('directory:mutual-csv')}?region={r}" for r in regions[:3]]
    paths += [f"{reverse('directory:mutual-json')}?sector={s}" for s in sectors[:3]]
    paths += [f"{reverse('directory:mutual-geojson')}?bbox=-8,49,4,57&zoom=6"]
    paths += [f"{reverse('directory:api-mutual-list')}?page={n}" for n in (1, 2)]
    if buyer:
        paths.append(reverse("directory:commissioner-detail", kwargs={"slug": buyer}))
    return paths


def prepare(synthetic):
    """Migrate, load the seed data if missing, top synthetic mutuals up to `synthetic`, make an editor account."""
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from directory.management.commands.make_synthetic_mutuals import synthetic_mutuals
    from directory.models import Mutual

    call_command("migrate", verbosity=0)
    if not Mutual.objects.exclude(pk__in=synthetic_mutuals()).exists():
        call_command("loaddata", "mutuals", verbosity=0)
    missing = synthetic - synthetic_mutuals().count()
    if missing > 0:
        call_command("make_synthetic_mutuals", missing, verbosity=0)
    password = secrets.token_urlsafe(24)
    editor, _ = User.objects.get_or_create(username="load-test-editor", defaults={"is_staff": True})
    editor.is_staff = editor.is_superuser = True
    editor.set_password(password)
    editor.save()
    return editor.username, password


class Watcher:
    """Save a synthetic mutual every `every` seconds through each server in turn, and time when each server shows it."""

    def __init__(self, ports, credentials, every, max_age):
        from directory.management.commands.make_synthetic_mutuals import synthetic_mutuals

        self.ports, self.every, self.max_age = ports, every, max_age
        self.targets = list(synthetic_mutuals().order_by("pk").values_list("pk", "slug")[:20])
        self.editors = [Editor(port) for port in ports]
        for editor in self.editors:
            editor.sign_in(*credentials)
        self.edits, self.errors, self.stopping, self.watching = [], [], threading.Event(), []

    def run(self):
        n = 0
        while not self.stopping.wait(self.every):
            pk, slug = self.targets[n % len(self.targets)]
            summary = (
                f"A made-up organisation for load tests; it does not exist. Load-test edit {n} at {time.time():.3f}."
            )
            try:
                self.editors[n % len(self.editors)].save_mutual(pk, summary=summary)
            except RuntimeError as error:
                self.errors.append(str(error))
                continue
            saved = time.monotonic()
            edit = {"n": n, "pk": pk, "summary": summary, "through": self.ports[n % len(self.ports)], "shown": {}}
            threads = [
                threading.Thread(target=self.watch, args=(edit, port, path, saved))
                for port in self.ports
                for path in (f"/mutuals/{slug}/", f"/mutuals/{slug}.json")
            ]
            for thread in threads:
                thread.start()
            self.watching += threads
            self.edits.append(edit)
            n += 1
        for thread in self.watching:
            thread.join()

    def watch(self, edit, port, path, saved):
        """Ask until the page shows the edit; note how long that took, and any answer started after max_age without it."""
        late = []
        while time.monotonic() - saved < 30:
            asked = time.monotonic() - saved
            answer = get(port, path)
            if answer.status == 200 and edit["summary"] in answer.text:
                edit["shown"][(port, path)] = asked
                break
            if asked > self.max_age:
                late.append(round(asked, 3))
            time.sleep(0.02)
        edit.setdefault("late", []).extend((port, path, t) for t in late)


def run_wrk(port, script, args):
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{round(args.minutes * 60)}s",
        # As long as gunicorn gives a request (GUNICORN_TIMEOUT): slower is an error in the server's eyes too.
        f"--timeout={os.environ.get('GUNICORN_TIMEOUT', '30')}s",
    ]
    command += ["--latency", "-s", script, f"http://127.0.0.1:{port}"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--synthetic", type=int, default=1000, help="synthetic mutuals to have besides the seed data")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections per server")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads per server")
    parser.add_argument("--think", type=float, default=2, help="mean seconds each client waits between requests")
    parser.add_argument("--edit-every", type=float, default=3, help="seconds between the editor's saves")
    parser.add_argument("--ports", default="8301 8302")
    parser.add_argument("--redis-port", type=int, default=6395, help="for the cluster's own Redis, unless CACHE_URL")
    parser.add_argument("--log", default="/tmp/bench-load-cluster.log")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (the seed data is loaded if missing).")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    max_age = float(os.environ.setdefault("DATA_VERSION_MAX_AGE", "1"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))

    django_setup()
    credentials = prepare(args.synthetic)
    paths = workload()
    ports = [int(port) for port in args.ports.split()]
    env = {**os.environ, "CLUSTER_PORTS": args.ports, "PYTHON": sys.executable, "LOG_LEVEL": "WARNING"}
    # 64 clients from one address would be over the rate limits at once.
    env.setdefault("RATELIMIT_ENABLE", "false")
    env.setdefault("REDIS_PORT", str(args.redis_port))
    with open(args.log, "w") as log:
        cluster = subprocess.Popen(
            [str(BASE_DIR / "scripts" / "run-cluster")], cwd=BASE_DIR, env=env, stdout=log, stderr=log,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not all(get(port, "/healthz").status == 200 for port in ports):
            if time.monotonic() > deadline or cluster.poll() is not None:
                sys.exit(f"the cluster did not start; see {args.log}")
            time.sleep(0.5)
        for port in ports:  # Every path answers 200 before the run, so any error in it is the load's doing.
            bad = [(path, status) for path in paths if (status := get(port, path).status) != 200]
            if bad:
                sys.exit(f"before the run, these did not answer 200: {bad}")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA % (", ".join(f'"{path}"' for path in paths), HOST, round(args.think * 1000)))
        watcher = Watcher(ports, credentials, args.edit_every, max_age)
        editing = threading.Thread(target=watcher.run, daemon=True)
        started = time.monotonic()
        loads = [run_wrk(port, script.name, args) for port in ports]
        editing.start()
        seconds = args.minutes * 60
        with tqdm(
            total=round(seconds), unit="s", desc="load with editing", disable=args.quiet, file=sys.stderr
        ) as bar:
            while any(load.poll() is None for load in loads):
                time.sleep(1)
                bar.update(min(round(time.monotonic() - started), round(seconds)) - bar.n)
                bar.set_postfix(edits=len(watcher.edits), refresh=False)
        watcher.stopping.set()
        editing.join(timeout=60)
        outputs = [load.stdout.read() for load in loads]
    finally:
        os.killpg(cluster.pid, signal.SIGTERM)
        cluster.wait(timeout=60)
    report(args, paths, ports, outputs, watcher, max_age)


def lost_edits(watcher):
    """Return the edits that the database or its history does not hold: the last one of each mutual must be there."""
    from directory.models import Mutual

    lost = []
    last = {edit["pk"]: edit for edit in watcher.edits}
    for pk, edit in last.items():
        if Mutual.objects.get(pk=pk).summary != edit["summary"]:
            lost.append(edit["n"])
    for edit in watcher.edits:
        if not Mutual.history.filter(id=edit["pk"], summary=edit["summary"]).exists():
            lost.append(edit["n"])
    return sorted(set(lost))


def report(args, paths, ports, outputs, watcher, max_age):
    from directory.models import Mutual

    try:
        results = [wrk_summary(output) for output in outputs]
    except AttributeError:
        sys.exit("wrk did not finish its run:\n" + "\n".join(outputs))
    shown = [t for edit in watcher.edits for t in edit["shown"].values()]
    unseen = [edit["n"] for edit in watcher.edits if len(edit["shown"]) < 2 * len(ports)]
    late = [entry for edit in watcher.edits for entry in edit.get("late", [])]
    lost = lost_edits(watcher)
    errors = sum(r["errors"] for r in results) + len(watcher.errors)
    print(f"## Load with editing, {date.today()}\n")
    print(f"Machine: {machine()}.")
    print(
        f"Data: {Mutual.objects.published().count():,} published mutuals ({args.synthetic:,} synthetic). Two servers"
        f" (scripts/run-cluster: gunicorn -w {os.environ.get('GUNICORN_WORKERS', '2')} each, one PostgreSQL, one"
        f" Redis), DATA_VERSION_MAX_AGE={max_age:g}. wrk -t{args.threads} -c{args.connections} per server for"
        f" {args.minutes:g} minutes, each client pausing {args.think:g} s on average between requests, over"
        f" {len(paths)} paths at random (pages, searches, filtered listings, downloads"
        f" of selections, GeoJSON, the API); an editor saving a mutual every {args.edit_every:g} s through each"
        " server in turn.\n"
    )
    print("| server | requests | requests/s | p50 ms | p99 ms | non-2xx/3xx | socket errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for port, r in zip(ports, results, strict=True):
        print(
            f"| :{port} | {r['requests']:,} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['non_2xx']}"
            f" | {r['socket_errors']} |"
        )
    print()
    print(f"- Edits saved: {len(watcher.edits)}; saves that failed: {len(watcher.errors)} {watcher.errors[:3]}")
    if shown:
        print(
            f"- Shown on every server (its page and its JSON on each, {2 * len(ports)} watchers an edit): the first"
            f" request that showed it was sent a median {statistics.median(shown) * 1000:.0f} ms and at most"
            f" {max(shown) * 1000:.0f} ms after the save returned; requests sent more than {max_age:g} s after the save"
            f" that still showed the old summary: {len(late)}"
        )
    print(f"- Edits never shown on some server: {len(unseen)} {unseen[:5]}")
    print(f"- Edits lost (not in the database or its history): {len(lost)} {lost[:5]}")
    print(f"- Errors in all: {errors}")
    ok = not errors and not unseen and not late and not lost and watcher.edits
    print(
        f"\n**{'Passed' if ok else 'FAILED'}**: 0 errors, every edit on every server within {max_age:g} s, none lost."
    )
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
