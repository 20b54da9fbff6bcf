"""Dashboard pages: the region, a municipality, a product group and a provider, with their
XLSX export, the council report (PDF) and the budgets screen. Filters live in the URL."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView

from zorgregio.aanbieders.models import Provider
from zorgregio.accounts.permissions import RoleRequiredMixin
from zorgregio.accounts.scoping import BUDGET_ROLES
from zorgregio.producten.models import ProductGroup
from zorgregio.regio.models import Law, Municipality

from . import charts, dashboard, figures, variants
from .models import Budget
from .selection import Selection, last_complete_quarter, parse_period, quarter_period, year_period
from .services import budget_import_csv, current_state


def region_municipalities(scope):
    """All municipalities of the caller's region (what the region aggregate covers)."""
    return scope.region_municipalities(Municipality.objects.all()).order_by("name")


def restrict_to_published(selection: Selection, detail: bool) -> tuple[Selection, list[str]]:
    """Without detail, only the published cells are answered (``protection``): no custom
    periods, no months of a product group. Returns the selection to show and why it changed."""
    if detail:
        return selection, []
    period = selection.period
    if period.kind == "range":
        return selection.with_period(year_period(period.end.year)), [
            _(
                "A custom period is available only with detail rights; the year %(year)s is "
                "shown instead."
            )
            % {"year": period.end.year}
        ]
    if selection.group_id and period.kind == "month":
        quarter = quarter_period(period.start.year, (period.start.month - 1) // 3 + 1)
        return selection.with_period(quarter), [
            _("A product group is shown per quarter or year; %(quarter)s is shown instead.")
            % {"quarter": quarter.label}
        ]
    return selection, []


def data_years() -> list[int]:
    """The years with data: declarations or task-oriented cells, newest first."""
    bounds = figures.data_months()
    if bounds is None:
        return [dt.date.today().year]
    return list(range(bounds[1].year, bounds[0].year - 1, -1))


class MonitorView(RoleRequiredMixin, TemplateView):
    template_name = "monitor/dashboard.html"
    export: str | None = None
    page_kind = "region"
    title = gettext_lazy("Regional monitor")

    def municipalities(self):
        return region_municipalities(self.scope)

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
        self.detail = self.scope.detail_for(
            self.selection.municipality_ids, self.selection.provider_id
        )
        self.selection, changed = restrict_to_published(self.selection, self.detail)
        self.errors += changed
        self.period = self.selection.period
        self.board = dashboard.cached_build(
            self.selection,
            detail=self.detail,
            state=self.state,
            viewer=dashboard.Viewer.of(self.scope),
        )
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
            variant_notes=variants.variant_notes(
                self.municipality_list,
                self.period.start,
                self.period.end,
                self.selection.group_id,
            ),
            suppression=not self.detail,
            provider_links=self.scope.sees_provider_figures,
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
        shown = set(
            self.scope.municipalities(Municipality.objects.all()).values_list("pk", flat=True)
        )
        municipalities = [m for m in self.municipality_list if m.pk in shown]
        return dashboard.municipality_table(
            self.selection, self.scope, municipalities, version=self.state.version
        )


class MunicipalityView(MonitorView):
    page_kind = "gemeente"

    def municipalities(self):
        allowed = self.scope.municipalities(Municipality.objects.all())
        self.municipality = get_object_or_404(allowed, cbs_code=self.kwargs["cbs_code"])
        return [self.municipality]

    def heading(self) -> str:
        return _("Monitor of %(name)s") % {"name": self.municipality.name}

    def filename(self) -> str:
        return f"monitor-{self.municipality.cbs_code}-{self.period.code}.xlsx"

    def get_context_data(self, **kwargs):
        if self.period.kind == "quarter":
            quarter = self.period
        else:  # the last complete quarter of the period shown
            complete = self.complete_until or self.period.end
            quarter = last_complete_quarter(min(self.period.end, complete))
        return super().get_context_data(
            municipality=self.municipality,
            pdf_url=reverse("monitor:report", args=[self.municipality.cbs_code])
            + f"?periode={quarter.code}",
            **kwargs,
        )


class GroupView(MonitorView):
    page_kind = "productgroep"

    def subject(self):
        self.group = get_object_or_404(ProductGroup, code=self.kwargs["code"])
        return {"group_id": self.group.pk, "law": self.group.law}

    def municipalities(self):
        cbs = self.request.GET.get("gemeente")
        if not cbs:
            return region_municipalities(self.scope)
        allowed = self.scope.municipalities(Municipality.objects.all()).filter(cbs_code=cbs)
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
        if not (self.scope.sees_provider_figures or self.scope.detail_for([], self.provider.pk)):
            raise PermissionDenied(
                _(
                    "Figures per provider are shown to the regional team, to municipality staff "
                    "(for their own municipalities) and to the provider itself."
                )
            )
        return {"provider_id": self.provider.pk}

    def municipalities(self):
        # Municipality staff see a provider in their own municipalities (in detail).
        return self.scope.municipalities(Municipality.objects.all()).order_by("name")

    def heading(self) -> str:
        return _("Monitor of provider %(name)s") % {"name": self.provider.name}

    def get_context_data(self, **kwargs):
        """Besides its figures, what the contract asks of one provider: the spending ceilings
        (art. 1.5) and the activity rule (art. 1.6), in the municipalities the viewer sees."""
        from django.utils import timezone

        from zorgregio.contracten import selectors as contract

        municipalities = self.municipalities()
        region = self.request.user.region
        agreement = contract.current_agreement(region, timezone.localdate()) if region else None
        return super().get_context_data(
            ceilings=contract.ceilings_with_use(self.provider, municipalities),
            assessments=contract.activity_by_municipality(
                self.provider, agreement, municipalities, timezone.localdate()
            ),
            **kwargs,
        )

    def filename(self) -> str:
        return f"monitor-aanbieder-{self.provider.pk}-{self.period.code}.xlsx"


class ReportView(MunicipalityView):
    """The council report (raadsrapportage) of one municipality and quarter, as PDF."""

    def get(self, request, *args, **kwargs):
        self.state = current_state()
        code = request.GET.get("periode") or ""
        period, error = parse_period(code, None, None, None)
        if error or period is None or period.kind != "quarter":
            # By default the last quarter with complete data: a quarter still coming in would
            # show empty spending next to a budget use of the whole year (issue 17).
            period = last_complete_quarter(self.state.complete_until)
        municipality = self.municipalities()[0]
        selection = Selection(municipality_ids=(municipality.pk,), period=period)
        detail = self.scope.detail_for(selection.municipality_ids)
        board = dashboard.build(
            selection,
            detail=detail,
            complete_until=self.state.complete_until,
            viewer=dashboard.Viewer.of(self.scope),
            version=self.state.version,
        )
        from .exports import council_report_pdf

        pdf = council_report_pdf(board, municipality, period, self.state, user=request.user)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="raadsrapportage-{municipality.cbs_code}-{period.code}.pdf"'
        )
        return response


class BudgetView(RoleRequiredMixin, TemplateView):
    """Budgets per municipality, product group and year; import them from CSV."""

    template_name = "monitor/budgets.html"
    allowed_roles = BUDGET_ROLES

    def allowed_municipalities(self):
        return self.scope.municipalities(Municipality.objects.all())

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator

        from .budget_filters import BudgetFilterForm

        budgets = Budget.objects.filter(
            municipality__in=self.allowed_municipalities()
        ).select_related("municipality", "product_group")
        form = BudgetFilterForm(
            self.request.GET or None,
            municipalities=self.allowed_municipalities(),
            years=budgets.values_list("year", flat=True).distinct().order_by("-year"),
        )
        budgets = form.apply(budgets)
        page = Paginator(budgets, 50).get_page(self.request.GET.get("pagina"))
        query = self.request.GET.copy()
        query.pop("pagina", None)
        return super().get_context_data(
            budgets=page, page=page, filter_form=form, query=query.urlencode(), **kwargs
        )

    def post(self, request, *args, **kwargs):
        if not self.scope.sets_budgets:
            raise PermissionDenied(
                _("Only the regional team and municipality staff import budgets.")
            )
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
        messages.success(
            request,
            ngettext("%(count)s budget imported.", "%(count)s budgets imported.", count)
            % {"count": count},
        )
        return redirect("monitor:budgets")


class PilotView(RoleRequiredMixin, TemplateView):
    """A product group before and after a change of funding variant, in the municipalities
    that changed and in those that did not (issue 20, monitor/variants.py)."""

    template_name = "monitor/pilot.html"

    def get_context_data(self, **kwargs):
        group = get_object_or_404(ProductGroup, code=self.kwargs["code"])
        state = current_state()
        last_day = state.complete_until or dt.date.today()
        comparison = variants.pilot(
            self.scope, group, last_day=last_day, municipalities=region_municipalities(self.scope)
        )
        return super().get_context_data(group=group, last_day=last_day, **comparison, **kwargs)
