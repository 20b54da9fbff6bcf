"""The conventions of the public open data API (``/api/open/v1/``), shared by every public
endpoint (the figures, OCDS, and the provider finder's): no login, read-only, rate-limited,
Dutch problem details (RFC 9457) for every error, page-number pagination with links, and the
headers the NL API Design Rules ask for (``API-Version``, CORS for reading).

A public endpoint subclasses :class:`OpenAPIView` and lists its URL in ``opendata/api_urls.py``
(or its own module included there), so it appears in the open API's own OpenAPI document and
not in the authenticated ``/api/v1`` schema.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

logger = logging.getLogger(__name__)

API_VERSION = "1.0.0"
PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: gettext_lazy("Invalid request"),
    401: gettext_lazy("Not logged in"),
    403: gettext_lazy("Not allowed"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Format not available"),
    429: gettext_lazy("Too many requests"),
}


def _detail(exc: exceptions.APIException) -> str:
    """The Dutch explanation of an error: our own words for DRF's generic errors (their English
    text never reaches a caller), the raising code's message otherwise."""
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("This API is read-only: only GET is allowed.")
    if isinstance(exc, exceptions.Throttled):
        return _("Too many requests; try again in %(seconds)s seconds.") % {
            "seconds": int(exc.wait or 1)
        }
    if isinstance(exc, exceptions.NotAcceptable):
        return _("This API answers in JSON only.")
    if isinstance(exc, exceptions.NotFound) and str(exc.detail) in ("Not found.", "Niet gevonden."):
        return _("This resource does not exist.")
    if isinstance(exc, exceptions.ValidationError):
        return _("The request has invalid parameters.")
    detail = exc.detail
    if isinstance(detail, list | dict):
        return _("The request has invalid parameters.")
    return str(detail)


def _invalid_params(detail) -> list[dict]:
    """RFC 9457's extension for the parameters that are wrong: [{"name", "reason"}]."""
    out = []
    if isinstance(detail, dict):
        for name, reasons in detail.items():
            for reason in reasons if isinstance(reasons, list) else [reasons]:
                out.append({"name": str(name), "reason": str(reason)})
    elif isinstance(detail, list):
        out = [{"name": "", "reason": str(reason)} for reason in detail]
    return out


def problem_response(request, status_code: int, detail: str, **extra) -> Response:
    body = {
        "type": "about:blank",
        "title": str(TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": detail,
        "instance": request.path if request is not None else None,
        **extra,
    }
    return Response(body, status=status_code, content_type=PROBLEM_JSON)


def problem_exception_handler(exc, context):
    """Every error of the open API as problem details (``application/problem+json``) in Dutch.
    An unexpected exception is logged and answered as a 500 problem, never a Django page."""
    request = context.get("request")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) if str(exc) else None)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) if str(exc) else None)
    if not isinstance(exc, exceptions.APIException):
        logger.exception("open data API: unexpected error", exc_info=exc)
        return problem_response(
            request,
            status.HTTP_500_INTERNAL_SERVER_ERROR,
            _("Something went wrong on our side; try again later."),
            title=_("Server error"),
        )
    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        extra["invalid-params"] = _invalid_params(exc.detail)
    response = problem_response(request, exc.status_code, _detail(exc), **extra)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(int(exc.wait) or 1)
    return response


class OpenRateThrottle(SimpleRateThrottle):
    """Per client address, at ``ZORGREGIO_OPEN_API_RATE`` (DRF throttle scope ``open``). The
    address is the one the login lock-out uses (``ZORGREGIO_PROXY_COUNT`` trusted proxies in
    X-Forwarded-For): a forged header does not buy a fresh allowance."""

    scope = "open"

    def get_rate(self):
        return getattr(settings, "ZORGREGIO_OPEN_API_RATE", "120/minute")

    def get_cache_key(self, request, view):
        from zorgregio.accounts.lockout import client_address

        ident = client_address(request) or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class OpenPagination(PageNumberPagination):
    """``?pagina=2&pagina_grootte=50``; the body carries the results with ``_links`` (self,
    first, previous, next, last) and the total; the same links go in a ``Link`` header."""

    page_query_param = "pagina"
    page_size_query_param = "pagina_grootte"
    page_size = 20
    max_page_size = 100
    invalid_page_message = gettext_lazy("Page %(page_number)s does not exist.")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Use a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise exceptions.ValidationError(
                {self.page_query_param: [_("A page number is a whole number from 1.")]}
            )
        return super().paginate_queryset(queryset, request, view)

    def links(self) -> dict:
        from rest_framework.utils.urls import remove_query_param, replace_query_param

        url = self.request.build_absolute_uri()
        last = self.page.paginator.num_pages
        first = remove_query_param(url, self.page_query_param)
        return {
            "self": {"href": url},
            "first": {"href": first},
            "prev": {"href": self.get_previous_link()} if self.page.has_previous() else None,
            "next": {"href": self.get_next_link()} if self.page.has_next() else None,
            "last": {"href": replace_query_param(url, self.page_query_param, last)},
        }

    def link_header(self) -> str:
        parts = []
        for rel, link in self.links().items():
            if link and rel != "self":
                parts.append(f'<{link["href"]}>; rel="{rel}"')
        return ", ".join(parts)

    def get_paginated_response(self, data):
        links = {k: v for k, v in self.links().items() if v}
        response = Response(
            {
                "_links": links,
                "totaal": self.page.paginator.count,
                "pagina": self.page.number,
                "resultaten": data,
            }
        )
        response["Link"] = self.link_header()
        response["X-Total-Count"] = str(self.page.paginator.count)
        return response

    def get_paginated_response_schema(self, schema):
        link = {"type": "object", "nullable": True, "properties": {"href": {"type": "string"}}}
        return {
            "type": "object",
            "required": ["_links", "totaal", "pagina", "resultaten"],
            "properties": {
                "_links": {
                    "type": "object",
                    "properties": dict.fromkeys(("self", "first", "prev", "next", "last"), link),
                },
                "totaal": {"type": "integer"},
                "pagina": {"type": "integer"},
                "resultaten": schema,
            },
        }


class OpenAPIView(APIView):
    """A public, read-only endpoint of the open data API: no authentication at all (a logged-in
    user gets exactly what anyone gets), GET only, JSON, throttled, problem details in Dutch."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenRateThrottle]
    renderer_classes = [JSONRenderer]
    pagination_class = OpenPagination
    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        # Errors and labels in Dutch, whatever the caller's Accept-Language (the API is Dutch).
        with translation.override(settings.LANGUAGE_CODE):
            return super().dispatch(request, *args, **kwargs)

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed(request.method)

    def get_exception_handler(self):
        return problem_exception_handler

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["API-Version"] = API_VERSION
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "API-Version, Link, X-Total-Count"
        return response

    def paginate(self, items, request):
        """A page of ``items`` (a list or queryset) as the paginated response of ``data``:
        returns (page, paginator)."""
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(items, request, view=self)
        return page, paginator


class NotFoundView(OpenAPIView):
    """Any other path under the open API: a 404 problem, not an HTML page."""

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound(_("This resource does not exist."))
