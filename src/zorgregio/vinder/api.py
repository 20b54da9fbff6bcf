"""The finder as open data: ``/api/open/v1/aanbieders/`` (read-only, no login, rate-limited).

The same selectors and the same public rules as the pages (``accounts/scoping.py``); the same
filters, checked by the same form, so a wrong value is a 400 with the same Dutch message. Errors
are problem details (RFC 9457, ``application/problem+json``) with the wrong parameters named in
``invalid-params``. Pagination is ``limit``/``offset`` with ``count``, ``next`` and
``previous``. This is not part of the authenticated API under ``/api/v1/`` and not in its
schema; the open-data API documents it with its own.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from . import selectors
from .forms import FinderForm

API_VERSION = "1.0.0"
# Filters whose choices are what one municipality contracted.
LOCAL_CHOICES = {"productgroep", "intensiteit"}


def register(router) -> None:
    """Nothing under ``/api/v1/``: the finder's endpoints are the open ones (``urls.py``)."""


class OpenDataThrottle(AnonRateThrottle):
    """Per client address; everyone is anonymous here."""

    scope = "open"
    rate = "120/minute"


class ProblemJSONRenderer(JSONRenderer):
    media_type = "application/problem+json"
    format = "problem+json"


class OpenPagination(LimitOffsetPagination):
    default_limit = 25
    max_limit = 100


def problem(status_code: int, title: str, detail: str = "", invalid: dict | None = None):
    body = {"type": "about:blank", "title": title, "status": status_code}
    if detail:
        body["detail"] = detail
    if invalid:
        body["invalid-params"] = [
            {"name": name, "reason": " ".join(str(m) for m in messages)}
            for name, messages in invalid.items()
        ]
    response = Response(body, status=status_code, content_type="application/problem+json")
    return response


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


class OpenFinderMixin:
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataThrottle]
    renderer_classes = [JSONRenderer, ProblemJSONRenderer]
    schema = None  # documented by the open-data API's own schema, not the /api/v1/ one

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["API-Version"] = API_VERSION
        return response

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.Throttled):
            response = problem(
                status.HTTP_429_TOO_MANY_REQUESTS,
                _("Too many requests"),
                _("Try again in %(seconds)s seconds.") % {"seconds": int(exc.wait or 1)},
            )
            if exc.wait:
                response["Retry-After"] = str(int(exc.wait))
            return response
        if isinstance(exc, exceptions.MethodNotAllowed):
            return problem(405, _("Method not allowed"), _("This API can only be read (GET)."))
        if isinstance(exc, exceptions.NotFound):
            return problem(404, _("Not found"), str(exc.detail))
        if isinstance(exc, exceptions.APIException):
            return problem(exc.status_code, _("The request cannot be answered"), str(exc.detail))
        return super().handle_exception(exc)

    def municipalities(self, request):
        key = request.query_params.get("gemeente", "")
        if not key:
            return list(selectors.finder_municipalities())
        municipality = selectors.finder_municipality(key)
        if municipality is None:
            raise exceptions.NotFound(_("There is no such municipality in the provider finder."))
        return [municipality]


class ProviderListAPI(OpenFinderMixin, APIView):
    """The providers contracted on ``datum`` (default today) in ``gemeente`` (its CBS code or
    slug; without it: every municipality, one result per provider and municipality), filtered
    like the finder's page: ``productgroep``, ``intensiteit``, ``doelgroep``, ``zoek``,
    ``postcode`` with ``afstand``; ``limit`` and ``offset``."""

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
                return problem(400, _("A parameter has a wrong value"), invalid=form.errors)
            filters = form.filters() if form.is_bound else selectors.Filters(day=today)
            results += [(c, municipality) for c in selectors.finder_cards(municipality, filters)]
        if municipalities and skipped == len(municipalities):
            return problem(400, _("A parameter has a wrong value"), invalid=errors)
        paginator = OpenPagination()
        page = paginator.paginate_queryset(results, request, view=self)
        return paginator.get_paginated_response(
            [card_json(card, municipality, request) for card, municipality in page]
        )
