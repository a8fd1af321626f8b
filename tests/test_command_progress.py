"""Long commands show a progress bar on standard error and end with a summary; -v 0 makes them quiet."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import RegionFactory, SectorFactory
from tests.research import researched

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def groups():
    SectorFactory(name="Health")
    RegionFactory(name="London")


class MakeSyntheticMutualsProgressTests:
    def test_it_shows_a_bar_and_ends_with_what_it_made(self, groups):
        out, err = run("make_synthetic_mutuals", 6)
        assert "synthetic mutuals: 100%" in err and "6/6" in err
        assert out.startswith("Created 6 synthetic mutuals with ")
        assert " sources, 3 contracts and 0 district links in " in out and out.rstrip().endswith("; 6 in all.")

    def test_deleting_ends_with_how_many(self, groups):
        run("make_synthetic_mutuals", 2)
        out, _ = run("make_synthetic_mutuals", delete=True)
        assert out.startswith("Deleted 2 synthetic mutuals in ")

    def test_verbosity_0_is_quiet(self, groups):
        assert run("make_synthetic_mutuals", 3, verbosity=0) == ("", "")


class ImportResearchProgressTests:
    def test_it_shows_a_bar_over_every_row_and_ends_with_what_it_read(self):
        out, err = run("import_research")
        files = {name: len(researched(name)) for name in ("mutuals.csv", "contracts.csv", "published_figures.csv")}
        rows = sum(files.values()) + len(researched("areas_served.csv"))
        assert "research rows: 100%" in err and f"{rows}/{rows}" in err
        assert out.startswith("Created ")
        assert (
            f"({files['mutuals.csv']} mutuals, {files['contracts.csv']} contracts, {files['published_figures.csv']} "
            f"published figures and the areas of {len(researched('areas_served.csv'))} mutuals read) in "
        ) in out

    def test_verbosity_0_is_quiet(self):
        assert run("import_research", verbosity=0) == ("", "")
