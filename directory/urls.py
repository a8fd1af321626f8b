from django.urls import path

from . import views
from .map import MutualMapView, mutual_geojson

app_name = "directory"
urlpatterns = [
    path("", views.home, name="home"),
    path("mutuals/", views.MutualListView.as_view(), name="mutual-list"),
    path("mutuals.geojson", mutual_geojson, name="mutual-geojson"),
    path("map/", MutualMapView.as_view(), name="mutual-map"),
    path("mutuals/<slug:slug>/", views.MutualDetailView.as_view(), name="mutual-detail"),
    path("sectors/<slug:slug>/", views.sector_detail, name="sector-detail"),
    path("regions/<slug:slug>/", views.region_detail, name="region-detail"),
    path(
        "commissioners/<slug:slug>/",
        views.commissioner_detail,
        name="commissioner-detail",
    ),
    path("about/", views.about, name="about"),
    path(
        "corrections/new/",
        views.CorrectionCreateView.as_view(),
        name="correction-create",
    ),
]
