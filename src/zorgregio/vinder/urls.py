from django.urls import path

from . import views

app_name = "vinder"

urlpatterns = [
    path("vinden/", views.FinderIndexView.as_view(), name="index"),
    path("vinden/<slug:gemeente>/", views.FinderView.as_view(), name="finder"),
    path("vinden/<slug:gemeente>/<int:pk>/", views.ProviderView.as_view(), name="provider"),
    path("aanbod/<int:pk>/", views.OfferEditView.as_view(), name="offer_edit"),
]
