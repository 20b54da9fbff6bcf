"""Pages of the productenboek. Everyone with a role reads; the regional team edits."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from zorgregio.accounts.permissions import RoleRequiredMixin
from zorgregio.accounts.scoping import CLIENT_ROLES
from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log

from . import exports, importing, selectors, services
from .forms import (
    ApplyCalculationForm,
    CostCalculationForm,
    DataDeliveryForm,
    DayForm,
    ImportForm,
    IndexationApplyForm,
    IndexationForm,
    MatrixDateForm,
    PayForm,
    ProductEditForm,
    ProductForm,
    RetireForm,
    TaskBudgetForm,
    VariantForm,
)
from .models import CostCalculation, Indexation, Product, ProductGroup


def _day(request) -> dt.date:
    form = DayForm(request.GET)
    if form.is_valid() and form.cleaned_data["op"]:
        return form.cleaned_data["op"]
    return timezone.localdate()


def _error_text(exc: ValidationError) -> list[str]:
    return exc.messages


class ProductenView(RoleRequiredMixin, TemplateView):
    def manager_only(self):
        if not self.scope.manages_region:
            raise PermissionDenied(_("Only the regional team may do this."))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_edit=self.scope.manages_region,
            sees_task_funding=self.scope.sees_task_funding,
            **kwargs,
        )


class IndexView(ProductenView):
    """The catalogue on a date, per product group, with the region-wide tariff then."""

    template_name = "producten/index.html"

    def get_context_data(self, **kwargs):
        day = _day(self.request)
        products = selectors.products_with_tariff(self.request.user, day)
        groups: dict[int, dict] = {}
        for product in products.order_by(
            "-group__law", "group__name", "intensity_rank", "productcode"
        ):
            groups.setdefault(product.group_id, {"group": product.group, "products": []})[
                "products"
            ].append(product)
        return super().get_context_data(
            day=day,
            day_form=DayForm(initial={"op": day}),
            groups=list(groups.values()),
            retired=selectors.products(self.request.user)
            .filter(valid_until__lt=day)
            .order_by("-valid_until")[:50],
            **kwargs,
        )


class ProductCreateView(ProductenView):
    template_name = "producten/product_form.html"

    def get(self, request, *args, **kwargs):
        self.manager_only()
        return self.render_to_response(self.get_context_data(form=ProductForm()))

    def post(self, request, *args, **kwargs):
        self.manager_only()
        form = ProductForm(request.POST)
        if form.is_valid():
            try:
                product = services.product_create(actor=request.user, **form.cleaned_data)
                messages.success(request, _("The product has been added."))
                return redirect("producten:product", pk=product.pk)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        for error in errors:
                            form.add_error(field if field in form.fields else None, error)
                else:
                    for message in exc.messages:
                        form.add_error(None, message)
        return self.render_to_response(self.get_context_data(form=form))


class ProductEditView(ProductenView):
    """The regional team changes a product's name, group, unit, frequencies or intensity."""

    template_name = "producten/product_edit.html"

    def product(self) -> Product:
        return get_object_or_404(selectors.products(self.request.user), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.manager_only()
        product = self.product()
        return self.render_to_response(
            self.get_context_data(product=product, form=ProductEditForm(instance=product))
        )

    def post(self, request, *args, **kwargs):
        self.manager_only()
        product = self.product()
        form = ProductEditForm(request.POST, instance=Product.objects.get(pk=product.pk))
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in ProductEditForm.Meta.fields}
            try:
                services.product_update(actor=request.user, product=product, **fields)
                messages.success(request, _("The product has been changed."))
                return redirect("producten:product", pk=product.pk)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        for error in errors:
                            form.add_error(field if field in form.fields else None, error)
                else:
                    for message in exc.messages:
                        form.add_error(None, message)
        return self.render_to_response(self.get_context_data(product=product, form=form))


class ProductDetailView(ProductenView):
    template_name = "producten/product_detail.html"

    def product(self) -> Product:
        return get_object_or_404(selectors.products(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        product = self.product()
        return super().get_context_data(
            product=product,
            tariffs=selectors.tariffs(self.request.user).filter(product=product),
            purchases=selectors.matrix_entries(self.request.user).filter(product=product),
            calculations=selectors.calculations_for(product),
            predecessors=product.predecessors.all(),
            retire_form=kwargs.pop("retire_form", None) or RetireForm(product=product),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.manager_only()
        product = self.product()
        form = RetireForm(request.POST, product=product)
        if form.is_valid():
            try:
                services.product_retire(
                    actor=request.user,
                    product=product,
                    valid_until=form.cleaned_data["valid_until"],
                    successor=form.cleaned_data["successor"],
                )
                messages.success(request, _("The product has been retired."))
                return redirect("producten:product", pk=product.pk)
            except ValidationError as exc:
                for message in _error_text(exc):
                    form.add_error(None, message)
        return self.render_to_response(self.get_context_data(retire_form=form))


class MatrixView(ProductenView):
    template_name = "producten/matrix.html"

    def group_id(self) -> int | None:
        raw = self.request.POST.get("groep") or self.request.GET.get("groep") or ""
        return int(raw) if re.fullmatch("[0-9]{1,18}", raw) else None

    def get_context_data(self, **kwargs):
        day = kwargs.pop("day", None) or _day(self.request)
        matrix = selectors.purchase_matrix(self.request.user, day, self.group_id())
        return super().get_context_data(
            day=day,
            day_form=DayForm(initial={"op": day}),
            groups=ProductGroup.objects.order_by("-law", "name"),
            group_id=self.group_id(),
            date_form=kwargs.pop("date_form", None) or MatrixDateForm(initial={"valid_from": day}),
            **matrix,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.manager_only()
        form = MatrixDateForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(date_form=form))
        day = form.cleaned_data["valid_from"]
        matrix = selectors.purchase_matrix(request.user, day, self.group_id())
        changes = {}
        for row in matrix["rows"]:
            for cell in row["cells"]:
                key = f"cell-{row['product'].pk}-{cell['municipality'].pk}"
                value = request.POST.get(key)
                if value and value != cell["mode"]:
                    changes[(row["product"], cell["municipality"])] = value
        try:
            count = services.purchase_matrix_set(
                actor=request.user, valid_from=day, changes=changes
            )
        except ValidationError as exc:
            for message in _error_text(exc):
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(date_form=form, day=day))
        messages.success(
            request,
            ngettext(
                "%(count)s cell changed from %(day)s.",
                "%(count)s cells changed from %(day)s.",
                count,
            )
            % {"count": count, "day": day.strftime("%d-%m-%Y")},
        )
        group = f"&groep={self.group_id()}" if self.group_id() else ""
        return redirect(f"{reverse('producten:matrix')}?op={day.isoformat()}{group}")


class TariffSheetView(ProductenView):
    template_name = "producten/tariff_sheet.html"

    def get(self, request, *args, **kwargs):
        day = _day(request)
        export = request.GET.get("formaat")
        if export in ("xlsx", "pdf"):
            rows = selectors.tariff_sheet(request.user, day)
            audit_log(
                actor=request.user,
                action=AuditAction.EXPORT,
                message=f"tariff sheet {day.isoformat()} {export}",
            )
            if export == "xlsx":
                content = exports.tariff_sheet_xlsx(rows, day)
                kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            else:
                region = request.user.region
                content = exports.tariff_sheet_pdf(rows, day, region.name if region else "")
                kind = "application/pdf"
            response = HttpResponse(content, content_type=kind)
            response["Content-Disposition"] = (
                f'attachment; filename="tarieven-{day.isoformat()}.{export}"'
            )
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        day = _day(self.request)
        return super().get_context_data(
            day=day,
            day_form=DayForm(initial={"op": day}),
            tariffs=selectors.tariff_sheet(self.request.user, day),
            **kwargs,
        )


class CatalogueExportView(ProductenView):
    """The catalogue: XLSX (every product, import columns) or PDF (products on a date)."""

    def get(self, request, *args, **kwargs):
        if request.GET.get("formaat") == "pdf":
            day = _day(request)
            products = selectors.products_with_tariff(request.user, day).order_by(
                "-group__law", "group__name", "intensity_rank", "productcode"
            )
            region = request.user.region
            content = exports.catalogue_pdf(products, day, region.name if region else "")
            kind, name = "application/pdf", f"productenboek-{day.isoformat()}.pdf"
        else:
            products = selectors.products(request.user).order_by(
                "group__law", "group__name", "intensity_rank", "productcode", "valid_from"
            )
            content = exports.catalogue_xlsx(products)
            kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            name = "productenboek.xlsx"
        audit_log(actor=request.user, action=AuditAction.EXPORT, message=f"catalogue {name}")
        response = HttpResponse(content, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class CalculationView(ProductenView):
    """One version of a product's calculation, step by step, and a form for the next version."""

    template_name = "producten/calculation.html"

    def setup_objects(self):
        self.product = get_object_or_404(
            selectors.products(self.request.user), pk=self.kwargs["pk"]
        )
        version = self.kwargs.get("version")
        if version:
            self.calculation = get_object_or_404(
                CostCalculation, product=self.product, version=version
            )
        else:
            self.calculation = selectors.latest_calculation(self.product)

    def get(self, request, *args, **kwargs):
        self.setup_objects()
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        calculation = self.calculation
        form = kwargs.pop("form", None) or CostCalculationForm(
            instance=calculation or CostCalculation(product=self.product),
            initial={} if calculation else {"monthly_salary": "", "travel_cost_per_hour": "0"},
        )
        versions = selectors.calculations_for(self.product)
        return super().get_context_data(
            product=self.product,
            calculation=calculation,
            result=calculation.result() if calculation else None,
            form=form,
            apply_form=kwargs.pop("apply_form", None)
            or ApplyCalculationForm(
                municipalities=selectors.region_municipalities(self.request.user)
            ),
            versions=versions,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.setup_objects()
        self.manager_only()
        form = CostCalculationForm(request.POST, instance=CostCalculation(product=self.product))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        inputs = form.inputs()
        preview = CostCalculation(product=self.product, **inputs)
        try:
            services.check_calculation(preview)
        except ValidationError as exc:
            for message in _error_text(exc):
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(form=form))
        if request.POST.get("action") == "save":
            calculation = services.calculation_create(
                actor=request.user,
                product=self.product,
                note=form.cleaned_data.get("note") or "",
                **inputs,
            )
            messages.success(request, _("Saved as version %s.") % calculation.version)
            return redirect(
                "producten:calculation", pk=self.product.pk, version=calculation.version
            )
        return self.render_to_response(self.get_context_data(form=form, preview=preview.result()))


class CalculationApplyView(ProductenView):
    """Apply a calculation's tariff (a form on the calculation page; a GET, e.g. a reload of
    the address after a refused form, goes back to that page)."""

    template_name = "producten/calculation.html"

    def get(self, request, *args, **kwargs):
        return redirect("producten:calculation", pk=kwargs["pk"], version=kwargs["version"])

    def post(self, request, *args, **kwargs):
        self.manager_only()
        product = get_object_or_404(selectors.products(request.user), pk=kwargs["pk"])
        calculation = get_object_or_404(CostCalculation, product=product, version=kwargs["version"])
        form = ApplyCalculationForm(
            request.POST, municipalities=selectors.region_municipalities(request.user)
        )
        if form.is_valid():
            try:
                tariff = services.calculation_apply(
                    actor=request.user,
                    calculation=calculation,
                    valid_from=form.cleaned_data["valid_from"],
                    municipality=form.cleaned_data["municipality"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(
                    request,
                    _("The tariff of %(product)s is now set from %(day)s.")
                    % {"product": product.label, "day": tariff.valid_from.strftime("%d-%m-%Y")},
                )
                return redirect(
                    f"{reverse('producten:tariffs')}?op={tariff.valid_from.isoformat()}"
                )
            except ValidationError as exc:
                for message in _error_text(exc):
                    form.add_error(None, message)
        view = CalculationView()
        view.setup(request, pk=product.pk, version=calculation.version)
        view.scope = self.scope
        view.setup_objects()
        return view.render_to_response(view.get_context_data(apply_form=form))


class CalculationCompareView(ProductenView):
    template_name = "producten/calculation_compare.html"

    def get_context_data(self, **kwargs):
        product = get_object_or_404(selectors.products(self.request.user), pk=self.kwargs["pk"])
        versions = list(selectors.calculations_for(product))
        by_number = {c.version: c for c in versions}

        def pick(name, default):
            raw = self.request.GET.get(name, "")
            if not re.fullmatch("[0-9]{1,6}", raw):
                return default
            return by_number.get(int(raw), default)

        left = pick("a", versions[1] if len(versions) > 1 else (versions[0] if versions else None))
        right = pick("b", versions[0] if versions else None)
        inputs, steps = [], []
        if left and right:
            for name in CostCalculation.INPUT_FIELDS:
                model_field = CostCalculation._meta.get_field(name)
                a, b = getattr(left, name), getattr(right, name)
                inputs.append(
                    {
                        "label": model_field.verbose_name,
                        "a": a,
                        "b": b,
                        "changed": a != b,
                        "cents": name.endswith("_cents"),
                    }
                )
            ra, rb = left.result(), right.result()
            for sa, sb in zip(ra.steps, rb.steps, strict=True):
                steps.append(
                    {"step": sa, "a": sa.value, "b": sb.value, "changed": sa.value != sb.value}
                )
        return super().get_context_data(
            product=product,
            versions=versions,
            left=left,
            right=right,
            inputs=inputs,
            steps=steps,
            **kwargs,
        )


class IndexationListView(ProductenView):
    template_name = "producten/indexations.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            indexations=selectors.indexations(),
            form=kwargs.pop("form", None)
            or IndexationForm(initial={"year": timezone.localdate().year + 1}),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.manager_only()
        form = IndexationForm(request.POST)
        if form.is_valid():
            try:
                indexation = services.indexation_create(actor=request.user, **form.cleaned_data)
                return redirect("producten:indexation", pk=indexation.pk)
            except ValidationError as exc:
                for message in _error_text(exc):
                    form.add_error(None, message)
        return self.render_to_response(self.get_context_data(form=form))


class IndexationDetailView(ProductenView):
    template_name = "producten/indexation_detail.html"

    def get_context_data(self, **kwargs):
        indexation = get_object_or_404(Indexation, pk=self.kwargs["pk"])
        form = kwargs.pop("form", None)
        if form is None:
            form = IndexationApplyForm(
                self.request.GET or None, initial={"valid_from": dt.date(indexation.year, 1, 1)}
            )
        day = indexation.applied_from or (
            form.cleaned_data["valid_from"]
            if form.is_bound and form.is_valid()
            else dt.date(indexation.year, 1, 1)
        )
        preview = (
            []
            if indexation.applied_from
            else selectors.indexation_preview(indexation, self.request.user, day)
        )
        return super().get_context_data(
            indexation=indexation,
            result=indexation.result(),
            form=form,
            day=day,
            preview=preview,
            applied=indexation.tariffs.select_related("product__group", "municipality"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.manager_only()
        indexation = get_object_or_404(Indexation, pk=kwargs["pk"])
        form = IndexationApplyForm(request.POST)
        if form.is_valid():
            try:
                created = services.indexation_apply(
                    actor=request.user,
                    indexation=indexation,
                    valid_from=form.cleaned_data["valid_from"],
                )
                messages.success(request, _("%s tariffs indexed.") % len(created))
                return redirect("producten:indexation", pk=indexation.pk)
            except ValidationError as exc:
                for message in _error_text(exc):
                    form.add_error(None, message)
        return self.render_to_response(self.get_context_data(form=form))


class ImportView(ProductenView):
    template_name = "producten/import.html"

    def get(self, request, *args, **kwargs):
        self.manager_only()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            form=kwargs.pop("form", None) or ImportForm(),
            product_columns=importing.PRODUCT_COLUMNS,
            tariff_columns=importing.TARIFF_COLUMNS,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.manager_only()
        form = ImportForm(request.POST, request.FILES)
        report = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            run = (
                importing.import_products
                if form.cleaned_data["kind"] == "products"
                else importing.import_tariffs
            )
            report = run(actor=request.user, upload=upload, filename=upload.name)
        return self.render_to_response(self.get_context_data(form=form, report=report))


# --- funding variants, task budgets, data deliveries (issue 20) ----------------------------------


class VariantView(ProductenView):
    """The funding variant per product group and municipality on a date; the regional team
    sets a variant from a date (an audited amendment), everyone else reads."""

    template_name = "producten/variants.html"

    def form(self, data=None):
        return VariantForm(
            data,
            groups=ProductGroup.objects.order_by("-law", "name"),
            municipalities=selectors.region_municipalities(self.request.user).order_by("name"),
            initial={"valid_from": _day(self.request)},
        )

    def get_context_data(self, **kwargs):
        day = _day(self.request)
        return super().get_context_data(
            day=day,
            day_form=DayForm(initial={"op": day}),
            history=selectors.variant_history(self.request.user),
            form=kwargs.pop("form", None) or self.form(),
            **selectors.variant_table(self.request.user, day),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.manager_only()
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        try:
            row = services.group_variant_set(
                actor=request.user,
                group=data["group"],
                municipality=data["municipality"],
                variant=data["variant"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                regieberichten=data["regieberichten"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            for message in _error_text(exc):
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request,
            _("%(group)s in %(municipality)s is %(variant)s from %(day)s.")
            % {
                "group": row.group.name,
                "municipality": row.municipality,
                "variant": row.get_variant_display(),
                "day": row.valid_from.strftime("%d-%m-%Y"),
            },
        )
        return redirect(f"{reverse('producten:variants')}?op={row.valid_from.isoformat()}")


class TaskBudgetView(ProductenView):
    """Task budgets with their instalments: the regional team sets them and records payments;
    municipality staff see their municipalities', a provider its own."""

    template_name = "producten/task_budgets.html"
    allowed_roles = CLIENT_ROLES  # as Scope.sees_task_funding

    def form(self, data=None):
        from zorgregio.aanbieders.models import Provider
        from zorgregio.accounts.scoping import scope_for

        return TaskBudgetForm(
            data,
            providers=scope_for(self.request.user).region_providers(Provider.objects.all()),
            groups=ProductGroup.objects.order_by("-law", "name"),
            municipalities=selectors.region_municipalities(self.request.user).order_by("name"),
            initial={"year": timezone.localdate().year, "markup_pct": 3, "instalment_count": 4},
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            budgets=selectors.task_budgets(self.request.user),
            form=kwargs.pop("form", None) or (self.form() if self.scope.manages_region else None),
            pay_form=kwargs.pop("pay_form", None) or PayForm(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.manager_only()
        if "instalment" in request.POST:
            return self.pay(request)
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        try:
            from .costing import Segment, split_instalments, task_budget

            mix = form.mix()
            amount = task_budget([Segment.from_dict(m) for m in mix], data["markup_pct"])
            count = data["instalment_count"]
            months = {1: [1], 4: [1, 4, 7, 10], 12: list(range(1, 13))}[count]
            instalments = [
                (dt.date(data["year"], month, 1), part)
                for month, part in zip(
                    months, split_instalments(amount.amount_cents, count), strict=True
                )
            ]
            budget = services.task_budget_set(
                actor=request.user,
                provider=data["provider"],
                municipality=data["municipality"],
                group=data["group"],
                year=data["year"],
                mix=mix,
                markup_pct=data["markup_pct"],
                instalments=instalments,
                note=data["note"],
            )
        except ValidationError as exc:
            for message in _error_text(exc):
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request,
            _("Task budget of %(provider)s for %(group)s in %(municipality)s %(year)s saved.")
            % {
                "provider": budget.provider,
                "group": budget.group.name,
                "municipality": budget.municipality,
                "year": budget.year,
            },
        )
        return redirect("producten:task_budgets")

    def pay(self, request):
        from .models import TaskBudgetInstalment

        form = PayForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(pay_form=form), status=400)
        instalment = get_object_or_404(
            TaskBudgetInstalment.objects.filter(budget__in=selectors.task_budgets(request.user)),
            pk=form.cleaned_data["instalment"],
        )
        try:
            services.instalment_pay(
                actor=request.user, instalment=instalment, paid_on=form.cleaned_data["paid_on"]
            )
        except ValidationError as exc:
            for message in _error_text(exc):
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(pay_form=form), status=400)
        messages.success(request, _("Instalment recorded as paid."))
        return redirect("producten:task_budgets")


def read_delivery_csv(upload) -> list[dict]:
    """The rows of an uploaded CSV (comma or semicolon, UTF-8 with or without BOM)."""
    import csv
    import io

    raw = upload.read(2_000_001)
    if len(raw) > 2_000_000:
        raise ValidationError(_("The file is larger than 2 MB."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The file is not UTF-8 text.")) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        fieldnames = [name.strip() for name in reader.fieldnames or []]
        rows = [{(k or "").strip(): (v or "") for k, v in row.items() if k} for row in reader]
    except csv.Error as exc:
        raise ValidationError(_("The file cannot be read as CSV.")) from exc
    missing = [c for c in services.DELIVERY_COLUMNS if c not in fieldnames]
    if missing:
        raise ValidationError(_("Columns missing: %s.") % ", ".join(missing))
    return rows


class DataDeliveryView(ProductenView):
    """The data delivery of task-oriented work (art. 3.10): the provider uploads its CSV; the
    regional team and municipality staff read what was delivered for them."""

    template_name = "producten/data_deliveries.html"
    allowed_roles = CLIENT_ROLES  # as Scope.sees_task_funding

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            deliveries=selectors.data_deliveries(self.request.user)[:500],
            can_upload=self.scope.is_provider,
            form=kwargs.pop("form", None) or DataDeliveryForm(),
            columns=services.DELIVERY_COLUMNS,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        provider_id = self.scope.provider_id
        if provider_id is None or not self.scope.may_deliver_data_for(provider_id):
            raise PermissionDenied(_("Only a provider delivers its own data."))
        form = DataDeliveryForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            rows = read_delivery_csv(form.cleaned_data["file"])
            written = services.data_delivery_record(
                actor=request.user, provider=request.user.provider, rows=rows
            )
        except ValidationError as exc:
            for message in _error_text(exc):
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request,
            ngettext("%(count)s period delivered.", "%(count)s periods delivered.", len(written))
            % {"count": len(written)},
        )
        return redirect("producten:data_deliveries")
