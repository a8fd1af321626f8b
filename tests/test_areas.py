"""Where mutuals work, by place: the areas index, an area's page, finding one's council, and a mutual's areas."""

import json
import logging

import html5lib
import pytest
from django.core.management import call_command
from django.urls import reverse

from directory import area_pages
from directory.models import District, Mutual
from directory.research_data import BOUNDARIES, save_districts
from tests.factories import DistrictFactory, MutualFactory, SectorFactory, square
from tests.helpers import queries_for
from tests.html_forms import form_query
from tests.research import RESEARCH

pytestmark = pytest.mark.django_db

YORK_CENTRE = (53.959, -1.081)
IRISH_SEA = (54.0, -3.8)
LOCAL = Mutual.AreaScope.LOCAL
NATIONAL = Mutual.AreaScope.NATIONAL
SOURCE = Mutual.AreaBasis.SOURCE


@pytest.fixture(scope="class")
def england(django_db_setup, django_db_blocker):
    """England's 296 real district boundaries, as the seed data holds them, for the tests of one class."""
    with django_db_blocker.unblock():
        save_districts(RESEARCH / BOUNDARIES)
        yield
        District.objects.all().delete()


def picker(response):
    """Return the council menu's form action and its options, (value, name), the empty first one left out."""
    document = html5lib.parse(response.content, namespaceHTMLElements=False)
    form = next(f for f in document.iter("form") if "app-area-picker__form" in (f.get("class") or "").split())
    [select] = [select for select in form.iter("select") if select.get("name") == "district"]
    return form.get("action"), [(o.get("value"), o.text) for o in select.iter("option") if o.get("value")]


def at(client, latitude, longitude):
    return client.get(reverse("directory:area-at"), {"lat": latitude, "lon": longitude})


def local_mutual(name, *districts, **fields):
    mutual = MutualFactory(
        name=name,
        area_scope=LOCAL,
        area_basis=fields.pop("area_basis", SOURCE),
        area_basis_detail=fields.pop("area_basis_detail", f"{name} says where it works"),
        area_source_urls=fields.pop("area_source_urls", "https://www.example.org/where-we-work"),
        **fields,
    )
    mutual.districts.set(districts)
    return mutual


def national_mutual(name, **fields):
    return MutualFactory(
        name=name,
        area_scope=NATIONAL,
        area_basis=SOURCE,
        area_basis_detail="works across England",
        area_source_urls="https://www.example.org/national",
        **fields,
    )


@pytest.fixture
def leeds_world():
    """Leeds with two mutuals named there (two sectors), one closed, one draft; York with its own; one national."""
    leeds, york = DistrictFactory(name="Leeds"), DistrictFactory(name="York")
    health, care = SectorFactory(name="Health"), SectorFactory(name="Adult social care")
    return {
        "leeds": leeds,
        "york": york,
        "health": local_mutual("Leeds Community Health CIC", leeds, primary_sector=health),
        "care": local_mutual(
            "Leeds Care Mutual",
            leeds,
            york,
            primary_sector=care,
            sectors=[health],
            area_basis=Mutual.AreaBasis.CONTRACT,
            area_basis_detail="Leeds City Council's home care contract, 2022-2027",
            area_source_urls="https://www.contractsfinder.example.org/notice/123",
        ),
        "closed": local_mutual("Leeds Old Mutual", leeds, primary_sector=health, status=Mutual.Status.CLOSED),
        "draft": local_mutual("Leeds Secret Draft CIC", leeds, primary_sector=health, is_published=False),
        "york_only": local_mutual("York Only CIC", york, primary_sector=health),
        "national": national_mutual("England Everywhere CIC", primary_sector=health),
    }


class FindByPointTests:
    def test_the_centre_of_york_sends_you_to_york_s_page(self, client, england):
        response = at(client, *YORK_CENTRE)
        assert response.status_code == 302
        assert response["Location"] == reverse("directory:area-detail", kwargs={"slug": "york"})

    def test_a_point_in_the_sea_is_in_no_district_and_says_so(self, client, england):
        response = at(client, *IRISH_SEA)
        assert response.status_code == 200
        assert "That point is not in an English district we know" in response.content.decode()
        # The council menu is right there to choose from instead.
        assert len(response.context["picker"]) == 296

    def test_a_point_on_the_edge_of_a_district_s_box_is_in_it_and_just_beyond_is_not(self, client):
        DistrictFactory(name="Square", geometry=square(10, 40, size=1))
        assert at(client, 40.0, 10.5)["Location"] == reverse("directory:area-detail", kwargs={"slug": "square"})
        assert at(client, 39.9999, 10.5).status_code == 200

    @pytest.mark.parametrize(
        "query",
        [{}, {"lat": "53.9"}, {"lat": "abc", "lon": "-1"}, {"lat": "nan", "lon": "-1"}, {"lat": "91", "lon": "0"}]
        + [{"lat": "53", "lon": "inf"}, {"lat": "53", "lon": "-180.5"}, {"lat": "", "lon": ""}],
    )
    def test_a_position_that_is_not_one_is_a_clear_400(self, client, query):
        response = client.get(reverse("directory:area-at"), query)
        assert response.status_code == 400
        assert "We could not read that location" in response.content.decode()

    def test_nothing_of_the_position_is_kept_or_logged(self, client, caplog, england):
        caplog.set_level(logging.INFO)
        response = at(client, "53.95912", "-1.08134")
        assert "no-store" in response["Cache-Control"]
        logged = [record for record in caplog.records if record.name == "mutuals.request"]
        assert [record.path for record in logged] == [reverse("directory:area-at")]
        assert not [record for record in caplog.records if "53.959" in record.getMessage() + str(record.__dict__)]


class ChooseACouncilTests:
    def test_the_choice_sends_you_to_the_council_s_page(self, client, leeds_world):
        response = client.get(reverse("directory:area-go"), {"district": "leeds"})
        assert response["Location"] == leeds_world["leeds"].get_absolute_url()

    def test_no_choice_sends_you_to_every_area_and_an_unknown_one_is_not_found(self, client, leeds_world):
        assert client.get(reverse("directory:area-go"))["Location"] == reverse("directory:area-list")
        assert client.get(reverse("directory:area-go"), {"district": "atlantis"}).status_code == 404


class FromTheHomePageTests:
    def test_a_resident_of_kirklees_finds_its_mutuals_from_the_home_page_in_two_steps(self, client):
        call_command("loaddata", "mutuals", verbosity=0)
        # One: the home page's menu of every council, sent without JavaScript.
        action, options = picker(client.get(reverse("directory:home")))
        assert action == reverse("directory:area-go")
        assert ("kirklees", "Kirklees") in options
        assert len(options) == 296
        # Two: the button, and Kirklees's page.
        response = client.get(action, {"district": "kirklees"}, follow=True)
        assert response.redirect_chain == [(reverse("directory:area-detail", kwargs={"slug": "kirklees"}), 302)]
        names = [mutual.name for mutual in response.context["mutuals"].named]
        assert "Locala Health and Wellbeing (Locala Community Partnerships CIC)" in names


class FromTheListingTests:
    """A commissioner narrows the listing or the map to a council from the filters, without JavaScript too."""

    @pytest.mark.parametrize("page", ["directory:mutual-list", "directory:mutual-map"])
    def test_a_buyer_chooses_leeds_in_the_filters_and_sees_who_works_there(self, client, leeds_world, page):
        response = client.get(reverse(page))
        menu = area_menu(response)
        assert menu[0] == ("", "Anywhere", False)
        assert [(value, name) for value, name, _ in menu[1:]] == [("leeds", "Leeds"), ("york", "York")]
        assert ("area", "") in form_query(response.content, "app-filters")

        chosen = [
            (name, "leeds" if name == "area" else value) for name, value in form_query(response.content, "app-filters")
        ]
        response = client.get(reverse(page), chosen)
        assert response.status_code == 200
        assert "Part of your search was ignored" not in response.text
        names = {mutual.name for mutual in response.context["filter"].qs}
        assert names == {"Leeds Community Health CIC", "Leeds Care Mutual", "England Everywhere CIC"}
        assert ("leeds", "Leeds", True) in area_menu(response)

    def test_several_areas_chosen_by_address_are_all_kept_when_the_filters_are_applied(self, client, leeds_world):
        response = client.get(reverse("directory:mutual-list"), {"area": ["leeds", "york"]})
        assert area_menu(response) == []
        sent = form_query(response.content, "app-filters")
        assert [value for name, value in sent if name == "area"] == ["leeds", "york"]

    def test_an_unknown_area_is_ignored_and_the_menu_says_anywhere(self, client, leeds_world):
        response = client.get(reverse("directory:mutual-list"), {"area": "atlantis"})
        assert "Part of your search was ignored" in response.text
        assert [selected for _, _, selected in area_menu(response)] == [False, False, False]


def area_menu(response):
    """Return the filters' area menu as (value, name, selected) options; empty when there is none."""
    document = html5lib.parse(response.content, namespaceHTMLElements=False)
    menus = [select for select in document.iter("select") if select.get("name") == "area"]
    return [(o.get("value"), o.text, o.get("selected") is not None) for menu in menus for o in menu.iter("option")]


class AreaListTests:
    def test_every_district_by_letter_with_its_active_mutuals_named_there(self, client, leeds_world):
        response = client.get(reverse("directory:area-list"))
        letters = {
            letter: [(d.name, d.active_count) for d in districts] for letter, districts in response.context["letters"]
        }
        # Leeds: two active and published (the closed one and the draft are not counted, nor the national one).
        assert letters == {"L": [("Leeds", 2)], "Y": [("York", 2)]}
        page = response.content.decode()
        assert 'href="#letter-L"' in page and 'id="letter-L"' in page
        assert "1 active mutual works across regions or nationally" in page
        assert "Secret" not in page

    def test_a_search_narrows_the_list_and_works_without_javascript(self, client, leeds_world):
        response = client.get(reverse("directory:area-list"), {"q": "yor"})
        assert [d.name for _, districts in response.context["letters"] for d in districts] == ["York"]
        assert "1 district match “yor”" in response.content.decode()
        # The menu still offers every council.
        assert len(response.context["picker"]) == 2

    def test_a_search_that_matches_nothing_says_so_and_a_silly_one_is_ignored(self, client, leeds_world):
        nothing = client.get(reverse("directory:area-list"), {"q": "zzz"})
        assert "No district's name holds those letters" in nothing.content.decode()
        silly = client.get(reverse("directory:area-list"), {"q": "x" * 500})
        assert silly.status_code == 200
        assert len(silly.context["letters"]) == 2

    def test_the_page_has_the_council_menu(self, client, leeds_world):
        action, options = picker(client.get(reverse("directory:area-list")))
        assert (action, options) == (reverse("directory:area-go"), [("leeds", "Leeds"), ("york", "York")])

    @pytest.mark.parametrize("extra", [0, 30])
    def test_query_count_does_not_grow_with_districts_or_mutuals(self, client, django_assert_num_queries, extra):
        for n in range(extra):
            local_mutual(f"Local Mutual {n}", DistrictFactory(), DistrictFactory())
            national_mutual(f"National Mutual {n}")
        # The districts with their counts, the mutuals working everywhere, the menu.
        with django_assert_num_queries(3):
            client.get(reverse("directory:area-list"))


class AreaPageTests:
    def test_an_unknown_district_is_not_found(self, client):
        assert client.get(reverse("directory:area-detail", kwargs={"slug": "atlantis"})).status_code == 404

    def test_mutuals_named_there_by_primary_sector_then_those_working_everywhere_then_the_closed(
        self, client, leeds_world
    ):
        response = client.get(leeds_world["leeds"].get_absolute_url())
        mutuals = response.context["mutuals"]
        assert [(group.sector.name, [m.name for m in group.mutuals]) for group in mutuals.by_sector] == [
            ("Adult social care", ["Leeds Care Mutual"]),
            ("Health", ["Leeds Community Health CIC"]),
        ]
        assert [m.name for m in mutuals.everywhere.mutuals] == ["England Everywhere CIC"]
        assert [m.name for m in mutuals.ended.mutuals] == ["Leeds Old Mutual"]
        page = response.content.decode()
        assert page.index("Named in Leeds") < page.index("Working everywhere") < page.index("No longer working here")
        assert "York Only CIC" not in page
        assert "Secret" not in page

    def test_each_mutual_says_how_its_areas_were_found_with_the_source(self, client, leeds_world):
        page = client.get(leeds_world["leeds"].get_absolute_url()).content.decode()
        assert "The area of a buyer of its services: Leeds City Council&#x27;s home care contract, 2022-2027" in page
        assert 'href="https://www.contractsfinder.example.org/notice/123"' in page
        assert "Works everywhere: national" in page

    def test_links_to_the_listing_the_map_and_the_csv_of_the_area(self, client, leeds_world):
        page = client.get(leeds_world["leeds"].get_absolute_url()).content.decode()
        for name in ("directory:mutual-list", "directory:mutual-map", "directory:mutual-csv"):
            assert f'href="{reverse(name)}?area=leeds"' in page

    def test_breadcrumbs_and_the_map_s_district_and_points(self, client, leeds_world):
        response = client.get(leeds_world["leeds"].get_absolute_url())
        page = response.content.decode()
        assert "<title>Mutuals working in Leeds" in page
        crumbs = page[page.index('aria-label="Breadcrumb"') :]
        assert crumbs.index(">Home<") < crumbs.index(">Areas<") < crumbs.index(">Leeds<")
        boundary = response.context["boundary"]
        assert boundary["features"][0]["geometry"] == json.loads(leeds_world["leeds"].geometry)
        assert 'id="area-map-boundary"' in page
        assert [point["name"] for point in response.context["points"]] == [
            "Leeds Care Mutual",
            "Leeds Community Health CIC",
        ]

    def test_a_district_no_mutual_names_still_lists_those_working_everywhere(self, client, leeds_world):
        page = client.get(DistrictFactory(name="Rutland").get_absolute_url()).content.decode()
        assert "No active mutual in the directory names Rutland" in page
        assert "England Everywhere CIC" in page

    @pytest.mark.parametrize("extra", [0, 30])
    def test_query_count_does_not_grow_with_mutuals(self, client, leeds_world, django_assert_num_queries, extra):
        for n in range(extra):
            local_mutual(f"Another Leeds Mutual {n}", leeds_world["leeds"], primary_sector=SectorFactory())
            national_mutual(f"Another National Mutual {n}")
        # The district; the mutuals named there, those working everywhere and those that ended; how many of the last two.
        with django_assert_num_queries(5):
            client.get(leeds_world["leeds"].get_absolute_url())

    def test_of_thousands_working_everywhere_or_ended_it_shows_the_first_and_links_to_the_rest(
        self, client, leeds_world, monkeypatch
    ):
        monkeypatch.setattr(area_pages, "SHOWN", 2)
        for n in range(3):
            national_mutual(f"National Mutual {n}")
            national_mutual(f"Closed National Mutual {n}", status=Mutual.Status.CLOSED)
            local_mutual(f"Leeds Care {n}", leeds_world["leeds"], primary_sector=leeds_world["care"].primary_sector)
        response = client.get(leeds_world["leeds"].get_absolute_url())
        mutuals = response.context["mutuals"]
        care = mutuals.by_sector[0]
        assert (care.sector.name, [m.name for m in care.mutuals], care.count) == (
            "Adult social care",
            ["Leeds Care 0", "Leeds Care 1"],
            4,
        )
        assert [m.name for m in mutuals.everywhere.mutuals] == ["England Everywhere CIC", "National Mutual 0"]
        assert [m.name for m in mutuals.ended.mutuals] == ["Closed National Mutual 0", "Closed National Mutual 1"]
        assert (mutuals.everywhere.count, mutuals.ended.count) == (4, 4)
        assert len(response.context["points"]) == 5  # Every one named there is on the map.
        page = response.content.decode()
        assert "5 active mutuals name Leeds among the areas they work in, and 4 more work across regions" in page
        assert page.count("These are the first 2 of 4, A to Z.") == 3
        list_url = reverse("directory:mutual-list")
        assert f'href="{list_url}?area=leeds&amp;sector=adult-social-care">See every adult social care mutual' in page
        assert f'href="{list_url}?area=leeds">See all the mutuals working in Leeds on the listing' in page
        assert f'href="{list_url}?area=leeds&amp;status=all"' in page
        assert ">National Mutual 2</a>" not in page
        assert ">Leeds Care 2</a>" not in page  # On the map, not in the list.


class WhereItWorksTests:
    def test_a_local_mutual_names_its_districts_as_links_and_how_they_were_found(self, client, leeds_world):
        mutual = leeds_world["care"]
        mutual.area_quote = "We provide home care across Leeds and York."
        mutual.save()
        page = client.get(mutual.get_absolute_url()).content.decode()
        section = page[page.index('id="where-heading"') :]
        assert "Local: it works in two districts." in section
        assert f'href="{leeds_world["leeds"].get_absolute_url()}">Leeds</a>' in section
        assert f'href="{leeds_world["york"].get_absolute_url()}">York</a>' in section
        assert "The area of a buyer of its services: Leeds City Council" in section
        assert "We provide home care across Leeds and York." in section
        assert 'href="https://www.contractsfinder.example.org/notice/123"' in section

    def test_the_small_map_shades_its_districts(self, client, leeds_world):
        response = client.get(leeds_world["care"].get_absolute_url())
        page = response.content.decode()
        assert 'id="detail-map-areas"' in page
        assert "The shading is where it works: 2 districts." in page
        assert "The pin is where it is based, approximately" in page

    def test_a_national_mutual_says_it_works_everywhere(self, client, leeds_world):
        page = client.get(leeds_world["national"].get_absolute_url()).content.decode()
        assert "Nationally: it works across England" in page
        assert 'id="detail-map-areas"' not in page

    def test_unknown_areas_say_not_known(self, client):
        page = client.get(MutualFactory().get_absolute_url()).content.decode()
        assert "Where it works: not known." in page

    def test_query_count_does_not_grow_with_districts(self, client, leeds_world):
        mutual = leeds_world["health"]
        few = queries_for(client, mutual.get_absolute_url())
        mutual.districts.add(*(DistrictFactory() for _ in range(20)))
        assert queries_for(client, mutual.get_absolute_url()) == few


class AreaSitemapTests:
    def test_every_area_has_its_place_in_the_sitemap(self, client, leeds_world):
        response = client.get(reverse("directory:sitemap-section", kwargs={"section": "areas"}))
        page = response.content.decode()
        assert "/areas/leeds/</loc>" in page and "/areas/york/</loc>" in page
        assert (
            reverse("directory:area-list")
            in client.get(reverse("directory:sitemap-section", kwargs={"section": "pages"})).content.decode()
        )
