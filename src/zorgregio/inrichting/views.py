"""The regional team's set-up screens: every import with its template and upload, in the
order a region goes live, and the role changes that wait for a second person."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from zorgregio.accounts.models import Role
from zorgregio.accounts.permissions import RoleRequiredMixin
from zorgregio.common.tables import XLSX_TYPE, template_csv, template_xlsx

from . import registry, selectors
from .forms import UploadForm


class SetupMixin(RoleRequiredMixin):
    allowed_roles = (Role.REGIONAL,)

    def item(self):
        try:
            return registry.get(self.kwargs["slug"])
        except KeyError as exc:
            raise Http404 from exc


class IndexView(SetupMixin, TemplateView):
    template_name = "inrichting/index.html"

    def get_context_data(self, **kwargs):
        counts = selectors.setup_counts(self.request.user)
        steps = [(item, counts.get(item.slug)) for item in registry.imports()]
        return super().get_context_data(
            steps=steps, pending=selectors.pending_role_changes(self.request.user), **kwargs
        )


class ImportView(SetupMixin, TemplateView):
    template_name = "inrichting/import.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", UploadForm())
        return super().get_context_data(item=self.item(), **kwargs)

    def post(self, request, *args, **kwargs):
        item = self.item()
        form = UploadForm(request.POST, request.FILES)
        report = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = registry.run_import(
                item,
                actor=request.user,
                upload=upload.read(),
                filename=upload.name,
                check_only=form.cleaned_data["check_only"],
                base_url=request.build_absolute_uri("/"),
            )
        return self.render_to_response(self.get_context_data(form=form, report=report))


class TemplateDownloadView(SetupMixin, View):
    def get(self, request, slug, fmt):
        item = self.item()
        columns = list(item.columns)
        if fmt == "xlsx":
            response = HttpResponse(template_xlsx(columns, slug), content_type=XLSX_TYPE)
        else:
            response = HttpResponse(template_csv(columns), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slug}.{fmt}"'
        return response


class RoleChangesView(SetupMixin, TemplateView):
    """Role changes asked for in /beheer/ that give client-level access: a second person of
    the regional team approves or rejects them (four eyes)."""

    template_name = "inrichting/role_changes.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pending=selectors.pending_role_changes(self.request.user), **kwargs
        )

    def post(self, request, *args, **kwargs):
        from zorgregio.accounts import services

        change = get_object_or_404(
            selectors.pending_role_changes(request.user), pk=request.POST.get("change")
        )
        approve = request.POST.get("decision") == "approve"
        try:
            services.role_change_decide(actor=request.user, change=change, approve=approve)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("The role change was approved.") if approve else _("Rejected.")
            )
        return redirect("inrichting:role_changes")
