"""Which district a point is in: England's real boundaries, and small shapes for the edge cases."""

import json

import pytest
from django.core.exceptions import ValidationError

from directory.geo import GeometryError, district_at, polygons_of
from directory.models import District
from directory.research_data import BOUNDARIES, save_districts
from tests.research import RESEARCH

YORK_MINSTER = (53.9623, -1.0819)
CAMBRIDGE_MARKET_SQUARE = (52.2053, 0.1190)
THE_WASH = (52.93, 0.25)
NORTH_SEA = (54.5, 1.0)


@pytest.fixture(scope="module")
def england(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        save_districts(RESEARCH / BOUNDARIES)
        yield
        District.objects.all().delete()


# Made-up shapes far from England (in the Mediterranean), so that England's districts never get in their way.


def square_with_a_hole():
    """A district 1° square at 40–41° N, 10–11° E, with a square hole in its middle."""
    outer = [[10, 40], [11, 40], [11, 41], [10, 41], [10, 40]]
    hole = [[10.4, 40.4], [10.4, 40.6], [10.6, 40.6], [10.6, 40.4], [10.4, 40.4]]
    return District.objects.create(
        name="Square", slug="square", geometry=json.dumps({"type": "MultiPolygon", "coordinates": [[outer, hole]]})
    )


def triangle():
    """A district whose box is 12–13° E, 40–41° N, filled only below its diagonal."""
    ring = [[12, 40], [13, 40], [12, 41], [12, 40]]
    return District.objects.create(
        name="Triangle", slug="triangle", geometry=json.dumps({"type": "Polygon", "coordinates": [ring]})
    )


@pytest.mark.django_db
class EnglandTests:
    def test_the_centre_of_york_is_in_york(self, england):
        assert district_at(*YORK_MINSTER).name == "York"
        # The database's box filter also finds its neighbours; the polygons tell them apart.
        assert District.objects.with_box_containing(*YORK_MINSTER).count() > 1

    def test_a_city_inside_a_hole_of_its_neighbour_is_the_city(self, england):
        assert district_at(*CAMBRIDGE_MARKET_SQUARE).name == "Cambridge"
        south_cambridgeshire = District.objects.get(name="South Cambridgeshire")
        assert any(len(polygon) > 1 for polygon in polygons_of(south_cambridgeshire.geometry))

    def test_a_point_in_the_sea_is_in_no_district(self, england):
        assert district_at(*NORTH_SEA) is None
        assert district_at(*THE_WASH) is None
        # The Wash is inside King's Lynn and West Norfolk's box, so it is the polygon test that leaves it out.
        assert list(District.objects.with_box_containing(*THE_WASH).values_list("name", flat=True)) == [
            "King's Lynn and West Norfolk"
        ]

    def test_each_district_holds_a_point_of_its_own_boundary(self, england):
        for district in District.objects.all():
            x, y = polygons_of(district.geometry)[0][0][0]
            found = district_at(y, x)
            assert found is not None and found.slug in {district.slug, *neighbours_at(y, x)}, district.name

    def test_the_lookup_takes_one_query(self, england, django_assert_num_queries):
        with django_assert_num_queries(1):
            district_at(*YORK_MINSTER)


def neighbours_at(latitude, longitude):
    return District.objects.with_box_containing(latitude, longitude).values_list("slug", flat=True)


@pytest.mark.django_db
class EdgeCaseTests:
    def test_a_point_on_the_edge_of_the_box_and_the_boundary_is_in_the_district(self):
        square = square_with_a_hole()
        assert (square.west, square.south, square.east, square.north) == (10, 40, 11, 41)
        assert district_at(41, 10.5) == square
        assert district_at(40, 10) == square

    def test_a_point_just_outside_the_box_is_in_no_district(self):
        square_with_a_hole()
        assert district_at(41.000001, 10.5) is None
        assert district_at(40.5, 9.999999) is None

    def test_a_point_inside_the_box_but_outside_the_polygon_is_in_no_district(self):
        shape = triangle()
        assert District.objects.with_box_containing(40.9, 12.9).get() == shape
        assert district_at(40.9, 12.9) is None
        assert district_at(40.1, 12.1) == shape

    def test_a_point_in_a_hole_is_outside_but_on_the_hole_s_edge_is_inside(self):
        square = square_with_a_hole()
        assert district_at(40.5, 10.5) is None
        assert district_at(40.4, 10.5) == square
        assert district_at(40.2, 10.2) == square

    @pytest.mark.parametrize(
        ("latitude", "longitude"), [("abc", 10.5), (None, 10.5), (float("nan"), 10.5), (91, 10.5), (40.5, 181)]
    )
    def test_something_that_is_not_a_position_is_in_no_district(self, latitude, longitude):
        square_with_a_hole()
        assert district_at(latitude, longitude) is None


class GeometryTests:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("not json", "not GeoJSON"),
            ('{"type": "Point", "coordinates": [0, 50]}', "Polygon or MultiPolygon"),
            ('{"type": "Polygon", "coordinates": [[[0, 50], [1, 50], [0, 50]]]}', "at least four positions"),
            ('{"type": "Polygon", "coordinates": [[[0, 95], [1, 50], [1, 51], [0, 95]]]}', "outside"),
            ('{"type": "Polygon", "coordinates": [[["a", 50], [1, 50], [1, 51], ["a", 50]]]}', "pairs"),
        ],
    )
    def test_a_boundary_that_is_not_a_polygon_is_refused_with_a_reason(self, text, message):
        with pytest.raises(GeometryError, match=message):
            polygons_of(text)
        with pytest.raises(ValidationError, match=message):
            District(name="Nowhere", slug="nowhere", geometry=text).clean()
