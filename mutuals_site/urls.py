from django.contrib import admin
from django.urls import include, path

import directory.admin  # noqa: F401  SimpleAdminConfig does not autodiscover (see settings).

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("directory.urls")),
]
