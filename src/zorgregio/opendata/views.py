"""The public dashboard (no login): the monitor's headline figures of a region and its
municipalities per year, as a council member sees them, with the definitions, the data's
completeness date, the comparison with the year before, and a CSV download."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from zorgregio.common.xlsx import csv_safe
from zorgregio.regio.models import Municipality

from . import selectors


def parse_year(value: str | None) -> tuple[int, str | None]:
    """The year of ``?jaar=``: (year, None), or (the default year, a Dutch message)."""
    default = selectors.default_year()
    if value is None or value == "":
        return default, None
    text = value.strip()
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        return default, _("'%(value)s' is not a year; use for example %(year)s.") % {
            "value": value[:20],
            "year": default,
        }
    year = int(text)
    years = selectors.data_years()
    if years and year not in years:
        return default, _("There are no figures for %(year)s; choose one of %(years)s.") % {
            "year": year,
            "years": ", ".join(str(y) for y in sorted(years)),
        }
    return year, None


class PublicIndexView(TemplateView):
    """The regions whose public figures are published."""

    template_name = "opendata/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(regions=selectors.public_regions(), **kwargs)


class PublicRegionMixin:
    def setup_region(self):
        self.region = selectors.region_by_slug(self.kwargs["region"])
        if self.region is None:
            raise Http404(_("Unknown region."))
        self.year, error = parse_year(self.request.GET.get("jaar"))
        if error and self.export:
            raise Http404(error)
        self.errors = [error] if error else []
        self.municipality = None
        if "cbs_code" in self.kwargs:
            self.municipality = get_object_or_404(
                Municipality.objects.filter(region=self.region), cbs_code=self.kwargs["cbs_code"]
            )


class PublicDashboardView(PublicRegionMixin, TemplateView):
    """The region with its municipalities side by side (``?jaar=2025``), or one municipality
    with its figures against the year before."""

    template_name = "opendata/dashboard.html"
    export: str | None = None

    def get(self, request, *args, **kwargs):
        self.setup_region()
        if self.municipality is None:
            self.places = selectors.region_table(self.region, self.year)
        else:
            self.places = [selectors.figures(self.region, self.year, self.municipality)]
        if self.export == "csv":
            return csv_response(self.places, self.filename())
        # Not the URL's keywords: the context names the region object ``region``.
        return self.render_to_response(self.get_context_data())

    def filename(self) -> str:
        place = self.municipality.cbs_code if self.municipality else self.region.slug
        return f"kerncijfers-{place}-{self.year}.csv"

    def get_context_data(self, **kwargs):
        main = self.places[0]
        query = f"?jaar={self.year}"
        return super().get_context_data(
            region=self.region,
            municipality=self.municipality,
            year=self.year,
            years=selectors.data_years(),
            errors=self.errors,
            main=main,
            places=self.places,
            headline=main.rows,
            complete_until=main.complete_until,
            refreshed_at=main.refreshed_at,
            csv_url=f"{self.request.path}csv/{query}",
            limit=main.rows[0].cell.limit if main.rows else None,
            **kwargs,
        )


CSV_COLUMNS = (
    "regio",
    "gemeente",
    "cbs_code",
    "jaar",
    "kengetal",
    "omschrijving",
    "waarde",
    "eenheid",
    "tekst",
    "verborgen",
    "vergelijking",
    "waarde_vorig_jaar",
    "tekst_vorig_jaar",
    "verandering",
    "gegevens_volledig_tot",
)


def figure_records(places):
    """One record per place and headline figure: what the CSV and the API give."""
    for place in places:
        comparison = place.comparison
        for row in place.rows:
            previous = row.previous
            yield {
                "regio": place.region.name,
                "gemeente": place.municipality.name if place.municipality else "",
                "cbs_code": place.municipality.cbs_code if place.municipality else "",
                "jaar": place.year,
                "kengetal": row.key,
                "omschrijving": str(row.label),
                "waarde": row.cell.shown,
                "eenheid": row.cell.kind,
                "tekst": row.cell.text,
                "verborgen": row.cell.suppressed,
                "vergelijking": comparison.label if comparison else "",
                "waarde_vorig_jaar": previous.shown if previous else None,
                "tekst_vorig_jaar": previous.text if previous else "",
                "verandering": row.delta.text if row.delta else "",
                "gegevens_volledig_tot": place.complete_until.isoformat()
                if place.complete_until
                else "",
            }


def csv_response(places, filename: str) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    for record in figure_records(places):
        values = []
        for column in CSV_COLUMNS:
            value = record[column]
            if isinstance(value, bool):
                value = "ja" if value else "nee"
            elif value is None:
                value = ""
            elif isinstance(value, float):
                value = f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")
            values.append(csv_safe(value))
        writer.writerow(values)
    response = HttpResponse(
        "\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8"
    )  # a BOM, so spreadsheets read it as UTF-8
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
