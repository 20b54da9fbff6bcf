from django.urls import path

from . import health, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("health/", health.health, name="health"),
    path("thema/", views.ThemeView.as_view(), name="theme"),
    path("thema/logo/<int:region_id>/", views.theme_logo, name="theme_logo"),
    path("thema/<int:region_id>.css", views.theme_css, name="theme_css"),
    path("gemeenten/<str:cbs_code>/", views.MunicipalityDetailView.as_view(), name="municipality"),
]
