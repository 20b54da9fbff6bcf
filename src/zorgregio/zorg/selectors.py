"""Reads of the care model, scoped per role. Everything here is client-level data."""

from __future__ import annotations

from django.db.models import QuerySet

from zorgregio.accounts.scoping import scope_for

from .models import Client, DeclaratieRegel, Levering, Regiebericht, Toewijzing, Verzoek
from .services import pseudonym


def toewijzingen(user) -> QuerySet[Toewijzing]:
    return scope_for(user).filter(
        Toewijzing.objects.select_related("municipality", "provider", "product"),
        municipality="municipality",
        provider="provider",
        client_level=True,
    )


def regieberichten(user) -> QuerySet[Regiebericht]:
    """Starts and stops without a toewijzing (task-oriented work), scoped as client data: the
    provider its own, municipality staff their municipalities, the regional team its region."""
    return scope_for(user).filter(
        Regiebericht.objects.select_related("municipality", "provider", "product", "group"),
        municipality="municipality",
        provider="provider",
        client_level=True,
    )


def visible_client(user, pk: int) -> Client | None:
    """The client when the user may see at least one of its records, else None."""
    scope = scope_for(user)
    records = [
        toewijzingen(user).filter(client_id=pk),
        scope.filter(DeclaratieRegel.objects.filter(client_id=pk), municipality="municipality",
                     provider="provider", client_level=True),
        scope.filter(Verzoek.objects.filter(client_id=pk), municipality="municipality",
                     provider="provider", client_level=True),
        regieberichten(user).filter(client_id=pk),
    ]  # fmt: skip
    if not any(qs.exists() for qs in records):
        return None
    return Client.objects.filter(pk=pk).first()


def client_by_bsn(user, bsn: str) -> Client | None:
    client = Client.objects.filter(pseudonym=pseudonym(bsn)).first()
    if client is None:
        return None
    return visible_client(user, client.pk)


def timeline(user, client: Client) -> list[dict]:
    """Toewijzingen, leveringen, requests and declaration lines of a client, newest first."""
    scope = scope_for(user)
    events = []
    for tw in toewijzingen(user).filter(client=client):
        events.append(
            {"date": tw.ingangsdatum, "end": tw.einddatum, "kind": "toewijzing", "obj": tw}
        )
    leveringen = scope.filter(
        Levering.objects.filter(toewijzing__client=client).select_related("toewijzing"),
        municipality="toewijzing__municipality",
        provider="toewijzing__provider",
        client_level=True,
    )
    for lev in leveringen:
        events.append(
            {"date": lev.begindatum, "end": lev.einddatum, "kind": "levering", "obj": lev}
        )
    verzoeken = scope.filter(
        Verzoek.objects.filter(client=client).select_related("provider"),
        municipality="municipality",
        provider="provider",
        client_level=True,
    )
    for verzoek in verzoeken:
        events.append({"date": verzoek.received_on, "end": None, "kind": "verzoek", "obj": verzoek})
    for regie in regieberichten(user).filter(client=client, deleted=False):
        end = regie.einddatum if regie.kind == "stop" else None
        events.append({"date": regie.begindatum, "end": end, "kind": "regie", "obj": regie})
    regels = scope.filter(
        DeclaratieRegel.objects.filter(client=client).select_related("declaratie", "provider"),
        municipality="municipality",
        provider="provider",
        client_level=True,
    ).order_by("-period_start")[:500]
    for regel in regels:
        events.append(
            {
                "date": regel.period_start,
                "end": regel.period_end,
                "kind": "declaratie",
                "obj": regel,
            }
        )
    events.sort(key=lambda e: (e["date"], e["kind"]), reverse=True)
    return events
