"""Helpers the tests share: counting a page's queries, and adding mutuals with related rows to count them over."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ContractFactory, MutualFactory, SectorFactory, SourceFactory


def queries_for(client, url, params=None):
    """Return how many queries answering `url` takes (it must answer 200)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def add_mutuals(count, **fields):
    """Add `count` published mutuals, each in a second sector, with two sources and two contracts."""
    care = SectorFactory(name="Adult social care")
    for _ in range(count):
        mutual = MutualFactory(sectors=[care], **fields)
        SourceFactory.create_batch(2, mutual=mutual)
        ContractFactory.create_batch(2, mutual=mutual)
