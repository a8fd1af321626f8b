"""Finding the mutuals that work where you live, in a real browser: by choosing your council, with and without
JavaScript, or by letting the browser say where you are; and the area pages' accessibility."""

import re

import pytest
from playwright.sync_api import expect

from directory.models import District, Mutual
from directory.research_data import BOUNDARIES, save_districts
from tests.browser.conftest import SCREENSHOTS, wait_until
from tests.browser.test_accessibility import axe_report
from tests.browser.world import build_world
from tests.factories import MutualFactory, SectorFactory
from tests.research import RESEARCH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KIRKLEES_MUTUAL = "Kirklees Community Health CIC"
YORK_CENTRE = {"latitude": 53.959, "longitude": -1.081}
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def world(transactional_db):
    """The browser tests' small directory, with England's real districts: York Leisure Trust works in York, a health
    mutual in Kirklees. Made before each test's page."""
    world = build_world()
    save_districts(RESEARCH / BOUNDARIES)
    detail = world.detail
    detail.area_scope = Mutual.AreaScope.LOCAL
    detail.area_basis = Mutual.AreaBasis.PARENT_BODY
    detail.area_basis_detail = "the area of City of York Council, which it spun out of"
    detail.area_source_urls = "https://www.example.org/york-leisure/about"
    detail.area_quote = "We run the city's leisure centres for City of York Council."
    detail.save()
    detail.districts.set([District.objects.get(slug="york")])
    kirklees = MutualFactory(
        name=KIRKLEES_MUTUAL,
        summary="Community nursing and therapies in Kirklees.",
        primary_sector=SectorFactory(name="Health"),
        town="Huddersfield",
        latitude=53.645,
        longitude=-1.785,
        area_scope=Mutual.AreaScope.LOCAL,
        area_basis=Mutual.AreaBasis.CONTRACT,
        area_basis_detail="Kirklees Council's community health contract",
        area_source_urls="https://www.example.org/kirklees-contract",
    )
    kirklees.districts.set([District.objects.get(slug="kirklees")])
    return world


def wait_for_map(page):
    page.wait_for_selector("body[data-map-ready]")


def expect_kirklees_page(page):
    expect(page).to_have_url(re.compile(r"/areas/kirklees/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mutuals working in Kirklees")
    expect(page.get_by_role("link", name=KIRKLEES_MUTUAL)).to_be_visible()


class FindByCouncilTests:
    def test_typing_part_of_a_council_s_name_and_choosing_it(self, page):
        page.goto("/")
        box = page.get_by_role("combobox", name="Your council (local authority district)")
        box.fill("Kirkl")
        page.get_by_role("option", name="Kirklees").click()
        page.get_by_role("button", name="Show mutuals working there").click()
        expect_kirklees_page(page)
        wait_for_map(page)
        assert page.locator("#area-map").get_attribute("data-marker-count") == "1"

    def test_choosing_with_the_keyboard(self, page):
        page.goto("/")
        box = page.get_by_role("combobox", name="Your council (local authority district)")
        box.focus()
        page.keyboard.type("kirk")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        expect(box).to_have_value("Kirklees")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect_kirklees_page(page)

    @pytest.mark.parametrize("context_options", [{"java_script_enabled": False}])
    def test_without_javascript_the_menu_works_and_use_my_location_is_hidden(self, page):
        page.goto("/")
        expect(page.get_by_role("button", name="Use my location")).to_be_hidden()
        page.get_by_label("Your council (local authority district)").select_option("kirklees")
        page.get_by_role("button", name="Show mutuals working there").click()
        expect_kirklees_page(page)


class UseMyLocationTests:
    @pytest.mark.parametrize(
        "context_options", [{"geolocation": YORK_CENTRE, "permissions": ["geolocation"]}], ids=["in-york"]
    )
    def test_the_browser_s_position_leads_to_its_district(self, page):
        page.goto("/")
        page.get_by_role("button", name="Use my location").click()
        expect(page).to_have_url(re.compile(r"/areas/york/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Mutuals working in York")
        expect(page.get_by_role("link", name="York Leisure Trust")).to_be_visible()

    @pytest.mark.parametrize(
        "context_options",
        [{"geolocation": {"latitude": 54.0, "longitude": -3.8}, "permissions": ["geolocation"]}],
        ids=["at-sea"],
    )
    def test_a_position_at_sea_says_so_and_offers_the_menu(self, page):
        page.goto("/areas/")
        page.get_by_role("button", name="Use my location").click()
        expect(page.get_by_role("alert")).to_contain_text("That point is not in an English district we know")
        expect(page.get_by_label("Your council (local authority district)")).to_be_visible()

    def test_a_refusal_is_explained(self, page):
        page.goto("/")
        page.get_by_role("button", name="Use my location").click()
        expect(page.get_by_role("status").filter(has_text="did not share")).to_have_text(
            "Your browser did not share your location. Choose your council from the list instead."
        )


class FromTheFiltersTests:
    def test_a_buyer_types_a_council_in_the_listing_s_filters(self, page):
        page.goto("/mutuals/")
        box = page.get_by_role("combobox", name="Area where they work")
        box.fill("Kirkl")
        page.get_by_role("option", name="Kirklees").click()
        page.get_by_role("button", name="Apply filters").click()
        expect(page).to_have_url(re.compile(r"/mutuals/\?area=kirklees$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("working in Kirklees")
        expect(page.get_by_role("link", name=KIRKLEES_MUTUAL)).to_be_visible()
        expect(page.get_by_role("link", name="York Leisure Trust")).to_have_count(0)
        # The box shows the council chosen; emptying it chooses anywhere again.
        box = page.get_by_role("combobox", name="Area where they work")
        expect(box).to_have_value("Kirklees")
        box.fill("")
        page.get_by_role("button", name="Apply filters").click()
        expect(page).to_have_url(re.compile(r"/mutuals/\??$"))
        expect(page.get_by_role("heading", level=1)).not_to_contain_text("Kirklees")
        expect(page.get_by_role("combobox", name="Area where they work")).to_have_value("")


class AreaPagesAccessibilityTests:
    @pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
    @pytest.mark.parametrize(
        ("name", "address"),
        [
            ("areas", "/areas/"),
            ("area", "/areas/york/"),
            ("home", "/"),
            ("mutual", "/mutuals/york-leisure-trust/"),
            ("area-search", "/areas/?q=north"),
            ("listing-area", "/mutuals/?area=kirklees"),
        ],
    )
    def test_axe_finds_nothing_wrong(self, page, viewport, name, address):
        page.goto(address)
        if page.locator("#area-map, #detail-map").count():
            wait_for_map(page)
        assert axe_report(page) == ""
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"areas-{name}-{viewport['width']}.png", full_page=True)

    def test_the_mutual_s_map_shades_where_it_works(self, page):
        page.goto("/mutuals/york-leisure-trust/")
        wait_for_map(page)
        wait_until(page, "document.querySelector('#detail-map').dataset.districtCount === '1'")
        expect(page.get_by_text("The shading is where it works: 1 district.")).to_be_visible()
        section = page.locator("section", has=page.get_by_role("heading", name="Where it works"))
        expect(section.get_by_role("link", name="York", exact=True)).to_have_attribute("href", "/areas/york/")
