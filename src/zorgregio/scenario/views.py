"""Scenario screens: the list, the editor with live knobs, the comparison, exports, publishing.

Who may see or save what is decided in ``accounts.scoping`` (``Scope.scenarios``,
``scenario_municipalities``, ``may_write_scenario``); the views only pass it on."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from zorgregio.accounts.permissions import RoleRequiredMixin
from zorgregio.accounts.scoping import SCENARIO_ROLES
from zorgregio.monitor.privacy import threshold
from zorgregio.regio.models import Municipality

from . import presentation
from .engine import MAX_HORIZON
from .knobs import KINDS, SERIES
from .models import Scenario
from .services import (
    check_knobs,
    compute,
    load_baseline,
    read_knobs,
    scenario_publish,
    scenario_save,
)

MAX_COMPARED = 4
MAX_ROWS = 40
DEFAULT_HORIZON = 4


def knob_rows_from(data) -> list[dict]:
    """Knob rows of the form (``knop-N-soort`` ...), in order."""
    rows = []
    for n in range(MAX_ROWS):
        prefix = f"knop-{n}-"
        if prefix + "soort" not in data:
            break
        rows.append(
            {
                "kind": data.get(prefix + "soort", ""),
                "municipality": data.get(prefix + "gemeente", ""),
                "group": data.get(prefix + "productgroep", ""),
                "value": data.get(prefix + "waarde", ""),
                "start": data.get(prefix + "start", ""),
                "series": data.get(prefix + "reeks", ""),
            }
        )
    return rows


def default_rows(used: list[dict], today: dt.date) -> list[dict]:
    """The form's rows: the knobs given, one row per kind not used yet, two free rows."""
    start = dt.date(today.year + 1, 1, 1).isoformat()
    rows = [dict(r) for r in used]
    kinds = {r.get("kind") for r in used}
    for code in KINDS:
        if code not in kinds:
            rows.append({"kind": code, "value": "", "start": start})
    rows += [{"kind": "", "value": "", "start": start} for _ in range(2)]
    return rows


class ScenarioMixin(RoleRequiredMixin):
    allowed_roles = SCENARIO_ROLES

    def visible(self):
        return self.scope.scenarios(Scenario.objects.all()).select_related("municipality")

    def writable_municipalities(self):
        return self.scope.scenario_municipalities(Municipality.objects.all()).order_by("name")

    def region(self):
        from zorgregio.regio.models import Region

        region = Region.objects.filter(pk=self.scope.region_id).first()
        if region is None:
            raise Http404
        return region


class IndexView(ScenarioMixin, TemplateView):
    template_name = "scenario/index.html"

    def get_context_data(self, **kwargs):
        scenarios = list(self.visible().prefetch_related("versions"))
        return super().get_context_data(
            scenarios=scenarios,
            municipalities=self.writable_municipalities(),
            may_write=self.scope.writes_scenarios,
            region_wide=self.scope.may_write_scenario(
                region_id=self.scope.region_id, municipality_id=None
            ),
            max_compared=MAX_COMPARED,
            **kwargs,
        )


class EditView(ScenarioMixin, TemplateView):
    """A new scenario (``/nieuw/?gemeente=CBS``, empty: the region) or a saved one. GET with
    knob fields computes without saving (the page without JavaScript); POST saves a version."""

    template_name = "scenario/edit.html"

    def setup_subject(self):
        self.scenario = None
        self.version = None
        if "pk" in self.kwargs:
            self.scenario = get_object_or_404(self.visible(), pk=self.kwargs["pk"])
            self.municipality = self.scenario.municipality
            versions = self.scenario.versions.order_by("-number")
            wanted = self.request.GET.get("versie")
            self.version = (
                versions.filter(number=wanted).first() if wanted and wanted.isdigit() else None
            ) or versions.first()
            self.may_write = self.scope.may_write_scenario(
                region_id=self.scenario.region_id, municipality_id=self.scenario.municipality_id
            )
            self.region_obj = self.scenario.region
            return
        if not self.scope.writes_scenarios:
            raise PermissionDenied(_("Your role may read published scenarios only."))
        self.region_obj = self.region()
        cbs = self.request.GET.get("gemeente") or self.request.POST.get("gemeente") or ""
        if cbs:
            self.municipality = get_object_or_404(self.writable_municipalities(), cbs_code=cbs)
        else:
            self.municipality = None
            if not self.scope.may_write_scenario(
                region_id=self.region_obj.pk, municipality_id=None
            ):
                raise PermissionDenied(_("Only the regional team makes scenarios for the region."))
        self.may_write = True

    def get(self, request, *args, **kwargs):
        self.setup_subject()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_subject()
        if not self.may_write:
            raise PermissionDenied(_("You may not change this scenario."))
        rows = knob_rows_from(request.POST)
        try:
            version = scenario_save(
                actor=request.user,
                region=self.region_obj,
                municipality=self.municipality,
                name=request.POST.get("naam", ""),
                knob_rows=rows,
                horizon=request.POST.get("jaren", DEFAULT_HORIZON),
                published=request.POST.get("publiceren") == "1",
                note=request.POST.get("toelichting", ""),
                scenario=self.scenario,
            )
        except ValidationError as exc:
            return self.render_to_response(
                self.get_context_data(form_errors=exc.messages, rows=rows, posted=request.POST)
            )
        messages.success(
            request,
            _("Scenario '%(name)s' saved as version %(n)s.")
            % {"name": version.scenario.name, "n": version.number},
        )
        return redirect("scenario:detail", pk=version.scenario.pk)

    def get_context_data(self, rows=None, posted=None, form_errors=None, **kwargs):
        today = timezone.localdate()
        data = posted if posted is not None else self.request.GET
        if rows is None:
            given = knob_rows_from(data)
            if given:
                rows = given
            elif self.version is not None:
                rows = list(self.version.knobs)
            else:
                rows = []
        horizon = data.get("jaren") or (self.version.horizon if self.version else DEFAULT_HORIZON)
        context = results_context(
            self.scope,
            self.region_obj,
            self.municipality,
            rows,
            horizon,
            validate=bool(knob_rows_from(data)) and self.may_write,
        )
        name = (
            data.get("naam")
            if data.get("naam") is not None
            else (self.scenario.name if self.scenario else "")
        )
        baseline = context.get("baseline")
        return super().get_context_data(
            scenario=self.scenario,
            version=self.version,
            versions=self.scenario.versions.order_by("-number") if self.scenario else [],
            municipality=self.municipality,
            may_write=self.may_write,
            knob_rows=default_rows(rows, today) if self.may_write else rows,
            kinds=KINDS,
            series=SERIES,
            name=name,
            horizon=str(horizon),
            horizons=[str(n) for n in range(1, MAX_HORIZON + 1)],
            published=(data.get("publiceren") == "1")
            if posted is not None
            else bool(self.scenario and self.scenario.published),
            form_errors=form_errors or [],
            municipality_options=baseline.municipalities if baseline else [],
            group_options=baseline.groups if baseline else [],
            preview_url=reverse("scenario:preview"),
            back_test=presentation.back_test_rows(self.municipality, self.region_obj)
            if context.get("detail")
            else [],
            **context,
            **kwargs,
        )


def results_context(scope, region, municipality, rows, horizon, *, validate: bool) -> dict:
    """Compute the scenario of these form rows: the figures to show, or the Dutch errors."""
    errors = []
    try:
        horizon = max(1, min(int(horizon), MAX_HORIZON))
    except (TypeError, ValueError):
        horizon = DEFAULT_HORIZON
    try:
        baseline = load_baseline(region, municipality)
    except ValidationError as exc:
        return {"errors": exc.messages, "baseline": None, "detail": False}
    try:
        knobs = read_knobs(rows)
        if validate:
            check_knobs(baseline, knobs, horizon=horizon)
    except ValidationError as exc:
        errors = exc.messages
        try:
            knobs = read_knobs(rows)
        except ValidationError:
            knobs = []
    outcome = compute(region, municipality, knobs, horizon)
    ids = [m["id"] for m in baseline.municipalities]
    detail = scope.detail_for(ids)
    return {
        "errors": errors,
        "baseline": baseline,
        "detail": detail,
        "outcome": outcome,
        **presentation.figures(outcome, detail=detail, limit=threshold()),
    }


class PreviewView(ScenarioMixin, View):
    """The results fragment for the knobs in the query: the page swaps it in as knobs turn."""

    def get(self, request, *args, **kwargs):
        pk = request.GET.get("scenario")
        if pk:
            if not pk.isdigit():
                raise Http404
            scenario = get_object_or_404(self.visible(), pk=pk)
            region, municipality = scenario.region, scenario.municipality
            may_write = self.scope.may_write_scenario(
                region_id=scenario.region_id, municipality_id=scenario.municipality_id
            )
        else:
            if not self.scope.writes_scenarios:
                raise PermissionDenied(_("Your role may read published scenarios only."))
            region = self.region()
            cbs = request.GET.get("gemeente") or ""
            municipality = (
                get_object_or_404(self.writable_municipalities(), cbs_code=cbs) if cbs else None
            )
            may_write = self.scope.may_write_scenario(
                region_id=region.pk, municipality_id=municipality.pk if municipality else None
            )
            if not may_write:
                raise PermissionDenied(_("Only the regional team makes scenarios for the region."))
        if not may_write:
            raise PermissionDenied(_("You may not change this scenario."))
        context = results_context(
            self.scope,
            region,
            municipality,
            knob_rows_from(request.GET),
            request.GET.get("jaren", DEFAULT_HORIZON),
            validate=True,
        )
        html = render_to_string("scenario/_results.html", context, request=request)
        return HttpResponse(html)


class CompareView(ScenarioMixin, TemplateView):
    """The baseline and up to four scenarios of one municipality (or the region) side by side,
    each computed with its latest version's knobs on the current data."""

    template_name = "scenario/compare.html"
    export: str | None = None

    def get(self, request, *args, **kwargs):
        ids = [v for v in request.GET.getlist("s") if v.isdigit()]
        if not ids:
            messages.error(request, _("Choose one to four scenarios to compare."))
            return redirect("scenario:index")
        if len(ids) > MAX_COMPARED:
            messages.error(
                request, _("Compare at most %(n)s scenarios at once.") % {"n": MAX_COMPARED}
            )
            return redirect("scenario:index")
        scenarios = list(self.visible().filter(pk__in=ids).order_by("name"))
        if len(scenarios) != len(set(ids)):
            raise Http404
        scopes = {s.municipality_id for s in scenarios}
        if len(scopes) != 1:
            messages.error(
                request, _("Compare scenarios of the same municipality (or all of the region).")
            )
            return redirect("scenario:index")
        self.comparison = presentation.compare(self.scope, scenarios)
        if self.export == "xlsx":
            from .exports import comparison_xlsx

            response = HttpResponse(
                comparison_xlsx(self.comparison),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = 'attachment; filename="scenario-vergelijking.xlsx"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            comparison=self.comparison, query=self.request.GET.urlencode(), **kwargs
        )


class ExportView(ScenarioMixin, View):
    def get(self, request, pk):
        scenario = get_object_or_404(self.visible(), pk=pk)
        from .exports import comparison_xlsx

        comparison = presentation.compare(self.scope, [scenario])
        response = HttpResponse(
            comparison_xlsx(comparison),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="scenario-{scenario.pk}.xlsx"'
        return response


class PublishView(ScenarioMixin, View):
    def post(self, request, pk):
        scenario = get_object_or_404(self.visible(), pk=pk)
        published = request.POST.get("publiceren") == "1"
        scenario_publish(actor=request.user, scenario=scenario, published=published)
        messages.success(
            request,
            _("Scenario published to the council.")
            if published
            else _("Scenario no longer published."),
        )
        return redirect("scenario:detail", pk=scenario.pk)
