from django.urls import path

from . import health, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("health/", health.health, name="health"),
    path("gemeenten/<str:cbs_code>/", views.MunicipalityDetailView.as_view(), name="municipality"),
]
