from django.urls import path

from . import views

app_name = "toezicht"

urlpatterns = [
    path("", views.SignalListView.as_view(), name="index"),
    path("signalen/xlsx/", views.SignalListView.as_view(export="xlsx"), name="signals_xlsx"),
    path("signalen/<int:pk>/", views.SignalView.as_view(), name="signal"),
    path("signalen/<int:pk>/zaak/", views.CaseCreateView.as_view(), name="case_create"),
    path("zaken/", views.CaseListView.as_view(), name="cases"),
    path("zaken/<int:pk>/", views.CaseView.as_view(), name="case"),
    path(
        "zaken/<int:pk>/documenten/<int:document>/",
        views.CaseDocumentView.as_view(),
        name="case_document",
    ),
    path("werkvoorraad/", views.WorklistView.as_view(), name="worklist"),
    path("werkvoorraad/xlsx/", views.WorklistView.as_view(export="xlsx"), name="worklist_xlsx"),
    path("aanbieder/<int:pk>/", views.ProviderOverviewView.as_view(), name="provider"),
    path("drempels/", views.ThresholdsView.as_view(), name="thresholds"),
    path("wachttijden/", views.WaitingTimesView.as_view(), name="waiting"),
    path("18-18plus/", views.Turning18View.as_view(), name="turning18"),
    path("18-18plus/xlsx/", views.Turning18View.as_view(export="xlsx"), name="turning18_xlsx"),
]
