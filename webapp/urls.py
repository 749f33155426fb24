"""Top-level URLs: pages, accounts, the REST API under /api/, the admin and the health probe."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from webapp.accounts.login_limits import login_rate_limited
from webapp.api_docs import ApiDocsView
from webapp.favicon import favicon
from webapp.health import healthz

urlpatterns = [
    # The admin's password form gets the same brute-force brake as /accounts/login/.
    path("admin/login/", login_rate_limited(admin.site.login)),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/", include("webapp.accounts.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    # Before the apps' router, which owns the rest of /api/.
    path("api/", include("webapp.accounts.api")),
    path("api/", include("webapp.api_router")),
    path("", include("graphs.urls")),
    path("", include("graphs.explanations.urls")),
    path("", include("graphs.generation.urls")),
]

# Our own page for unknown addresses (Django uses it when DEBUG is off).
handler404 = "graphs.views.page_not_found"
