"""The 325 answer message (declaratie-antwoord) for a processed 323 declaration.

Jeugdwet answers validate against JW325.xsd; Wmo answers follow the WMO325 structure of the
iWmo master overview (same elements in the wmo325 namespace). The answer lists the lines that
were not approved, each with its WJ001 retourcodes; own codes become 0001. It is written
incrementally (``lxml.etree.xmlfile``), so a large declaration does not sit in memory.
"""

from __future__ import annotations

from django.utils import timezone
from lxml import etree

from zorgregio.zorg.models import Declaratie, DeclaratieRegel, LineStatus
from zorgregio.zorg.rules.lines import codes_for_325
from zorgregio.zorg.services import decrypt_bsn

BERICHTCODE = {"jw": "491", "wmo": "485"}


def _names(law: str) -> tuple[str, str]:
    standard = "ijw" if law == "jw" else "iwmo"
    prefix = "jw325" if law == "jw" else "wmo325"
    return (
        f"http://www.istandaarden.nl/{standard}/3_2/{prefix}/schema",
        f"http://www.istandaarden.nl/{standard}/3_2/basisschema/schema",
    )


def _amount(xf, m, b, name: str, cents: int, total: bool) -> None:
    with xf.element(f"{{{m}}}{name}"):
        _leaf(xf, f"{{{b}}}{'TotaalBedrag' if total else 'Bedrag'}", str(abs(cents)))
        _leaf(xf, f"{{{b}}}DebetCredit", "C" if cents < 0 else "D")


def _leaf(xf, tag: str, text: str) -> None:
    with xf.element(tag):
        xf.write(text)


def _codes(xf, m, codes) -> None:
    with xf.element(f"{{{m}}}RetourCodes"):
        for code in codes:
            _leaf(xf, f"{{{m}}}RetourCode", code)


def write_325(declaratie: Declaratie, out, *, identificatie: str | None = None) -> None:
    """Write the 325 answer of ``declaratie`` to the binary file object ``out``."""
    m, b = _names(declaratie.law)
    prefix = "jw325" if declaratie.law == "jw" else "wmo325"
    basis = "ijw" if declaratie.law == "jw" else "iwmo"
    today = timezone.localdate().isoformat()
    source = declaratie.source
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{m}}}Bericht", nsmap={prefix: m, basis: b}):
            with xf.element(f"{{{m}}}Header"):
                _leaf(xf, f"{{{m}}}BerichtCode", BERICHTCODE[declaratie.law])
                _leaf(xf, f"{{{m}}}BerichtVersie", "3")
                _leaf(xf, f"{{{m}}}BerichtSubversie", "2")
                _leaf(xf, f"{{{m}}}Afzender", declaratie.municipality.cbs_code)
                _leaf(xf, f"{{{m}}}Ontvanger", declaratie.provider.agb_code)
                with xf.element(f"{{{m}}}BerichtIdentificatie"):
                    _leaf(xf, f"{{{b}}}Identificatie", identificatie or f"A{declaratie.pk}")
                    _leaf(xf, f"{{{b}}}Dagtekening", today)
                with xf.element(f"{{{m}}}XsdVersie"):
                    _leaf(xf, f"{{{b}}}BasisschemaXsdVersie", "1.0.0")
                    _leaf(xf, f"{{{b}}}BerichtXsdVersie", "1.0.0")
                with xf.element(f"{{{m}}}DeclaratieIdentificatie"):
                    ident = (source.identificatie if source else "") or declaratie.declaratienummer
                    _leaf(xf, f"{{{b}}}Identificatie", ident)
                    _leaf(xf, f"{{{b}}}Dagtekening", declaratie.declaratiedatum.isoformat())
                with xf.element(f"{{{m}}}XsdVersieDeclaratie"):
                    _leaf(xf, f"{{{b}}}BasisschemaXsdVersie", "1.0.0")
                    _leaf(xf, f"{{{b}}}BerichtXsdVersie", "1.0.0")
                _codes(xf, m, ["0200"])
            with xf.element(f"{{{m}}}DeclaratieAntwoord"):
                _leaf(xf, f"{{{m}}}DeclaratieNummer", declaratie.declaratienummer)
                submitted = declaratie.total_cents * (
                    -1 if declaratie.total_debit_credit == "C" else 1
                )
                _amount(xf, m, b, "TotaalIngediendBedrag", submitted, total=True)
                _amount(xf, m, b, "TotaalToegekendBedrag", declaratie.approved_cents, total=True)
                _clients(xf, m, b, declaratie)
                _codes(xf, m, declaratie.retourcodes or ["0200"])


def _rejected_by_client(declaratie: Declaratie):
    """(client key, bsn, [line dicts]) for the rejected and refused lines, client by client."""
    rows = (
        DeclaratieRegel.objects.filter(declaratie=declaratie, status=LineStatus.REJECTED)
        .order_by("client_id", "id")
        .values_list(
            "client_id",
            "client__bsn_encrypted",
            "referentienummer",
            "vorig_referentienummer",
            "toewijzingnummer",
            "productcategorie",
            "productcode",
            "period_start",
            "period_end",
            "volume",
            "unit",
            "tariff_cents",
            "amount_cents",
            "debit_credit",
            "retourcodes",
        )  # fmt: skip
        .iterator(chunk_size=2000)
    )
    current, bsn, lines = None, "", []
    for row in rows:
        if row[0] != current:
            if lines:
                yield bsn, lines
            current, bsn, lines = row[0], decrypt_bsn(row[1]), []
        lines.append(row[2:])
    if lines:
        yield bsn, lines


def _clients(xf, m, b, declaratie: Declaratie) -> None:
    groups = list(_refused_groups(declaratie))
    first = True
    for bsn, lines in _chain(_rejected_by_client(declaratie), groups):
        if first:
            clienten = xf.element(f"{{{m}}}Clienten")
            clienten.__enter__()
            first = False
        with xf.element(f"{{{m}}}Client"):
            _leaf(xf, f"{{{m}}}Bsn", bsn)
            with xf.element(f"{{{m}}}Prestaties"):
                for line in lines:
                    _prestatie(xf, m, b, *line)
            _codes(xf, m, ["0200"])
    if not first:
        clienten.__exit__(None, None, None)


def _chain(*iterables):
    for iterable in iterables:
        yield from iterable


def _refused_groups(declaratie: Declaratie):
    """Lines refused as a whole (duplicate reference, TR314): from the declaration's record."""
    from zorgregio.zorg.models import Client

    by_client: dict[int, list] = {}
    for line in declaratie.refused_lines:
        if line.get("client_id"):
            by_client.setdefault(line["client_id"], []).append(line)
    tokens = dict(Client.objects.filter(pk__in=by_client).values_list("id", "bsn_encrypted"))
    by_bsn = {decrypt_bsn(tokens[cid]): lines for cid, lines in by_client.items() if cid in tokens}
    for bsn, lines in by_bsn.items():
        yield (
            bsn,
            [
                (
                    line["referentienummer"],
                    "",
                    line.get("toewijzingnummer", ""),
                    line.get("productcategorie", ""),
                    line.get("productcode", ""),
                    line.get("period_start"),
                    line.get("period_end"),
                    line.get("volume", 0),
                    line.get("unit", ""),
                    line.get("tariff_cents"),
                    line.get("amount_cents", 0),
                    line.get("debit_credit", "D"),
                    line.get("retourcodes", ["8021"]),
                )  # fmt: skip
                for line in lines
            ],
        )


def _prestatie(xf, m, b, ref, vorig, nummer, cat, code, start, end, volume, unit, tariff,
               amount, dc, codes) -> None:  # fmt: skip
    with xf.element(f"{{{m}}}Prestatie"):
        with xf.element(f"{{{m}}}ProductReferentie"):
            _leaf(xf, f"{{{b}}}ReferentieNummer", ref)
            if vorig:
                _leaf(xf, f"{{{b}}}VorigReferentieNummer", vorig)
        _leaf(xf, f"{{{m}}}ToewijzingNummer", nummer)
        _leaf(xf, f"{{{m}}}ProductCategorie", cat)
        _leaf(xf, f"{{{m}}}ProductCode", code)
        with xf.element(f"{{{m}}}ProductPeriode"):
            _leaf(xf, f"{{{b}}}Begindatum", str(start))
            _leaf(xf, f"{{{b}}}Einddatum", str(end))
        _leaf(xf, f"{{{m}}}GeleverdVolume", str(volume))
        _leaf(xf, f"{{{m}}}Eenheid", unit)
        if tariff is not None:
            _leaf(xf, f"{{{m}}}ProductTarief", str(tariff))
        with xf.element(f"{{{m}}}IngediendBedrag"):
            _leaf(xf, f"{{{b}}}Bedrag", str(amount))
            _leaf(xf, f"{{{b}}}DebetCredit", dc)
        _codes(xf, m, codes_for_325(list(codes)))


def answer_325_bytes(declaratie: Declaratie) -> bytes:
    import io

    buffer = io.BytesIO()
    write_325(declaratie, buffer)
    return buffer.getvalue()
