from io import StringIO

import html5lib
import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import ContractFactory, DistrictFactory, MutualFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def important_urls():
    contract = ContractFactory()
    mutual = contract.mutual
    MutualFactory(latitude=None, longitude=None, website="")
    district = DistrictFactory(name="Leeds")
    mutual.area_scope, mutual.area_basis, mutual.area_quote = "local", "source", "Across Leeds."
    mutual.area_source_urls = "https://www.example.org/leeds"
    mutual.save()
    mutual.districts.add(district)
    return [
        reverse("directory:home"),
        reverse("directory:mutual-list"),
        reverse("directory:mutual-list") + "?sector=health&region=london&sort=value&status=all",
        reverse("directory:mutual-list") + "?page=-1&value_min=abc&sector=nope",
        mutual.get_absolute_url(),
        mutual.primary_sector.get_absolute_url(),
        mutual.region.get_absolute_url(),
        contract.commissioner.get_absolute_url(),
        reverse("directory:about"),
        reverse("directory:area-list"),
        reverse("directory:area-list") + "?q=lee",
        district.get_absolute_url(),
        reverse("directory:area-at") + "?lat=abc",
        reverse("directory:correction-create") + f"?mutual={mutual.slug}",
    ]


class SiteTests:
    def test_every_important_page_answers_with_valid_html(self, client, important_urls):
        parser = html5lib.HTMLParser(strict=True)
        for url in important_urls:
            response = client.get(url)
            assert response.status_code == (400 if "lat=abc" in url else 200), url
            parser.parse(response.content)

    def test_no_model_change_lacks_a_migration(self):
        call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
