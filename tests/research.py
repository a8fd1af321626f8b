"""The research files the seed data is built from (fixtures/research/), for tests that check the seed against them."""

import csv
from pathlib import Path

from django.conf import settings

RESEARCH = Path(settings.BASE_DIR) / "fixtures" / "research"


def researched(name):
    """Return the rows of the research file `name`, e.g. "mutuals.csv", as dicts."""
    with (RESEARCH / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
