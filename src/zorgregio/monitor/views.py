"""Dashboard pages: the region, a municipality, a product group and a provider, with their
XLSX export, the council report (PDF) and the budgets screen. Filters live in the URL."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max, Min
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from zorgregio.aanbieders.models import Provider
from zorgregio.accounts.permissions import RoleRequiredMixin
from zorgregio.producten.models import ProductGroup
from zorgregio.regio.models import Law, Municipality

from . import charts, dashboard
from .models import Budget, ScopeMonth
from .privacy import detail_allowed
from .selection import Selection, parse_period, quarter_period, year_period
from .services import budget_import_csv, current_state


def region_municipalities(scope, user):
    """All municipalities of the caller's region (what the region aggregate covers)."""
    qs = Municipality.objects.all()
    if scope.role != "beheerder" or user.region_id:
        qs = qs.filter(region_id=user.region_id)
    return qs.order_by("name")


def data_years() -> list[int]:
    bounds = ScopeMonth.objects.aggregate(first=Min("month"), last=Max("month"))
    if not bounds["first"]:
        return [dt.date.today().year]
    return list(range(bounds["last"].year, bounds["first"].year - 1, -1))


class MonitorView(RoleRequiredMixin, TemplateView):
    template_name = "monitor/dashboard.html"
    export: str | None = None
    page_kind = "region"
    title = gettext_lazy("Regional monitor")

    def municipalities(self):
        return region_municipalities(self.scope, self.request.user)

    def subject(self):
        return {}

    def get(self, request, *args, **kwargs):
        self.state = current_state()
        self.complete_until = self.state.complete_until
        default_year = (self.complete_until or dt.date.today()).year
        params = request.GET
        self.period, error = parse_period(
            params.get("periode"), params.get("van"), params.get("tot"), year_period(default_year)
        )
        self.errors = [error] if error else []
        municipalities = list(self.municipalities())
        extra = self.subject()
        law = params.get("wet") if params.get("wet") in Law.values else None
        group = None
        if params.get("productgroep"):
            group = ProductGroup.objects.filter(code=params["productgroep"]).first()
            if group is None:
                self.errors.append(
                    _("Unknown product group '%(code)s'.") % {"code": params["productgroep"]}
                )
        self.selection = Selection(
            municipality_ids=tuple(m.pk for m in municipalities),
            period=self.period,
            law=extra.get("law", law),
            group_id=extra.get("group_id", group.pk if group else None),
            provider_id=extra.get("provider_id"),
        )
        self.detail = detail_allowed(
            self.scope, self.selection.municipality_ids, self.selection.provider_id
        )
        self.board = dashboard.cached_build(self.selection, detail=self.detail, state=self.state)
        self.municipality_list = municipalities
        if self.export == "xlsx":
            from .exports import xlsx_response

            return xlsx_response(self.board, self.heading(), self.filename())
        return super().get(request, *args, **kwargs)

    def heading(self) -> str:
        return str(self.title)

    def filename(self) -> str:
        return f"monitor-{self.page_kind}-{self.period.code}.xlsx"

    def get_context_data(self, **kwargs):
        board = self.board
        labels = [f"{m['month']:%m-%y}" for m in board.months]
        clients_series = [
            charts.Series(_("Clients in care"), [m["clients"].shown for m in board.months]),
            charts.Series(_("Instroom"), [m["instroom"].shown for m in board.months]),
            charts.Series(_("Uitstroom"), [m["uitstroom"].shown for m in board.months]),
        ]
        money_series = [charts.Series(_("Realisatie"), [m["amount"].shown for m in board.months])]
        budget_series = [
            charts.Series(
                _("Realisatie, cumulative"),
                [m["cumulative"].shown for m in board.budget_months],
            ),
            charts.Series(
                _("Budget, evenly spread"), [m["budget_share"].shown for m in board.budget_months]
            ),
        ]
        budget_labels = [f"{m['month']:%m-%y}" for m in board.budget_months]
        query = self.request.GET.urlencode()
        groups = ProductGroup.objects.all()
        return super().get_context_data(
            heading=self.heading(),
            page_kind=self.page_kind,
            board=board,
            period=self.period,
            errors=self.errors,
            state=self.state,
            complete_until=self.complete_until,
            period_options=self.period_options(),
            groups=groups,
            laws=Law.choices,
            current=self.request.GET,
            query=query,
            xlsx_url=self.xlsx_url(),
            clients_chart=charts.line_chart(_("Clients per month"), labels, clients_series),
            clients_legend=charts.legend(clients_series),
            money_chart=charts.line_chart(
                _("Realisatie per month"), labels, money_series, money=True
            ),
            money_legend=charts.legend(money_series),
            budget_chart=charts.line_chart(
                _("Realisatie against budget"), budget_labels, budget_series, money=True
            ),
            budget_legend=charts.legend(budget_series),
            municipality_rows=self.municipality_rows(),
            suppression=not self.detail,
            **kwargs,
        )

    def municipality_rows(self):
        return []

    def period_options(self) -> list[tuple[str, str]]:
        options = []
        for year in data_years():
            options.append((str(year), str(year)))
            options += [
                (f"{year}-K{q}", _("Q%(q)s %(year)s") % {"q": q, "year": year}) for q in range(1, 5)
            ]
        if self.period.code not in dict(options):
            options.insert(0, (self.period.code, self.period.label))
        return options

    def xlsx_url(self) -> str:
        return f"{self.request.path}xlsx/?{self.request.GET.urlencode()}"


class RegionView(MonitorView):
    page_kind = "regio"

    def municipality_rows(self):
        municipalities = self.municipality_list
        if self.scope.role == "gemeente":
            municipalities = [m for m in municipalities if m.pk in self.scope.municipality_ids]
        return dashboard.municipality_table(self.selection, self.scope, municipalities)


class MunicipalityView(MonitorView):
    page_kind = "gemeente"

    def municipalities(self):
        allowed = region_municipalities(self.scope, self.request.user)
        if self.scope.role == "gemeente":
            allowed = self.scope.municipalities(allowed)
        self.municipality = get_object_or_404(allowed, cbs_code=self.kwargs["cbs_code"])
        return [self.municipality]

    def heading(self) -> str:
        return _("Monitor of %(name)s") % {"name": self.municipality.name}

    def filename(self) -> str:
        return f"monitor-{self.municipality.cbs_code}-{self.period.code}.xlsx"

    def get_context_data(self, **kwargs):
        quarter = (self.period.end.month - 1) // 3 + 1
        return super().get_context_data(
            municipality=self.municipality,
            pdf_url=reverse("monitor:report", args=[self.municipality.cbs_code])
            + f"?periode={self.period.end.year}-K{quarter}",
            **kwargs,
        )


class GroupView(MonitorView):
    page_kind = "productgroep"

    def subject(self):
        self.group = get_object_or_404(ProductGroup, code=self.kwargs["code"])
        return {"group_id": self.group.pk, "law": self.group.law}

    def municipalities(self):
        allowed = region_municipalities(self.scope, self.request.user)
        cbs = self.request.GET.get("gemeente")
        if cbs:
            if self.scope.role == "gemeente":
                allowed = self.scope.municipalities(allowed)
            allowed = allowed.filter(cbs_code=cbs)
            if not allowed.exists():
                raise Http404
        return allowed

    def heading(self) -> str:
        return _("Monitor of product group %(name)s") % {"name": self.group.name}

    def filename(self) -> str:
        return f"monitor-{self.group.code}-{self.period.code}.xlsx"


class ProviderView(MonitorView):
    page_kind = "aanbieder"

    def subject(self):
        providers = Provider.objects.visible_to(self.request.user)
        self.provider = get_object_or_404(providers, pk=self.kwargs["pk"])
        return {"provider_id": self.provider.pk}

    def heading(self) -> str:
        return _("Monitor of provider %(name)s") % {"name": self.provider.name}

    def filename(self) -> str:
        return f"monitor-aanbieder-{self.provider.pk}-{self.period.code}.xlsx"


class ReportView(MunicipalityView):
    """The council report (raadsrapportage) of one municipality and quarter, as PDF."""

    def get(self, request, *args, **kwargs):
        self.state = current_state()
        code = request.GET.get("periode") or ""
        period, error = parse_period(code, None, None, None)
        if error or period is None or period.kind != "quarter":
            today = self.state.complete_until or dt.date.today()
            period = quarter_period(today.year, (today.month - 1) // 3 + 1)
        municipality = self.municipalities()[0]
        selection = Selection(municipality_ids=(municipality.pk,), period=period)
        detail = detail_allowed(self.scope, selection.municipality_ids)
        board = dashboard.build(selection, detail=detail, complete_until=self.state.complete_until)
        from .exports import council_report_pdf

        pdf = council_report_pdf(board, municipality, period, self.state)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="raadsrapportage-{municipality.cbs_code}-{period.code}.pdf"'
        )
        return response


class BudgetView(RoleRequiredMixin, TemplateView):
    """Budgets per municipality, product group and year; import them from CSV."""

    template_name = "monitor/budgets.html"
    allowed_roles = ("regio", "gemeente", "beheerder")

    def allowed_municipalities(self):
        return self.scope.municipalities(Municipality.objects.all())

    def get_context_data(self, **kwargs):
        budgets = Budget.objects.filter(
            municipality__in=self.allowed_municipalities()
        ).select_related("municipality", "product_group")
        return super().get_context_data(budgets=budgets, **kwargs)

    def post(self, request, *args, **kwargs):
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a CSV file to import."))
            return redirect("monitor:budgets")
        try:
            count = budget_import_csv(
                actor=request.user,
                data=upload.read(),
                allowed_municipalities=self.allowed_municipalities(),
            )
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(import_errors=exc.messages))
        messages.success(request, _("%(count)s budgets imported.") % {"count": count})
        return redirect("monitor:budgets")
