from django.urls import path

from . import views

app_name = "zorg"

urlpatterns = [
    path("clienten/", views.ClientSearchView.as_view(), name="index"),
    path("clienten/<int:pk>/", views.ClientView.as_view(), name="client"),
]
