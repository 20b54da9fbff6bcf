"""Client screens: find a client by BSN and the client's timeline. Every view is audited."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from zorgregio.accounts.permissions import RoleRequiredMixin
from zorgregio.accounts.scoping import CLIENT_ROLES
from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log
from zorgregio.common.validators import is_valid_bsn
from zorgregio.zorg.rules.lines import explain

from . import selectors
from .services import pseudonym


class ClientSearchView(RoleRequiredMixin, View):
    allowed_roles = CLIENT_ROLES
    template_name = "zorg/index.html"

    def get(self, request):
        bsn = request.GET.get("bsn", "").strip()
        error = ""
        if bsn:
            if not is_valid_bsn(bsn):
                error = _("Enter a valid BSN of 9 digits (elfproef).")
            else:
                client = selectors.client_by_bsn(request.user, bsn)
                # The searched BSN is recorded as its keyed pseudonym, never in plain text,
                # also when nothing was found.
                audit_log(
                    actor=request.user,
                    action=AuditAction.VIEW,
                    obj=client,
                    message=f"zoeken op BSN; pseudoniem {pseudonym(bsn)}; "
                    + ("gevonden" if client is not None else "niets gevonden"),
                )
                if client is not None:
                    return redirect("zorg:client", pk=client.pk)
                messages.info(request, _("No client with this BSN is visible to you."))
        return render(request, self.template_name, {"bsn": bsn, "error": error})


class ClientView(RoleRequiredMixin, TemplateView):
    allowed_roles = CLIENT_ROLES
    template_name = "zorg/client.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        client = selectors.visible_client(self.request.user, kwargs["pk"])
        if client is None:
            audit_log(
                actor=self.request.user,
                action=AuditAction.ACCESS_DENIED,
                message=f"tijdlijn van cliënt {kwargs['pk']}: niet zichtbaar voor deze rol",
            )
            raise Http404
        audit_log(actor=self.request.user, action=AuditAction.VIEW, obj=client, message="tijdlijn")
        events = selectors.timeline(self.request.user, client)
        for event in events:
            if event["kind"] == "declaratie":
                event["explanations"] = [(c, explain(c)) for c in event["obj"].retourcodes]
        context.update(client=client, events=events)
        return context
