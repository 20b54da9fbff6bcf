"""REST API v1. Each app contributes its endpoints in ``<app>/api.py`` with ``register(router)``."""

from importlib import import_module

from django.apps import apps
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from zorgregio.accounts.permissions import HasRole

router = DefaultRouter()
for config in apps.get_app_configs():
    if not config.name.startswith("zorgregio."):
        continue
    try:
        module = import_module(f"{config.name}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"{config.name}.api":
            raise
        continue
    module.register(router)

urlpatterns = [
    path("v1/", include(router.urls)),
    # The schema and its docs describe endpoints with client-level data: for users with a role
    # only (the public open-data API has its own, public schema).
    path("v1/schema/", SpectacularAPIView.as_view(permission_classes=[HasRole]), name="api-schema"),
    path(
        "v1/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=[HasRole]),
        name="api-docs",
    ),
]
