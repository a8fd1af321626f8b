from django.contrib.sitemaps.views import index, sitemap
from django.urls import path

from . import api, areas, exports, views
from .feeds import ChangeFeed
from .map import MutualMapView, mutual_geojson
from .sitemaps import SITEMAPS

app_name = "directory"
urlpatterns = [
    path("", views.home, name="home"),
    path("mutuals/", views.MutualListView.as_view(), name="mutual-list"),
    path("mutuals.csv", exports.mutual_csv, name="mutual-csv"),
    path("mutuals.json", exports.mutual_json, name="mutual-json"),
    path("mutuals/<slug:slug>.json", exports.mutual_detail_json, name="mutual-detail-json"),
    path("mutuals.geojson", mutual_geojson, name="mutual-geojson"),
    path("map/", MutualMapView.as_view(), name="mutual-map"),
    path("mutuals/<slug:slug>/", views.MutualDetailView.as_view(), name="mutual-detail"),
    path("sectors/", views.sector_list, name="sector-list"),
    path("sectors/<slug:slug>/", views.sector_detail, name="sector-detail"),
    path("regions/", views.region_list, name="region-list"),
    path("regions/<slug:slug>/", views.region_detail, name="region-detail"),
    path("commissioners/", views.commissioner_list, name="commissioner-list"),
    path(
        "commissioners/<slug:slug>/",
        views.commissioner_detail,
        name="commissioner-detail",
    ),
    path("areas/<slug:slug>/", areas.area_detail, name="area-detail"),
    path("about/", views.about, name="about"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("stats/", views.statistics, name="stats"),
    path("feed/", ChangeFeed(), name="feed"),
    path(
        "sitemap.xml",
        index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "directory:sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("api/", api.api_home, name="api"),
    path("api/openapi.json", api.openapi_document, name="api-openapi"),
    path("api/mutuals/", api.mutual_list, name="api-mutual-list"),
    path("api/mutuals/<slug:slug>/", exports.mutual_detail_json, name="api-mutual-detail"),
    path("api/sectors/", api.sector_list, name="api-sector-list"),
    path("api/regions/", api.region_list, name="api-region-list"),
    path("api/commissioners/", api.commissioner_list, name="api-commissioner-list"),
    path("api/<path:rest>", api.not_found, name="api-not-found"),
    path(
        "corrections/new/",
        views.CorrectionCreateView.as_view(),
        name="correction-create",
    ),
]
