"""Screens of the contract register. Views shape input and output; services and selectors
decide and scope."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from zorgregio.aanbieders.models import Provider
from zorgregio.accounts.models import Role
from zorgregio.accounts.permissions import RoleRequiredMixin
from zorgregio.audit.selectors import audit_events_for
from zorgregio.regio.models import Municipality
from zorgregio.toelating.selectors import attach_origins

from . import selectors, services
from .export import register_workbook
from .forms import (
    AdmissionForm,
    AgreementForm,
    AmendmentForm,
    BridgingForm,
    CeilingForm,
    ConsentForm,
    DecisionForm,
    DocumentForm,
    DossierForm,
    EvidenceForm,
    ExceptionForm,
    ExtensionForm,
    OptionsForm,
    RegisterFilterForm,
    SroiForm,
    SubcontractorForm,
    TransitionForm,
)
from .models import (
    Admission,
    AmendmentStatus,
    Evidence,
    FrameworkAgreement,
    MunicipalityContractOptions,
    SpendingCeiling,
)
from .states import AdmissionStates, AmendmentStates, ConsentStates

REGION_ROLES = (Role.REGIONAL,)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ContractenMixin(RoleRequiredMixin):
    def municipalities(self):
        return Municipality.objects.visible_to(self.request.user)

    def providers(self):
        return Provider.objects.visible_to(self.request.user)

    def agreement(self):
        region = self.request.user.region
        if region is None:
            return FrameworkAgreement.objects.first()
        return selectors.current_agreement(region, timezone.localdate())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["manages"] = self.scope.manages_region
        context["is_provider"] = self.scope.role == Role.PROVIDER
        return context


class RegisterView(ContractenMixin, TemplateView):
    """The register overview with its filters."""

    template_name = "contracten/register.html"

    def filter_form(self):
        return RegisterFilterForm(
            self.request.GET or None,
            providers=self.providers(),
            municipalities=self.municipalities(),
        )

    def filtered(self, form):
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        return selectors.register(
            self.request.user,
            provider=filters.get("provider"),
            product=filters.get("product"),
            municipality=filters.get("municipality"),
            status=filters.get("status") or "",
            day=filters.get("day"),
        )

    def get_context_data(self, **kwargs):
        form = self.filter_form()
        qs = self.filtered(form)
        page = Paginator(qs, 50).get_page(self.request.GET.get("pagina"))
        page.object_list = attach_origins(page.object_list, self.request.user)
        query = {k: v for k, v in self.request.GET.items() if k != "pagina" and v}
        day = form.cleaned_data.get("day") if form.is_bound and form.is_valid() else None
        return super().get_context_data(
            form=form,
            page=page,
            day=day,
            agreement=self.agreement(),
            query=urlencode(query),
            **kwargs,
        )


class RegisterExportView(RegisterView):
    def get(self, request, *args, **kwargs):
        form = self.filter_form()
        if form.is_bound and not form.is_valid():
            messages.error(request, _("The filters are not valid; nothing was exported."))
            return redirect("contracten:index")
        qs = self.filtered(form)
        response = HttpResponse(register_workbook(qs), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="contractregister.xlsx"'
        return response


class AgreementView(ContractenMixin, TemplateView):
    template_name = "contracten/agreement.html"

    def get_object(self):
        return get_object_or_404(
            selectors.agreements_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        agreement = self.get_object()
        kwargs.setdefault("extension_form", ExtensionForm())
        kwargs.setdefault("document_form", DocumentForm())
        kwargs.setdefault("options_form", OptionsForm(municipalities=self.municipalities()))
        return super().get_context_data(
            agreement=agreement,
            extensions=agreement.extensions.all(),
            extensions_left=agreement.extension_options - agreement.extensions.count(),
            documents=agreement.documents.all(),
            options=MunicipalityContractOptions.objects.filter(agreement=agreement)
            .select_related("municipality")
            .order_by("municipality__name"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.scope.manages_region:
            raise PermissionDenied(_("Only the regional team may do this."))
        agreement = self.get_object()
        action = request.POST.get("action")
        if action == "options":
            form = OptionsForm(request.POST, municipalities=self.municipalities())
            if form.is_valid():
                data = dict(form.cleaned_data)
                municipality = data.pop("municipality")
                data["activity_min_turnover_cents"] = data.pop("activity_min_turnover") or 0
                try:
                    services.options_set(
                        actor=request.user, agreement=agreement, municipality=municipality, **data
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("Saved."))
                    return redirect(request.path)
            return self.render_to_response(self.get_context_data(options_form=form))
        if action == "extend":
            form = ExtensionForm(request.POST)
            if form.is_valid():
                try:
                    ext = services.agreement_extend(
                        actor=request.user, agreement=agreement, **form.cleaned_data
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _("Extended until %(end)s.") % {"end": ext.new_end.strftime("%d-%m-%Y")},
                    )
                    return redirect(request.path)
            return self.render_to_response(self.get_context_data(extension_form=form))
        form = DocumentForm(request.POST)
        if form.is_valid():
            try:
                services.agreement_add_document(
                    actor=request.user, agreement=agreement, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The document version was added."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(document_form=form))


class AgreementFormView(ContractenMixin, TemplateView):
    """Create a framework agreement, or edit one's terms (``pk`` given); the regional team."""

    template_name = "contracten/agreement_form.html"
    allowed_roles = REGION_ROLES

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(
            selectors.agreements_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        agreement = self.get_object()
        if "form" not in kwargs:
            initial = {}
            if agreement is not None:
                initial = {name: getattr(agreement, name) for name in AgreementForm.base_fields}
            kwargs["form"] = AgreementForm(initial=initial)
        return super().get_context_data(agreement=agreement, **kwargs)

    def post(self, request, *args, **kwargs):
        agreement = self.get_object()
        form = AgreementForm(request.POST)
        if form.is_valid():
            try:
                if agreement is None:
                    agreement = services.agreement_create(
                        actor=request.user, region=request.user.region, **form.cleaned_data
                    )
                else:
                    services.agreement_update(
                        actor=request.user, agreement=agreement, **form.cleaned_data
                    )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("contracten:agreement", pk=agreement.pk)
        return self.render_to_response(self.get_context_data(form=form))


class ProviderContractView(ContractenMixin, TemplateView):
    """Everything about one provider's contract: dossier, admissions, amendments, bridging,
    subcontractors, spending ceilings, the activity rule and SROI."""

    template_name = "contracten/provider.html"

    def get_object(self):
        return get_object_or_404(self.providers(), pk=self.kwargs["pk"])

    def may_edit(self, provider) -> bool:
        return self.scope.manages_region or self.scope.provider_id == provider.pk

    def get_context_data(self, **kwargs):
        provider = self.get_object()
        user = self.request.user
        today = timezone.localdate()
        agreement = self.agreement()
        admissions = attach_origins(selectors.register(user, provider=provider), user)
        assessments = selectors.activity_by_municipality(
            provider, agreement, self.municipalities(), today
        )
        kwargs.setdefault("evidence_form", EvidenceForm())
        kwargs.setdefault("subcontractor_form", SubcontractorForm())
        dossier = getattr(provider, "dossier", None)
        if self.may_edit(provider):
            kwargs.setdefault(
                "sroi_form", SroiForm(municipalities=self.municipalities(), prefix="sroi")
            )
            kwargs.setdefault(
                "dossier_form",
                DossierForm(
                    initial={
                        "governance_code": getattr(dossier, "governance_code", False),
                        "wnt_applicable": getattr(dossier, "wnt_applicable", False),
                        "wnt_compliant": getattr(dossier, "wnt_compliant", True),
                        "notes": getattr(dossier, "notes", ""),
                    }
                ),
            )
        if self.scope.manages_region:
            for name, form_class in self.REGION_FORMS.items():
                kwargs.setdefault(
                    f"{name}_form", form_class(municipalities=self.municipalities(), prefix=name)
                )
        latest = selectors.latest_evidence().filter(provider=provider)
        return super().get_context_data(
            provider=provider,
            agreement=agreement,
            today=today,
            soon=today + dt.timedelta(days=60),
            dossier=dossier,
            evidence=latest.order_by("kind"),
            evidence_history=Evidence.objects.filter(provider=provider).order_by("-issued_on"),
            requests=selectors.open_evidence_requests(provider),
            admissions=admissions,
            amendments=selectors.amendments_visible_to(user).filter(provider=provider),
            bridging=selectors.bridging_visible_to(user).filter(provider=provider),
            subcontractors=[
                (sub, ConsentForm(allowed=ConsentStates.allowed(sub.status), prefix=f"sub{sub.pk}"))
                for sub in selectors.subcontractors_visible_to(user).filter(main_provider=provider)
            ],
            ceilings=selectors.ceilings_with_use(provider, self.municipalities()),
            assessments=assessments,
            sroi=provider.sroi_commitments.select_related("municipality"),
            may_edit=self.may_edit(provider),
            **kwargs,
        )

    REGION_FORMS = {"ceiling": CeilingForm, "bridging": BridgingForm, "exception": ExceptionForm}

    def region_action(self, request, provider, action):
        if not self.scope.manages_region:
            raise PermissionDenied(_("Only the regional team may do this."))
        form = self.REGION_FORMS[action](
            request.POST, municipalities=self.municipalities(), prefix=action
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "ceiling":
                    services.ceiling_set(
                        actor=request.user,
                        provider=provider,
                        municipality=data["municipality"],
                        year=data["year"],
                        amount_cents=data["amount"],
                        intake_stop=data["intake_stop"],
                    )
                elif action == "bridging":
                    agreement = self.agreement()
                    if agreement is None:
                        raise ValidationError(_("There is no framework agreement yet."))
                    services.bridging_create(
                        actor=request.user, agreement=agreement, provider=provider, **data
                    )
                else:
                    services.activity_exception_add(actor=request.user, provider=provider, **data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(**{f"{action}_form": form}))

    def post(self, request, *args, **kwargs):
        provider = self.get_object()
        action = request.POST.get("action")
        if action == "intake_stop":
            if not self.scope.manages_region:
                raise PermissionDenied(_("Only the regional team may do this."))
            ceiling = get_object_or_404(
                SpendingCeiling.objects.filter(
                    municipality__in=self.municipalities(), provider=provider
                ),
                pk=request.POST.get("ceiling"),
            )
            stopped = services.ceiling_intake_stop(
                actor=request.user, ceiling=ceiling, effective_on=timezone.localdate()
            )
            messages.success(
                request,
                _("Intake stop set; %(count)s admissions now have a client stop.")
                % {"count": len(stopped)},
            )
            return redirect(request.path)
        if action in self.REGION_FORMS:
            return self.region_action(request, provider, action)
        if not self.may_edit(provider):
            raise PermissionDenied(_("You may only do this for your own organisation."))
        agreement = self.agreement()
        if action == "sroi":
            form = SroiForm(request.POST, municipalities=self.municipalities(), prefix="sroi")
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.sroi_commitment_set(
                        actor=request.user,
                        provider=provider,
                        municipality=data["municipality"],
                        year=data["year"],
                        commitment=data["commitment"],
                        committed_cents=data["committed"] or 0,
                        realised_cents=data["realised"] or 0,
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("Saved."))
                    return redirect(request.path)
            return self.render_to_response(self.get_context_data(sroi_form=form))
        if action == "dossier":
            form = DossierForm(request.POST)
            if form.is_valid():
                services.dossier_update(actor=request.user, provider=provider, **form.cleaned_data)
                messages.success(request, _("Saved."))
                return redirect(request.path)
            return self.render_to_response(self.get_context_data(dossier_form=form))
        if action == "subcontractor":
            form = SubcontractorForm(request.POST)
            if form.is_valid() and agreement is not None:
                try:
                    services.subcontractor_register(
                        actor=request.user,
                        agreement=agreement,
                        main_provider=provider,
                        **form.cleaned_data,
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(
                        request, _("The subcontractor was registered; consent has been requested.")
                    )
                    return redirect(request.path)
            return self.render_to_response(self.get_context_data(subcontractor_form=form))
        form = EvidenceForm(request.POST)
        if form.is_valid():
            try:
                services.evidence_add(actor=request.user, provider=provider, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The evidence was added to the dossier."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(evidence_form=form))


class SubcontractorDecideView(ContractenMixin, View):
    allowed_roles = REGION_ROLES

    def post(self, request, pk):
        sub = get_object_or_404(selectors.subcontractors_visible_to(request.user), pk=pk)
        form = ConsentForm(
            request.POST, allowed=ConsentStates.allowed(sub.status), prefix=f"sub{sub.pk}"
        )
        if form.is_valid():
            try:
                services.subcontractor_decide(
                    actor=request.user,
                    subcontractor=sub,
                    to_status=form.cleaned_data["to_status"],
                    decided_on=timezone.localdate(),
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The decision was recorded."))
        else:
            messages.error(request, _("Choose a decision."))
        return redirect("contracten:provider", pk=sub.main_provider_id)


class AdmissionCreateView(ContractenMixin, TemplateView):
    template_name = "contracten/admission_form.html"
    allowed_roles = REGION_ROLES

    def form(self, data=None):
        return AdmissionForm(data, municipalities=self.municipalities())

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.form(None))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        agreement = self.agreement()
        if agreement is None:
            form.add_error(None, _("There is no framework agreement yet."))
        elif form.is_valid():
            try:
                admission = services.admission_create(
                    actor=request.user, agreement=agreement, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The admission was added to the register."))
                return redirect("contracten:admission", pk=admission.pk)
        return self.render_to_response(self.get_context_data(form=form))


class RegionDecisionMixin:
    """POST of a lifecycle decision by the regional team. The form offers only what the state
    class allows from the object's status; ``decide`` calls the service, which validates,
    applies and audits."""

    decision_form: type
    states: type
    success_message: str

    def decide(self, obj, data) -> None:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        if not self.scope.manages_region:
            raise PermissionDenied(_("Only the regional team may do this."))
        obj = self.get_object()
        form = self.decision_form(request.POST, allowed=self.states.allowed(obj.status))
        if form.is_valid():
            try:
                self.decide(obj, form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, self.success_message)
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))


class AdmissionDetailView(RegionDecisionMixin, ContractenMixin, TemplateView):
    template_name = "contracten/admission.html"
    decision_form = TransitionForm
    states = AdmissionStates
    success_message = gettext_lazy("The status was changed.")

    def get_object(self):
        return get_object_or_404(
            selectors.admissions_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        admission = attach_origins([self.get_object()], self.request.user)[0]
        allowed = AdmissionStates.allowed(admission.status)
        if self.scope.manages_region and allowed:
            kwargs.setdefault("form", TransitionForm(allowed=allowed))
        return super().get_context_data(
            admission=admission,
            transitions=admission.transitions.select_related("actor"),
            events=audit_events_for(admission),
            **kwargs,
        )

    def decide(self, admission, data) -> None:
        services.admission_transition(actor=self.request.user, admission=admission, **data)


class AmendmentListView(ContractenMixin, TemplateView):
    template_name = "contracten/amendments.html"

    def get_context_data(self, **kwargs):
        qs = selectors.amendments_visible_to(self.request.user)
        status = self.request.GET.get("status", "")
        if status in AmendmentStatus.values:
            qs = qs.filter(status=status)
        return super().get_context_data(
            amendments=qs, status=status, statuses=AmendmentStatus.choices, **kwargs
        )


class AmendmentCreateView(ContractenMixin, TemplateView):
    template_name = "contracten/amendment_form.html"
    allowed_roles = (Role.REGIONAL, Role.PROVIDER)

    def form(self, data=None):
        providers = self.providers()
        admissions = Admission.objects.none()
        if self.scope.role == Role.PROVIDER:
            admissions = services.admissions_for_amendment(self.request.user.provider)
        return AmendmentForm(
            data,
            providers=providers,
            municipalities=self.municipalities(),
            admissions=admissions,
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.form(None))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        agreement = self.agreement()
        if agreement is None:
            form.add_error(None, _("There is no framework agreement yet."))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                amendment = services.amendment_propose(
                    actor=request.user,
                    agreement=agreement,
                    provider=data["provider"],
                    title=data["title"],
                    motivation=data["motivation"],
                    articles=data["articles"],
                    effective_date=data["effective_date"],
                    changes=form.changes(),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The amendment was submitted."))
                return redirect("contracten:amendment", pk=amendment.pk)
        return self.render_to_response(self.get_context_data(form=form))


class AmendmentDetailView(RegionDecisionMixin, ContractenMixin, TemplateView):
    template_name = "contracten/amendment.html"
    decision_form = DecisionForm
    states = AmendmentStates
    success_message = gettext_lazy("The decision was recorded.")

    def get_object(self):
        return get_object_or_404(
            selectors.amendments_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        amendment = self.get_object()
        allowed = AmendmentStates.allowed(amendment.status)
        if self.scope.manages_region and allowed:
            kwargs.setdefault("form", DecisionForm(allowed=allowed))
        return super().get_context_data(
            amendment=amendment,
            changes=amendment.changes.select_related(
                "product", "product_group", "municipality", "admission"
            ),
            events=audit_events_for(amendment),
            **kwargs,
        )

    def decide(self, amendment, data) -> None:
        services.amendment_decide(actor=self.request.user, amendment=amendment, **data)


class WorklistView(ContractenMixin, TemplateView):
    """Signals for contract management: expiring evidence, ceilings at 70%."""

    template_name = "contracten/worklist.html"
    allowed_roles = (Role.REGIONAL, Role.MUNICIPALITY)

    ACTIVITY_ROWS = 100

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        activity = selectors.activity_worklist(self.request.user, today)
        return super().get_context_data(
            today=today,
            evidence=selectors.expiring_evidence(self.request.user, today),
            ceilings=selectors.ceilings_at_warning(self.request.user, today.year),
            activity=activity[: self.ACTIVITY_ROWS],
            activity_total=len(activity),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.scope.manages_region:
            raise PermissionDenied(_("Only the regional team may do this."))
        count = services.evidence_request_expiring(actor=request.user, today=timezone.localdate())
        messages.success(
            request, _("%(count)s requests were sent to providers.") % {"count": count}
        )
        return redirect(request.path)


HISTORY_KINDS = {
    "raamovereenkomst": lambda user: selectors.agreements_visible_to(user),
    "deelname": lambda user: selectors.admissions_visible_to(user),
    "wijziging": lambda user: selectors.amendments_visible_to(user),
    "overbrugging": lambda user: selectors.bridging_visible_to(user),
    "onderaannemer": lambda user: selectors.subcontractors_visible_to(user),
    "bewijsstuk": lambda user: Evidence.objects.filter(
        provider__in=Provider.objects.visible_to(user)
    ),
    "bestedingsruimte": lambda user: SpendingCeiling.objects.filter(
        provider__in=Provider.objects.visible_to(user),
        municipality__in=Municipality.objects.visible_to(user),
    ),
}


def history_url(kind: str, obj) -> str:
    return reverse("contracten:history", kwargs={"kind": kind, "pk": obj.pk})


class HistoryView(ContractenMixin, TemplateView):
    """The history tab of any register object: its audit events with before and after."""

    template_name = "contracten/history.html"

    def get_context_data(self, **kwargs):
        visible = HISTORY_KINDS.get(self.kwargs["kind"])
        if visible is None:
            raise Http404
        obj = get_object_or_404(visible(self.request.user), pk=self.kwargs["pk"])
        return super().get_context_data(obj=obj, events=audit_events_for(obj), **kwargs)
