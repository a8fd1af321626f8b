# SimpleAdminConfig does not autodiscover (see settings): each app's admin module is imported here.
import axes.admin  # noqa: F401
import django.contrib.auth.admin  # noqa: F401
from django.contrib import admin
from django.urls import include, path

import directory.admin  # noqa: F401

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("directory.urls")),
]
