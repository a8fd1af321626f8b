import json
import re
from datetime import date
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.urls import reverse

from directory.models import Mutual
from directory.sitemaps import MutualSitemap
from tests.factories import (
    CommissionerFactory,
    ContractFactory,
    DistrictFactory,
    MutualFactory,
    RegionFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
KNOWN_KEYS = {
    "@context",
    "@type",
    "name",
    "url",
    "description",
    "sameAs",
    "foundingDate",
    "dissolutionDate",
    "identifier",
    "areaServed",
    "address",
}
DEFAULT_DESCRIPTION = "A public directory of England's public service mutuals: who they are"


def json_ld(response):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def head(response, pattern):
    match = re.search(pattern, response.text, re.S)
    return match.group(1) if match else None


class OrganizationJsonLdTests:
    def test_holds_the_known_facts_of_a_mutual_and_nothing_else(self, client):
        mutual = MutualFactory(
            name="Bromley Healthcare CIC",
            summary="Community health services in Bromley.",
            website="https://www.bromleyhealthcare.org.uk",
            town="Bromley",
            postcode="BR1 1AA",
            year_spun_out=2011,
            register=Mutual.Register.COMPANIES_HOUSE,
            registration_number="07733466",
            region=RegionFactory(name="London"),
            area_scope=Mutual.AreaScope.LOCAL,
            area_basis=Mutual.AreaBasis.SOURCE,
        )
        mutual.districts.set([DistrictFactory(name="Bromley"), DistrictFactory(name="Bexley")])
        assert json_ld(client.get(mutual.get_absolute_url())) == {
            "@context": "https://schema.org",
            "@type": "Organization",
            "name": "Bromley Healthcare CIC",
            "url": "http://testserver" + mutual.get_absolute_url(),
            "description": "Community health services in Bromley.",
            "sameAs": ["https://www.bromleyhealthcare.org.uk"],
            "foundingDate": "2011",
            "identifier": {"@type": "PropertyValue", "propertyID": "Org-ID", "value": "GB-COH-07733466"},
            "areaServed": [
                {"@type": "AdministrativeArea", "name": "Bexley"},
                {"@type": "AdministrativeArea", "name": "Bromley"},
            ],
            "address": {
                "@type": "PostalAddress",
                "addressLocality": "Bromley",
                "postalCode": "BR1 1AA",
                "addressCountry": "GB",
            },
        }

    def test_leaves_out_what_is_not_known_rather_than_guessing(self, client):
        mutual = MutualFactory(
            name="Sparse Mutual",
            summary="Runs a library.",
            website="",
            town="",
            postcode="",
            year_spun_out=None,
            region=None,
        )
        assert json_ld(client.get(mutual.get_absolute_url())) == {
            "@context": "https://schema.org",
            "@type": "Organization",
            "name": "Sparse Mutual",
            "description": "Runs a library.",
            "url": "http://testserver" + mutual.get_absolute_url(),
        }

    def test_a_national_mutual_serves_england_and_a_multi_regional_one_names_no_place(self, client):
        national = MutualFactory(area_scope=Mutual.AreaScope.NATIONAL, area_basis=Mutual.AreaBasis.SOURCE)
        assert json_ld(client.get(national.get_absolute_url()))["areaServed"] == {
            "@type": "Country",
            "name": "England",
        }
        wide = MutualFactory(area_scope=Mutual.AreaScope.MULTI_REGIONAL, area_basis=Mutual.AreaBasis.SOURCE)
        assert "areaServed" not in json_ld(client.get(wide.get_absolute_url()))

    def test_a_closed_mutual_has_its_dissolution_year(self, client):
        mutual = MutualFactory(status=Mutual.Status.CLOSED, status_year=2019)
        assert json_ld(client.get(mutual.get_absolute_url()))["dissolutionDate"] == "2019"

    def test_no_value_can_end_the_script_element(self, client):
        summary = "Youth work </script><script>alert(1)</script> & more"
        mutual = MutualFactory(summary=summary)
        response = client.get(mutual.get_absolute_url())
        assert json_ld(response)["description"] == summary
        assert "<script>alert(1)" not in response.text


class SitemapTests:
    def sitemaps(self, client):
        """Return the addresses of the sitemaps the index at /sitemap.xml lists."""
        response = client.get(reverse("directory:sitemap"))
        assert response.status_code == 200
        tree = ElementTree.fromstring(response.content)
        return [sitemap.findtext(f"{SITEMAP}loc") for sitemap in tree.iter(f"{SITEMAP}sitemap")]

    def locations(self, client):
        """Return {page address: lastmod} over every sitemap the index lists."""
        locations = {}
        for address in self.sitemaps(client):
            response = client.get(address.removeprefix("http://testserver"))
            assert response.status_code == 200
            tree = ElementTree.fromstring(response.content)
            for url in tree.iter(f"{SITEMAP}url"):
                locations[url.findtext(f"{SITEMAP}loc")] = url.findtext(f"{SITEMAP}lastmod")
        return locations

    def test_lists_the_pages_and_every_published_mutual_with_its_last_change(self, client):
        mutual = MutualFactory(name="Listed Mutual")
        Mutual.objects.filter(pk=mutual.pk).update(updated_at="2026-03-04T10:00:00Z")
        buyer = ContractFactory(mutual=mutual).commissioner
        locations = self.locations(client)
        assert locations[f"http://testserver{mutual.get_absolute_url()}"] == date(2026, 3, 4).isoformat()
        for url in (
            reverse("directory:home"),
            reverse("directory:mutual-list"),
            reverse("directory:about"),
            reverse("directory:stats"),
            reverse("directory:sector-list"),
            reverse("directory:region-list"),
            reverse("directory:commissioner-list"),
            reverse("directory:api"),
            mutual.primary_sector.get_absolute_url(),
            mutual.region.get_absolute_url(),
            buyer.get_absolute_url(),
        ):
            assert f"http://testserver{url}" in locations

    def test_never_lists_a_draft_or_a_buyer_known_only_through_one(self, client):
        draft = MutualFactory(name="Draft Mutual", is_published=False)
        buyer = ContractFactory(mutual=draft, commissioner=CommissionerFactory(name="Draft Buyer")).commissioner
        locations = self.locations(client)
        assert f"http://testserver{draft.get_absolute_url()}" not in locations
        assert f"http://testserver{buyer.get_absolute_url()}" not in locations

    def test_mutuals_past_one_sitemaps_limit_go_on_to_a_second_page_the_index_lists(self, client, monkeypatch):
        monkeypatch.setattr(MutualSitemap, "limit", 2)
        mutuals = MutualFactory.create_batch(3)
        first = f"http://testserver{reverse('directory:sitemap-section', kwargs={'section': 'mutuals'})}"
        assert {first, f"{first}?p=2"} <= set(self.sitemaps(client))
        locations = self.locations(client)
        assert all(f"http://testserver{mutual.get_absolute_url()}" in locations for mutual in mutuals)

    def test_an_unknown_section_or_page_is_not_found(self, client):
        MutualFactory()
        mutuals = reverse("directory:sitemap-section", kwargs={"section": "mutuals"})
        assert client.get(reverse("directory:sitemap-section", kwargs={"section": "nope"})).status_code == 404
        assert client.get(mutuals, {"p": "9"}).status_code == 404
        assert client.get(mutuals, {"p": "abc"}).status_code == 404

    @pytest.mark.parametrize("extra", [0, 6])
    def test_query_count_does_not_grow_with_mutuals(self, client, django_assert_num_queries, extra):
        ContractFactory.create_batch(extra + 1)
        # One per section that is paged by counting its items: mutuals, sectors, regions, areas, buyers.
        with django_assert_num_queries(6):
            client.get(reverse("directory:sitemap"))
        with django_assert_num_queries(2):
            client.get(reverse("directory:sitemap-section", kwargs={"section": "mutuals"}))


class RobotsTxtTests:
    def test_allows_all_but_the_admin_and_points_to_the_sitemap(self, client):
        response = client.get(reverse("directory:robots"))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        lines = response.text.splitlines()
        assert lines[0] == "User-agent: *"
        assert "Allow: /" in lines
        assert f"Disallow: {reverse('admin:index')}" in lines
        assert f"Sitemap: http://testserver{reverse('directory:sitemap')}" in lines


class CanonicalAndTitleTests:
    def test_a_filtered_listing_is_canonical_to_the_unfiltered_one(self, client):
        MutualFactory()
        response = client.get(reverse("directory:mutual-list"), {"sector": "health", "sort": "value", "page": "1"})
        canonical = head(response, r'<link rel="canonical" href="([^"]*)">')
        assert canonical == f"http://testserver{reverse('directory:mutual-list')}"

    def test_my_pages_have_their_own_titles_descriptions_and_canonical_urls(self, client):
        contract = ContractFactory(mutual=MutualFactory(primary_sector=SectorFactory(name="Libraries")))
        mutual = contract.mutual
        urls = [
            reverse("directory:stats"),
            reverse("directory:sector-list"),
            reverse("directory:region-list"),
            reverse("directory:commissioner-list"),
            mutual.primary_sector.get_absolute_url(),
            mutual.region.get_absolute_url(),
            contract.commissioner.get_absolute_url(),
        ]
        titles = set()
        for url in urls:
            response = client.get(url)
            title = head(response, r"<title>(.*?)</title>")
            description = head(response, r'<meta name="description" content="([^"]*)">')
            assert title.endswith("– Mutuals Directory"), url
            assert description and DEFAULT_DESCRIPTION not in description, url
            assert 50 <= len(description) <= 320, url
            assert head(response, r'<link rel="canonical" href="([^"]*)">') == f"http://testserver{url}"
            titles.add(title)
        assert len(titles) == len(urls)


class SeedJsonLdTests:
    def test_every_seed_mutuals_json_ld_parses_and_names_it(self, client):
        call_command("loaddata", "mutuals", verbosity=0)
        for mutual in Mutual.objects.published():
            data = json_ld(client.get(mutual.get_absolute_url()))
            assert data["name"] == mutual.name
            assert data["url"] == f"http://testserver{mutual.get_absolute_url()}"
            assert set(data) <= KNOWN_KEYS
