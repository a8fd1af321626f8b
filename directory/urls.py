from django.contrib.sitemaps.views import index, sitemap
from django.urls import path

from .sitemaps import SITEMAPS
from .views import api, data, downloads, embed, feeds, listing, pages

app_name = "directory"
urlpatterns = [
    path("", pages.home, name="home"),
    path("mutuals/", listing.MutualListView.as_view(), name="mutual-list"),
    path("map/", listing.MutualMapView.as_view(), name="mutual-map"),
    path("embed/map/", embed.EmbedMapView.as_view(), name="embed-map"),
    path("embed/mutuals/", embed.EmbedListView.as_view(), name="embed-list"),
    path("mutuals.csv", downloads.mutual_csv, name="mutual-csv"),
    path("mutuals.json", downloads.mutual_json, name="mutual-json"),
    path("mutuals.geojson", downloads.mutual_geojson, name="mutual-geojson"),
    path("mutuals/<slug:slug>.json", api.mutual_detail, name="mutual-detail-json"),
    path("mutuals/<slug:slug>/", pages.MutualDetailView.as_view(), name="mutual-detail"),
    path("sectors/", pages.sector_list, name="sector-list"),
    path("sectors/<slug:slug>/", pages.sector_detail, name="sector-detail"),
    path("regions/", pages.region_list, name="region-list"),
    path("regions/<slug:slug>/", pages.region_detail, name="region-detail"),
    path("commissioners/", pages.commissioner_list, name="commissioner-list"),
    path("commissioners/<slug:slug>/", pages.commissioner_detail, name="commissioner-detail"),
    path("stats/", pages.statistics, name="stats"),
    path("about/", pages.about, name="about"),
    path("data/", data.dataset_page, name="dataset"),
    path("data/mutuals-directory-v<int:number>.zip", data.dataset_download, name="dataset-download"),
    path("data/mutuals-directory-latest.zip", data.dataset_latest, name="dataset-latest"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("corrections/new/", pages.CorrectionCreateView.as_view(), name="correction-create"),
    path("suggest-a-mutual/", pages.SuggestionCreateView.as_view(), name="suggestion-create"),
    path("favicon.ico", pages.favicon, name="favicon"),
    path("robots.txt", pages.robots_txt, name="robots"),
    path("feed/", feeds.ChangeFeed(), name="feed"),
    path(
        "sitemap.xml",
        index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "directory:sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("api/", api.api_home, name="api"),
    path("api/openapi.json", api.openapi_document, name="api-openapi"),
    path("api/mutuals/", api.mutual_list, name="api-mutual-list"),
    path("api/mutuals/<slug:slug>/", api.mutual_detail, name="api-mutual-detail"),
    path("api/sectors/", api.sector_list, name="api-sector-list"),
    path("api/regions/", api.region_list, name="api-region-list"),
    path("api/commissioners/", api.commissioner_list, name="api-commissioner-list"),
    path("api/<path:rest>", api.not_found, name="api-not-found"),
]
