from django.urls import path

from . import views

app_name = "contracten"

urlpatterns = [
    path("", views.RegisterView.as_view(), name="index"),
    path("export.xlsx", views.RegisterExportView.as_view(), name="export"),
    path("raamovereenkomst/nieuw/", views.AgreementFormView.as_view(), name="agreement_new"),
    path("raamovereenkomst/<int:pk>/", views.AgreementView.as_view(), name="agreement"),
    path(
        "raamovereenkomst/<int:pk>/wijzigen/",
        views.AgreementFormView.as_view(),
        name="agreement_edit",
    ),
    path("aanbieder/<int:pk>/", views.ProviderContractView.as_view(), name="provider"),
    path("deelname/nieuw/", views.AdmissionCreateView.as_view(), name="admission_new"),
    path("deelname/<int:pk>/", views.AdmissionDetailView.as_view(), name="admission"),
    path("wijzigingen/", views.AmendmentListView.as_view(), name="amendments"),
    path("wijzigingen/nieuw/", views.AmendmentCreateView.as_view(), name="amendment_new"),
    path("wijzigingen/<int:pk>/", views.AmendmentDetailView.as_view(), name="amendment"),
    path(
        "onderaannemer/<int:pk>/besluit/",
        views.SubcontractorDecideView.as_view(),
        name="subcontractor_decide",
    ),
    path("werklijst/", views.WorklistView.as_view(), name="worklist"),
    path("geschiedenis/<slug:kind>/<int:pk>/", views.HistoryView.as_view(), name="history"),
]
