from django.urls import path

from . import views

app_name = "monitor"

urlpatterns = [
    path("", views.RegionView.as_view(), name="index"),
    path("xlsx/", views.RegionView.as_view(export="xlsx"), name="index_xlsx"),
    path("gemeente/<str:cbs_code>/", views.MunicipalityView.as_view(), name="municipality"),
    path(
        "gemeente/<str:cbs_code>/xlsx/",
        views.MunicipalityView.as_view(export="xlsx"),
        name="municipality_xlsx",
    ),
    path(
        "gemeente/<str:cbs_code>/raadsrapportage/",
        views.ReportView.as_view(),
        name="report",
    ),
    path("productgroep/<slug:code>/", views.GroupView.as_view(), name="group"),
    path(
        "productgroep/<slug:code>/xlsx/",
        views.GroupView.as_view(export="xlsx"),
        name="group_xlsx",
    ),
    path("pilot/<slug:code>/", views.PilotView.as_view(), name="pilot"),
    path("aanbieder/<int:pk>/", views.ProviderView.as_view(), name="provider"),
    path(
        "aanbieder/<int:pk>/xlsx/",
        views.ProviderView.as_view(export="xlsx"),
        name="provider_xlsx",
    ),
    path("budgetten/", views.BudgetView.as_view(), name="budgets"),
]
