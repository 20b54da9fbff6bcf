"""The open data API v1 (``/api/open/v1/``): the public figures and the contracting data
(OCDS), read-only and without a login; conventions in :mod:`.api_base`."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from zorgregio.regio.models import Municipality

from . import ocds, selectors
from .api_base import OpenAPIView
from .views import parse_year

PROBLEM = OpenApiResponse(
    response=inline_serializer(
        "Probleem",
        {
            "type": serializers.CharField(),
            "title": serializers.CharField(),
            "status": serializers.IntegerField(),
            "detail": serializers.CharField(),
            "instance": serializers.CharField(),
        },
    ),
    description="Problem details (RFC 9457, application/problem+json), in Dutch.",
)


class CellSerializer(serializers.Serializer):
    waarde = serializers.FloatField(allow_null=True, help_text="null when hidden or missing")
    tekst = serializers.CharField(help_text="As shown on screen, e.g. '< 5' or 'geen gegevens'.")
    verborgen = serializers.BooleanField(help_text="Hidden to protect small numbers.")
    eenheid = serializers.CharField(help_text="count, amount (eurocents), percent (0-1), days...")


class FigureSerializer(serializers.Serializer):
    kengetal = serializers.CharField()
    omschrijving = serializers.CharField()
    definitie = serializers.CharField()
    huidig = CellSerializer()
    vergelijkbaar = CellSerializer(
        allow_null=True, help_text="Over the months with complete data, when fewer than the year."
    )
    vorig_jaar = CellSerializer(allow_null=True)
    verandering = CellSerializer(allow_null=True)


class PlaceSerializer(serializers.Serializer):
    regio = serializers.CharField(help_text="The region's short name.")
    gemeente = serializers.CharField(allow_null=True, help_text="CBS code; null: the region.")
    naam = serializers.CharField()
    jaar = serializers.IntegerField()
    gegevens_volledig_tot = serializers.DateField(allow_null=True)
    vergelijking = serializers.CharField()
    kengetallen = FigureSerializer(many=True)


def cell(c):
    if c is None:
        return None
    return {"waarde": c.shown, "tekst": c.text, "verborgen": c.suppressed, "eenheid": c.kind}


def place_data(place) -> dict:
    return {
        "regio": place.region.slug,
        "gemeente": place.municipality.cbs_code if place.municipality else None,
        "naam": place.municipality.name if place.municipality else place.region.name,
        "jaar": place.year,
        "gegevens_volledig_tot": place.complete_until,
        "vergelijking": place.comparison.label if place.comparison else "",
        "kengetallen": [
            {
                "kengetal": row.key,
                "omschrijving": str(row.label),
                "definitie": str(row.definition),
                "huidig": cell(row.cell),
                "vergelijkbaar": cell(row.compared),
                "vorig_jaar": cell(row.previous),
                "verandering": cell(row.delta),
            }
            for row in place.rows
        ],
    }


class RegionSerializer(serializers.Serializer):
    regio = serializers.CharField()
    naam = serializers.CharField()
    gemeenten = serializers.ListField(child=serializers.DictField())


class RegionsView(OpenAPIView):
    """The regions with public figures and their municipalities (CBS codes)."""

    @extend_schema(
        operation_id="regios_lijst", responses={200: RegionSerializer(many=True)}, tags=["regio's"]
    )
    def get(self, request):
        regions = selectors.public_regions()
        page, paginator = self.paginate(regions, request)
        data = [
            {
                "regio": r.slug,
                "naam": r.name,
                "gemeenten": [
                    {"cbs_code": m.cbs_code, "naam": m.name}
                    for m in r.municipalities.order_by("name")
                ],
            }
            for r in page
        ]
        return paginator.get_paginated_response(data)


class FiguresView(OpenAPIView):
    """The monitor's headline figures of a region and each of its municipalities for one year,
    with the same suppression and protection as a council member gets: hidden values are
    ``null`` with ``verborgen: true``."""

    @extend_schema(
        operation_id="kerncijfers_lijst",
        parameters=[
            OpenApiParameter("jaar", OpenApiTypes.INT, description="Year; default the latest."),
            OpenApiParameter("gemeente", OpenApiTypes.STR, description="CBS code (4 digits)."),
            OpenApiParameter("pagina", OpenApiTypes.INT),
            OpenApiParameter("pagina_grootte", OpenApiTypes.INT),
        ],
        responses={200: PlaceSerializer(many=True), 400: PROBLEM, 404: PROBLEM, 429: PROBLEM},
        tags=["kerncijfers"],
    )
    def get(self, request, region):
        found = selectors.region_by_slug(region)
        if found is None:
            raise exceptions.NotFound(_("Unknown region '%(slug)s'.") % {"slug": region[:40]})
        year, error = parse_year(request.query_params.get("jaar"))
        if error:
            raise exceptions.ValidationError({"jaar": [error]})
        code = request.query_params.get("gemeente")
        if code is not None:
            municipality = Municipality.objects.filter(region=found, cbs_code=code).first()
            if municipality is None:
                raise exceptions.NotFound(
                    _("The region has no municipality with CBS code '%(code)s'.")
                    % {"code": code[:10]}
                )
            places = [municipality]
        else:
            places = [None, *selectors.municipalities_of(selectors.public_scope(found.pk))]
        page, paginator = self.paginate(places, request)
        data = [place_data(selectors.figures(found, year, m)) for m in page]
        return paginator.get_paginated_response(data)


class FiguresCsvView(OpenAPIView):
    """The same figures as CSV (``;``-separated, UTF-8 with BOM; text that a spreadsheet would
    read as a formula starts with a quote)."""

    @extend_schema(
        operation_id="kerncijfers_csv",
        parameters=[OpenApiParameter("jaar", OpenApiTypes.INT)],
        responses={(200, "text/csv"): OpenApiTypes.STR, 400: PROBLEM, 404: PROBLEM},
        tags=["kerncijfers"],
    )
    def get(self, request, region):
        from .views import csv_response

        found = selectors.region_by_slug(region)
        if found is None:
            raise exceptions.NotFound(_("Unknown region '%(slug)s'.") % {"slug": region[:40]})
        year, error = parse_year(request.query_params.get("jaar"))
        if error:
            raise exceptions.ValidationError({"jaar": [error]})
        response = csv_response(
            selectors.region_table(found, year), f"kerncijfers-{found.slug}-{year}.csv"
        )
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, HttpResponse) and not isinstance(response, Response):
            response["API-Version"] = "1.0.0"
            response["Access-Control-Allow-Origin"] = "*"
            return response
        return super().finalize_response(request, response, *args, **kwargs)


# --- OCDS -------------------------------------------------------------------------------------

OCDS_PARAMETERS = [
    OpenApiParameter("regio", OpenApiTypes.STR, description="Only this region (short name)."),
    OpenApiParameter("pagina", OpenApiTypes.INT),
    OpenApiParameter("pagina_grootte", OpenApiTypes.INT),
]
OCDS_PACKAGE = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="An OCDS 1.1 release package or record package "
    "(https://standard.open-contracting.org/1.1/en/schema/).",
)


def _agreements(request):
    slug = request.query_params.get("regio")
    if slug is None:
        return ocds.public_agreements()
    region = selectors.region_by_slug(slug)
    if region is None:
        raise exceptions.ValidationError(
            {"regio": [_("Unknown region '%(slug)s'.") % {"slug": slug[:40]}]}
        )
    return ocds.public_agreements(region)


def _agreement(value):
    agreement = ocds.agreement_by_ocid(value)
    if agreement is None:
        raise exceptions.NotFound(
            _("No contracting process with ocid '%(ocid)s'.") % {"ocid": value[:80]}
        )
    return agreement


def _paged(response, paginator):
    response["Link"] = paginator.link_header()
    response["X-Total-Count"] = str(paginator.page.paginator.count)
    return response


class ReleasesView(OpenAPIView):
    """The releases of the contracting processes as one OCDS release package per page
    (a page holds the releases of up to ``pagina_grootte`` processes; the links to the other
    pages are in the ``Link`` header)."""

    @extend_schema(
        operation_id="ocds_releases_lijst",
        parameters=OCDS_PARAMETERS,
        responses={200: OCDS_PACKAGE, 400: PROBLEM, 404: PROBLEM},
        tags=["ocds"],
    )
    def get(self, request):
        page, paginator = self.paginate(_agreements(request), request)
        releases = [r for agreement in page for r in ocds.releases_for(agreement)]
        return _paged(
            Response(ocds.release_package(releases, request.build_absolute_uri())), paginator
        )


class ReleasesOfView(OpenAPIView):
    """The releases of one contracting process (release package)."""

    @extend_schema(
        operation_id="ocds_releases_van_proces",
        responses={200: OCDS_PACKAGE, 404: PROBLEM},
        tags=["ocds"],
    )
    def get(self, request, ocid):
        agreement = _agreement(ocid)
        return Response(
            ocds.release_package(ocds.releases_for(agreement), request.build_absolute_uri())
        )


class RecordsView(OpenAPIView):
    """The records (releases and compiled release per process) as an OCDS record package per
    page."""

    @extend_schema(
        operation_id="ocds_records_lijst",
        parameters=OCDS_PARAMETERS,
        responses={200: OCDS_PACKAGE, 400: PROBLEM, 404: PROBLEM},
        tags=["ocds"],
    )
    def get(self, request):
        page, paginator = self.paginate(_agreements(request), request)
        records = [ocds.record_for(agreement) for agreement in page]
        return _paged(
            Response(ocds.record_package(records, request.build_absolute_uri())), paginator
        )


class RecordOfView(OpenAPIView):
    """The record of one contracting process (record package)."""

    @extend_schema(
        operation_id="ocds_record_van_proces",
        responses={200: OCDS_PACKAGE, 404: PROBLEM},
        tags=["ocds"],
    )
    def get(self, request, ocid):
        agreement = _agreement(ocid)
        return Response(
            ocds.record_package([ocds.record_for(agreement)], request.build_absolute_uri())
        )


class BulkView(OpenAPIView):
    """Everything at once, as a download: every release (release package) or every record
    (record package) of every region."""

    kind = "releases"

    def get(self, request):
        uri = request.build_absolute_uri(reverse(f"open-ocds-bulk-{self.kind}"))
        agreements = list(ocds.public_agreements())
        if self.kind == "releases":
            package = ocds.release_package(
                [r for a in agreements for r in ocds.releases_for(a)], uri
            )
        else:
            package = ocds.record_package([ocds.record_for(a) for a in agreements], uri)
        response = Response(package)
        response["Content-Disposition"] = f'attachment; filename="ocds-{self.kind}.json"'
        return response


class BulkReleasesView(BulkView):
    kind = "releases"

    @extend_schema(operation_id="ocds_bulk_releases", responses={200: OCDS_PACKAGE}, tags=["ocds"])
    def get(self, request):
        return super().get(request)


class BulkRecordsView(BulkView):
    kind = "records"

    @extend_schema(operation_id="ocds_bulk_records", responses={200: OCDS_PACKAGE}, tags=["ocds"])
    def get(self, request):
        return super().get(request)
