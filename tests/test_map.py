import json
import math

import html5lib
import pytest
from django.core.management import call_command
from django.urls import reverse

from directory.models import Mutual
from tests.factories import MutualFactory, RegionFactory, SectorFactory
from tests.helpers import add_mutuals, queries_for
from tests.research import researched
from tests.streaming import json_body

pytestmark = pytest.mark.django_db

MAP = reverse("directory:mutual-map")
GEOJSON = reverse("directory:mutual-geojson")


def add_map_mutuals(count):
    """Add `count` located mutuals in London with related rows, and one without a location."""
    add_mutuals(count, region=RegionFactory(name="London"))
    MutualFactory(latitude=None, longitude=None, location_basis="")


def map_data(response):
    """Return the FeatureCollection the page hands to its JavaScript."""
    return response.context["map_data"]


def names(feature_collection):
    return sorted(feature["properties"]["name"] for feature in feature_collection["features"])


def assert_valid_rfc7946(document):
    """Check what RFC 7946 asks of a FeatureCollection of Points."""
    assert set(document) == {"type", "features"}, "no crs or other members that RFC 7946 removed"
    assert document["type"] == "FeatureCollection"
    assert isinstance(document["features"], list)
    for feature in document["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["id"], str | int)
        assert isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        longitude, latitude = geometry["coordinates"]
        assert all(isinstance(value, float) and math.isfinite(value) for value in (longitude, latitude))
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90


class MutualMapViewTests:
    def test_it_shows_the_listings_selection_with_the_filter_form(self, client):
        MutualFactory(name="Leeds Health Mutual")
        MutualFactory(name="Long Gone CIC", status=Mutual.Status.CLOSED)
        MutualFactory(name="Secret Draft", is_published=False)
        response = client.get(MAP)
        assert response.status_code == 200
        assert names(map_data(response)) == ["Leeds Health Mutual"]
        assert 'aria-labelledby="filters-heading"' in response.text
        assert f'action="{MAP}"' in response.text
        assert "Long Gone CIC" not in response.text and "Secret Draft" not in response.text

    def test_it_answers_with_valid_html(self, client):
        MutualFactory()
        MutualFactory(name="Nowhere CIC", latitude=None, longitude=None, location_basis="")
        for params in ({}, {"sector": "nope", "page": "-1"}):
            html5lib.HTMLParser(strict=True).parse(client.get(MAP, params).content)

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"sector": "libraries"}, ["Bolton Libraries CIC", "Thames Libraries Mutual"]),
            ({"region": "london"}, ["Bow Health CIC", "Thames Libraries Mutual"]),
            ({"sector": "libraries", "region": "london"}, ["Thames Libraries Mutual"]),
            ({"status": "all", "sector": "health"}, ["Bow Health CIC", "Long Gone Health CIC"]),
            ({"q": "bolton"}, ["Bolton Libraries CIC"]),
        ],
    )
    def test_it_filters_like_the_listing(self, client, params, expected):
        london, north_west = RegionFactory(name="London"), RegionFactory(name="North West")
        health, libraries = SectorFactory(name="Health"), SectorFactory(name="Libraries")
        MutualFactory(name="Bow Health CIC", region=london, primary_sector=health)
        MutualFactory(name="Thames Libraries Mutual", region=london, primary_sector=libraries)
        MutualFactory(name="Bolton Libraries CIC", region=north_west, primary_sector=libraries, town="Bolton")
        MutualFactory(name="Long Gone Health CIC", region=north_west, primary_sector=health, status="closed")
        response = client.get(MAP, params)
        listing = client.get(reverse("directory:mutual-list"), params)
        assert names(map_data(response)) == expected
        assert sorted(mutual.name for mutual in listing.context["page_obj"].object_list) == expected

    def test_bad_parameters_are_ignored_and_the_page_says_so(self, client):
        MutualFactory(name="Still Shown CIC")
        response = client.get(MAP, {"sector": "nope", "value_min": "abc"})
        assert response.status_code == 200
        assert "Part of your search was ignored" in response.text
        assert "Ignored sector “nope”" in response.text
        assert "Ignored annual value from (£) “abc”" in response.text
        assert names(map_data(response)) == ["Still Shown CIC"]

    def test_list_and_map_link_to_each_other_keeping_the_selection(self, client):
        MutualFactory()
        query = "sector=health&region=london&sort=-name"
        map_page = client.get(f"{MAP}?{query}&page=2")
        list_page = client.get(f"{reverse('directory:mutual-list')}?{query}")
        assert (
            f'href="{reverse("directory:mutual-list")}?{query.replace("&", "&amp;")}">View as a list' in map_page.text
        )
        assert f'href="{MAP}?{query.replace("&", "&amp;")}">View these on a map' in list_page.text
        assert f'href="{GEOJSON}?{query.replace("&", "&amp;")}"' in map_page.text

    def test_search_engines_find_the_map(self, client):
        assert (
            f"<loc>http://testserver{MAP}</loc>"
            in client.get(reverse("directory:sitemap-section", kwargs={"section": "pages"})).text
        )

    def test_the_header_links_to_the_map(self, client):
        response = client.get(MAP)
        assert f'href="{MAP}" aria-current="page"><strong class="govuk-service-navigation__active-fallback">Map' in (
            response.text
        )

    def test_mutuals_without_a_location_are_listed_as_location_not_known(self, client):
        MutualFactory(name="Placed CIC")
        MutualFactory(name="Nowhere CIC", latitude=None, longitude=None, location_basis="", town="")
        response = client.get(MAP)
        assert names(map_data(response)) == ["Placed CIC"]
        text = response.text
        assert "1 on the map, 1 location not known" in text
        unknown = text[text.index('id="unlocated-heading">Location not known') : text.index('id="map-data"')]
        assert "Nowhere CIC" in unknown and "Placed CIC" not in unknown
        assert 'data-slug="nowhere-cic"' not in text
        assert 'data-slug="placed-cic"' in text

    def test_approximate_locations_are_said_to_be_approximate(self, client):
        MutualFactory(name="Town Centre CIC")
        MutualFactory(name="Street Address CIC", location_basis=Mutual.LocationBasis.ADDRESS)
        response = client.get(MAP)
        approximate = {f["properties"]["name"]: f["properties"]["approximate"] for f in map_data(response)["features"]}
        assert approximate == {"Town Centre CIC": True, "Street Address CIC": False}
        assert response.text.count("· approximate location") == 1

    def test_the_map_is_labelled_and_says_it_needs_javascript(self, client):
        MutualFactory.create_batch(2)
        text = client.get(MAP).text
        assert '<div id="mutual-map" class="app-map app-map--main" role="region" aria-label="Map of 2 mutuals"' in text
        assert "The map needs JavaScript" in text
        assert 'id="map-data" type="application/json"' in text

    def test_the_key_shows_every_sector_with_its_letters(self, client):
        MutualFactory(primary_sector=SectorFactory(name="Health"))
        SectorFactory(name="Libraries")
        SectorFactory(name="Space exploration")
        response = client.get(MAP)
        assert '<span class="app-marker__glyph">H</span></span> Health' in response.text
        assert '<span class="app-marker__glyph">Li</span></span> Libraries' in response.text
        assert '<span class="app-marker__glyph">Sp</span></span> Space exploration' in response.text
        assert response.context["map_settings"]["glyphs"] == {
            "health": "H",
            "libraries": "Li",
            "space-exploration": "Sp",
        }

    def test_the_region_overview_counts_mutuals_and_links_to_each_region(self, client):
        london, north_east = RegionFactory(name="London"), RegionFactory(name="North East")
        RegionFactory(name="South West")
        MutualFactory.create_batch(2, region=london)
        MutualFactory(region=north_east)
        MutualFactory(region=None, latitude=None, longitude=None, location_basis="")
        text = client.get(MAP, {"sector": "health"}).text
        overview = text[text.index('id="regions-heading"') : text.index('id="map-list-heading"')]
        assert '<a class="govuk-link" href="?sector=health&amp;region=london">London</a>' in overview
        assert 'London</a> <span class="app-count">2 mutuals</span>' in overview
        assert 'North East</a> <span class="app-count">1 mutual</span>' in overview
        assert 'South West <span class="app-count">no mutuals</span>' in overview
        assert 'Region not known <span class="app-count">1 mutual</span>' in overview

    def test_choosing_a_region_replaces_the_region_and_keeps_the_other_filters(self, client):
        MutualFactory(region=RegionFactory(name="London"))
        MutualFactory(region=RegionFactory(name="North East"))
        text = client.get(MAP, {"sector": "health", "region": "london", "page": "2"}).text
        overview = text[text.index('id="regions-heading"') : text.index('id="map-list-heading"')]
        assert "<strong>London</strong>" in overview
        assert 'href="?sector=health&amp;region=north-east"' in overview
        assert 'href="?sector=health">Show all regions' in overview

    @pytest.mark.parametrize("params", [{}, {"sector": "adult-social-care", "region": "london", "sort": "value"}])
    def test_the_number_of_queries_does_not_grow_with_the_mutuals(self, client, params):
        add_map_mutuals(3)
        few = queries_for(client, MAP, params)
        add_map_mutuals(20)
        assert queries_for(client, MAP, params) == few

    def test_it_loads_and_renders_the_seed_data(self, client):
        call_command("loaddata", "mutuals", verbosity=0)
        response = client.get(MAP, {"status": "all"})
        located = Mutual.objects.published().exclude(latitude=None)
        rows = researched("mutuals.csv")
        assert len(map_data(response)["features"]) == located.count() == sum(bool(row["lat"]) for row in rows)
        assert len(response.context["unlocated"]) == sum(not row["lat"] for row in rows) == 2
        assert response.text.count("app-map-list__item") == len(rows)


class MutualGeoJSONTests:
    def test_it_is_an_rfc7946_feature_collection_of_the_selection(self, client):
        MutualFactory(name="Leeds Health Mutual", latitude=53.8, longitude=-1.55)
        MutualFactory(name="Closed CIC", status=Mutual.Status.CLOSED)
        MutualFactory(name="Secret Draft", is_published=False)
        response = client.get(GEOJSON)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/geo+json"
        document = json_body(response)
        assert_valid_rfc7946(document)
        assert names(document) == ["Leeds Health Mutual"]

    def test_coordinates_are_longitude_then_latitude(self, client):
        MutualFactory(latitude=53.8, longitude=-1.55)
        feature = json_body(client.get(GEOJSON))["features"][0]
        assert feature["geometry"]["coordinates"] == [-1.55, 53.8]

    def test_each_feature_says_what_the_mutual_is_and_where_its_page_is(self, client):
        health, leisure = SectorFactory(name="Health"), SectorFactory(name="Leisure")
        mutual = MutualFactory(
            name="Bow Health CIC",
            primary_sector=health,
            sectors=[leisure],
            region=RegionFactory(name="London"),
            town="Bow",
        )
        feature = json_body(client.get(GEOJSON))["features"][0]
        assert feature["id"] == "bow-health-cic"
        assert feature["properties"] == {
            "slug": "bow-health-cic",
            "name": "Bow Health CIC",
            "sectors": [{"slug": "health", "name": "Health"}, {"slug": "leisure", "name": "Leisure"}],
            "primary_sector": "health",
            "region": {"slug": "london", "name": "London", "ons_code": "E12000007"},
            "town": "Bow",
            "status": "active",
            "status_label": "Active",
            "approximate": True,
            "location_note": "town centre (Leeds)",
            "url": f"http://testserver{mutual.get_absolute_url()}",
        }

    def test_mutuals_without_a_location_are_left_out_rather_than_given_an_invented_point(self, client):
        MutualFactory(name="Placed CIC")
        MutualFactory(name="Nowhere CIC", latitude=None, longitude=None, location_basis="")
        document = json_body(client.get(GEOJSON))
        assert names(document) == ["Placed CIC"]

    def test_unknown_region_and_town_are_null(self, client):
        MutualFactory(region=None, town="")
        properties = json_body(client.get(GEOJSON))["features"][0]["properties"]
        assert properties["region"] is None
        assert properties["town"] is None

    def test_it_takes_the_listings_filters(self, client):
        MutualFactory(name="Thames Libraries Mutual", primary_sector=SectorFactory(name="Libraries"))
        MutualFactory(name="Bow Health CIC")
        document = json_body(client.get(GEOJSON, {"sector": "libraries", "sort": "-name"}))
        assert names(document) == ["Thames Libraries Mutual"]

    def test_an_empty_selection_is_an_empty_feature_collection(self, client):
        document = json_body(client.get(GEOJSON, {"q": "nothing like this"}))
        assert document == {"type": "FeatureCollection", "features": []}

    @pytest.mark.parametrize(
        ("params", "parameter", "message"),
        [
            ({"sector": "nope"}, "sector", "Invalid sector “nope”: it is not one of the options."),
            ({"region": "atlantis"}, "region", "Invalid region “atlantis”"),
            ({"value_min": "abc"}, "value_min", "Invalid value_min “abc”: Enter a number."),
            ({"status": "sleeping"}, "status", "Invalid status “sleeping”"),
            ({"q": "x" * 5000}, "q", "Invalid q “xxxx"),
        ],
    )
    def test_bad_parameters_are_refused_with_a_400_naming_them(self, client, params, parameter, message):
        MutualFactory()
        response = client.get(GEOJSON, params)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        errors = response.json()["errors"]
        assert [error["parameter"] for error in errors] == [parameter]
        assert errors[0]["message"].startswith(message), errors

    def test_it_is_open_data_anyone_may_fetch_but_search_engines_skip(self, client):
        MutualFactory()
        response = client.get(GEOJSON, HTTP_ORIGIN="https://example.org")
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["X-Robots-Tag"] == "noindex"
        assert 'rel="license"' in response["Link"]

    @pytest.mark.parametrize("params", [{}, {"sector": "adult-social-care", "value_min": "1"}])
    def test_the_number_of_queries_does_not_grow_with_the_mutuals(self, client, params):
        add_map_mutuals(3)
        few = queries_for(client, GEOJSON, params)
        add_map_mutuals(20)
        assert queries_for(client, GEOJSON, params) == few
        assert few <= 4


class DetailMapTests:
    def test_a_mutual_with_a_location_has_a_small_map_centred_on_it(self, client):
        mutual = MutualFactory(latitude=53.8, longitude=-1.55)
        text = client.get(mutual.get_absolute_url()).text
        assert 'id="detail-map"' in text
        assert "The pin is where it is based, approximately: town centre (Leeds)." in text
        feature = json.loads(text.split('id="detail-map-data" type="application/json">')[1].split("</script>")[0])
        assert feature["geometry"]["coordinates"] == [-1.55, 53.8]
        html5lib.HTMLParser(strict=True).parse(text)

    def test_a_location_from_a_street_address_is_not_called_approximate(self, client):
        mutual = MutualFactory(location_basis=Mutual.LocationBasis.ADDRESS, location_note="registered office")
        text = client.get(mutual.get_absolute_url()).text
        assert "The pin is where it is based: registered office." in text
        assert "based, approximately" not in text

    def test_a_mutual_without_a_location_has_no_map(self, client):
        mutual = MutualFactory(latitude=None, longitude=None, location_basis="")
        text = client.get(mutual.get_absolute_url()).text
        assert 'id="detail-map"' not in text
        assert "leaflet" not in text

    def test_the_small_map_costs_no_extra_query(self, client):
        placed = MutualFactory(name="Placed CIC")
        nowhere = MutualFactory(name="Nowhere CIC", latitude=None, longitude=None, location_basis="")
        assert queries_for(client, placed.get_absolute_url()) == queries_for(client, nowhere.get_absolute_url())


@pytest.fixture
def points_limit(settings):
    """Make a selection of more than three mutuals large, so large-selection mode needs no thousands of rows."""
    settings.DIRECTORY = {**settings.DIRECTORY, "MAP_POINTS_LIMIT": 3}


def place_mutuals(count, latitude, longitude, prefix=None, **kwargs):
    """Make mutuals a few metres apart, named "<prefix> 0", "<prefix> 1"… if a prefix is given."""
    return [
        MutualFactory(
            latitude=latitude + index * 0.0001,
            longitude=longitude,
            **({"name": f"{prefix} {index}"} if prefix else {}),
            **kwargs,
        )
        for index in range(count)
    ]


def in_box(client, bbox, zoom=None, **params):
    query = {"bbox": bbox, **params} | ({"zoom": zoom} if zoom is not None else {})
    response = client.get(GEOJSON, query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return response.json()


def assert_valid_foreign_members(document):
    """A FeatureCollection whose extra members are the ones RFC 7946 section 6.1 allows us to add."""
    assert set(document) <= {"type", "features", "total", "truncated", "clustered"}
    assert_valid_rfc7946({"type": document["type"], "features": document["features"]})


class LargeSelectionMapTests:
    """Above MAP_POINTS_LIMIT mutuals, the page carries no points and lists the selection a page at a time."""

    def test_the_page_embeds_no_points_but_where_to_load_them(self, client, points_limit):
        place_mutuals(3, 51.5, -0.1, region=RegionFactory(name="London"))
        place_mutuals(2, 53.4, -2.9)
        MutualFactory(name="Nowhere CIC", latitude=None, longitude=None, location_basis="")
        response = client.get(MAP, {"sector": "health"})
        assert 'id="map-data"' not in response.text
        config = response.context["map_config"]
        assert config["url"] == f"{GEOJSON}?sector=health"
        assert config["located"] == 5
        assert config["bounds"] == [[51.5, -2.9], [pytest.approx(53.4001), -0.1]]
        assert 'id="map-config" type="application/json"' in response.text
        assert "6 mutuals" in response.text and "5 on the map, 1 location not known" in response.text
        assert (
            '<div id="mutual-map" class="app-map app-map--main" role="region" aria-label="Map of 5 mutuals"'
            in response.text
        )
        assert 'id="map-status" role="status"' in response.text

    def test_the_list_has_pages_of_25_with_the_listings_pagination(self, client, points_limit):
        MutualFactory.create_batch(27)
        MutualFactory(name="Zzz Nowhere CIC", latitude=None, longitude=None, location_basis="")
        first = client.get(MAP)
        assert len(first.context["page_obj"].object_list) == 25
        assert first.text.count('class="app-map-list__item"') == 25
        assert '<nav class="govuk-pagination" aria-label="Pagination">' in first.text
        assert 'href="?page=2" rel="next"' in first.text
        second = client.get(MAP, {"page": "2"})
        assert second.text.count('class="app-map-list__item"') == 3
        assert '<ol class="app-map-list" start="26"' in second.text
        item = second.text[second.text.index("Zzz Nowhere CIC") :]
        assert "· location not known" in item[: item.index("</li>")]
        assert 'data-slug="zzz-nowhere-cic"' not in second.text
        html5lib.HTMLParser(strict=True).parse(second.content)

    def test_the_list_is_in_the_listings_order_and_a_bad_page_is_ignored(self, client, points_limit):
        for name in ("Alpha CIC", "Beta CIC", "Gamma CIC", "Delta CIC"):
            MutualFactory(name=name)
        response = client.get(MAP, {"sort": "-name", "page": "99"})
        assert [mutual.name for mutual in response.context["page_obj"].object_list] == [
            "Gamma CIC",
            "Delta CIC",
            "Beta CIC",
            "Alpha CIC",
        ]
        assert "Ignored page “99”" in response.text

    def test_show_on_map_buttons_say_where_the_mutual_is(self, client, points_limit):
        MutualFactory.create_batch(3)
        MutualFactory(name="Bow Health CIC", latitude=51.53, longitude=-0.02)
        text = client.get(MAP).text
        assert 'data-slug="bow-health-cic" data-latitude="51.530000" data-longitude="-0.020000" hidden>' in text

    def test_the_region_overview_still_counts_the_whole_selection(self, client, points_limit):
        london = RegionFactory(name="London")
        RegionFactory(name="North West")
        MutualFactory.create_batch(4, region=london)
        MutualFactory(region=None)
        overview = client.get(MAP).text
        overview = overview[overview.index('id="regions-heading"') : overview.index('id="map-list-heading"')]
        assert 'London</a> <span class="app-count">4 mutuals</span>' in overview
        assert 'North West <span class="app-count">no mutuals</span>' in overview
        assert 'Region not known <span class="app-count">1 mutual</span>' in overview

    def test_a_selection_at_the_limit_is_still_drawn_whole(self, client, points_limit):
        MutualFactory.create_batch(3)
        response = client.get(MAP)
        assert len(map_data(response)["features"]) == 3
        assert "map_config" not in response.context

    @pytest.mark.parametrize("params", [{}, {"sector": "adult-social-care", "region": "london", "page": "2"}])
    def test_the_number_of_queries_does_not_grow_with_the_mutuals(self, client, points_limit, params):
        add_map_mutuals(4)
        few = queries_for(client, MAP, params)
        add_map_mutuals(30)
        assert queries_for(client, MAP, params) == few


class GeoJSONBoundingBoxTests:
    """The map of a large selection asks for one area at a time: /mutuals.geojson?bbox=west,south,east,north."""

    def test_it_gives_the_selections_mutuals_inside_the_box(self, client, points_limit):
        place_mutuals(2, 51.5, -0.1, prefix="London")
        place_mutuals(2, 53.4, -2.9)
        MutualFactory(latitude=51.5, longitude=-0.1, status=Mutual.Status.CLOSED)
        MutualFactory(latitude=51.5, longitude=-0.1, is_published=False)
        document = in_box(client, "-1,51,0,52")
        assert_valid_foreign_members(document)
        assert names(document) == ["London 0", "London 1"]
        assert document["total"] == 2
        assert "truncated" not in document and "clustered" not in document

    def test_a_box_with_more_than_the_limit_gives_groups_that_count_every_mutual(self, client, points_limit):
        place_mutuals(4, 51.5, -0.1)
        place_mutuals(3, 51.52, -0.9)
        place_mutuals(1, 52.2, -0.5, prefix="Alone")
        document = in_box(client, "-1,51,0,53", zoom=7)
        assert_valid_foreign_members(document)
        assert document["clustered"] is True
        assert document["total"] == 8
        groups = [feature for feature in document["features"] if feature["properties"].get("cluster")]
        assert sorted(group["properties"]["count"] for group in groups) == [7]
        (group,) = groups
        west, south, east, north = group["bbox"]
        assert (west, south, east, north) == (-0.9, 51.5, -0.1, pytest.approx(51.5202))
        assert [feature["properties"]["name"] for feature in document["features"] if feature not in groups] == [
            "Alone 0"
        ]
        finer = in_box(client, "-1,51,0,53", zoom=9)
        assert sorted(f["properties"].get("count", 1) for f in finer["features"]) == [1, 3, 4]
        assert finer["total"] == 8

    def test_groups_sit_on_a_fixed_grid_so_moving_the_map_keeps_them(self, client, points_limit):
        place_mutuals(4, 51.5, -0.1)
        here = in_box(client, "-1,51,0,52", zoom=9)["features"]
        wider = in_box(client, "-2,50.5,1,52.5", zoom=9)["features"]
        assert here == wider

    @pytest.mark.parametrize("zoom", [None, "14"])
    def test_without_groups_it_sends_the_limit_and_says_how_many_it_left_out(self, client, points_limit, zoom):
        place_mutuals(5, 51.5, -0.1)
        document = in_box(client, "-1,51,0,52", zoom=zoom)
        assert len(document["features"]) == 3
        assert document["total"] == 5
        assert document["truncated"] is True

    def test_it_takes_the_listings_filters_and_ignores_sorting(self, client, points_limit):
        libraries = SectorFactory(name="Libraries")
        place_mutuals(2, 51.5, -0.1, prefix="Library", primary_sector=libraries)
        place_mutuals(5, 51.5, -0.1)
        document = in_box(client, "-1,51,0,52", zoom=9, sector="libraries", sort="value")
        assert names(document) == ["Library 0", "Library 1"]

    @pytest.mark.parametrize(
        ("params", "parameter", "message"),
        [
            ({"bbox": "abc"}, "bbox", "Invalid bbox “abc”: give four numbers, west,south,east,north"),
            ({"bbox": "1,2,3"}, "bbox", "Invalid bbox “1,2,3”: give four numbers"),
            ({"bbox": "-1,51,nan,52"}, "bbox", "Invalid bbox “-1,51,nan,52”: the numbers must be finite."),
            ({"bbox": "-1,51,inf,52"}, "bbox", "Invalid bbox “-1,51,inf,52”: the numbers must be finite."),
            ({"bbox": "0,51,-1,52"}, "bbox", "Invalid bbox “0,51,-1,52”: west must be less than east"),
            ({"bbox": "-1,52,0,51"}, "bbox", "Invalid bbox “-1,52,0,51”: west must be less than east"),
            ({"bbox": "-1,51,0,95"}, "bbox", "Invalid bbox “-1,51,0,95”: west must be less than east"),
            ({"bbox": "-200,51,0,52"}, "bbox", "Invalid bbox “-200,51,0,52”"),
            ({"zoom": "7"}, "bbox", "Invalid bbox “”: give west,south,east,north in degrees"),
            ({"bbox": "-1,51,0,52", "zoom": "15"}, "zoom", "Invalid zoom “15”: give a whole number from 0 to 14."),
            ({"bbox": "-1,51,0,52", "zoom": "-1"}, "zoom", "Invalid zoom “-1”"),
            ({"bbox": "-1,51,0,52", "zoom": "two"}, "zoom", "Invalid zoom “two”"),
            ({"bbox": "-1,51,0,52", "zoom": "²"}, "zoom", "Invalid zoom “²”"),
        ],
    )
    def test_a_bad_box_or_zoom_is_refused_with_a_400_naming_it(self, client, params, parameter, message):
        response = client.get(GEOJSON, params)
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert [error["parameter"] for error in errors] == [parameter]
        assert errors[0]["message"].startswith(message), errors

    def test_bad_filters_and_a_bad_box_are_named_together(self, client):
        response = client.get(GEOJSON, {"bbox": "x", "sector": "nope"})
        assert response.status_code == 400
        assert {error["parameter"] for error in response.json()["errors"]} == {"sector", "bbox"}

    @pytest.mark.parametrize("zoom", ["7", "14"])
    def test_the_number_of_queries_does_not_grow_with_the_mutuals(self, client, points_limit, zoom):
        add_map_mutuals(4)
        few = queries_for(client, GEOJSON, {"bbox": "-6,50,2,56", "zoom": zoom})
        add_map_mutuals(30)
        assert queries_for(client, GEOJSON, {"bbox": "-6,50,2,56", "zoom": zoom}) == few

    def test_the_whole_selection_without_a_box_is_streamed_as_before(self, client, points_limit):
        place_mutuals(5, 51.5, -0.1)
        response = client.get(GEOJSON)
        assert response.streaming
        document = json_body(response)
        assert_valid_rfc7946(document)
        assert len(document["features"]) == 5
