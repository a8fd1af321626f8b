import csv
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from directory.models import Commissioner, Contract, District, Mutual, PublishedFigure, Region, Sector, Source
from directory.research_data import RowError, parse_count, register_of
from tests.research import RESEARCH, researched

pytestmark = pytest.mark.django_db


def researched_counts():
    """Return how many records of each kind the research files hold."""
    mutuals, contracts = researched("mutuals.csv"), researched("contracts.csv")
    return {
        "mutuals": len(mutuals),
        "sources": sum(len([url for url in row["source_urls"].split(";") if url.strip()]) for row in mutuals),
        "contracts": len(contracts),
        "commissioners": len({row["commissioner"] for row in contracts if row["commissioner"]}),
        "figures": len(researched("published_figures.csv")),
        "mutuals with areas": len(researched("areas_served.csv")),
    }


def imported_counts():
    return {
        "mutuals": Mutual.objects.published().count(),
        "sources": Source.objects.count(),
        "contracts": Contract.objects.count(),
        "commissioners": Commissioner.objects.count(),
        "figures": PublishedFigure.objects.count(),
        "mutuals with areas": Mutual.objects.exclude(area_scope="").count(),
    }


def with_row_changed(tmp_path, name, number, **changes):
    """Copy the research files to `tmp_path`, changing row `number` (0 is the first) of `name`; return the copy."""
    data = tmp_path / "research"
    shutil.copytree(RESEARCH, data)
    rows = researched(name)
    rows[number].update(changes)
    with (data / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)
    return data


class ImportResearchTests:
    def test_it_imports_every_organisation_with_its_sources_contracts_and_areas(self):
        call_command("import_research", stdout=StringIO())
        assert imported_counts() == researched_counts()
        assert Mutual.objects.count() == 85
        assert District.objects.count() == 296
        assert Region.objects.count() == 9
        assert Sector.objects.count() == 11

    def test_running_it_again_changes_nothing(self):
        call_command("import_research", stdout=StringIO())
        areas = {
            m.slug: (m.area_scope, sorted(m.districts.values_list("slug", flat=True))) for m in Mutual.objects.all()
        }
        call_command("import_research", stdout=StringIO())
        assert imported_counts() == researched_counts()
        assert District.objects.count() == 296
        assert areas == {
            m.slug: (m.area_scope, sorted(m.districts.values_list("slug", flat=True))) for m in Mutual.objects.all()
        }

    def test_statuses_and_evidence_come_through(self):
        call_command("import_research", stdout=StringIO())
        rows = researched("mutuals.csv")
        for status in Mutual.Status.values:
            expected = sum(row["status"] == status for row in rows)
            assert Mutual.objects.filter(status=status).count() == expected, status
        for evidence in Mutual.Evidence.values:
            expected = sum(row["evidence"] == evidence for row in rows)
            assert Mutual.objects.filter(evidence=evidence).count() == expected, evidence
        assert Mutual.objects.filter(latitude__isnull=True).count() == sum(not row["lat"] for row in rows) == 2

    def test_funding_the_sources_name_no_type_for_is_other_in_their_words(self):
        call_command("import_research", stdout=StringIO())
        contract = Contract.objects.get(funding_detail="council funding (press figure, approximate)")
        assert contract.funding_type == Contract.FundingType.OTHER

    def test_one_bad_row_imports_nothing_and_names_the_row(self, tmp_path):
        data = with_row_changed(tmp_path, "mutuals.csv", 4, evidence="certainly")
        with pytest.raises(CommandError, match="mutuals.csv line 6: evidence: 'certainly'"):
            call_command("import_research", data_dir=data)
        assert not Mutual.objects.exists()
        assert not Region.objects.exists()
        assert not District.objects.exists()

    def test_an_unknown_district_imports_nothing_and_names_the_row_and_column(self, tmp_path):
        data = with_row_changed(tmp_path, "areas_served.csv", 1, lad_names="Tower Hamlets;Hackny")
        with pytest.raises(
            CommandError,
            match=r"areas_served.csv line 3: lad_names: 'Hackny' is not the name of a district of England",
        ):
            call_command("import_research", data_dir=data)
        assert not Mutual.objects.exists()

    def test_areas_without_a_basis_are_refused(self, tmp_path):
        data = with_row_changed(tmp_path, "areas_served.csv", 1, basis="")
        with pytest.raises(CommandError, match="areas_served.csv line 3: basis: Say how its areas were found"):
            call_command("import_research", data_dir=data)

    def test_a_national_mutual_with_districts_is_refused(self, tmp_path):
        data = with_row_changed(tmp_path, "areas_served.csv", 1, scope="national")
        with pytest.raises(CommandError, match="areas_served.csv line 3: lad_names: A national mutual works across"):
            call_command("import_research", data_dir=data)

    @pytest.mark.parametrize("name", ["mutuals.csv", "areas_served.csv", "boundaries/england-lad-2024-buc.geojson"])
    def test_a_missing_file_is_named(self, tmp_path, name):
        shutil.copytree(RESEARCH, tmp_path / "research")
        (tmp_path / "research" / name).unlink()
        with pytest.raises(CommandError, match=f"{name} not found"):
            call_command("import_research", data_dir=tmp_path / "research")


class BuildFixturesTests:
    def test_the_committed_fixture_matches_the_research_files(self, tmp_path):
        output, progress = tmp_path / "mutuals.json", StringIO()
        call_command("build_fixtures", output=output, stdout=(summary := StringIO()), stderr=progress)

        assert output.read_text() == (Path(settings.BASE_DIR) / "fixtures" / "mutuals.json").read_text()
        assert "build_fixtures: 100%" in progress.getvalue() and "4/4" in progress.getvalue()
        mutuals, contracts = len(researched("mutuals.csv")), len(researched("contracts.csv"))
        assert summary.getvalue().startswith(f"Wrote {output}: ")
        assert f" {mutuals} mutual, {contracts} contract, " in summary.getvalue()


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
