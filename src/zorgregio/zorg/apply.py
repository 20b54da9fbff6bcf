"""The care model's services: apply the records of one message, with every rule.

``berichten`` is the adapter that turns files into records (:mod:`zorgregio.zorg.records`);
this module applies them. :func:`resolve_parties` finds the municipality and provider of a
message and checks that the actor may write their care data; :func:`apply_items` applies the
items all or nothing, each through the service of its kind (:class:`MessageApplier`), the rules
being the named functions of :mod:`zorgregio.zorg.rules` over the in-memory indexes of
:mod:`zorgregio.zorg.index`. Whoever builds on the care data learns about changes through
:mod:`zorgregio.zorg.hooks` (the caller notes :func:`changed_months`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zorgregio.accounts.scoping import may_write_care_data
from zorgregio.common.rows import First, Insert, Update, cursor_for, driver_sql

from .index import ApplyContext
from .models import (
    Declaratie,
    DeclaratieRegel,
    DeclaratieStatus,
    Levering,
    LineStatus,
    Regiebericht,
    Toewijzing,
    Verzoek,
)
from .records import (
    AntwoordRecord,
    DeclaratieRecord,
    Header,
    MessageError,
    StartRecord,
    StopRecord,
    ToewijzingRecord,
    VerzoekRecord,
)
from .rules import deliveries as delivery_rules
from .rules import lines as line_rules
from .rules import requests as request_rules
from .rules import variants
from .rules.cross import month_bounds
from .rules.lines import TW, debit_key, same_day
from .rules.registry import RULES
from .states import DeclaratieStates

LINE_BATCH = 2000
MAX_REMARKS = 200
MAX_ITEM_VERDICTS = 10_000  # refused items kept per message (declaration lines are in the database)
# A declaration of fewer lines is written at once instead of on the writer thread, whose start
# and join cost more than the write.
THREAD_MIN_ROWS = 500

# The rows written once or more per message, as statements built once (common/rows.py).
_insert_toewijzing = Insert(Toewijzing)
_insert_levering = Insert(Levering)
_insert_declaratie = Insert(Declaratie)
_toewijzing_of = First(Toewijzing, ["municipality_id", "toewijzingnummer"])  # TR332
# A 301 for a toewijzing known already: what it may change.
_TW_FIELDS = [
    "client_id", "law", "product_id", "productcategorie", "productcode", "toewijzingsdatum",
    "ingangsdatum", "einddatum", "reden_wijziging", "volume", "unit", "frequency",
    "budget_cents", "deleted",
]  # fmt: skip
_update_toewijzing = Update(Toewijzing, _TW_FIELDS)
_stop_levering = Update(Levering, ["einddatum", "reden_beeindiging"])
_verzoek_with_ref = First(Verzoek, ["provider_id", "law", "referentie"])  # TR347
_insert_verzoek = Insert(Verzoek)
_honour_verzoek = Update(  # TR374: a toewijzing answers the request it names
    Verzoek, ["honoured_on"], where=["provider_id", "law", "referentie"],
    where_null=["honoured_on"],
)  # fmt: skip


@dataclass
class ApplySummary:
    """What applying one message did: items, refused items with their rules, remarks (Dutch),
    the declarations written."""

    items: int = 0
    rejected: int = 0
    remarks: list[str] = field(default_factory=list)
    declaraties: list[int] = field(default_factory=list)
    months: set = field(default_factory=set)  # the first days of the months of written lines
    refused_items: list[dict] = field(default_factory=list)  # row, rule, retourcode (verdicts)

    def refuse_item(self, row, rule: str) -> None:
        """Keep the verdict of a refused item (bounded; declaration lines are in the database)."""
        if len(self.refused_items) < MAX_ITEM_VERDICTS:
            found = RULES.get(rule)
            retourcode = found.retourcode if found else ""
            self.refused_items.append({"row": row, "rule": rule, "retourcode": retourcode})

    def remark(self, text: str) -> None:
        if len(self.remarks) < MAX_REMARKS:
            self.remarks.append(text)


def changed_months(summary: ApplySummary) -> set:
    """The months whose figures the applied message changes: those of its declaration lines,
    or none in particular (toewijzingen, leveringen, requests: ``None``)."""
    if not summary.declaraties:
        return {None}
    return set(summary.months) or {None}


def resolve_parties(header: Header, *, actor, ctx: ApplyContext) -> tuple[int, int]:
    """The municipality and provider of a message, when both are known and the actor may write
    their care data; otherwise :class:`MessageError` (nothing applied)."""
    municipality_id = ctx.municipality_id(header.municipality_code)
    if municipality_id is None:
        raise MessageError(
            _("Municipality %(code)s (CBS code) is not part of this region; refused.")
            % {"code": header.municipality_code},
            rule="TR378",
            retourcode="S300",
        )
    provider_id = ctx.provider_id(header.provider_code)
    if provider_id is None:
        raise MessageError(
            _("Provider with AGB code %(code)s is not known in the provider register; refused.")
            % {"code": header.provider_code}
        )
    if not may_write_care_data(
        actor,
        municipality_id=municipality_id,
        region_id=ctx.region_of(municipality_id),
        provider_id=provider_id,
    ):
        raise MessageError(
            _(
                "This message concerns a municipality or provider you do not work for; it is "
                "refused and nothing was applied."
            )
        )
    return municipality_id, provider_id


def apply_items(
    ctx: ApplyContext, header: Header, municipality_id: int, provider_id: int, items, *, source=None
) -> ApplySummary:
    """Apply the items of one message with all rules, all or nothing: raises
    :class:`MessageError` (nothing applied, the context reset) when the message is refused."""
    applier = MessageApplier(ctx, header, municipality_id, provider_id, source)
    try:
        with transaction.atomic():
            for item in items:
                applier.apply(item)
    except Exception:
        ctx.reset()
        raise
    return applier.summary


class MessageApplier:
    """The care model's services per message kind, for the items of one message: apply a
    toewijzing (301), a start (305), a stop (307), a request (315/317), an answer (319) and a
    declaration (323). A rule that refuses an item records it (:meth:`reject`); a rule that
    refuses the whole message raises :class:`MessageError` (the caller rolls back)."""

    def __init__(self, ctx: ApplyContext, header, municipality_id, provider_id, source):
        self.ctx, self.header = ctx, header
        self.municipality_id, self.provider_id = municipality_id, provider_id
        self.source = source
        self.law = header.law
        self.state = ctx.state(provider_id)
        self.summary = ApplySummary()
        self.requests_in_message: set[str] = set()

    def reject(self, row, text: str, rule: str = "") -> None:
        self.summary.rejected += 1
        self.summary.remark(_("Line %(row)s: %(text)s") % {"row": row or "?", "text": text})
        self.summary.refuse_item(row, rule)

    def apply(self, item) -> None:
        if isinstance(item, DeclaratieRecord):
            self.declaratie(item)
            return
        self.summary.items += 1
        if isinstance(item, ToewijzingRecord):
            self.toewijzing(item)
        elif isinstance(item, StartRecord):
            self.start(item)
        elif isinstance(item, StopRecord):
            self.stop(item)
        elif isinstance(item, VerzoekRecord):
            self.verzoek(item)
        elif isinstance(item, AntwoordRecord):
            self.antwoord(item)

    # 301
    def toewijzing(self, rec: ToewijzingRecord) -> None:
        if rec.ingangsdatum is None or rec.toewijzingsdatum is None:
            raise MessageError(
                _("Line %(row)s: toewijzing %(nr)s has no start or assignment date.")
                % {"row": rec.row or "?", "nr": rec.toewijzingnummer}
            )
        client_id = self.ctx.client_id(rec.client.bsn, rec.client.birth_date)
        product_id = self.ctx.product(
            self.law, rec.productcategorie, rec.productcode, rec.ingangsdatum
        )
        values = {
            "client_id": client_id,
            "law": self.law,
            "product_id": product_id,
            "productcategorie": rec.productcategorie,
            "productcode": rec.productcode,
            "toewijzingsdatum": rec.toewijzingsdatum,
            "ingangsdatum": rec.ingangsdatum,
            "einddatum": rec.einddatum,
            "reden_wijziging": rec.reden_wijziging,
            "volume": rec.volume,
            "unit": rec.unit,
            "frequency": rec.frequency,
            "budget_cents": rec.budget_cents,
            "deleted": rec.reden_wijziging == "13",
        }
        key = (self.municipality_id, rec.toewijzingnummer)
        existing = self.state.toewijzingen.get(key)
        if existing is None:
            if _toewijzing_of(self.municipality_id, rec.toewijzingnummer) is not None:
                self.reject(
                    rec.row,
                    _("ToewijzingNummer %(nr)s is already used for another provider.")
                    % {"nr": rec.toewijzingnummer},
                    "TR332",
                )
                return
            pk = _insert_toewijzing(
                municipality_id=self.municipality_id,
                provider_id=self.provider_id,
                toewijzingnummer=rec.toewijzingnummer,
                **values,
            )
            tw = TW(pk, client_id, self.provider_id, product_id, rec.productcategorie,
                    rec.productcode, rec.ingangsdatum, rec.einddatum, rec.volume, rec.unit,
                    rec.frequency, rec.budget_cents, values["deleted"])  # fmt: skip
            self.state.add(self.municipality_id, rec.toewijzingnummer, tw)
            self._honour(rec)
            return
        if existing.client_id != client_id:
            self.reject(
                rec.row,
                _("ToewijzingNummer %(nr)s belongs to another client.")
                % {"nr": rec.toewijzingnummer},
                "TR332",
            )
            return
        _update_toewijzing.rows([values[name] for name in _TW_FIELDS], [existing.id])
        existing.product_id, existing.categorie, existing.code = (
            product_id, rec.productcategorie, rec.productcode,
        )  # fmt: skip
        existing.start, existing.end = rec.ingangsdatum, rec.einddatum
        existing.volume, existing.unit, existing.frequency = rec.volume, rec.unit, rec.frequency
        existing.budget, existing.deleted = rec.budget_cents, values["deleted"]
        self._honour(rec)

    def _honour(self, rec: ToewijzingRecord) -> None:
        """A toewijzing with a ReferentieAanbieder answers that request: it is no longer
        pending (TR374)."""
        if rec.referentie_aanbieder:
            _honour_verzoek.rows(
                [rec.toewijzingsdatum], [self.provider_id, self.law, rec.referentie_aanbieder]
            )

    def _tw_for(self, rec) -> TW | None:
        tw = self.state.toewijzingen.get((self.municipality_id, rec.toewijzingnummer))
        if tw is None or tw.deleted:
            self.reject(
                rec.row,
                _(
                    "ToewijzingNummer %(nr)s is not a known toewijzing of this provider (TR019, "
                    "retourcode 9019)."
                )
                % {"nr": rec.toewijzingnummer},  # fmt: skip
                "TR019",
            )
            return None
        if tw.client_id != self.ctx.client_id(rec.client.bsn, rec.client.birth_date):
            self.reject(
                rec.row,
                _("The BSN differs from the client of toewijzing %(nr)s (TR019).")
                % {"nr": rec.toewijzingnummer},
                "TR019",
            )
            return None
        return tw

    def _taakgericht(self, rec) -> bool:
        """A start or stop without a ToewijzingNummer (task-oriented work, TR019 does not apply):
        accepted, but there is no toewijzing to record it on."""
        if rec.toewijzingnummer:
            return False
        product_id = rec.productcode and self.ctx.product(
            self.law, rec.productcategorie, rec.productcode, rec.begindatum
        )
        if not self.ctx.variant_index().regie_allowed(
            product_id or None, self.municipality_id, rec.begindatum
        ):
            self.reject(rec.row, variants.regiebericht_refusal(rec.begindatum), "TR019")
            return True
        if self._store_regiebericht(rec, product_id or None):
            self.summary.remark(
                _("Line %(row)s: no ToewijzingNummer (task-oriented): stored as regiebericht.")
                % {"row": rec.row or "?"}
            )
        return True

    def _store_regiebericht(self, rec, product_id: int | None) -> bool:
        """Store an accepted start or stop without a toewijzing (``zorg.Regiebericht``), in the
        message's transaction (all or nothing). StatusAanlevering 3 withdraws the earlier one
        with the same key (none: TR063); a new one that was received before is TR074; a
        correction (2) of a stop replaces its end date and reason."""
        kind = "stop" if isinstance(rec, StopRecord) else "start"
        index = self.ctx.variant_index()
        group_id = index.groups.get(product_id) if product_id is not None else None
        if group_id is None:
            agreed = {
                group
                for (group, municipality), periods in index.periods.items()
                if municipality == self.municipality_id
                and variants.regiebericht_allowed(periods, rec.begindatum)
            }
            group_id = agreed.pop() if len(agreed) == 1 else None
        key = {
            "municipality_id": self.municipality_id,
            "provider_id": self.provider_id,
            "client_id": self.ctx.client_id(rec.client.bsn, rec.client.birth_date),
            "law": self.law,
            "productcategorie": rec.productcategorie,
            "productcode": rec.productcode,
            "begindatum": rec.begindatum,
        }
        earlier = Regiebericht.objects.filter(**key, deleted=False)
        if rec.status_aanlevering == "3":
            if not earlier.filter(kind=kind).update(deleted=True):
                self.reject(
                    rec.row, _("No earlier message with this start date to delete (TR063)."),
                    "TR063",
                )  # fmt: skip
                return False
            return True
        found = earlier.filter(kind=kind).first()
        if found is not None:
            if rec.status_aanlevering == "1":
                self.reject(rec.row, _("This message was already received (TR074)."), "TR074")
                return False
            if kind == "stop":
                found.einddatum, found.reden_beeindiging = rec.einddatum, rec.reden_beeindiging
                found.save(update_fields=["einddatum", "reden_beeindiging"])
            return True
        values = {**key, "product_id": product_id, "group_id": group_id}
        if kind == "stop" and rec.with_start and not earlier.filter(kind="start").exists():
            Regiebericht.objects.create(kind="start", **values)  # a CSV row: a whole delivery
        Regiebericht.objects.create(
            kind=kind,
            einddatum=getattr(rec, "einddatum", None),
            reden_beeindiging=getattr(rec, "reden_beeindiging", ""),
            **values,
        )
        return True

    # 305
    def start(self, rec: StartRecord) -> None:
        if self._taakgericht(rec):
            return
        tw = self._tw_for(rec)
        if tw is None:
            return
        same = [lev for lev in tw.leveringen if lev[1] == rec.begindatum and not lev[3]]
        if rec.status_aanlevering == "3":
            if not same:
                self.reject(
                    rec.row, _("No earlier start with this start date to delete (TR063)."), "TR063"
                )
                return
            if same[0][2] is not None:
                self.reject(
                    rec.row, _("The start cannot be deleted: a stop was sent (TR071)."), "TR071"
                )
                return
            Levering.objects.filter(pk=same[0][0]).update(deleted=True)
            same[0][3] = True
            return
        if same:
            if rec.status_aanlevering == "1":
                self.reject(rec.row, _("This start was already received (TR074)."), "TR074")
            return
        if any(not lev[3] and lev[2] is None for lev in tw.leveringen):
            self.reject(rec.row, _("The toewijzing already has a current start (TR326)."), "TR326")
            return
        pk = _insert_levering(toewijzing_id=tw.id, begindatum=rec.begindatum)
        tw.leveringen.append([pk, same_day(rec.begindatum), None, False, ""])

    # 307
    def stop(self, rec: StopRecord) -> None:
        if self._taakgericht(rec):
            return
        tw = self._tw_for(rec)
        if tw is None:
            return
        same = [lev for lev in tw.leveringen if lev[1] == rec.begindatum and not lev[3]]
        start = same[0] if same else None
        if rec.status_aanlevering == "3":
            if start is None or start[2] is None:
                self.reject(
                    rec.row, _("No earlier stop with this start date to delete (TR063)."), "TR063"
                )
                return
            _stop_levering.rows([None, ""], [start[0]])
            start[2], start[4] = None, ""
            return
        if start is None and rec.with_start:  # a CSV row holds a whole delivery
            pk = _insert_levering(
                toewijzing_id=tw.id,
                begindatum=rec.begindatum,
                einddatum=rec.einddatum,
                reden_beeindiging=rec.reden_beeindiging,
            )
            begin, end = same_day(rec.begindatum), same_day(rec.einddatum)
            tw.leveringen.append([pk, begin, end, False, rec.reden_beeindiging])
            return
        if delivery_rules.tr382_no_start(start, rec, tw):
            self.reject(
                rec.row,
                _(
                    "No start (305) with this start date and product is known for toewijzing "
                    "%(nr)s; a stop repeats the start's key elements (TR382)."
                )
                % {"nr": rec.toewijzingnummer},
                "TR382",
            )
            return
        for rule, code, text in (
            (delivery_rules.tr413_temporary_again, "TR413",
             _("After a temporary stop (reason 20) the next stop has another reason (TR413).")),
            (delivery_rules.tr415_second_stop, "TR415",
             _("This delivery was already stopped for good; delete that stop first (TR415).")),
            (delivery_rules.tr414_ends_earlier, "TR414",
             _("The stop ends before the current stop of this delivery (TR414).")),
        ):  # fmt: skip
            if rule(start, rec):
                self.reject(rec.row, text, code)
                return
        _stop_levering.rows([rec.einddatum, rec.reden_beeindiging], [start[0]])
        start[2], start[4] = same_day(rec.einddatum), rec.reden_beeindiging

    # 315 / 317
    def verzoek(self, rec: VerzoekRecord) -> None:
        if (
            _verzoek_with_ref(self.provider_id, self.law, rec.referentie) is not None
        ):  # TR347: unique per provider within the law
            self.reject(
                rec.row,
                _("A request with reference %(ref)s was already received (TR347).")
                % {"ref": rec.referentie},
                "TR347",
            )
            return
        client_id = self.ctx.client_id(rec.client.bsn, rec.client.birth_date)
        # The products of one 315 are one request (each its own reference).
        pending = [
            ref
            for ref in Verzoek.objects.filter(
                provider_id=self.provider_id, law=self.law, client_id=client_id,
                honoured_on__isnull=True,
            ).exclude(answer=request_rules.REJECTED).values_list("referentie", flat=True)
            if ref not in self.requests_in_message
        ]  # fmt: skip
        if request_rules.tr374_pending(pending):
            self.reject(
                rec.row,
                _(
                    "Request %(ref)s of this provider for this client is still pending (no "
                    "rejection or toewijzing yet); no new request until then (TR374)."
                )
                % {"ref": pending[0]},
                "TR374",
            )
            return
        if rec.kind == "317" and not self._change_request_holds(rec, client_id):
            return
        self.requests_in_message.add(rec.referentie)
        _insert_verzoek(
            municipality_id=self.municipality_id,
            provider_id=self.provider_id,
            client_id=client_id,
            law=self.law,
            kind=rec.kind,
            referentie=rec.referentie,
            received_on=rec.received_on or timezone.localdate(),
            details=rec.details,
        )

    def _change_request_holds(self, rec: VerzoekRecord, client_id: int) -> bool:
        """The cross-message rules of a 317 against the toewijzingen the municipality sent;
        the first broken rule refuses the request."""
        named = {
            *rec.ongewijzigd,
            *(p.toewijzingnummer for p in rec.products if p.toewijzingnummer),
        }
        current = {}
        for row in (
            Toewijzing.objects.filter(
                municipality_id=self.municipality_id, provider_id=self.provider_id,
                law=self.law, deleted=False,
            )
            .filter(Q(toewijzingnummer__in=named) | Q(client_id=client_id))
            .values_list(
                "toewijzingnummer", "client_id", "productcategorie", "productcode",
                "ingangsdatum", "einddatum", "volume", "frequency", "budget_cents",
            )
        ):  # fmt: skip
            current[row[0]] = request_rules.Current(*row)
        day = self.header.dagtekening or timezone.localdate()
        of_client = {nr: tw for nr, tw in current.items() if tw.client_id == client_id}
        changed = [p for p in rec.products if p.kind == "te_wijzigen"]
        found = [
            ("TR304", request_rules.tr304_other_client(named, current, client_id)),
            ("TR350", request_rules.tr350_unchanged_unknown(rec.ongewijzigd, current, day)),
            ("TR351", request_rules.tr351_changed_unknown(rec.products, current, day)),
            ("TR349", request_rules.tr349_missing(of_client, rec.ongewijzigd, rec.products, day)),
        ]
        for code, numbers in found:
            if numbers:
                self.reject(
                    rec.row,
                    _("%(rule)s: %(text)s (ToewijzingNummer %(numbers)s)")
                    % {
                        "rule": code,
                        "text": RULES[code].text,
                        "numbers": ", ".join(sorted(set(numbers))),
                    },  # fmt: skip
                    code,
                )
                return False
        for product in changed:
            tw = current[product.toewijzingnummer]
            for code, broken in (
                ("TR357", request_rules.tr357_backdated(product, tw, self.header.dagtekening)),
                ("TR373", request_rules.tr373_budget_change(product, tw)),
                ("TR375", request_rules.tr375_omvang_without_product(product, tw)),
                ("TR411", request_rules.tr411_omvang_required(product, tw)),
                ("TR412", request_rules.tr412_omvang_empty(product, tw)),
            ):
                if broken:
                    self.reject(
                        product.row or rec.row,
                        _("%(rule)s: %(text)s (ToewijzingNummer %(numbers)s)")
                        % {
                            "rule": code,
                            "text": RULES[code].text,
                            "numbers": product.toewijzingnummer,
                        },  # fmt: skip
                        code,
                    )
                    return False
        periods = [
            (tw.code or tw.categorie, tw.start, tw.end)
            for nr, tw in current.items()
            if nr in rec.ongewijzigd
        ] + [
            (p.productcode or p.productcategorie or _kept_product(current, p), p.ingangsdatum,
             p.einddatum)
            for p in rec.products
        ]  # fmt: skip
        if request_rules.tr361_overlap(periods):
            self.reject(
                rec.row,
                _("TR361: the same product occurs twice in the request with overlapping periods."),
                "TR361",
            )
            return False
        return True

    # 319
    def antwoord(self, rec: AntwoordRecord) -> None:
        updated = Verzoek.objects.filter(
            provider_id=self.provider_id,
            municipality_id=self.municipality_id,
            law=self.law,
            referentie=rec.referentie,
        ).update(answer=rec.answer[:2], answered_on=rec.answered_on)
        if not updated:
            self.reject(
                rec.row,
                _("No request with reference %(ref)s is known; the answer is not linked (TR355).")
                % {"ref": rec.referentie},
                "TR355",
            )

    # 323
    def declaratie(self, rec: DeclaratieRecord) -> None:
        key = (self.law, rec.declaratienummer)
        if key in self.state.declaratienummers:
            raise MessageError(
                _(
                    "DeclaratieNummer %(nr)s was already received from this provider (TR333, "
                    "retourcode 9333); refused."
                )
                % {"nr": rec.declaratienummer},  # fmt: skip
                rule="TR333",
                retourcode="9333",
            )
        fields = {
            "municipality_id": self.municipality_id,
            "provider_id": self.provider_id,
            "law": self.law,
            "declaratienummer": rec.declaratienummer,
            "declaratiedatum": rec.declaratiedatum,
            "period_start": rec.period_start,
            "period_end": rec.period_end,
            "total_cents": rec.total_cents,
            "total_debit_credit": rec.total_debit_credit,
            "source_id": self.source.pk if self.source is not None else None,
        }
        checker = DeclarationLines(self, rec)
        try:
            decl = self._declaratie_lines(rec, checker, fields)
        finally:
            checker.writer.wait(raise_error=False)  # never leave a write running on an error
        self.state.declaratienummers.add(key)
        self.summary.items += checker.count + len(checker.refused)
        self.summary.rejected += checker.rejected + len(checker.refused)
        self.summary.declaraties.append(decl)
        self.summary.months |= {day.replace(day=1) for day in checker.starts}
        if checker.rejected or checker.refused:
            self.summary.remark(
                _("Declaratie %(nr)s: %(bad)s of %(all)s lines rejected by the checks.")
                % {
                    "nr": rec.declaratienummer,
                    "bad": checker.rejected + len(checker.refused),
                    "all": checker.count + len(checker.refused),
                }
            )

    def _declaratie_lines(
        self, rec: DeclaratieRecord, checker: DeclarationLines, fields: dict
    ) -> int:
        """Check and write the lines in batches; the declaration row itself last (its id)."""
        decl = None
        batch = []
        for line in rec.lines:
            batch.append(line)
            if len(batch) >= LINE_BATCH:
                rows = checker.run(batch)
                batch = []
                if decl is None:  # a large declaration: create it now, complete it at the end
                    decl = _insert_declaratie(**fields)
                checker.insert(decl, rows)
        rows = checker.run(batch) if batch else []
        DeclaratieStates.check(DeclaratieStatus.RECEIVED, DeclaratieStatus.PROCESSED)
        final = {
            "line_count": checker.count,
            "rejected_count": checker.rejected,
            "approved_cents": checker.approved_cents,
            "refused_lines": checker.refused,
            "status": DeclaratieStatus.PROCESSED,
            "retourcodes": ["8001"] if not checker.rejected and not checker.refused else ["0200"],
        }
        if decl is None:
            decl = _insert_declaratie(**fields, **final)
        else:
            Declaratie.objects.filter(pk=decl).update(**final)
        checker.insert(decl, rows)
        checker.writer.wait()
        return decl


def _kept_product(current: dict, product) -> str:
    """A TeWijzigenProduct without a product of its own keeps that of its toewijzing."""
    tw = current.get(product.toewijzingnummer)
    return (tw.code or tw.categorie) if tw else ""


def _credit_first(line) -> bool:
    return line.debit_credit != "C"


INSERT_COLUMNS = (
    "declaratie_id", "toewijzing_id", "client_id", "municipality_id", "provider_id",
    "product_id", "law", "referentienummer", "vorig_referentienummer", "toewijzingnummer",
    "productcategorie", "productcode", "period_start", "period_end", "month", "volume", "unit",
    "tariff_cents", "amount_cents", "debit_credit", "status", "retourcodes",
)  # fmt: skip


@functools.cache
def _insert_lines_sql(vendor: str) -> str:
    """The insert of a batch of lines on ``connection`` (of ``vendor``). Table and column names
    come from the model, never from input; the declaration's id is filled in by insert() as an
    integer literal (no copy of every row to prepend it)."""
    qn = connection.ops.quote_name
    return "INSERT INTO {} ({}) VALUES ({{declaratie_id}}, {})".format(  # noqa: S608
        qn(DeclaratieRegel._meta.db_table),
        ", ".join(qn(c) for c in INSERT_COLUMNS),
        ", ".join(["%s"] * (len(INSERT_COLUMNS) - 1)),
    )


class DeclarationLines:
    """Checks and writes the lines of one declaration in batches (no per-line queries)."""

    def __init__(self, applier: MessageApplier, rec: DeclaratieRecord):
        self.applier = applier
        self.ctx = applier.ctx
        self.state = applier.state
        self.rec = rec
        self.count = 0
        self.rejected = 0
        self.approved_cents = 0
        self.refused: list[dict] = []
        self.rules: dict[tuple, tuple] = {}
        self.dates: dict[dt.date, tuple] = {}
        self.starts: set[dt.date] = set()  # the period starts of the rows written
        self.task_codes: dict[tuple, list] = {}
        self.writer = LineWriter()
        self.sql = _insert_lines_sql(connection.vendor)
        self.as_text = connection.vendor == "sqlite"

    def run(self, lines: list) -> list[tuple]:
        """Check a batch of lines: the rows to insert. What needs the database is read first
        (each query waits for the previous batch's write); the checks themselves read only
        memory, so they run while the writer thread writes the previous batch."""
        provider_id = self.applier.provider_id
        law = self.applier.law
        clients = self.ctx.clients
        seen_refs = self.state.refs
        new_bsns = {line.bsn for line in lines if line.bsn not in clients}
        maybe = {line.referentienummer for line in lines
                 if hash((law, line.referentienummer)) in seen_refs}  # fmt: skip
        vorige = {line.vorig_referentienummer for line in lines if line.debit_credit == "C"}
        existing: set[str] = set()
        debits: dict[str, tuple] = {}
        credited: set[str] = set()
        if vorige:  # OP366: credit lines are processed before debit lines
            lines = sorted(lines, key=_credit_first)
        if new_bsns:
            self.ctx.prefetch_clients(new_bsns, self.state.pseudonyms)
            for bsn in new_bsns - clients.keys():  # not known yet: registered now
                self.ctx.client_id(bsn)
        if maybe:
            existing = set(
                DeclaratieRegel.objects.filter(
                    provider_id=provider_id, law=law, referentienummer__in=maybe
                ).values_list("referentienummer", flat=True)
            )
        if vorige:
            for row in DeclaratieRegel.objects.filter(
                provider_id=provider_id,
                law=law,
                referentienummer__in=vorige,
                debit_credit="D",
                status=LineStatus.APPROVED,
            ).values_list(
                "referentienummer", "toewijzing_id", "productcategorie", "productcode",
                "period_start", "period_end", "volume", "amount_cents",
            ):  # fmt: skip
                debits[row[0]] = row[1:]
            credited = set(
                DeclaratieRegel.objects.filter(
                    provider_id=provider_id,
                    law=law,
                    vorig_referentienummer__in=vorige,
                    debit_credit="C",
                    status=LineStatus.APPROVED,
                ).values_list("vorig_referentienummer", flat=True)
            )
        rows = []
        seen: set[str] = set()
        municipality_id = self.applier.municipality_id
        period_end = self.rec.period_end
        toewijzingen = self.state.toewijzingen
        debit_keys = self.state.debit_keys
        by_id = self.state.by_id
        # Tariff and admission per (product, start date): the same for many lines.
        rules = self.rules
        dates = self.dates
        starts = self.starts
        vix = self.ctx.variant_index()  # funding variants (zorg/rules/variants.py)
        task_codes = self.task_codes
        variants.load_outputs(vix, provider_id)
        count = rejected = approved_cents = 0
        for line in lines:
            dc = line.debit_credit
            amount = line.amount_cents
            volume = line.volume
            sign = -1 if dc == "C" else 1
            ref = line.referentienummer
            if line_rules.tr314_reference_used(ref, existing, seen):
                self.refused.append(
                    {"referentienummer": ref, "row": line.row,
                     "client_id": clients[line.bsn],
                     "toewijzingnummer": line.toewijzingnummer, "retourcodes": ["8021"],
                     "productcategorie": line.productcategorie, "productcode": line.productcode,
                     "period_start": line.period_start.isoformat(),
                     "period_end": line.period_end.isoformat(), "volume": volume,
                     "unit": line.unit, "tariff_cents": line.tariff_cents,
                     "amount_cents": amount, "debit_credit": dc}
                )  # fmt: skip
                continue
            seen.add(ref)
            seen_refs.add(hash((law, ref)))
            codes: list[str] = []
            tw = toewijzingen.get((municipality_id, line.toewijzingnummer))
            client_id = clients[line.bsn]
            product_id = None
            if tw is None or tw.deleted:  # TR338, or TR384: a deleted toewijzing
                codes.append("9338" if tw is None else "9384")
                tw = None
            else:
                # A toewijzing of a budget names no product code: the line's product then.
                product_id = tw.product_id or self.ctx.product(
                    law, line.productcategorie, line.productcode, line.period_start
                )
                if line_rules.tr304_other_client(tw, client_id):
                    codes.append("8187")
            start, end = line.period_start, line.period_end
            line_product = product_id or self.ctx.product(
                law, line.productcategorie, line.productcode, start
            )
            # The variant's codes per (product, start date), like tariffs: the same for many lines.
            task = task_codes.get((line_product, start))
            if task is None:
                task = task_codes[(line_product, start)] = variants.task_line_codes(
                    vix.variant(line_product, municipality_id, start)
                )
            codes += task
            if line_rules.tr319_outside_period(end, period_end):
                codes.append("9319")
            if line_rules.tr346_amount(line):
                codes.append("9346")
            key = None
            if dc == "C":
                debit = debits.get(line.vorig_referentienummer)
                if line_rules.tr323_no_debit(debit):
                    codes.append("8017")
                elif line_rules.tr390_credited(line.vorig_referentienummer, credited):
                    codes.append("9390")
            elif tw is not None:
                if line_rules.tr339_categorie(line, tw):
                    codes.append("9339")
                if line_rules.tr340_code(line, tw):
                    codes.append("9340")
                if line_rules.tr341_unit(line, tw):
                    codes.append("9341")
                if line_rules.tr307_before_start(start, tw):
                    codes.append("9307")
                if line_rules.tr308_after_end(end, tw):
                    codes.append("9308")
                if not line_rules.whole_months(start, end, tw):
                    codes.extend(month_bounds(start, end, tw.start, tw.end))  # TR387, TR388
                if tw.volume is not None and tw.frequency:
                    if line_rules.tr321_period_volume(tw, start, end, volume):
                        codes.append("9321")
                    if line_rules.tr322_total_volume(tw, volume):
                        codes.append("9322")
                if line_rules.tr369_budget(tw, amount):
                    codes.append("9369")
                if product_id is None:
                    codes.append(line_rules.ZR_NO_TARIFF)
                else:
                    rule = rules.get((product_id, start))
                    if rule is None:
                        rule = rules[(product_id, start)] = (
                            self.ctx.tariff(product_id, municipality_id, start),
                            self.ctx.admitted(provider_id, product_id, municipality_id, start),
                        )
                    tariff, admitted = rule
                    code = line_rules.tr418_tariff(line, tariff)
                    if code:
                        codes.append(code)
                    if not admitted:
                        codes.append(line_rules.ZR_NOT_ADMITTED)
                    for code in variants.debit_line_codes(
                        vix, tw=tw, unit=line.unit, volume=volume, amount_cents=amount,
                        tariff_cents=line.tariff_cents, contract_tariff_cents=tariff,
                        productcode=line.productcode, start=start, end=end,
                    ):  # fmt: skip
                        if code not in codes:
                            codes.append(code)
                if tw.leveringen and line_rules.after_stop(tw, start):
                    codes.append(line_rules.ZR_AFTER_STOP)
                key = debit_key(tw.id, line.productcategorie, line.productcode, start, end)
                if line_rules.tr389_declared_before(key, debit_keys):
                    codes.append("9389")
            count += 1
            if codes:
                rejected += 1
                status = LineStatus.REJECTED
            else:
                status = LineStatus.APPROVED
                approved_cents += sign * amount
                if dc == "C":
                    debit = debits[line.vorig_referentienummer]
                    credited.add(line.vorig_referentienummer)
                    dtw = by_id.get(debit[0])
                    if dtw is not None:
                        dtw.used_volume -= debit[5]
                        dtw.used_amount -= debit[6]
                    debit_keys.discard(debit_key(*debit[:5]))
                    vix.remove_output(debit[0], debit[2], debit[3], debit[4])
                elif tw is not None:
                    tw.used_volume += volume
                    tw.used_amount += amount
                    debit_keys.add(key)
                    variants.approved(
                        vix, tw_id=tw.id, unit=line.unit, productcode=line.productcode,
                        start=start, end=end,
                    )  # fmt: skip
                    debits[ref] = (tw.id, line.productcategorie, line.productcode, start, end,
                                   volume, amount)  # fmt: skip
            # The dates as the database takes them, and the month: computed once per date.
            start_value = dates.get(start)
            if start_value is None:
                start_value = dates[start] = self._date_values(start)
            end_value = dates.get(end)
            if end_value is None:
                end_value = dates[end] = self._date_values(end)
            starts.add(start)
            rows.append((
                tw.id if tw else None, client_id, municipality_id, provider_id, product_id, law,
                ref, line.vorig_referentienummer, line.toewijzingnummer, line.productcategorie,
                line.productcode, start_value[0], end_value[0], start_value[1], volume,
                line.unit, line.tariff_cents, amount, dc, status,
                json.dumps(codes) if codes else "[]",
            ))  # fmt: skip
        self.count += count
        self.rejected += rejected
        self.approved_cents += approved_cents
        return rows

    def _date_values(self, day: dt.date) -> tuple:
        """(the day, the first of its month) as the database driver takes them."""
        month = day.replace(day=1)
        if self.as_text:  # SQLite: ISO text, without the driver's adapter per value
            return day.isoformat(), month.isoformat()
        return day, month

    def insert(self, declaratie_id: int, rows: list[tuple]) -> None:
        if rows:
            self.writer.submit(self.sql.format(declaratie_id=int(declaratie_id)), rows)


class LineWriter:
    """Writes a batch of lines while the next batch is checked (one batch in flight).

    On SQLite a large insert runs on a second thread through the same connection, inside the
    same transaction: ``sqlite3`` releases the GIL while SQLite writes, so the checks and the
    writes overlap. Every query of the calling thread waits for the write first
    (:meth:`before_query`, an execute wrapper installed while a write is in flight). On other
    databases, and for a small insert, the insert runs at once.
    """

    def __init__(self):
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.background = connection.vendor == "sqlite"

    def submit(self, sql: str, rows: list[tuple]) -> None:
        self.wait()
        if not self.background or len(rows) < THREAD_MIN_ROWS:
            opened, sql = cursor_for(connection, sql)
            with opened as cursor:
                cursor.executemany(sql, rows)
            return
        connection.ensure_connection()
        raw = connection.connection
        self.thread = threading.Thread(
            target=self._write, args=(raw, driver_sql(connection, sql), rows), daemon=True
        )
        self.thread.start()
        connection.execute_wrappers.append(self.before_query)  # removed by wait()

    def _write(self, raw, sql: str, rows: list[tuple]) -> None:
        try:
            raw.executemany(sql, rows)
        except BaseException as exc:  # noqa: BLE001 - raised again by wait() in the caller
            self.error = exc

    def before_query(self, execute, sql, params, many, context):
        """A ``connection.execute_wrapper``: no query of this thread overlaps a write."""
        self.wait()
        return execute(sql, params, many, context)

    def wait(self, raise_error: bool = True) -> None:
        """Until the batch in flight is written; its error, if any, is raised here."""
        if self.thread is not None:
            self.thread.join()
            self.thread = None
            connection.execute_wrappers.remove(self.before_query)
        error, self.error = self.error, None
        if error is not None and raise_error:
            with connection.wrap_database_errors:
                raise error
