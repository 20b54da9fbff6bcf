"""The open data API v1, mounted at ``/api/open/v1/`` (conf/urls.py). Its own OpenAPI document
(``openapi.json`` / ``openapi.yaml``) describes exactly these endpoints."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularYAMLAPIView
from rest_framework.permissions import AllowAny

from zorgregio.vinder.api import ProviderListAPI

from . import api_views
from .api_base import NotFoundView

OPEN_SCHEMA_SETTINGS = {
    "TITLE": "zorgregio open data API",
    "DESCRIPTION": (
        "Public, read-only API without a login: the key figures of the regional monitor per "
        "municipality and year (with small-cell suppression, as council members see them) and "
        "the contracting data as the Open Contracting Data Standard 1.1. Rate-limited per "
        "address; errors as problem details (RFC 9457) in Dutch; pagination with `pagina` and "
        "`pagina_grootte`. See docs/opendata.md."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/open/v1",
    "PREPROCESSING_HOOKS": ["zorgregio.opendata.schema_hooks.only_open_api"],
}


class OpenSchemaMixin:
    authentication_classes: list = []
    permission_classes = [AllowAny]
    custom_settings = OPEN_SCHEMA_SETTINGS
    urlconf = "zorgregio.opendata.schema_urls"


class OpenSchemaJSONView(OpenSchemaMixin, SpectacularJSONAPIView):
    pass


class OpenSchemaYAMLView(OpenSchemaMixin, SpectacularYAMLAPIView):
    pass


urlpatterns = [
    path("regios/", api_views.RegionsView.as_view(), name="open-regions"),
    path("regios/<slug:region>/kerncijfers/", api_views.FiguresView.as_view(), name="open-figures"),
    path(
        "regios/<slug:region>/kerncijfers.csv",
        api_views.FiguresCsvView.as_view(),
        name="open-figures-csv",
    ),
    path("aanbieders/", ProviderListAPI.as_view(), name="open-providers"),  # the finder
    path("ocds/releases/", api_views.ReleasesView.as_view(), name="open-ocds-releases"),
    path("ocds/releases/<str:ocid>/", api_views.ReleasesOfView.as_view(), name="open-ocds-release"),
    path("ocds/records/", api_views.RecordsView.as_view(), name="open-ocds-records"),
    path("ocds/records/<str:ocid>/", api_views.RecordOfView.as_view(), name="open-ocds-record"),
    path(
        "ocds/bulk/releases.json",
        api_views.BulkReleasesView.as_view(),
        name="open-ocds-bulk-releases",
    ),
    path(
        "ocds/bulk/records.json",
        api_views.BulkRecordsView.as_view(),
        name="open-ocds-bulk-records",
    ),
    path("openapi.json", OpenSchemaJSONView.as_view(), name="open-api-schema"),
    path("openapi.yaml", OpenSchemaYAMLView.as_view(), name="open-api-schema-yaml"),
    # Anything else: a 404 problem (unnamed: not an endpoint of its own, not in the schema).
    path("<path:rest>", extend_schema(exclude=True)(NotFoundView).as_view()),
]
