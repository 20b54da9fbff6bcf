from django.urls import path

from . import views

app_name = "producten"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("product/nieuw/", views.ProductCreateView.as_view(), name="product_create"),
    path("product/<int:pk>/", views.ProductDetailView.as_view(), name="product"),
    path("product/<int:pk>/wijzigen/", views.ProductEditView.as_view(), name="product_edit"),
    path("product/<int:pk>/kostprijs/", views.CalculationView.as_view(), name="calculation_latest"),
    path(
        "product/<int:pk>/kostprijs/<int:version>/",
        views.CalculationView.as_view(),
        name="calculation",
    ),
    path(
        "product/<int:pk>/kostprijs/<int:version>/toepassen/",
        views.CalculationApplyView.as_view(),
        name="calculation_apply",
    ),
    path(
        "product/<int:pk>/kostprijs/vergelijken/",
        views.CalculationCompareView.as_view(),
        name="calculation_compare",
    ),
    path("inkoopmatrix/", views.MatrixView.as_view(), name="matrix"),
    path("tarieven/", views.TariffSheetView.as_view(), name="tariffs"),
    path("export/productenboek.xlsx", views.CatalogueExportView.as_view(), name="export_catalogue"),
    path("indexering/", views.IndexationListView.as_view(), name="indexations"),
    path("indexering/<int:pk>/", views.IndexationDetailView.as_view(), name="indexation"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("varianten/", views.VariantView.as_view(), name="variants"),
    path("taakbudgetten/", views.TaskBudgetView.as_view(), name="task_budgets"),
    path("gegevensaanlevering/", views.DataDeliveryView.as_view(), name="data_deliveries"),
]
