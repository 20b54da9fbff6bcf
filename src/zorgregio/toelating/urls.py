from django.urls import path

from . import views

app_name = "toelating"

urlpatterns = [
    path("", views.ProcedureListView.as_view(), name="index"),
    path("nieuw/", views.ProcedureCreateView.as_view(), name="procedure_new"),
    path("<int:pk>/", views.ProcedureDetailView.as_view(), name="procedure"),
    path("<int:pk>/vragenlijst/", views.RequirementsView.as_view(), name="requirements"),
    path("<int:pk>/drempels/", views.ThresholdsView.as_view(), name="thresholds"),
    path("<int:pk>/vragen/", views.QuestionsView.as_view(), name="questions"),
    path("<int:pk>/aanvragen/", views.ApplicationsView.as_view(), name="applications"),
    path(
        "<int:pk>/aanvragen/nieuw/", views.ApplicationStartView.as_view(), name="application_start"
    ),
    path("aanvraag/<int:pk>/", views.ApplicationView.as_view(), name="application"),
    path("aanvraag/<int:pk>/beoordeling/", views.AssessmentView.as_view(), name="assessment"),
    path("aanvraag/<int:pk>/ontvangstbevestiging.pdf", views.ReceiptView.as_view(), name="receipt"),
    path("bewijs/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
    path("besluit/<int:pk>/brief.pdf", views.LetterView.as_view(), name="letter"),
    path("document/<int:pk>/", views.DocumentDownloadView.as_view(), name="document"),
    path("nota/<int:pk>.pdf", views.NotaDownloadView.as_view(), name="nota"),
    path("openbaar/", views.PublicIndexView.as_view(), name="public_index"),
    path("openbaar/<int:pk>/", views.PublicProcedureView.as_view(), name="public_procedure"),
    path("openbaar/<int:pk>/registreren/", views.RegisterView.as_view(), name="register"),
]
