from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "zorgregio"
admin.site.site_title = "zorgregio beheer"

urlpatterns = [
    path("beheer/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/open/v1/", include("zorgregio.opendata.api_urls")),
    path("api/", include("zorgregio.api.urls")),
    path("", include("zorgregio.accounts.urls")),
    path("producten/", include("zorgregio.producten.urls")),
    path("contracten/", include("zorgregio.contracten.urls")),
    path("toelating/", include("zorgregio.toelating.urls")),
    path("zorg/", include("zorgregio.zorg.urls")),
    path("berichten/", include("zorgregio.berichten.urls")),
    path("monitor/", include("zorgregio.monitor.urls")),
    path("scenario/", include("zorgregio.scenario.urls")),
    path("toezicht/", include("zorgregio.toezicht.urls")),
    path("", include("zorgregio.vinder.urls")),
    path("inrichting/", include("zorgregio.inrichting.urls")),
    path("openbaar/", include("zorgregio.opendata.urls")),
    path("", include("zorgregio.web.urls")),
]
