"""Screens of the message traffic: import history, upload with progress, declarations."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.generic import TemplateView, View

from zorgregio.accounts.permissions import RoleRequiredMixin
from zorgregio.accounts.scoping import MESSAGE_ROLES, UPLOAD_ROLES
from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log
from zorgregio.web.uploads import too_large_message
from zorgregio.zorg.rules.lines import explain

from . import selectors
from .answers import answer_325_bytes
from .forms import UploadForm
from .models import BatchStatus, FileStatus, ImportBatch
from .tasks import run_import


class IndexView(RoleRequiredMixin, TemplateView):
    """Import history: every received file with its status and errors."""

    allowed_roles = MESSAGE_ROLES
    template_name = "berichten/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        files = selectors.message_files(self.request.user)
        status = self.request.GET.get("status", "")
        if status:
            files = files.filter(status=status)
        page = Paginator(files.order_by("-received_at", "-pk"), 50).get_page(
            self.request.GET.get("page")
        )
        context.update(
            page=page,
            status=status,
            can_upload=self.scope.imports_messages,
            batches=selectors.import_batches(self.request.user)[:5],
        )
        return context


class FileDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = MESSAGE_ROLES
    template_name = "berichten/file.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        message_file = get_object_or_404(
            selectors.message_files(self.request.user), pk=kwargs["pk"]
        )
        context["file"] = message_file
        context["declaraties"] = selectors.declaraties(self.request.user).filter(
            source=message_file
        )
        return context


def _safe_name(name: str) -> str:
    name = Path(name).name
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:200] or "bestand.xml"


class UploadView(RoleRequiredMixin, View):
    """Upload message files or zip archives. Every file is stored in the encrypted archive
    while the request runs (nothing lies on disk unencrypted after it); the background worker
    processes them."""

    allowed_roles = UPLOAD_ROLES
    template_name = "berichten/upload.html"

    def get(self, request):
        return render(request, self.template_name, {"form": UploadForm()})

    def post(self, request):
        from .services import receive_uploads

        form = UploadForm(request.POST, request.FILES)
        if getattr(request, "upload_too_large", False):
            return render(request, "413.html", {"message": too_large_message()}, status=413)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        uploads = [(_safe_name(upload.name), upload) for upload in form.cleaned_data["files"]]
        received = receive_uploads(uploads, actor=request.user)
        batch = ImportBatch.objects.create(
            created_by=request.user,
            names=[r.name for r in received],
            items=[r.as_dict() for r in received],
            total_files=len(received),
        )
        run_import.enqueue(batch.pk)
        return redirect("berichten:batch", pk=batch.pk)


class BatchView(RoleRequiredMixin, TemplateView):
    """Progress of an upload; refreshes itself until the background work is done."""

    allowed_roles = UPLOAD_ROLES
    template_name = "berichten/batch.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = get_object_or_404(selectors.import_batches(self.request.user), pk=kwargs["pk"])
        results = batch.results
        duplicates = sum(1 for r in results if r.get("duplicate"))
        refused = sum(
            1 for r in results if r["status"] == FileStatus.REJECTED and not r.get("duplicate")
        )
        processed = sum(
            1 for r in results if r["status"] == FileStatus.PROCESSED and not r.get("duplicate")
        )
        context.update(
            batch=batch, results=results, refused=refused, processed=processed,
            duplicates=duplicates, failed=batch.status == BatchStatus.FAILED,
        )  # fmt: skip
        context["queued"] = batch.status == BatchStatus.QUEUED
        return context


class DeclaratieView(RoleRequiredMixin, TemplateView):
    """One declaration with its lines and their check results (client-level: audited)."""

    allowed_roles = MESSAGE_ROLES
    template_name = "berichten/declaratie.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        declaratie = get_object_or_404(selectors.declaraties(self.request.user), pk=kwargs["pk"])
        audit_log(
            actor=self.request.user,
            action=AuditAction.VIEW,
            obj=declaratie,
            message="declaratieregels",
        )
        page = Paginator(selectors.declaratie_lines(declaratie), 200).get_page(
            self.request.GET.get("page")
        )
        for line in page:
            line.explanations = [(code, explain(code)) for code in line.retourcodes]
        refused = [
            dict(line, explanations=[(c, explain(c)) for c in line.get("retourcodes", [])])
            for line in declaratie.refused_lines
        ]
        context.update(declaratie=declaratie, page=page, refused=refused)
        return context


class Answer325View(RoleRequiredMixin, View):
    """The 325 answer message as a download (contains BSNs: audited as an export)."""

    allowed_roles = UPLOAD_ROLES

    def get(self, request, pk):
        declaratie = selectors.declaraties(request.user).filter(pk=pk).first()
        if declaratie is None:
            raise Http404
        data = answer_325_bytes(declaratie)
        audit_log(actor=request.user, action=AuditAction.EXPORT, obj=declaratie, message="325")
        kind = "JW325" if declaratie.law == "jw" else "WMO325"
        response = HttpResponse(data, content_type="application/xml")
        response["Content-Disposition"] = (
            f'attachment; filename="{kind}-{_safe_name(declaratie.declaratienummer)}.xml"'
        )
        return response


def file_url(message_file) -> str:
    return reverse("berichten:file", args=[message_file.pk])
