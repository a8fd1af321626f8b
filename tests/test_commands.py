import csv
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from directory.models import Commissioner, Contract, Mutual, PublishedFigure, Region, Sector, Source
from directory.research_data import RowError, parse_count, register_of

pytestmark = pytest.mark.django_db

RESEARCH = Path(settings.BASE_DIR) / "fixtures" / "research"


class ImportResearchTests:
    def test_it_imports_every_organisation_with_its_sources_and_contracts(self):
        call_command("import_research", stdout=StringIO())
        assert Mutual.objects.count() == 79
        assert Mutual.objects.published().count() == 79
        assert Source.objects.count() == 247
        assert Contract.objects.count() == 28
        assert Commissioner.objects.count() == 27
        assert Region.objects.count() == 9
        assert Sector.objects.count() == 11
        assert PublishedFigure.objects.count() == 8

    def test_running_it_again_changes_nothing(self):
        call_command("import_research", stdout=StringIO())
        before = {m.slug: m.updated_at for m in Mutual.objects.all()}
        call_command("import_research", stdout=StringIO())
        assert Mutual.objects.count() == 79
        assert Source.objects.count() == 247
        assert Contract.objects.count() == 28
        assert set(before) == set(Mutual.objects.values_list("slug", flat=True))

    def test_statuses_and_evidence_come_through(self):
        call_command("import_research", stdout=StringIO())
        assert Mutual.objects.filter(status=Mutual.Status.CLOSED).count() == 7
        assert Mutual.objects.filter(status=Mutual.Status.RETURNED_IN_HOUSE).count() == 4
        assert Mutual.objects.filter(status=Mutual.Status.MERGED).count() == 1
        assert Mutual.objects.filter(evidence=Mutual.Evidence.UNCONFIRMED).count() == 21
        assert Mutual.objects.filter(latitude__isnull=True).count() == 2

    def test_one_bad_row_imports_nothing_and_names_the_row(self, tmp_path):
        for name in ("mutuals.csv", "contracts.csv", "published_figures.csv"):
            shutil.copy(RESEARCH / name, tmp_path / name)
        rows = list(csv.DictReader((tmp_path / "mutuals.csv").open(encoding="utf-8")))
        rows[4]["evidence"] = "certainly"
        with (tmp_path / "mutuals.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=rows[0].keys())
            writer.writeheader()
            writer.writerows(rows)
        with pytest.raises(CommandError, match="mutuals.csv line 6: evidence: 'certainly'"):
            call_command("import_research", data_dir=tmp_path)
        assert not Mutual.objects.exists()
        assert not Region.objects.exists()

    def test_a_missing_file_is_named(self, tmp_path):
        with pytest.raises(CommandError, match="mutuals.csv not found"):
            call_command("import_research", data_dir=tmp_path)


class BuildFixturesTests:
    def test_the_committed_fixture_matches_the_research_files(self, tmp_path):
        output = tmp_path / "mutuals.json"
        call_command("build_fixtures", output=output, stdout=StringIO())

        assert output.read_text() == (Path(settings.BASE_DIR) / "fixtures" / "mutuals.json").read_text()


class ParseCountTests:
    @pytest.mark.parametrize(
        ("words", "number"),
        [
            ("1,082 at launch", 1082),
            ("around 1,900 (Co-op News case study)", 1900),
            ("over 3,000 (SEUK, 2021)", 3000),
            ("51 council staff to transfer (2014)", 51),
            ("560 at spin-out (65 permanent + 495 tutors); 215 employees (2021)", None),
            ("about 430-450 transferred council staff (2013-14)", None),
            ("30 (CQC, 2018); 7 at start", None),
            ("one hundred plus", None),
        ],
    )
    def test_a_number_is_taken_only_when_the_words_hold_exactly_one(self, words, number):
        assert parse_count(words) == number


class RegisterOfTests:
    @pytest.mark.parametrize(
        ("number", "register"),
        [
            ("07584906", Mutual.Register.COMPANIES_HOUSE),
            ("SC123456", Mutual.Register.COMPANIES_HOUSE),
            ("IP27793R", Mutual.Register.FCA_MUTUALS),
            ("31151R", Mutual.Register.FCA_MUTUALS),
            # Companies House lists societies under their FCA numbers too: the FCA's register is theirs.
            ("RS007654", Mutual.Register.FCA_MUTUALS),
            ("1170092", Mutual.Register.CHARITY_COMMISSION),
        ],
    )
    def test_a_number_is_put_on_its_register_by_its_form(self, number, register):
        assert register_of(number) == register

    def test_a_number_of_no_register_says_what_each_looks_like(self):
        with pytest.raises(RowError) as raised:
            register_of("117-0092")
        assert str(raised.value) == (
            "company_or_society_number: '117-0092' is a number of none of the registers (FCA Mutuals Public Register: "
            "IP27793R or 31151R; Companies House: 07733466 or SC123456; Charity Commission for England and Wales: 1170092)"
        )
