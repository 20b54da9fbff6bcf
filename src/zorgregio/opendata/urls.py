"""The public dashboard (no login): ``/openbaar/``."""

from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("", views.PublicIndexView.as_view(), name="index"),
    path("<slug:region>/", views.PublicDashboardView.as_view(), name="region"),
    path("<slug:region>/csv/", views.PublicDashboardView.as_view(export="csv"), name="region_csv"),
    path(
        "<slug:region>/gemeente/<str:cbs_code>/",
        views.PublicDashboardView.as_view(),
        name="municipality",
    ),
    path(
        "<slug:region>/gemeente/<str:cbs_code>/csv/",
        views.PublicDashboardView.as_view(export="csv"),
        name="municipality_csv",
    ),
]
