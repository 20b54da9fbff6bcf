from django.urls import path

from . import views

app_name = "scenario"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("nieuw/", views.EditView.as_view(), name="new"),
    path("bereken/", views.PreviewView.as_view(), name="preview"),
    path("vergelijk/", views.CompareView.as_view(), name="compare"),
    path("vergelijk/xlsx/", views.CompareView.as_view(export="xlsx"), name="compare_xlsx"),
    path("<int:pk>/", views.EditView.as_view(), name="detail"),
    path("<int:pk>/xlsx/", views.ExportView.as_view(), name="xlsx"),
    path("<int:pk>/publiceren/", views.PublishView.as_view(), name="publish"),
]
