"""Two servers, one site: scripts/run-cluster against a real PostgreSQL and a real Redis that these tests stop and start.

They need a PostgreSQL cluster of their own, since they stop it: RESILIENCE_PG_CLUSTER names it for pg_ctlcluster
(e.g. "15 resilience") and RESILIENCE_DATABASE_URL a database in it that they fill with the seed data. `.ci/run` makes
both; without them these tests skip, and with RESILIENCE_TESTS=required they fail instead.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from bench.site_client import Editor, get, is_whole_document
from directory.sitemaps import SITEMAPS
from tests.test_faults import public_routes

pytestmark = pytest.mark.resilience

BASE_DIR = Path(__file__).resolve().parent.parent
EDITOR = ("cluster-editor", "a-long-password-for-the-cluster-test")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, seconds, message):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"after {seconds} s: {message}")


class Postgres:
    def __init__(self, cluster, url):
        self.cluster, self.url = cluster.split(), url

    def ctl(self, action, *options):
        subprocess.run(["pg_ctlcluster", *self.cluster, action, *options], check=True, capture_output=True)

    def stop(self):
        # Fast: refuses new connections and ends every session, so requests in flight lose theirs mid-query.
        self.ctl("stop", "-m", "fast")

    def start(self):
        if not self.answers():
            self.ctl("start")
        wait_for(self.answers, 30, "PostgreSQL did not start")

    def answers(self):
        try:
            with psycopg.connect(self.url, connect_timeout=2) as connection:
                connection.execute("SELECT 1")
            return True
        except psycopg.Error:
            return False

    def first(self, sql):
        with psycopg.connect(self.url) as connection:
            return connection.execute(sql).fetchone()


class Redis:
    def __init__(self, directory):
        self.port, self.directory, self.process = free_port(), directory, None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
        )
        wait_for(lambda: subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).returncode == 0, 10, "Redis did not start")  # fmt: skip

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def postgres():
    cluster, url = os.environ.get("RESILIENCE_PG_CLUSTER"), os.environ.get("RESILIENCE_DATABASE_URL")
    missing = [name for name in ("pg_ctlcluster", "redis-server") if not shutil.which(name)]
    if not (cluster and url) or missing:
        reason = "set RESILIENCE_PG_CLUSTER and RESILIENCE_DATABASE_URL (.ci/run does), and install " + (
            ", ".join(missing) or "nothing more"
        )
        if os.environ.get("RESILIENCE_TESTS") == "required":
            pytest.fail(reason)
        pytest.skip(reason)
    database = Postgres(cluster, url)
    database.start()
    yield database
    database.start()


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    server = Redis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def cluster(postgres, redis_server, tmp_path_factory):
    """Start scripts/run-cluster on the seed data and one synthetic mutual to edit; return the two servers' ports."""
    ports = [free_port(), free_port()]
    env = {
        **os.environ,
        "DATABASE_URL": postgres.url,
        "CACHE_URL": redis_server.url,
        "CLUSTER_PORTS": " ".join(map(str, ports)),
        "PYTHON": sys.executable,
        "SECRET_KEY": "cluster-test-only-secret-key-" + "x" * 30,
        "DEBUG": "false",
        "AXES_ENABLED": "false",
        "GUNICORN_WORKERS": "2",
        # An edit shows on the other server at once; the load test in bench/ measures the default of 1 s.
        "DATA_VERSION_MAX_AGE": "0",
        "LOG_LEVEL": "WARNING",
        "PAGE_CACHE": "true",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "flush", "--no-input", "-v0")
    manage(env, "loaddata", "mutuals", "-v0")
    manage(env, "make_synthetic_mutuals", "1", "-v0")
    manage(
        {**env, "DJANGO_SUPERUSER_PASSWORD": EDITOR[1]},
        *("createsuperuser", "--no-input", "--username", EDITOR[0], "--email", "editor@example.org"),
    )
    log = open(tmp_path_factory.mktemp("cluster") / "cluster.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [str(BASE_DIR / "scripts" / "run-cluster")],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        for port in ports:
            wait_for(lambda port=port: get(port, "/healthz").status == 200, 90, f"server on {port} did not start")
        yield ports
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def routes(postgres, cluster):
    """Every public route in the URLconf, with slugs from the seed data."""
    world = {
        kind: [postgres.first(f"SELECT slug FROM directory_{kind} ORDER BY id LIMIT 1")[0]]
        for kind in ("sector", "region", "commissioner", "district")
    }
    world["area"] = world.pop("district")
    world["mutual"] = [postgres.first("SELECT slug FROM directory_mutual WHERE is_published ORDER BY id LIMIT 1")[0]]
    world |= {"section": list(SITEMAPS), "rest": ["no-such-endpoint"], "number": [1], "record_id": ["no-such-record"]}
    return [url for url in public_routes(world) if url != "/healthz"]


def warm(ports, routes):
    """Ask every route of every server twice; return the routes that the shared cache then serves."""
    for port in ports:
        for url in routes:
            get(port, url)
    return {url for url in routes if get(ports[0], url).headers.get("x-cache") == "hit"}


class Traffic:
    """Clients asking every route of every server in turn, from a few threads, until stopped (at most 10 minutes)."""

    def __init__(self, ports, routes, clients=6):
        self.ports, self.routes, self.answers = ports, routes, []
        self.phase, self.stopping = "start", threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(clients)]

    def run(self, number):
        deadline, n = time.monotonic() + 600, number
        while not self.stopping.is_set() and time.monotonic() < deadline:
            port = self.ports[n % len(self.ports)]
            url = self.routes[n % len(self.routes)]
            phase = self.phase
            self.answers.append((phase, port, url, get(port, url, timeout=20)))
            n += 1

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def during(self, phase, seconds):
        self.phase = phase
        time.sleep(seconds)

    def of(self, phase):
        return [(url, answer) for name, _, url, answer in list(self.answers) if name == phase]


# What the routes answer with the database up: 400 and 410 by design ("use my location" without a position, a dataset
# version since replaced).
ANSWERED = {200, 302, 400, 404, 410}


def assert_no_error_and_nothing_cut_short(answers):
    statuses = Counter(answer.status for _, answer in answers)
    assert answers and set(statuses) <= {*ANSWERED, 301, 503}, statuses
    cut = [
        (url, answer.status, answer.error)
        for url, answer in answers
        if answer.status in {200, 503} and not is_whole_document(answer)
    ]
    assert not cut, cut[:5]


class TwoServersTests:
    def test_a_page_made_by_one_server_is_served_by_the_other_from_the_shared_cache(self, cluster, routes):
        first, second = cluster
        url = routes[1]
        assert get(first, url).status == 200
        assert get(second, url).headers["x-cache"] == "hit"

    def test_an_edit_through_one_server_shows_at_once_on_the_other(self, postgres, cluster):
        first, second = cluster
        pk, slug = postgres.first("SELECT id, slug FROM directory_mutual WHERE name LIKE 'Synthetic Mutual %'")
        page = f"/mutuals/{slug}/"
        get(second, page)
        assert get(second, page).headers["x-cache"] == "hit"
        editor = Editor(first)
        editor.sign_in(*EDITOR)
        summary = f"A made-up organisation for load tests; edited at {time.time():.3f}."
        editor.save_mutual(pk, summary=summary)
        answer = get(second, page)
        assert summary in answer.text
        assert answer.headers["x-cache"] == "miss"
        assert summary in get(first, page).text


class LosingRedisThenPostgresTests:
    def test_under_traffic_nothing_fails_cached_pages_stay_and_both_recover(
        self, postgres, redis_server, cluster, routes
    ):
        cached = warm(cluster, routes)
        assert {"/", "/mutuals/", "/mutuals.csv", "/mutuals.json", "/mutuals.geojson", "/api/mutuals/"} <= cached
        with Traffic(cluster, routes) as traffic:
            traffic.during("both up", 3)
            redis_server.stop()
            traffic.during("redis stopped", 4)
            traffic.phase = "redis starting"
            redis_server.start()
            traffic.during("redis back", 7)  # The servers leave Redis alone for 5 s after a failure.
            warm(cluster, routes)
            postgres.stop()
            traffic.during("postgres stopped", 5)
            health = [get(port, "/healthz").status for port in cluster]
            traffic.phase = "postgres starting"
            postgres.start()
            traffic.during("postgres back", 5)

        for phase in dict.fromkeys(name for name, *_ in traffic.answers):
            counts = Counter((a.status, a.headers.get("x-cache", "-")) for _, a in traffic.of(phase))
            print(f"{phase}: {sum(counts.values())} answers, {dict(counts)}")
        for phase in ("both up", "redis stopped", "redis starting", "redis back", "postgres stopped", "postgres starting", "postgres back"):  # fmt: skip
            assert_no_error_and_nothing_cut_short(traffic.of(phase))
        assert health == [503, 503]

        for url, answer in traffic.of("redis stopped"):
            assert answer.status in ANSWERED, (url, answer.status)
        assert Counter(a.headers.get("x-cache") for _, a in traffic.of("redis stopped"))["miss"] > 0
        assert any(a.headers.get("x-cache") == "hit" for _, a in traffic.of("redis back"))

        stopped = traffic.of("postgres stopped")
        assert {url for url, answer in stopped if answer.headers.get("x-cache") == "stale"} == cached
        for url, answer in stopped:
            if url in cached:
                assert (answer.status, answer.headers.get("x-cache")) == (200, "stale"), url
                if answer.headers["content-type"].startswith("text/html"):
                    assert "This page may be out of date" in answer.text
            elif answer.status == 503 and answer.headers.get("content-type", "").startswith("application/json"):
                assert b"cannot reach its data" in answer.body

        recovered = traffic.of("postgres back")[-len(routes) :]
        assert all(a.status in ANSWERED and a.headers.get("x-cache") != "stale" for _, a in recovered)
        assert [get(port, "/healthz").status for port in cluster] == [200, 200]
