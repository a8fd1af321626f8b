# SimpleAdminConfig does not autodiscover (see settings): each app's admin module is imported here.
import axes.admin  # noqa: F401
import django.contrib.auth.admin  # noqa: F401
from django.contrib import admin
from django.urls import include, path

import directory.admin  # noqa: F401
from mutuals_site.ops.views import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("directory.urls")),
]

handler400 = "mutuals_site.ops.views.bad_request"
handler403 = "mutuals_site.ops.views.permission_denied"
handler404 = "mutuals_site.ops.views.page_not_found"
handler500 = "mutuals_site.ops.views.server_error"
