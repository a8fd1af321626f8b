import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from mutuals_site.ops.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent


def request_lines(caplog):
    return [r for r in caplog.records if r.name == "mutuals.request"]


class RequestLogTests:
    def test_each_request_is_one_structured_line_with_its_id(self, client, caplog):
        caplog.set_level(logging.INFO)
        response = client.get(reverse("directory:mutual-list"), {"q": "care"})
        [record] = request_lines(caplog)
        line = json.loads(JsonFormatter().format(record))
        assert line["method"] == "GET"
        assert line["path"] == reverse("directory:mutual-list")
        assert line["status"] == 200
        assert isinstance(line["duration_ms"], float)
        assert line["request_id"] == response["X-Request-ID"]
        assert "\n" not in JsonFormatter().format(record)

    def test_not_found_pages_are_logged_too(self, client, caplog):
        caplog.set_level(logging.INFO)
        client.get(reverse("directory:mutual-detail", kwargs={"slug": "nowhere"}))
        assert [r.status for r in request_lines(caplog)] == [404]

    def test_a_valid_incoming_request_id_is_kept_and_returned(self, client, caplog):
        caplog.set_level(logging.INFO)
        response = client.get(reverse("directory:home"), headers={"X-Request-ID": "lb-1234.abcd"})
        assert response["X-Request-ID"] == "lb-1234.abcd"
        assert request_lines(caplog)[0].request_id == "lb-1234.abcd"

    @pytest.mark.parametrize("bad", ["has space", "x" * 200, "semi;colon", "new\\nline", "<script>"])
    def test_an_invalid_incoming_request_id_is_replaced(self, client, bad):
        response = client.get(reverse("directory:home"), headers={"X-Request-ID": bad})
        assert response["X-Request-ID"] != bad
        assert len(response["X-Request-ID"]) == 32

    @pytest.mark.urls("tests.ops_urls")
    def test_an_error_is_logged_with_the_request_id_the_error_page_shows(self, client, caplog):
        client.raise_request_exception = False
        response = client.get(reverse("test-broken"))
        request_id = response["X-Request-ID"]
        [error] = [r for r in caplog.records if r.name == "django.request"]
        RequestIdFilter().filter(error)
        line = json.loads(JsonFormatter().format(error))
        assert line["request_id"] == request_id
        assert line["level"] == "ERROR"
        assert "RuntimeError" in line["exception"]
        assert request_id in response.text


class LogLevelTests:
    def test_the_level_comes_from_log_level(self):
        code = "import django, logging; django.setup(); print(logging.getLogger().getEffectiveLevel())"
        env = {**os.environ, "LOG_LEVEL": "warning", "DJANGO_SETTINGS_MODULE": "mutuals_site.settings"}
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True)
        assert out.stdout.strip() == str(logging.WARNING), out.stderr


class DatabaseDownLogTests:
    def test_a_request_failing_for_want_of_the_database_is_one_warning_without_a_traceback(self, client, caplog):
        from tests.test_database_loss import database_down

        client.raise_request_exception = False
        with database_down():
            response = client.get(reverse("directory:mutual-list"))
        [record] = [r for r in caplog.records if r.name == "django.request"]
        line = json.loads(JsonFormatter().format(record))
        assert response.status_code == 503
        assert line["level"] == "WARNING"
        assert "exception" not in line
        assert line["message"] == "Service Unavailable: /mutuals/ (database unreachable: connection refused)"


def test_manage_py_commands_print_no_django_axes_banner():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mutuals_site.settings", "AXES_ENABLED": "true"}
    out = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, cwd=BASE_DIR, capture_output=True, text=True, check=True
    )
    assert "AXES" not in out.stdout + out.stderr
    assert out.stdout.startswith("System check identified no issues")
