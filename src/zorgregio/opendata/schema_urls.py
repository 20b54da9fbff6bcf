"""The URLs the open API's OpenAPI document is generated from (only ``/api/open/v1/``)."""

from django.urls import include, path

urlpatterns = [path("api/open/v1/", include("zorgregio.opendata.api_urls"))]
