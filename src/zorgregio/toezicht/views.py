"""Screens of supervision. Views shape input and output; the services write, the selectors
read, and accounts.scoping decides who sees what."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from zorgregio.accounts.permissions import RoleRequiredMixin
from zorgregio.accounts.scoping import SUPERVISION_ROLES, WAITING_TIME_ROLES
from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log
from zorgregio.common.money import parse_euros

from . import exports, selectors, services
from .models import CaseStatus, MeasureKind, StopRequestStatus
from .rules import RULES
from .states import CaseStates


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for errors in exc.message_dict.values() for m in errors]
    return list(exc.messages)


def _error(request, exc: ValidationError) -> None:
    for text in _messages_of(exc):
        messages.error(request, text)


def _date(value: str | None) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValidationError(_("%(value)s is not a date; write it as DD-MM-JJJJ.") % {"value": value})


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class SupervisionMixin(RoleRequiredMixin):
    allowed_roles = SUPERVISION_ROLES


# --- signals -----------------------------------------------------------------------------------


class SignalListView(SupervisionMixin, TemplateView):
    template_name = "toezicht/signals.html"
    export = None

    def filtered(self):
        g = self.request.GET
        active = {"1": True, "0": False, "": None}.get(g.get("actief", "1"), True)
        return selectors.signal_filter(
            selectors.signals_visible_to(self.request.user),
            rule=g.get("regel", "") if g.get("regel", "") in RULES else "",
            provider_id=_int(g.get("aanbieder")),
            municipality_id=_int(g.get("gemeente")),
            active=active,
        )

    def get(self, request, *args, **kwargs):
        if self.export == "xlsx":
            signals = self.filtered()
            audit_log(actor=request.user, action=AuditAction.EXPORT, message="toezichtsignalen")
            return _xlsx(exports.signals_workbook(signals), "signalen.xlsx")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from zorgregio.regio.models import Municipality

        context = super().get_context_data(**kwargs)
        signals = list(self.filtered()[:500])
        counts = selectors.signal_counts(self.request.user)
        context.update(
            signals=[
                (s, RULES[s.rule], RULES[s.rule].summary(s.figures))
                for s in signals
                if s.rule in RULES
            ],
            rules=[(code, rule, counts.get(code, 0)) for code, rule in RULES.items()],
            municipalities=self.scope.municipalities(Municipality.objects.order_by("name")),
            chosen_rule=self.request.GET.get("regel", ""),
            chosen_municipality=_int(self.request.GET.get("gemeente")),
            active=self.request.GET.get("actief", "1"),
            query=self.request.GET.urlencode(),
        )
        return context


class SignalView(SupervisionMixin, TemplateView):
    template_name = "toezicht/signal.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        signal = selectors.signals_visible_to(self.request.user).filter(pk=kwargs["pk"]).first()
        if signal is None:
            raise Http404
        rule = RULES.get(signal.rule)
        lines, toewijzingen = selectors.evidence_lines(self.request.user, signal)
        if rule is not None and rule.client_level:
            audit_log(
                actor=self.request.user,
                action=AuditAction.VIEW,
                obj=signal,
                message="onderbouwing toezichtsignaal",
            )
        peer_providers = {}
        if signal.figures.get("provider_ids"):
            from zorgregio.aanbieders.models import Provider

            peer_providers = Provider.objects.in_bulk(signal.figures["provider_ids"])
        context.update(
            signal=signal,
            rule=rule,
            summary=rule.summary(signal.figures) if rule else "",
            lines=lines[:200],
            toewijzingen=toewijzingen[:200],
            other_providers=list(peer_providers.values()),
            cases=selectors.cases_visible_to(self.request.user).filter(signal=signal),
            officers=selectors.officers_for(signal.region_id, signal.municipality_id),
            may_open=self.scope.may_open_case(
                region_id=signal.region_id, municipality_id=signal.municipality_id
            ),
        )
        return context


class CaseCreateView(SupervisionMixin, View):
    def post(self, request, *args, **kwargs):
        signal = selectors.signals_visible_to(request.user).filter(pk=kwargs["pk"]).first()
        if signal is None:
            raise Http404
        from zorgregio.accounts.models import User

        assignee = None
        if _int(request.POST.get("assignee")):
            assignee = User.objects.filter(pk=_int(request.POST["assignee"])).first()
        try:
            case = services.case_open(
                actor=request.user,
                signal=signal,
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                assignee=assignee,
                deadline=_date(request.POST.get("deadline")),
            )
        except ValidationError as exc:
            _error(request, exc)
            return redirect("toezicht:signal", pk=signal.pk)
        messages.success(request, _("The case was opened."))
        return redirect("toezicht:case", pk=case.pk)


# --- cases -------------------------------------------------------------------------------------


class CaseListView(SupervisionMixin, TemplateView):
    template_name = "toezicht/cases.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cases = selectors.cases_visible_to(self.request.user)
        status = self.request.GET.get("status", "")
        if status in CaseStatus.values:
            cases = cases.filter(status=status)
        context.update(cases=cases[:500], statuses=CaseStatus.choices, chosen_status=status)
        return context


class WorklistView(SupervisionMixin, TemplateView):
    template_name = "toezicht/worklist.html"
    export = None

    def get(self, request, *args, **kwargs):
        if self.export == "xlsx":
            audit_log(
                actor=request.user, action=AuditAction.EXPORT, message="werkvoorraad toezicht"
            )
            return _xlsx(
                exports.cases_workbook(selectors.worklist(request.user)), "werkvoorraad.xlsx"
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(cases=selectors.worklist(self.request.user), today=dt.date.today())
        return context


class CaseView(SupervisionMixin, TemplateView):
    template_name = "toezicht/case.html"

    def case(self):
        case = selectors.cases_visible_to(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if case is None:
            raise Http404
        return case

    def get_context_data(self, **kwargs):
        from zorgregio.contracten.models import Admission, AdmissionStatus

        context = super().get_context_data(**kwargs)
        case = self.case()
        audit_log(actor=self.request.user, action=AuditAction.VIEW, obj=case, message="zaak")
        context.update(
            case=case,
            rule=RULES.get(case.signal.rule) if case.signal else None,
            events=case.events.select_related("author"),
            documents=case.documents.all(),
            measures=case.measures.select_related("admission", "taken_by"),
            next_statuses=[(s, CaseStates.label(s)) for s in CaseStates.allowed(case.status)],
            conclusions=CaseStates.CONCLUSIONS,
            measure_kinds=MeasureKind.choices,
            officers=selectors.officers_for(case.region_id, case.municipality_id),
            admissions=Admission.objects.filter(
                provider=case.provider, status=AdmissionStatus.ACTIVE
            ).select_related("product", "product_group", "municipality"),
            may_handle=self.scope.may_open_case(
                region_id=case.region_id, municipality_id=case.municipality_id
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        from zorgregio.accounts.models import User
        from zorgregio.contracten.models import Admission

        case = self.case()
        action = request.POST.get("action", "")
        try:
            if action == "status":
                services.case_transition(
                    actor=request.user,
                    case=case,
                    to_status=request.POST.get("to_status", ""),
                    note=request.POST.get("note", ""),
                    conclusion=request.POST.get("conclusion", ""),
                )
                messages.success(request, _("The status of the case was changed."))
            elif action == "assign":
                assignee = User.objects.filter(pk=_int(request.POST.get("assignee"))).first()
                services.case_assign(
                    actor=request.user,
                    case=case,
                    assignee=assignee,
                    deadline=_date(request.POST.get("deadline")),
                )
                messages.success(request, _("Saved."))
            elif action == "note":
                services.case_add_note(actor=request.user, case=case, text=request.POST.get("text"))
                messages.success(request, _("The note was added."))
            elif action == "document":
                services.case_add_document(
                    actor=request.user,
                    case=case,
                    title=request.POST.get("title", ""),
                    file=request.FILES.get("file"),
                )
                messages.success(request, _("The document was added."))
            elif action == "measure":
                kind = request.POST.get("kind", "")
                amount = request.POST.get("amount", "").strip()
                admission = None
                if _int(request.POST.get("admission")):
                    admission = Admission.objects.filter(
                        pk=_int(request.POST["admission"]), provider=case.provider
                    ).first()
                services.case_add_measure(
                    actor=request.user,
                    case=case,
                    kind=kind,
                    amount_cents=parse_euros(amount) if amount else None,
                    due_on=_date(request.POST.get("due_on")),
                    note=request.POST.get("note", ""),
                    admission=admission,
                )
                messages.success(request, _("The measure was recorded."))
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as exc:
            _error(request, exc)
        return redirect("toezicht:case", pk=case.pk)


class CaseDocumentView(SupervisionMixin, View):
    def get(self, request, pk, document):
        case = selectors.cases_visible_to(request.user).filter(pk=pk).first()
        if case is None:
            raise Http404
        item = get_object_or_404(case.documents, pk=document)
        audit_log(actor=request.user, action=AuditAction.VIEW, obj=item, message=f"zaak {case.pk}")
        return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.file.name)


class ProviderOverviewView(SupervisionMixin, TemplateView):
    template_name = "toezicht/provider.html"

    def get_context_data(self, **kwargs):
        from zorgregio.aanbieders.models import Provider

        context = super().get_context_data(**kwargs)
        provider = get_object_or_404(
            self.scope.region_providers(Provider.objects.all()), pk=kwargs["pk"]
        )
        signals = selectors.signals_visible_to(self.request.user).filter(provider=provider)
        context.update(
            provider=provider,
            profile=selectors.provider_profile(self.request.user, provider),
            signals=[
                (s, RULES[s.rule], RULES[s.rule].summary(s.figures))
                for s in signals
                if s.rule in RULES
            ],
            cases=selectors.cases_visible_to(self.request.user).filter(provider=provider),
            satisfaction=selectors.satisfaction_for(self.request.user, provider),
            waiting=selectors.waiting_overview(self.request.user, provider_id=provider.pk),
            rules=RULES,
        )
        return context


class ThresholdsView(SupervisionMixin, TemplateView):
    template_name = "toezicht/thresholds.html"

    def get_context_data(self, **kwargs):
        from zorgregio.regio.models import Municipality

        from .models import SignalThreshold

        context = super().get_context_data(**kwargs)
        set_values = SignalThreshold.objects.filter(region_id=self.scope.region_id).select_related(
            "municipality"
        )
        context.update(
            rules=RULES,
            values=set_values,
            municipalities=self.scope.region_municipalities(Municipality.objects.order_by("name")),
            manages=self.scope.manages_region,
        )
        return context

    def post(self, request, *args, **kwargs):
        from zorgregio.regio.models import Municipality

        if not self.scope.manages_region:
            raise PermissionDenied(_("Only the regional team may do this."))
        municipality = None
        if _int(request.POST.get("municipality")):
            municipality = get_object_or_404(
                self.scope.region_municipalities(Municipality.objects.all()),
                pk=_int(request.POST["municipality"]),
            )
        rule, key = (request.POST.get("threshold", "") + ".").split(".")[:2]
        try:
            services.threshold_set(
                actor=request.user,
                region=request.user.region,
                municipality=municipality,
                rule=rule,
                key=key,
                value=request.POST.get("value", ""),
            )
            services.recompute_signals(rules=[rule], region=request.user.region)
            messages.success(request, _("The threshold was set and the signals recomputed."))
        except ValidationError as exc:
            _error(request, exc)
        return redirect("toezicht:thresholds")


# --- waiting times -----------------------------------------------------------------------------


class WaitingTimesView(RoleRequiredMixin, TemplateView):
    template_name = "toezicht/waiting.html"
    allowed_roles = WAITING_TIME_ROLES

    def get_context_data(self, **kwargs):
        from zorgregio.aanbieders.models import Provider
        from zorgregio.common.periods import valid_on_q
        from zorgregio.contracten.models import Admission, AdmissionStatus
        from zorgregio.producten.models import ProductGroup

        context = super().get_context_data(**kwargs)
        today = dt.date.today()
        user = self.request.user
        provider = None
        if self.scope.is_provider:
            provider = Provider.objects.filter(pk=self.scope.provider_id).first()
        rows = selectors.waiting_overview(user, provider_id=provider.pk if provider else None)
        context.update(
            provider=provider,
            rows=rows,
            over_norm=sum(1 for r in rows if r["over_norm"]),
            stop_requests=selectors.stop_requests_visible_to(user)[:200],
            manages=self.scope.manages_region,
        )
        if provider is not None:
            due = selectors.overdue_reports(provider, today)
            context.update(
                overdue=due,
                admissions=Admission.objects.filter(
                    valid_on_q(today), provider=provider, status=AdmissionStatus.ACTIVE
                ).select_related("product", "product_group", "municipality"),
                report_choices=[(f"{d['municipality'].pk}:{d['product'].pk}", d) for d in due]
                + [
                    (f"{r['report'].municipality_id}:{r['report'].product_id}", r["report"])
                    for r in rows
                    if not r["overdue"]
                ],
            )
        if self.scope.manages_region:
            norms = selectors.norms_for(user.region)
            context["norms"] = [
                (g, *norms(g.pk)) for g in ProductGroup.objects.order_by("law", "code")
            ]
        return context

    def post(self, request, *args, **kwargs):
        from zorgregio.aanbieders.models import Provider
        from zorgregio.contracten.models import Admission
        from zorgregio.producten.models import Product, ProductGroup
        from zorgregio.regio.models import Municipality

        action = request.POST.get("action", "report")
        try:
            if action == "report":
                if not self.scope.is_provider:
                    raise PermissionDenied(_("Only the provider itself reports its waiting times."))
                provider = Provider.objects.get(pk=self.scope.provider_id)
                municipality_id, _sep, product_id = request.POST.get("what", "").partition(":")
                municipality = Municipality.objects.filter(
                    pk=_int(municipality_id), region_id=self.scope.region_id
                ).first()
                product = Product.objects.filter(pk=_int(product_id)).first()
                if municipality is None or product is None:
                    raise ValidationError(_("Choose the product and municipality."))
                services.waiting_time_report(
                    actor=request.user,
                    provider=provider,
                    municipality=municipality,
                    product=product,
                    intake_weeks=request.POST.get("intake_weeks", ""),
                    treatment_weeks=request.POST.get("treatment_weeks", ""),
                )
                messages.success(request, _("The waiting time was reported."))
            elif action == "norm":
                if not self.scope.manages_region:
                    raise PermissionDenied(_("Only the regional team may do this."))
                group = get_object_or_404(ProductGroup, pk=_int(request.POST.get("group")))
                services.norm_set(
                    actor=request.user,
                    region=request.user.region,
                    product_group=group,
                    intake_weeks=request.POST.get("intake_weeks", ""),
                    treatment_weeks=request.POST.get("treatment_weeks", ""),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("The norm was set."))
            elif action == "stop":
                if not self.scope.is_provider:
                    raise PermissionDenied(_("Only the provider itself announces a client stop."))
                admission = get_object_or_404(
                    Admission,
                    pk=_int(request.POST.get("admission")),
                    provider_id=self.scope.provider_id,
                )
                services.stop_request_create(
                    actor=request.user,
                    admission=admission,
                    starts_on=_date(request.POST.get("starts_on")) or dt.date.today(),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("The client stop was announced to the region."))
            elif action == "decide":
                request_obj = (
                    selectors.stop_requests_visible_to(request.user)
                    .filter(
                        pk=_int(request.POST.get("request")), status=StopRequestStatus.REQUESTED
                    )
                    .first()
                )
                if request_obj is None:
                    raise Http404
                services.stop_request_decide(
                    actor=request.user,
                    request=request_obj,
                    grant=request.POST.get("decision") == "grant",
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("The decision was recorded."))
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as exc:
            _error(request, exc)
        return redirect(reverse("toezicht:waiting"))


# --- the 18-/18+ worklist ----------------------------------------------------------------------


class Turning18View(SupervisionMixin, TemplateView):
    template_name = "toezicht/turning18.html"
    export = None

    def get(self, request, *args, **kwargs):
        people = selectors.turning_18_worklist(request.user, dt.date.today())
        audit_log(
            actor=request.user,
            action=AuditAction.EXPORT if self.export else AuditAction.VIEW,
            message=f"werklijst 18-/18+: {len(people)} jongeren",
        )
        if self.export == "xlsx":
            return _xlsx(exports.turning_18_workbook(people), "18min-18plus.xlsx")
        return self.render_to_response(self.get_context_data(people=people, **kwargs))
