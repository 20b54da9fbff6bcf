from django.urls import path

from . import views

app_name = "berichten"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("bestanden/<int:pk>/", views.FileDetailView.as_view(), name="file"),
    path("uploaden/", views.UploadView.as_view(), name="upload"),
    path("imports/<int:pk>/", views.BatchView.as_view(), name="batch"),
    path("declaraties/<int:pk>/", views.DeclaratieView.as_view(), name="declaratie"),
    path("declaraties/<int:pk>/325/", views.Answer325View.as_view(), name="answer325"),
]
