"""The Dockerfile, read statically (Docker cannot run here), and the commands in it that can run here."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def instructions():
    """Return the Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined, comments dropped."""
    text = (BASE_DIR / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [tuple(line.strip().split(None, 1)) for line in joined.splitlines() if line.strip()]


def arguments(keyword):
    return [args for word, args in instructions() if word == keyword]


class DockerfileTests:
    def test_builds_from_python_311_slim(self):
        assert instructions()[0] == ("FROM", "python:3.11-slim")

    def test_python_writes_no_bytecode_and_does_not_buffer_output(self):
        env = " ".join(arguments("ENV"))
        assert "PYTHONDONTWRITEBYTECODE=1" in env
        assert "PYTHONUNBUFFERED=1" in env

    def test_installs_no_system_packages(self):
        """As the Dockerfile says: psycopg[binary] brings its own libpq and the health check is Python, so no apt."""
        runs = arguments("RUN")
        assert len(runs) >= 3  # pip install, collectstatic, useradd: the file was read.
        assert [run for run in runs if re.search(r"\b(apt-get|apt|dpkg)\b", run)] == []

    def test_installs_the_dependencies_listed_in_pyproject(self):
        assert "pyproject.toml" in " ".join(arguments("COPY"))
        assert any("tomllib" in run and "pip install" in run for run in arguments("RUN"))

    def test_collects_static_files_at_build_time_with_a_dummy_secret(self):
        [run] = [run for run in arguments("RUN") if "collectstatic" in run]
        assert "SECRET_KEY=" in run and "--noinput" in run

    def test_runs_as_a_user_that_is_not_root(self):
        [user] = arguments("USER")
        assert user.split(":")[0] not in {"root", "0"}

    def test_exposes_8000_and_runs_gunicorn_with_its_config_and_never_migrates(self):
        assert arguments("EXPOSE") == ["8000"]
        [cmd] = arguments("CMD")
        assert json.loads(cmd) == ["gunicorn", "-c", "gunicorn.conf.py", "mutuals_site.wsgi"]
        assert not arguments("ENTRYPOINT")
        assert "migrate" not in cmd

    def test_the_health_check_uses_python_against_healthz(self):
        [check] = arguments("HEALTHCHECK")
        options, command = check.split("CMD", 1)
        assert "--interval=" in options and "--timeout=" in options
        exec_form = json.loads(command)
        assert exec_form[:2] == ["python", "-c"]
        assert "/healthz" in exec_form[2] and "urllib" in exec_form[2]

    def test_the_context_leaves_out_secrets_and_local_state(self):
        ignored = (BASE_DIR / ".dockerignore").read_text().split()
        for entry in (".env", ".git", ".venv", "db.sqlite3", "staticfiles", "**/__pycache__"):
            assert entry in ignored


class GunicornConfigTests:
    def config(self, **env):
        code = "import runpy, json; c = runpy.run_path('gunicorn.conf.py'); print(json.dumps({k: c[k] for k in ('bind', 'workers', 'loglevel', 'accesslog')}))"
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "PORT", "LOG_LEVEL"))}
        out = subprocess.run(
            [sys.executable, "-c", code], env={**clean, **env}, cwd=BASE_DIR, capture_output=True, text=True
        )
        return json.loads(out.stdout)

    def test_reads_bind_workers_and_log_level_from_the_environment(self):
        config = self.config(GUNICORN_BIND="127.0.0.1:9000", GUNICORN_WORKERS="3", LOG_LEVEL="WARNING")
        assert config == {"bind": "127.0.0.1:9000", "workers": 3, "loglevel": "warning", "accesslog": None}

    def test_listens_on_port_8000_by_default(self):
        assert self.config()["bind"] == "0.0.0.0:8000"


@pytest.mark.django_db
def test_the_health_check_command_passes_against_a_running_site(live_server):
    [check] = arguments("HEALTHCHECK")
    python, *command = json.loads(check.split("CMD", 1)[1])
    assert python == "python"
    port = str(live_server.url.rsplit(":", 1)[1])
    result = subprocess.run(
        [sys.executable, *command], env={**os.environ, "PORT": port}, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
class CollectedStaticFilesTests:
    """What collectstatic makes at build time, served by WhiteNoise as in the image."""

    @pytest.fixture
    def collected(self, settings, tmp_path):
        from django.core.management import call_command

        settings.STATIC_ROOT = tmp_path
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "mutuals_site.storage.StaticFilesStorage"},
        }
        call_command("collectstatic", "--noinput", verbosity=0)
        from django.contrib.staticfiles.storage import staticfiles_storage

        return staticfiles_storage

    def test_hashed_files_are_cached_for_ever_and_compressed(self, collected, client):
        url = collected.url("directory/css/site.css")
        assert re.search(r"site\.[0-9a-f]{12}\.css$", url)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "max-age=315360000, public, immutable"
        assert client.get(url, headers={"Accept-Encoding": "gzip"})["Content-Encoding"] == "gzip"

    def test_js_module_imports_point_at_hashed_files(self, collected):
        with collected.open(collected.stored_name("directory/js/govuk-init.js")) as script:
            source = script.read().decode()
        assert re.search(r"govuk-frontend\.min\.[0-9a-f]{12}\.js", source)


class ComposeFileTests:
    """compose.yaml for production, read statically: PostgreSQL, Redis, two app servers and a TLS-terminating proxy."""

    @pytest.fixture
    def services(self):
        import yaml

        return yaml.safe_load((BASE_DIR / "compose.yaml").read_text())["services"]

    def test_two_app_servers_from_this_image_share_one_database_and_one_redis(self, services):
        apps = [services["app1"], services["app2"]]
        for app in apps:
            assert app["build"] == "." and app["image"] == "mutuals-directory"
            assert app["environment"]["DATABASE_URL"].startswith("postgres://mutuals:")
            assert "@db:5432/" in app["environment"]["DATABASE_URL"]
            assert app["environment"]["CACHE_URL"] == "redis://redis:6379/0"
            assert app["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
            assert "ports" not in app, "only the proxy is reachable from outside"
        assert apps[0]["environment"] == apps[1]["environment"]

    def test_the_servers_trust_the_proxy_for_https(self, services):
        environment = services["app1"]["environment"]
        assert environment["TRUST_X_FORWARDED_PROTO"] == "true"
        assert environment["CSRF_TRUSTED_ORIGINS"] == "https://${SITE_HOST}"

    def test_migrations_run_once_before_the_servers(self, services):
        assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--no-input"]
        assert services["migrate"]["restart"] == "no"
        assert "migrate" not in services["migrate"]["depends_on"]

    def test_postgres_and_redis_have_health_checks_and_redis_is_an_lru_cache(self, services):
        assert services["db"]["image"].startswith("postgres:15")
        assert "pg_isready" in services["db"]["healthcheck"]["test"][1]
        assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
        command = services["redis"]["command"]
        assert command[command.index("--maxmemory-policy") + 1] == "allkeys-lru"

    def test_the_proxy_terminates_tls_and_balances_over_both_servers_without_dropping_them_on_healthz(self, services):
        proxy = services["proxy"]
        assert proxy["image"].startswith("caddy:")
        assert "443:443" in proxy["ports"] and "80:80" in proxy["ports"]
        assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
        caddyfile = (BASE_DIR / "deploy" / "Caddyfile").read_text()
        assert re.search(r"^\{\$SITE_HOST\} \{", caddyfile, re.M)
        assert "reverse_proxy app1:8000 app2:8000" in caddyfile
        assert "health_uri" not in caddyfile
