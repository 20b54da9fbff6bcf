"""The finder as open data: ``/api/open/v1/aanbieders/`` (read-only, no login, rate-limited).

The same selectors and the same public rules as the pages (``accounts/scoping.py``); the same
filters, checked by the same form, so a wrong value is a 400 with the same Dutch message. Errors
are problem details (RFC 9457, ``application/problem+json``) with the wrong parameters named in
``invalid-params``; paging, throttle and headers are those of the whole open data API
(:mod:`zorgregio.opendata.api_base`), in whose schema it is documented (not in ``/api/v1/``).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions

from zorgregio.opendata.api_base import OpenAPIView, OpenPagination
from zorgregio.opendata.api_views import PROBLEM

from . import selectors
from .forms import FinderForm

# Filters whose choices are what one municipality contracted.
LOCAL_CHOICES = {"productgroep", "intensiteit"}


def register(router) -> None:
    """Nothing under ``/api/v1/``: the finder's endpoint is an open one
    (``opendata/api_urls.py``)."""


def _weeks(value) -> float | None:
    return None if value is None else float(value)


def card_json(card, municipality, request) -> dict:
    offer = card.offer
    slug = selectors.municipality_slug(municipality)
    return {
        "id": card.provider.pk,
        "naam": card.provider.name,
        "kvk_nummer": card.provider.kvk_number,
        "agb_code": card.provider.agb_code,
        "gemeente": {"cbs_code": municipality.cbs_code, "naam": municipality.name},
        "afstand_km": None if card.distance_km is None else round(card.distance_km, 1),
        "clientenstop": card.client_stop,
        "producten": [
            {
                "productgroep": {"code": line.product.group.code, "naam": line.product.group.name},
                "productcode": line.product.code,
                "naam": line.product.name,
                "clientenstop": line.client_stop,
                "wachttijd": None
                if line.waiting is None
                else {
                    "tot_intake_weken": _weeks(line.waiting.intake_weeks),
                    "intake_tot_start_weken": _weeks(line.waiting.treatment_weeks),
                    "gemeld_op": line.waiting.reported_on.isoformat(),
                },
            }
            for line in card.lines
        ],
        "aanbod": None
        if offer is None
        else {
            "beschrijving": offer.description,
            "werkwijze": offer.approach,
            "doelgroepen": [
                {"code": code, "naam": label}
                for code, label in zip(
                    offer.target_groups, offer.target_group_labels(), strict=False
                )
            ],
            "talen": offer.languages,
            "specialismen": offer.specialism_list(),
            "locaties": [
                {
                    "naam": loc.name,
                    "straat": loc.street,
                    "huisnummer": loc.house_number,
                    "postcode": loc.postcode,
                    "plaats": loc.city,
                }
                for loc in offer.locations.all()
            ],
        },
        "contact": {"telefoon": card.phone, "email": card.email, "website": card.website},
        "clienttevredenheid": [
            {
                "productgroep": result.product_group.code,
                "jaar": result.year,
                "score": float(result.overall),
                "respondenten": result.respondents,
            }
            for result in card.satisfaction
        ],
        "url": request.build_absolute_uri(
            reverse("vinder:provider", args=[slug, card.provider.pk])
        ),
    }


class ProviderListAPI(OpenAPIView):
    """The providers contracted on ``datum`` (default today) in ``gemeente`` (its CBS code or
    slug; without it: every municipality, one result per provider and municipality), filtered
    like the finder's page: ``productgroep``, ``intensiteit``, ``doelgroep``, ``zoek``,
    ``postcode`` with ``afstand``; paged with ``pagina`` and ``pagina_grootte``."""

    def municipalities(self, request):
        key = request.query_params.get("gemeente", "")
        if not key:
            return list(selectors.finder_municipalities())
        municipality = selectors.finder_municipality(key)
        if municipality is None:
            raise exceptions.NotFound(_("There is no such municipality in the provider finder."))
        return [municipality]

    @extend_schema(
        operation_id="aanbieders_lijst",
        summary="Contracted providers and their offer (the provider finder)",
        parameters=[
            OpenApiParameter(name, OpenApiTypes.STR, description=text)
            for name, text in (
                ("gemeente", "CBS code or slug of the municipality; without it: all."),
                ("datum", "Contracted on this date (YYYY-MM-DD); default today."),
                ("productgroep", "Product group code."),
                ("intensiteit", "Product code within the group."),
                ("doelgroep", "Target group."),
                ("zoek", "Free text in name and offer."),
                ("postcode", "Postcode (1234AB) to measure the distance from."),
                ("afstand", "Within this many km of the postcode (1, 2, 5, 10, 25, 50)."),
                ("pagina", "Page number."),
                ("pagina_grootte", "Results per page (at most 100)."),
            )
        ],
        responses={200: OpenApiTypes.OBJECT, 400: PROBLEM, 404: PROBLEM, 429: PROBLEM},
        tags=["aanbieders"],
    )
    def get(self, request):
        params = {k: v for k, v in request.query_params.items() if k in FinderForm.base_fields}
        today = timezone.localdate()
        municipalities = self.municipalities(request)
        everywhere = "gemeente" not in request.query_params
        results, errors, skipped = [], None, 0
        for municipality in municipalities:
            form = FinderForm(params or None, municipality=municipality, today=today)
            if form.is_bound and not form.is_valid():
                # Over every municipality, a product (group) that one of them has not
                # contracted only leaves it out; any other wrong value is an error.
                if everywhere and set(form.errors) <= LOCAL_CHOICES:
                    skipped += 1
                    errors = errors or form.errors
                    continue
                raise exceptions.ValidationError(form.errors)
            filters = form.filters() if form.is_bound else selectors.Filters(day=today)
            results += [(c, municipality) for c in selectors.finder_cards(municipality, filters)]
        if municipalities and skipped == len(municipalities):
            raise exceptions.ValidationError(errors)
        paginator = OpenPagination()
        page = paginator.paginate_queryset(results, request, view=self)
        return paginator.get_paginated_response(
            [card_json(card, municipality, request) for card, municipality in page]
        )
