"""Screens of the admission procedure. Views shape input and output; the services decide and
:mod:`.selectors` (through ``accounts.scoping``) decide who sees what.

Actions on one page are posted with an ``action`` field, as in the contract register.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from zorgregio.accounts.models import Role
from zorgregio.accounts.permissions import RoleRequiredMixin
from zorgregio.accounts.scoping import scope_for
from zorgregio.audit.selectors import audit_events_for
from zorgregio.contracten.models import FrameworkAgreement
from zorgregio.contracten.views import apply_errors
from zorgregio.producten.models import ProductGroup, PurchaseMatrixEntry, PurchaseMode
from zorgregio.regio.models import Municipality

from . import forms, rules, selectors, services, storage
from .models import (
    ApplicationParty,
    ApplicationStatus,
    DecisionStatus,
    Objection,
    ObjectionStatus,
    ProcedureContact,
    ProcedureStatus,
    QuestionStatus,
    RequestStatus,
    Requirement,
    Step,
    Threshold,
)
from .states import ApplicationStates


def _attachment(handle, name: str, content_type: str, size: int | None = None) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    if size is not None:
        response["Content-Length"] = str(size)
    return response


class ToelatingMixin(RoleRequiredMixin):
    def run_action(self, request, *target):
        """POST with an ``action`` field calls ``do_<action>(request, *target)``; a service's
        ValidationError becomes a message on the same page, nothing having changed."""
        handler = getattr(self, f"do_{request.POST.get('action', '')}", None)
        if handler is None:
            raise Http404
        try:
            result = handler(request, *target)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(request.path)
        return result or redirect(request.path)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_team"] = self.scope.runs_procedures
        context["is_provider"] = self.scope.role == Role.PROVIDER
        return context

    def require_team(self):
        if not self.scope.runs_procedures:
            raise PermissionDenied(_("Only the regional team runs the admission procedure."))


class ProcedureMixin(ToelatingMixin):
    section = ""

    def get_procedure(self):
        if not hasattr(self, "_procedure"):
            self._procedure = get_object_or_404(
                selectors.procedures_visible_to(self.request.user), pk=self.kwargs["pk"]
            )
        return self._procedure

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            procedure=self.get_procedure(), section=self.section, **kwargs
        )

    def post(self, request, *args, **kwargs):
        self.require_team()
        return self.run_action(request)

    def form_action(self, form, name, run, success):
        """Validate ``form``; run the service; on an error show the page with the form."""
        if form.is_valid():
            try:
                run(form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(self.request, success)
                return redirect(self.request.path)
        return self.render_to_response(self.get_context_data(**{name: form}))


# --- procedures -------------------------------------------------------------------------------


class ProcedureListView(ToelatingMixin, TemplateView):
    template_name = "toelating/index.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            procedures=selectors.procedures_visible_to(user),
            applications=selectors.applications_visible_to(user).order_by("-created_at")
            if self.scope.role == Role.PROVIDER
            else [],
            **kwargs,
        )


class ProcedureCreateView(ToelatingMixin, TemplateView):
    template_name = "toelating/procedure_form.html"
    allowed_roles = (Role.REGIONAL,)

    def form(self, data=None):
        agreements = FrameworkAgreement.objects.filter(region_id=self.scope.region_id)
        return forms.ProcedureForm(data, agreements=agreements)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.form())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                procedure = services.procedure_create(
                    actor=request.user, region=request.user.region, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The procedure was created as a draft."))
                return redirect("toelating:procedure", pk=procedure.pk)
        return self.render_to_response(self.get_context_data(form=form))


class ProcedureDetailView(ProcedureMixin, TemplateView):
    """Overview: planning, windows, lots, documents, contacts, committee, publication."""

    template_name = "toelating/procedure.html"
    section = "overview"

    def _users(self):
        return (
            get_user_model()
            .objects.filter(
                role=Role.REGIONAL, region_id=self.get_procedure().region_id, is_active=True
            )
            .order_by("username")
        )

    def get_context_data(self, **kwargs):
        procedure = self.get_procedure()
        if self.scope.runs_procedures and procedure.status != ProcedureStatus.CLOSED:
            taken = procedure.lots.values_list("product_group_id", flat=True)
            kwargs.setdefault(
                "planning_form",
                forms.PlanningForm(
                    initial={
                        name: getattr(procedure, name) for name in forms.PlanningForm.base_fields
                    }
                ),
            )
            kwargs.setdefault(
                "lot_form",
                forms.LotForm(
                    groups=ProductGroup.objects.filter(law=procedure.law).exclude(pk__in=taken)
                ),
            )
            kwargs.setdefault("window_form", forms.WindowForm())
            kwargs.setdefault("contact_form", forms.ContactForm())
            kwargs.setdefault("document_form", forms.DocumentForm())
            kwargs.setdefault(
                "committee_form",
                forms.CommitteeForm(
                    users=self._users(), initial={"members": list(procedure.committee.all())}
                ),
            )
            if procedure.status == ProcedureStatus.DRAFT:
                kwargs.setdefault("problems", services.publication_problems(procedure))
            if self.scope.runs_procedures:
                kwargs.setdefault(
                    "work", selectors.worklist(self.request.user, procedure, timezone.localdate())
                )
        return super().get_context_data(
            lots=procedure.lots.select_related("product_group").prefetch_related("products"),
            windows=procedure.windows.all(),
            contacts=procedure.contacts.all(),
            documents=selectors.latest_documents(procedure),
            committee=procedure.committee.order_by("username"),
            window_now=services.open_window(procedure, timezone.now()),
            events=audit_events_for(procedure) if self.scope.runs_procedures else [],
            **kwargs,
        )

    # action -> (form, its name in the context, service, message): a form of fields the
    # service takes as they are, for this procedure.
    FORMS = {
        "planning": (
            forms.PlanningForm,
            "planning_form",
            services.procedure_update,
            gettext_lazy("Saved."),
        ),
        "window": (
            forms.WindowForm,
            "window_form",
            services.window_add,
            gettext_lazy("The window was added."),
        ),
        "contact": (
            forms.ContactForm,
            "contact_form",
            services.contact_add,
            gettext_lazy("The contact person was added."),
        ),
    }

    def _simple(self, request, action):
        form_class, name, service, message = self.FORMS[action]
        return self.form_action(
            form_class(request.POST),
            name,
            lambda data: service(actor=request.user, procedure=self.get_procedure(), **data),
            message,
        )

    def do_planning(self, request):
        return self._simple(request, "planning")

    def do_window(self, request):
        return self._simple(request, "window")

    def do_contact(self, request):
        return self._simple(request, "contact")

    def do_lot(self, request):
        procedure = self.get_procedure()
        form = forms.LotForm(request.POST, groups=ProductGroup.objects.filter(law=procedure.law))
        return self.form_action(
            form,
            "lot_form",
            lambda data: services.lot_add(actor=request.user, procedure=procedure, **data),
            _("The lot was added."),
        )

    def do_contact_remove(self, request):
        contact = get_object_or_404(
            ProcedureContact, procedure=self.get_procedure(), pk=request.POST.get("contact")
        )
        services.contact_remove(actor=request.user, contact=contact)
        messages.success(request, _("The contact person was removed."))

    def do_document(self, request):
        form = forms.DocumentForm(request.POST, request.FILES)
        return self.form_action(
            form,
            "document_form",
            lambda data: services.document_add(
                actor=request.user,
                procedure=self.get_procedure(),
                kind=data["kind"],
                title=data["title"],
                upload=data["file"],
                note=data["note"],
            ),
            _("The document version was added."),
        )

    def do_committee(self, request):
        form = forms.CommitteeForm(request.POST, users=self._users())
        return self.form_action(
            form,
            "committee_form",
            lambda data: services.committee_set(
                actor=request.user, procedure=self.get_procedure(), members=data["members"]
            ),
            _("The assessment committee was saved."),
        )

    def do_publish(self, request):
        services.procedure_publish(actor=request.user, procedure=self.get_procedure())
        messages.success(request, _("The procedure is published, also on the public page."))

    def do_close(self, request):
        services.procedure_close(actor=request.user, procedure=self.get_procedure())
        messages.success(request, _("The procedure is closed."))


class RequirementsView(ProcedureMixin, TemplateView):
    """The questionnaire, per step."""

    template_name = "toelating/requirements.html"
    section = "requirements"

    def get_context_data(self, **kwargs):
        procedure = self.get_procedure()
        if self.scope.runs_procedures and procedure.status == ProcedureStatus.DRAFT:
            kwargs.setdefault("form", forms.RequirementForm(lots=procedure.lots.all()))
        requirements = list(rules.procedure_requirements(procedure))
        steps = [(step, [r for r in requirements if r.step == step.value]) for step in Step]
        return super().get_context_data(steps=steps, **kwargs)

    def do_add(self, request):
        procedure = self.get_procedure()
        form = forms.RequirementForm(request.POST, lots=procedure.lots.all())
        if form.is_valid():
            try:
                services.requirement_add(
                    actor=request.user, procedure=procedure, **form.requirement_data()
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The requirement was added."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))

    def do_remove(self, request):
        requirement = get_object_or_404(
            Requirement, procedure=self.get_procedure(), pk=request.POST.get("requirement")
        )
        services.requirement_remove(actor=request.user, requirement=requirement)
        messages.success(request, _("The requirement was removed."))


class ThresholdsView(ProcedureMixin, TemplateView):
    """The thresholds (drempels) of every municipality, public once published."""

    template_name = "toelating/thresholds.html"
    section = "thresholds"

    def _form(self, data=None):
        procedure = self.get_procedure()
        return forms.ThresholdForm(
            data,
            municipalities=Municipality.objects.filter(region_id=procedure.region_id),
            groups=ProductGroup.objects.filter(pk__in=procedure.lots.values("product_group")),
        )

    def get_context_data(self, **kwargs):
        procedure = self.get_procedure()
        editable = self.scope.runs_procedures and procedure.status != ProcedureStatus.CLOSED
        if editable:
            kwargs.setdefault("form", self._form())
            kwargs.setdefault("window_form", forms.EntryWindowForm())
            kwargs.setdefault("end_form", forms.ThresholdEndForm())
        return super().get_context_data(
            thresholds=selectors.thresholds_of(procedure),
            editable=editable,
            today=timezone.localdate(),
            **kwargs,
        )

    def do_add(self, request):
        form = self._form(request.POST)
        return self.form_action(
            form,
            "form",
            lambda _data: services.threshold_add(
                actor=request.user, procedure=self.get_procedure(), **form.threshold_data()
            ),
            _("The threshold was added."),
        )

    def _threshold(self, request):
        return get_object_or_404(
            Threshold, procedure=self.get_procedure(), pk=request.POST.get("threshold")
        )

    def do_window(self, request):
        threshold = self._threshold(request)
        form = forms.EntryWindowForm(request.POST)
        return self.form_action(
            form,
            "window_form",
            lambda data: services.entry_window_add(actor=request.user, threshold=threshold, **data),
            _("The entry window was added."),
        )

    def do_end(self, request):
        threshold = self._threshold(request)
        form = forms.ThresholdEndForm(request.POST)
        return self.form_action(
            form,
            "end_form",
            lambda data: services.threshold_end(actor=request.user, threshold=threshold, **data),
            _("The threshold was ended."),
        )


class QuestionsView(ProcedureMixin, TemplateView):
    """Questions and the Nota's van Inlichtingen. A provider asks and sees its own questions
    (a confidential answer only here); every role sees the published Nota's."""

    template_name = "toelating/questions.html"
    section = "questions"

    def get_context_data(self, **kwargs):
        procedure = self.get_procedure()
        user = self.request.user
        own = selectors.questions_visible_to(user).filter(procedure=procedure)
        if self.scope.role == Role.PROVIDER and procedure.status == ProcedureStatus.PUBLISHED:
            kwargs.setdefault("form", forms.QuestionForm())
        answer_forms = []
        if self.scope.runs_procedures:
            for question in own.exclude(status=QuestionStatus.PUBLISHED).order_by("asked_at"):
                answer_forms.append(
                    (
                        question,
                        forms.AnswerForm(
                            prefix=f"q{question.pk}",
                            initial={
                                "public_text": question.public_text,
                                "answer": question.answer,
                            },
                        ),
                    )
                )
        return super().get_context_data(
            own_questions=own.order_by("-asked_at") if self.scope.role == Role.PROVIDER else [],
            answer_forms=answer_forms,
            nota_form=forms.NotaForm() if self.scope.runs_procedures else None,
            notas=procedure.notas.order_by("-number"),
            published=selectors.published_questions(procedure),
            deadline_passed=timezone.now() > procedure.question_deadline,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "ask":
            if self.scope.role != Role.PROVIDER:
                raise PermissionDenied(_("Only providers ask questions."))
            form = forms.QuestionForm(request.POST)
            return self.form_action(
                form,
                "form",
                lambda data: services.question_ask(
                    actor=request.user, procedure=self.get_procedure(), **data
                ),
                _("Your question was sent to the regional team."),
            )
        return super().post(request, *args, **kwargs)

    def do_answer(self, request):
        question = get_object_or_404(
            selectors.questions_visible_to(request.user).filter(procedure=self.get_procedure()),
            pk=request.POST.get("question"),
        )
        form = forms.AnswerForm(request.POST, prefix=f"q{question.pk}")
        if form.is_valid():
            services.question_answer(actor=request.user, question=question, **form.cleaned_data)
            messages.success(request, _("The answer was saved."))
        else:
            messages.error(request, _("Fill in the answer."))

    def do_nota(self, request):
        form = forms.NotaForm(request.POST)
        form.is_valid()
        nota = services.nota_publish(
            actor=request.user,
            procedure=self.get_procedure(),
            intro=form.cleaned_data.get("intro", ""),
        )
        messages.success(
            request,
            _("Nota van Inlichtingen %(number)s was published to every provider.")
            % {"number": nota.number},
        )


class ApplicationsView(ProcedureMixin, TemplateView):
    """The applications of a procedure, for the regional team."""

    template_name = "toelating/applications.html"
    section = "applications"
    allowed_roles = (Role.REGIONAL,)

    def get_context_data(self, **kwargs):
        procedure = self.get_procedure()
        today = timezone.localdate()
        _finalise_due(self.request, procedure=procedure)
        applications = list(selectors.applications_of(self.request.user, procedure))
        for application in applications:
            application.overdue = any(r.due_on < today for r in application.open_requests)
            application.next_due = min((r.due_on for r in application.open_requests), default=None)
            if application.next_due:
                application.days_left = (application.next_due - today).days
        return super().get_context_data(
            applications=applications,
            today=today,
            work=selectors.worklist(self.request.user, procedure, today),
            **kwargs,
        )


def _finalise_due(request, *, procedure=None, application=None) -> None:
    """Proposed decisions past their objection period become final when someone looks (the
    ``finalise_decisions`` command does the same on a schedule). The regional team sees it
    when one could not be finalised."""
    due = selectors.due_decisions(request.user, timezone.localdate())
    if procedure is not None:
        due = due.filter(application__procedure=procedure)
    if application is not None:
        due = due.filter(application=application)
    if not due.exists():
        return
    _done, failed = services.decisions_finalise_due(decisions=due)
    if scope_for(request.user).runs_procedures:
        for decision, reason in failed:
            messages.error(
                request,
                _("Decision %(decision)s could not become final: %(reason)s")
                % {"decision": decision, "reason": reason},
            )


# --- the application -------------------------------------------------------------------------


class ApplicationStartView(ToelatingMixin, View):
    allowed_roles = (Role.PROVIDER,)

    def post(self, request, pk):
        procedure = get_object_or_404(selectors.procedures_visible_to(request.user), pk=pk)
        try:
            application = services.application_start(actor=request.user, procedure=procedure)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("toelating:procedure", pk=pk)
        return redirect("toelating:application", pk=application.pk)


def _matrix(application):
    """Per lot: its products (rows) and the region's municipalities (columns) with, per cell,
    whether it can be chosen (bought regionally), is chosen, or is closed by a threshold."""
    procedure = application.procedure
    municipalities = list(Municipality.objects.filter(region_id=procedure.region_id))
    chosen = set(application.lines.values_list("product_id", "municipality_id"))
    bought = set(
        PurchaseMatrixEntry.objects.valid_on(procedure.admission_start)
        .filter(mode=PurchaseMode.REGIONAL, municipality__in=municipalities)
        .values_list("product_id", "municipality_id")
    )
    today = timezone.localdate()
    closed = {
        (t.product_group_id, t.municipality_id): t
        for t in rules.thresholds_on(procedure, today)
        if t.kind == "gesloten"
    }
    lots = []
    for lot in procedure.lots.select_related("product_group").prefetch_related("products"):
        rows = []
        for product in sorted(lot.products.all(), key=lambda p: (p.intensity_rank or 99, p.pk)):
            cells = []
            for municipality in municipalities:
                key = (product.pk, municipality.pk)
                cells.append(
                    {
                        "value": f"{product.pk}-{municipality.pk}",
                        "municipality": municipality,
                        "bought": key in bought,
                        "chosen": key in chosen,
                        "closed": closed.get((lot.product_group_id, municipality.pk)),
                    }
                )
            rows.append((product, cells))
        lots.append((lot, rows))
    return municipalities, lots


def _entries(application, keys, today):
    """(group id, municipality id, Entry) for the lines that wait for an entry window."""
    received = application.received_on or today
    thresholds = rules.thresholds_on(application.procedure, received)
    result = []
    for key in keys:
        entry = rules.entry_for(application.procedure, key, received, thresholds)
        if entry.waits:
            result.append((*key, entry))
    return result


class ApplicationView(ToelatingMixin, TemplateView):
    """One application. For its provider: the draft to fill in over several visits, then the
    submitted application read-only with the receipt, evidence requests and the decision. For
    the regional team: read-only, with the assessment one click away."""

    template_name = "toelating/application.html"
    allowed_roles = (Role.REGIONAL, Role.PROVIDER)

    def get_application(self):
        if not hasattr(self, "_application"):
            self._application = get_object_or_404(
                selectors.applications_visible_to(self.request.user), pk=self.kwargs["pk"]
            )
        return self._application

    def is_applicant(self) -> bool:
        return self.scope.provider_id == self.get_application().provider_id

    def get_context_data(self, **kwargs):
        application = self.get_application()
        _finalise_due(self.request, application=application)
        application.refresh_from_db()
        today = timezone.localdate()
        keys = rules.line_keys(application)
        requirements = rules.applicable_requirements(application, keys)
        answers = {a.requirement_id: a for a in application.answers.all()}
        files = list(application.evidence_files.select_related("party", "request"))
        parties = application.parties.all()
        draft = application.status == ApplicationStatus.DRAFT and self.is_applicant()
        rows = []
        for requirement in requirements:
            answer = answers.get(requirement.pk)
            rows.append(
                {
                    "requirement": requirement,
                    "answer": answer,
                    "files": [f for f in files if f.requirement_id == requirement.pk],
                    "knockout": rules.knocked_out(requirement, answer),
                    "upload_form": forms.EvidenceUploadForm(
                        parties=parties, prefix=f"e{requirement.pk}"
                    )
                    if draft and requirement.needs_evidence
                    else None,
                }
            )
        entries = _entries(application, keys, today)
        if draft:
            municipalities, lots = _matrix(application)
            kwargs.setdefault("municipalities", municipalities)
            kwargs.setdefault("lots", lots)
            kwargs.setdefault(
                "details_form",
                forms.DetailsForm(
                    initial={
                        "participation": application.participation,
                        "contact_name": application.contact_name,
                        "contact_email": application.contact_email,
                        "contact_phone": application.contact_phone,
                        "turnover": f"{application.turnover_cents / 100:.2f}".replace(".", ",")
                        if application.turnover_cents is not None
                        else "",
                    }
                ),
            )
            kwargs.setdefault("party_form", forms.PartyForm())
            kwargs.setdefault(
                "answers_form", forms.AnswersForm(requirements=requirements, answers=answers)
            )
            kwargs.setdefault("problems", services.submission_problems(application))
        requests = selectors.requests_of(application, today)
        if self.is_applicant():
            for request in requests:
                if request.status == RequestStatus.OPEN and not request.overdue:
                    request.form = forms.EvidenceUploadForm(
                        parties=parties, prefix=f"r{request.pk}"
                    )
        decisions = list(
            application.decisions.prefetch_related("lines__products", "objections").select_related(
                "decided_by"
            )
        )
        current = decisions[0] if decisions else None
        if (
            current is not None
            and self.is_applicant()
            and current.status in (DecisionStatus.PROPOSED, DecisionStatus.OBJECTION)
            and today <= current.objection_until
        ):
            kwargs.setdefault("objection_form", forms.ObjectionForm())
        if self.is_applicant() and ApplicationStates.can(
            application.status, ApplicationStatus.WITHDRAWN
        ):
            kwargs.setdefault("withdraw_form", forms.WithdrawForm())
        return super().get_context_data(
            application=application,
            procedure=application.procedure,
            lines=application.lines.select_related("product__group", "municipality"),
            rows=rows,
            parties=parties,
            entries=entries,
            requests=requests,
            decisions=decisions,
            current=current,
            draft=draft,
            today=today,
            events=audit_events_for(application) if self.scope.runs_procedures else [],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        application = self.get_application()
        if not self.is_applicant():
            raise PermissionDenied(_("Only the applicant may do this."))
        return self.run_action(request, application)

    def _evidence(self, request, application, prefix):
        """The file, its date and its party from an upload form, or the form's errors."""
        form = forms.EvidenceUploadForm(
            request.POST, request.FILES, parties=application.parties.all(), prefix=prefix
        )
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        data = form.cleaned_data
        return {"upload": data["file"], "issued_on": data["issued_on"], "party": data.get("party")}

    def do_lines(self, request, application):
        products = {p.pk: p for lot in application.procedure.lots.all() for p in lot.products.all()}
        municipalities = Municipality.objects.filter(
            region_id=application.procedure.region_id
        ).in_bulk()
        pairs = []
        for value in request.POST.getlist("line"):
            product_id, _sep, municipality_id = value.partition("-")
            try:
                pair = (products[int(product_id)], municipalities[int(municipality_id)])
            except (KeyError, ValueError):
                raise ValidationError(
                    _("Choose products and municipalities from the list.")
                ) from None
            pairs.append(pair)
        services.application_set_lines(actor=request.user, application=application, pairs=pairs)
        messages.success(request, _("Your choice was saved."))

    def do_details(self, request, application):
        form = forms.DetailsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.application_update(
                    actor=request.user,
                    application=application,
                    participation=data["participation"],
                    contact_name=data["contact_name"],
                    contact_email=data["contact_email"],
                    contact_phone=data["contact_phone"],
                    turnover_cents=data["turnover"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(details_form=form))

    def do_party(self, request, application):
        form = forms.PartyForm(request.POST)
        if form.is_valid():
            try:
                services.party_add(actor=request.user, application=application, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The party was added."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(party_form=form))

    def do_party_remove(self, request, application):
        party = get_object_or_404(
            ApplicationParty, application=application, pk=request.POST.get("party")
        )
        services.party_remove(actor=request.user, party=party)
        messages.success(request, _("The party was removed."))

    def do_answers(self, request, application):
        form = forms.AnswersForm(
            request.POST,
            requirements=rules.applicable_requirements(application),
            answers={a.requirement_id: a for a in application.answers.all()},
        )
        if form.is_valid():
            try:
                services.answers_save(
                    actor=request.user, application=application, values=form.values()
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Your answers were saved."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(answers_form=form))

    def do_upload(self, request, application):
        requirement = get_object_or_404(
            Requirement, procedure=application.procedure, pk=request.POST.get("requirement")
        )
        services.evidence_upload(
            actor=request.user,
            application=application,
            requirement=requirement,
            **self._evidence(request, application, f"e{requirement.pk}"),
        )
        messages.success(request, _("The evidence was added."))

    def do_evidence_remove(self, request, application):
        evidence = get_object_or_404(application.evidence_files, pk=request.POST.get("evidence"))
        services.evidence_remove(actor=request.user, evidence=evidence)
        messages.success(request, _("The evidence was removed."))

    def do_submit(self, request, application):
        services.application_submit(actor=request.user, application=application)
        messages.success(
            request, _("Your application was submitted. The receipt is ready to download.")
        )

    def do_withdraw(self, request, application):
        form = forms.WithdrawForm(request.POST)
        form.is_valid()
        services.application_withdraw(
            actor=request.user, application=application, reason=form.cleaned_data.get("reason", "")
        )
        messages.success(request, _("Your application was withdrawn."))

    def do_supply(self, request, application):
        evidence_request = get_object_or_404(
            application.evidence_requests, pk=request.POST.get("request")
        )
        services.evidence_supply(
            actor=request.user,
            request=evidence_request,
            **self._evidence(request, application, f"r{evidence_request.pk}"),
        )
        messages.success(request, _("The evidence was supplied."))

    def do_objection(self, request, application):
        decision = application.decisions.order_by("-number").first()
        if decision is None:
            raise Http404
        form = forms.ObjectionForm(request.POST)
        if form.is_valid():
            try:
                services.objection_lodge(actor=request.user, decision=decision, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Your objection was received; the decision does not become final for now."),
                )
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(objection_form=form))


class AssessmentView(ToelatingMixin, TemplateView):
    """The assessment of one application: assessors, verdicts per step, evidence requests,
    the decision and objections. The regional team only."""

    template_name = "toelating/assessment.html"
    allowed_roles = (Role.REGIONAL,)

    def get_application(self):
        if not hasattr(self, "_application"):
            self._application = get_object_or_404(
                selectors.applications_visible_to(self.request.user).exclude(
                    status=ApplicationStatus.DRAFT
                ),
                pk=self.kwargs["pk"],
            )
        return self._application

    def get_context_data(self, **kwargs):
        application = self.get_application()
        _finalise_due(self.request, application=application)
        application.refresh_from_db()
        user = self.request.user
        today = timezone.localdate()
        procedure = application.procedure
        problems, summary = services.decision_problems(application, today)
        is_assessor = application.assessors.filter(pk=user.pk).exists()
        assessing = application.status in ApplicationStates.ASSESSING
        if application.status == ApplicationStatus.SUBMITTED:
            kwargs.setdefault(
                "start_form",
                forms.StartAssessmentForm(committee=procedure.committee.order_by("username")),
            )
        answers = {a.requirement_id: a for a in application.answers.all()}
        files = list(application.evidence_files.select_related("party"))
        steps = []
        for step in Step:
            results = summary.step(step.value)
            for result in results:
                requirement = result.requirement
                result.answer = answers.get(requirement.pk)
                result.knockout = rules.knocked_out(requirement, result.answer)
                result.files = []
                for f in files:
                    if f.requirement_id == requirement.pk:
                        f.valid_until = rules.evidence_valid_until(
                            f.issued_on, requirement.max_age_months
                        )
                        f.problem = rules.evidence_problem(
                            requirement, f.issued_on, f.received_on or today
                        )
                        result.files.append(f)
            form = None
            if is_assessor and assessing:
                form = kwargs.get(f"verdicts_{step.value}") or forms.VerdictsForm(
                    results=results, actor=user, prefix=f"s{step.value}"
                )
            steps.append((step, results, form))
        if is_assessor and assessing:
            kwargs.setdefault(
                "request_form",
                forms.EvidenceRequestForm(
                    requirements=[r.requirement for r in summary.requirements]
                ),
            )
            kwargs.setdefault(
                "decision_form",
                forms.DecisionForm(
                    initial={
                        "start_date": max(
                            procedure.admission_start,
                            today + dt.timedelta(days=procedure.objection_days + 1),
                        )
                    }
                ),
            )
        decisions = list(application.decisions.prefetch_related("lines__products", "objections"))
        handle_forms = []
        for decision in decisions:
            for objection in decision.objections.all():
                if objection.status == ObjectionStatus.LODGED:
                    handle_forms.append(
                        (objection, forms.ObjectionHandleForm(prefix=f"o{objection.pk}"))
                    )
        current = decisions[0] if decisions else None
        if (
            current is not None
            and current.status in (DecisionStatus.PROPOSED, DecisionStatus.OBJECTION)
            and today <= current.objection_until
        ):
            kwargs.setdefault("objection_form", forms.ObjectionForm())
        return super().get_context_data(
            application=application,
            procedure=procedure,
            entries=_entries(application, rules.line_keys(application), today),
            summary=summary,
            steps=steps,
            problems=problems,
            is_assessor=is_assessor,
            assessing=assessing,
            requests=selectors.requests_of(application, today),
            decisions=decisions,
            current=current,
            handle_forms=handle_forms,
            today=today,
            events=audit_events_for(application),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        return self.run_action(request, self.get_application())

    def do_start(self, request, application):
        form = forms.StartAssessmentForm(
            request.POST, committee=application.procedure.committee.all()
        )
        if not form.is_valid():
            raise ValidationError(_("Choose at least two assessors."))
        services.assessment_start(
            actor=request.user, application=application, assessors=form.cleaned_data["assessors"]
        )
        messages.success(request, _("The assessment has started."))

    def do_verdicts(self, request, application):
        step = int(request.POST.get("step", 0))
        if step not in Step.values:
            raise Http404
        summary = rules.assess(application)
        form = forms.VerdictsForm(
            request.POST, results=summary.step(step), actor=request.user, prefix=f"s{step}"
        )
        if form.is_valid():
            try:
                count = services.verdicts_record(
                    actor=request.user, application=application, step=step, verdicts=form.verdicts()
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(count)s verdicts of step %(step)s saved.")
                    % {"count": count, "step": step},
                )
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(**{f"verdicts_{step}": form}))

    def do_request(self, request, application):
        requirements = rules.applicable_requirements(application)
        form = forms.EvidenceRequestForm(request.POST, requirements=requirements)
        if form.is_valid():
            requirement = next(r for r in requirements if r.pk == form.cleaned_data["requirement"])
            try:
                services.evidence_request(
                    actor=request.user,
                    application=application,
                    requirement=requirement,
                    description=form.cleaned_data["description"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("The evidence was requested; the provider was notified.")
                )
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(request_form=form))

    def do_decide(self, request, application):
        form = forms.DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.decision_take(
                    actor=request.user, application=application, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("The decision was taken; the letter was sent to the provider.")
                )
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(decision_form=form))

    def do_objection(self, request, application):
        decision = application.decisions.order_by("-number").first()
        if decision is None:
            raise Http404
        form = forms.ObjectionForm(request.POST)
        if form.is_valid():
            services.objection_lodge(actor=request.user, decision=decision, **form.cleaned_data)
            messages.success(request, _("The objection was registered."))
            return redirect(request.path)
        return self.render_to_response(self.get_context_data(objection_form=form))

    def do_handle(self, request, application):
        objection = get_object_or_404(
            Objection, decision__application=application, pk=request.POST.get("objection_id")
        )
        form = forms.ObjectionHandleForm(request.POST, prefix=f"o{objection.pk}")
        if not form.is_valid():
            raise ValidationError(_("Fill in the motivation of the outcome."))
        services.objection_handle(
            actor=request.user,
            objection=objection,
            upheld=form.cleaned_data["upheld"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("The objection was handled."))


# --- files ------------------------------------------------------------------------------------


class DocumentDownloadView(View):
    """A procedure document: public once the procedure is published; drafts only to the
    regional team of the region."""

    def get(self, request, pk):
        # Public documents for anyone (also another region's team); drafts for the team.
        visible = selectors.public_documents() | selectors.documents_visible_to(request.user)
        document = get_object_or_404(visible, pk=pk)
        return _attachment(
            storage.open_file(document.storage_key),
            document.file_name,
            document.content_type,
            document.size,
        )


class NotaDownloadView(View):
    """A Nota van Inlichtingen: public, like the procedure documents."""

    def get(self, request, pk):
        nota = get_object_or_404(selectors.public_notas(), pk=pk)
        name = f"nota-van-inlichtingen-{nota.procedure.reference}-{nota.number}.pdf"
        return _attachment(storage.open_file(nota.pdf_key), name, "application/pdf")


class EvidenceDownloadView(ToelatingMixin, View):
    allowed_roles = (Role.REGIONAL, Role.PROVIDER)

    def get(self, request, pk):
        evidence = get_object_or_404(selectors.evidence_visible_to(request.user), pk=pk)
        return _attachment(
            storage.open_file(evidence.storage_key),
            evidence.file_name,
            evidence.content_type,
            evidence.size,
        )


class ReceiptView(ToelatingMixin, View):
    allowed_roles = (Role.REGIONAL, Role.PROVIDER)

    def get(self, request, pk):
        application = get_object_or_404(
            selectors.applications_visible_to(request.user).exclude(receipt_key=""), pk=pk
        )
        name = f"ontvangstbevestiging-{application.number}.pdf"
        return _attachment(storage.open_file(application.receipt_key), name, "application/pdf")


class LetterView(ToelatingMixin, View):
    allowed_roles = (Role.REGIONAL, Role.PROVIDER)

    def get(self, request, pk):
        decision = get_object_or_404(selectors.decisions_visible_to(request.user), pk=pk)
        name = f"besluit-{decision.application.number}-{decision.number}.pdf"
        return _attachment(storage.open_file(decision.letter_key), name, "application/pdf")


# --- public pages (no login) -----------------------------------------------------------------


class PublicIndexView(TemplateView):
    template_name = "toelating/public_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(procedures=selectors.public_procedures(), **kwargs)


class PublicProcedureView(TemplateView):
    """A published procedure for anyone: planning, lots, thresholds, documents and Nota's.
    Nothing a provider submitted is shown here."""

    template_name = "toelating/public_procedure.html"

    def get_context_data(self, **kwargs):
        procedure = get_object_or_404(selectors.public_procedures(), pk=kwargs["pk"])
        today = timezone.localdate()
        return super().get_context_data(
            procedure=procedure,
            lots=procedure.lots.select_related("product_group").prefetch_related("products"),
            windows=procedure.windows.all(),
            contacts=procedure.contacts.all(),
            documents=selectors.latest_documents(procedure),
            thresholds=selectors.thresholds_of(procedure, today),
            notas=procedure.notas.order_by("-number"),
            published=selectors.published_questions(procedure),
            steps=[
                (step, [r for r in rules.procedure_requirements(procedure) if r.step == step.value])
                for step in Step
            ],
            window_now=services.open_window(procedure, timezone.now()),
            **kwargs,
        )


class RegisterView(TemplateView):
    """A provider new to the region registers with its KvK number and AGB code."""

    template_name = "toelating/register.html"

    def get_procedure(self):
        return get_object_or_404(
            selectors.public_procedures().filter(status=ProcedureStatus.PUBLISHED),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", forms.RegistrationForm())
        return super().get_context_data(procedure=self.get_procedure(), **kwargs)

    def post(self, request, *args, **kwargs):
        procedure = self.get_procedure()
        form = forms.RegistrationForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("password_again")
            try:
                user = services.provider_register(region=procedure.region, **data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request,
                    _("Welcome, %(name)s is registered. You can now ask questions and apply.")
                    % {"name": user.provider.name},
                )
                return redirect("toelating:procedure", pk=procedure.pk)
        return self.render_to_response(self.get_context_data(form=form))
