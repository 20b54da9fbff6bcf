from django.urls import path

from . import views
from .api import ProviderListAPI

app_name = "vinder"

urlpatterns = [
    path("vinden/", views.FinderIndexView.as_view(), name="index"),
    path("vinden/<slug:gemeente>/", views.FinderView.as_view(), name="finder"),
    path("vinden/<slug:gemeente>/<int:pk>/", views.ProviderView.as_view(), name="provider"),
    path("aanbod/<int:pk>/", views.OfferEditView.as_view(), name="offer_edit"),
]

# The finder as open data (read-only, no login); beside the rest of /api/open/v1/.
urlpatterns += [
    path("api/open/v1/aanbieders/", ProviderListAPI.as_view(), name="open_providers"),
]
