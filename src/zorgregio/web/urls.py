from django.urls import path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("gemeenten/<str:cbs_code>/", views.MunicipalityDetailView.as_view(), name="municipality"),
]
