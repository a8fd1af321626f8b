"""Long commands show a progress bar on standard error and end with a summary; -v 0 makes them quiet."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import RegionFactory, SectorFactory

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
        assert " sources and 3 contracts in " in out and out.rstrip().endswith("; 6 in all.")

    def test_deleting_ends_with_how_many(self, groups):
        run("make_synthetic_mutuals", 2)
        out, _ = run("make_synthetic_mutuals", delete=True)
        assert out.startswith("Deleted 2 synthetic mutuals in ")

    def test_verbosity_0_is_quiet(self, groups):
        assert run("make_synthetic_mutuals", 3, verbosity=0) == ("", "")


class ImportResearchProgressTests:
    def test_it_shows_a_bar_over_every_row_and_ends_with_what_it_read(self):
        out, err = run("import_research")
        assert "research rows: 100%" in err and "115/115" in err
        assert out.startswith("Created ")
        assert "(79 mutuals, 28 contracts and 8 published figures read) in " in out

    def test_verbosity_0_is_quiet(self):
        assert run("import_research", verbosity=0) == ("", "")
