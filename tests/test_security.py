import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from mutuals_site.ops.settings_helpers import tile_origin
from tests import test_faults
from tests.public_urls import public_urls

pytestmark = pytest.mark.django_db
world = test_faults.world  # The fault tests' fixture: one of each thing a public URL can name.

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
# The public routes that do not answer 200 for the fault tests' world; every other one must.
EXPECTED_STATUS = {
    "directory:favicon": 302,
    # The council menu's target without a choice goes to the areas index; "Use my location" without a position is a 400.
    "directory:area-go": 302,
    "directory:area-at": 400,
    "directory:api-not-found": 404,
    "not-found": 404,
    # The walk asks for a version of the dataset that is not the current one, and for Open Referral ids nobody has.
    "directory:dataset-download": 410,
    "directory:dataset-latest": 302,
    "directory:openreferral-service": 404,
    "directory:openreferral-service-at-location": 404,
    "directory:openreferral-organization": 404,
    "directory:openreferral-taxonomy": 404,
    "directory:openreferral-taxonomy-term": 404,
}


class InlineCode(HTMLParser):
    """Collect what a strict Content-Security-Policy would block: inline scripts and styles without a nonce."""

    def __init__(self):
        super().__init__()
        self.blocked = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.blocked.append(f"style attribute on <{tag}>")
        if any(name.startswith("on") for name in attrs):
            self.blocked.append(f"event handler on <{tag}>")
        if (
            tag == "script"
            and "src" not in attrs
            and attrs.get("type") not in DATA_SCRIPT_TYPES
            and "nonce" not in attrs
        ):
            self.blocked.append("inline <script> without a nonce")
        if tag == "style" and "nonce" not in attrs:
            self.blocked.append("<style> without a nonce")


def blocked_by_csp(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.blocked


class DeployCheckTests:
    def test_check_deploy_is_clean_with_production_settings(self):
        env = {
            **os.environ,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "mutuals.example.org",
        }
        for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "PAGE_CACHE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
            env.pop(name, None)
        out = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            env=env,
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, out.stderr
        assert "no issues" in out.stdout


class HeaderTests:
    def test_pages_carry_the_security_headers(self, client):
        response = client.get(reverse("directory:home"), secure=True)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "includeSubDomains" in response["Strict-Transport-Security"]

    def test_the_policy_allows_only_the_site_and_the_tile_server(self, client, settings):
        policy = dict(
            directive.strip().split(" ", 1)
            for directive in client.get(reverse("directory:home"))["Content-Security-Policy"].split(";")
        )
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["img-src"] == f"'self' data: {tile_origin(settings.MAP_TILE_URL)}"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["object-src"] == "'none'"
        assert "unsafe" not in str(policy)

    def test_cookies_are_secure_and_session_cookies_http_only(self, client):
        response = client.get(reverse("directory:correction-create"))
        assert response.cookies["csrftoken"]["secure"]
        User.objects.create_user("editor", password="pw-for-tests-only", is_staff=True)
        response = client.post(reverse("admin:login"), {"username": "editor", "password": "pw-for-tests-only"})
        assert response.status_code == 302
        assert response.cookies["sessionid"]["secure"]
        assert response.cookies["sessionid"]["httponly"]

    def test_http_is_redirected_to_https_unless_turned_off(self, client, settings):
        settings.SECURE_SSL_REDIRECT = True
        response = client.get(reverse("directory:home"))
        assert response.status_code == 301
        assert response["Location"].startswith("https://")


class TileOriginTests:
    @pytest.mark.parametrize(
        "url, origin",
        [
            ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
            ("https://{s}.tile.example.com/{z}/{x}/{y}.png", "https://*.tile.example.com"),
            ("https://tiles.example.org:8443/base/{z}/{x}/{y}@2x.png?key=abc", "https://tiles.example.org:8443"),
        ],
    )
    def test_the_origin_comes_from_map_tile_url(self, url, origin):
        assert tile_origin(url) == origin

    @pytest.mark.parametrize("url", ["tiles/{z}/{x}/{y}.png", "https://{a}-tiles.example.org/{z}.png"])
    def test_a_url_that_names_no_fixed_origin_is_refused(self, url):
        with pytest.raises(ImproperlyConfigured):
            tile_origin(url)


class InlineCodeTests:
    """Every page the site renders must work under the policy: no inline scripts or styles without a nonce."""

    def test_public_pages_have_no_inline_code(self, client, world):
        checked = []
        for name, url in [*public_urls(world), ("not-found", "/no/such/page/")]:
            response = client.get(url)
            assert response.status_code == EXPECTED_STATUS.get(name, 200), url
            if response["Content-Type"].startswith("text/html"):
                assert blocked_by_csp(response.text) == [], url
                checked.append(url)
        assert {reverse("directory:mutual-list"), reverse("directory:mutual-map"), "/no/such/page/"} <= set(checked)

    def test_admin_pages_have_no_inline_code(self, client):
        assert blocked_by_csp(client.get(reverse("admin:login")).text) == []
        superuser = User.objects.create_superuser("admin", password="pw-for-tests-only")
        client.force_login(superuser)
        request = RequestFactory().get("/")
        request.user = superuser
        urls, not_added_by_hand = [reverse("admin:index"), reverse("admin:password_change")], set()
        for model, model_admin in admin.site._registry.items():
            info = (model._meta.app_label, model._meta.model_name)
            urls += [reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:{}_{}_add".format(*info))]
            if not model_admin.has_add_permission(request):
                # Records made by the site, not by hand (e.g. django-axes' access attempts): the add page is refused.
                not_added_by_hand.add(reverse("admin:{}_{}_add".format(*info)))
        for url in urls:
            response = client.get(url)
            if url in not_added_by_hand:
                assert response.status_code == 403, url
                continue
            assert response.status_code == 200, url
            assert blocked_by_csp(response.text) == [], url


@pytest.mark.urls("tests.ops_urls")
class ErrorPageTests:
    def test_not_found_is_the_sites_own_page(self, client):
        response = client.get("/no/such/page/")
        assert response.status_code == 404
        assert "Page not found" in response.text
        assert "urlpatterns" not in response.text

    def test_forbidden_says_so_without_the_reason(self, client):
        response = client.get(reverse("test-forbidden"))
        assert response.status_code == 403
        assert "You cannot see this page" in response.text
        assert "internal reason" not in response.text

    def test_a_server_error_shows_the_request_id_and_nothing_else(self, client):
        client.raise_request_exception = False
        response = client.get(reverse("test-broken"), headers={"X-Request-ID": "req-42"})
        assert response.status_code == 500
        assert "Sorry, there is a problem with the service" in response.text
        assert "req-42" in response.text
        for leak in ("hunter2", "RuntimeError", "Traceback", "SECRET_KEY"):
            assert leak not in response.text

    def test_the_error_pages_need_no_database(self, client, django_assert_num_queries):
        client.raise_request_exception = False
        with django_assert_num_queries(0):
            assert client.get(reverse("test-broken")).status_code == 500

    def test_a_broken_error_page_still_gives_a_plain_answer(self, client):
        from unittest import mock

        client.raise_request_exception = False
        with mock.patch("mutuals_site.ops.views.render_plain", side_effect=ValueError("missing static file")):
            response = client.get(reverse("test-broken"))
        assert response.status_code == 500
        assert "Sorry, there is a problem with the service" in response.text
        assert "missing static file" not in response.text


class EnvFileTests:
    def test_settings_come_from_an_env_file_and_the_environment_wins(self, tmp_path):
        env_file = tmp_path / ".env"
        env_file.write_text("ALLOWED_HOSTS=from-file.example\nCDN_MAX_AGE=5\nPAGE_CACHE_STALE_SECONDS=7\n")
        code = (
            "import django; django.setup(); from django.conf import settings;"
            "print(settings.ALLOWED_HOSTS, settings.CDN_MAX_AGE, settings.PAGE_CACHE_STALE_SECONDS)"
        )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mutuals_site.settings", "ENV_FILE": str(env_file)}
        env.pop("ALLOWED_HOSTS", None)
        env["CDN_MAX_AGE"] = "9"
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True)
        assert out.stdout.strip() == "['from-file.example'] 9 7", out.stderr
