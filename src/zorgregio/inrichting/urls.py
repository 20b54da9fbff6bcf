from django.urls import path

from . import views

app_name = "inrichting"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("rolwijzigingen/", views.RoleChangesView.as_view(), name="role_changes"),
    path("<slug:slug>/", views.ImportView.as_view(), name="import"),
    path(
        "<slug:slug>/sjabloon.<str:fmt>",
        views.TemplateDownloadView.as_view(),
        name="template",
    ),
]
