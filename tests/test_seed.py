import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from directory.models import Mutual

RESEARCH = Path(settings.BASE_DIR) / "fixtures" / "research"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("loaddata", "mutuals", verbosity=0)
        yield
        Mutual.objects.all().delete()


@pytest.fixture(scope="module")
def research_rows():
    with (RESEARCH / "mutuals.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
class SeedDataTests:
    def test_every_researched_organisation_is_in_the_directory(self, seeded, research_rows):
        assert sorted(Mutual.objects.published().values_list("name", flat=True)) == sorted(
            row["name"] for row in research_rows
        )

    def test_every_mutual_page_renders_with_its_sources_and_status(self, seeded, research_rows, client):
        for row in research_rows:
            mutual = Mutual.objects.get(name=row["name"])
            response = client.get(mutual.get_absolute_url())
            assert response.status_code == 200, row["name"]
            text = response.content.decode()
            for url in filter(None, (u.strip() for u in row["source_urls"].split(";"))):
                assert f'href="{url.replace("&", "&amp;")}"' in text, (row["name"], url)
            assert "Last verified: <time" in text
            if row["status"] != "active":
                assert "govuk-tag--green" not in text, row["name"]

    def test_the_listing_of_all_statuses_holds_every_mutual(self, seeded, client):
        response = client.get(reverse("directory:mutual-list"), {"status": "all"})
        assert response.context["page_obj"].paginator.count == 79
