"""DATABASE_REPLICA_URL: public reads go to the replica; writes, the admin and signed-in users to the primary."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import RequestFactory

from directory.models import Mutual
from mutuals_site.ops import dataversion
from mutuals_site.ops.routers import PublicReadsMiddleware, PublicReadsRouter, public_read

BASE_DIR = Path(__file__).resolve().parent.parent


def read_alias_while_handling(request):
    """Return the database the router picks for a read while the middleware handles `request`."""
    middleware = PublicReadsMiddleware(lambda request: PublicReadsRouter().db_for_read(Mutual))
    return middleware(request)


class PublicReadsRouterTests:
    def test_public_requests_read_from_the_replica(self):
        assert read_alias_while_handling(RequestFactory().get("/mutuals/")) == "replica"
        assert read_alias_while_handling(RequestFactory().head("/mutuals.csv")) == "replica"

    @pytest.mark.parametrize(
        "request_",
        [
            RequestFactory().post("/corrections/new/"),
            RequestFactory().get("/admin/", headers={"Cookie": "sessionid=abc"}),
            RequestFactory().get("/api/mutuals/", headers={"Authorization": "Bearer x"}),
        ],
        ids=["a post", "signed in", "authorised"],
    )
    def test_writes_and_signed_in_users_read_from_the_primary(self, request_):
        assert read_alias_while_handling(request_) == "default"

    def test_writes_and_migrations_always_go_to_the_primary(self):
        router = PublicReadsRouter()
        token = public_read.set(True)
        try:
            assert router.db_for_write(Mutual) == "default"
        finally:
            public_read.reset(token)
        assert router.allow_migrate("default", "directory") and not router.allow_migrate("replica", "directory")

    def test_outside_a_request_everything_uses_the_primary(self):
        assert PublicReadsRouter().db_for_read(Mutual) == "default"


@pytest.mark.django_db
def test_the_data_version_is_read_where_the_router_sends_reads(monkeypatch):
    """So that a page read from a replica is never kept under a version newer than its data."""
    asked = []
    monkeypatch.setattr(dataversion.router, "db_for_read", lambda model, **hints: asked.append(model) or "replica")
    monkeypatch.setattr(dataversion, "connections", {"replica": connection})
    dataversion.forget()
    assert dataversion.current().number >= 0
    assert [model._meta.label for model in asked] == ["ops.DataVersion"]


def test_database_replica_url_adds_the_replica_and_the_router():
    code = (
        "import json, django; django.setup(); from django.conf import settings;"
        "print(json.dumps([settings.DATABASES['replica']['HOST'], settings.DATABASES['replica']['TEST']['MIRROR'],"
        " settings.DATABASE_ROUTERS]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mutuals_site.settings",
        "DATABASE_URL": "postgres://app:app@primary.internal:5432/app",
        "DATABASE_REPLICA_URL": "postgres://app:app@replica.internal:5432/app",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True)
    assert json.loads(out.stdout.splitlines()[-1]) == [
        "replica.internal",
        "default",
        ["mutuals_site.ops.routers.PublicReadsRouter"],
    ], out.stderr
