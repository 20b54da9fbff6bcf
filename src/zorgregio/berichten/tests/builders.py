"""Hand-built iWmo/iJw 3.2 messages for tests (valid against the official XSDs and every rule
within the message). The Identificatie is derived from the content unless given, so the same
message built twice is the same file, and two different messages never share it (TR056)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

CODES = {"301": ("436", "414"), "305": ("438", "418"), "307": ("440", "420"), "323": ("490", "484")}


def _ns(standard: str, kind: str) -> tuple[str, str, str]:
    """(message prefix, basis prefix, xmlns declarations)."""
    if standard == "ijw":
        pre, basis = f"jw{kind}", "ijw"
    else:
        pre, basis = f"wmo{kind}", "iwmo"
    decl = (
        f'xmlns:{basis}="http://www.istandaarden.nl/{standard}/3_2/basisschema/schema" '
        f'xmlns:{pre}="http://www.istandaarden.nl/{standard}/3_2/{pre}/schema"'
    )
    return pre, basis, decl


def _ident(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()[:12]


def header(standard, kind, afzender, ontvanger, ident="1", day="2026-05-06") -> str:
    pre, b, _ = _ns(standard, kind)
    code = CODES[kind][0 if standard == "ijw" else 1]
    return (
        f"<{pre}:Header><{pre}:BerichtCode>{code}</{pre}:BerichtCode>"
        f"<{pre}:BerichtVersie>3</{pre}:BerichtVersie><{pre}:BerichtSubversie>2</{pre}:BerichtSubversie>"
        f"<{pre}:Afzender>{afzender}</{pre}:Afzender><{pre}:Ontvanger>{ontvanger}</{pre}:Ontvanger>"
        f"<{pre}:BerichtIdentificatie><{b}:Identificatie>{ident}</{b}:Identificatie>"
        f"<{b}:Dagtekening>{day}</{b}:Dagtekening></{pre}:BerichtIdentificatie>"
        f"<{pre}:XsdVersie><{b}:BasisschemaXsdVersie>1.0.0</{b}:BasisschemaXsdVersie>"
        f"<{b}:BerichtXsdVersie>1.0.0</{b}:BerichtXsdVersie></{pre}:XsdVersie></{pre}:Header>"
    )


def _client_head(pre, b, bsn, birth="2010-02-14", gebruik=False):
    return (
        f"<{pre}:Bsn>{bsn}</{pre}:Bsn><{pre}:Geboortedatum><{b}:Datum>{birth}</{b}:Datum>"
        f"</{pre}:Geboortedatum><{pre}:Geslacht>1</{pre}:Geslacht>"
        f"<{pre}:Naam><{b}:Geslachtsnaam><{b}:Achternaam>Test</{b}:Achternaam></{b}:Geslachtsnaam>"
        f"<{b}:Voorletters>T</{b}:Voorletters>"
        + (f"<{b}:NaamGebruik>1</{b}:NaamGebruik>" if gebruik else "")
        + f"</{pre}:Naam>"
    )


def _contact(pre, b):
    return (
        f"<{pre}:Contactgegevens><{pre}:Contact><{pre}:Soort>01</{pre}:Soort><{pre}:Adres>"
        f"<{b}:Huis><{b}:Huisnummer>1</{b}:Huisnummer></{b}:Huis><{b}:Postcode>9999XX</{b}:Postcode>"
        f"<{b}:Straatnaam>Straat</{b}:Straatnaam><{b}:Plaatsnaam>Plaats</{b}:Plaatsnaam>"
        f"<{b}:LandCode>NL</{b}:LandCode></{pre}:Adres></{pre}:Contact></{pre}:Contactgegevens>"
    )


@dataclass
class Assigned:
    nummer: str
    categorie: str = "45"
    code: str = "45A03"
    start: str = "2026-01-01"
    end: str | None = "2026-12-31"
    volume: int | None = 10
    unit: str = "04"
    frequency: str = "4"
    reden: str | None = None
    budget: int | None = None  # a budget instead of an omvang: give volume=None and code=""
    ref: str | None = None  # ReferentieAanbieder: the request (315/317) this toewijzing honours


def msg_301(standard, gemeente, agb, bsn, products: list[Assigned], ident=None,
            day="2026-05-06") -> bytes:  # fmt: skip
    pre, b, decl = _ns(standard, "301")
    items = []
    for p in products:
        items.append(
            f"\n<{pre}:ToegewezenProduct><{pre}:ToewijzingNummer>{p.nummer}</{pre}:ToewijzingNummer>"
            + (f"<{pre}:ReferentieAanbieder>{p.ref}</{pre}:ReferentieAanbieder>" if p.ref else "")
            + _product_xml(pre, b, p)
            + f"<{pre}:Toewijzingsdatum>{p.start}</{pre}:Toewijzingsdatum>"
            f"<{pre}:Toewijzingstijd>12:00:00</{pre}:Toewijzingstijd>"
            f"<{pre}:Ingangsdatum>{p.start}</{pre}:Ingangsdatum>"
            + (f"<{pre}:Einddatum>{p.end}</{pre}:Einddatum>" if p.end else "")
            + (f"<{pre}:RedenWijziging>{p.reden}</{pre}:RedenWijziging>" if p.reden else "")
            + _omvang_budget(pre, b, p)
            + f"</{pre}:ToegewezenProduct>"
        )
    body = (
        f"<{pre}:Client>{_client_head(pre, b, bsn, gebruik=True)}{_contact(pre, b)}"
        f"<{pre}:ToegewezenProducten>{''.join(items)}"
        f"</{pre}:ToegewezenProducten></{pre}:Client>"
    )
    return _wrap(
        pre, decl, header(standard, "301", gemeente, agb, ident or _ident(body), day) + body
    )


def msg_start_stop(standard, kind, gemeente, agb, bsn, nummer, begin, end=None, status="1",
                   categorie="45", code="45A03", tw_start="2026-01-01",
                   ident=None, reden="31") -> bytes:  # fmt: skip
    pre, b, decl = _ns(standard, kind)
    tag = "StartProduct" if kind == "305" else "StopProduct"
    stop = (
        f"<{pre}:RedenBeeindiging>{reden}</{pre}:RedenBeeindiging><{pre}:Einddatum>{end}</{pre}:Einddatum>"
        if kind == "307"
        else ""
    )
    item = (
        f"<{pre}:{tag}><{pre}:ToewijzingNummer>{nummer}</{pre}:ToewijzingNummer>"
        f"<{pre}:Product><{b}:Categorie>{categorie}</{b}:Categorie><{b}:Code>{code}</{b}:Code>"
        f"</{pre}:Product><{pre}:ToewijzingIngangsdatum>{tw_start}</{pre}:ToewijzingIngangsdatum>"
        f"<{pre}:Begindatum>{begin}</{pre}:Begindatum>{stop}"
        f"<{pre}:StatusAanlevering>{status}</{pre}:StatusAanlevering></{pre}:{tag}>"
    )
    body = (
        f"<{pre}:Client>{_client_head(pre, b, bsn)}<{pre}:{tag}en>{item}</{pre}:{tag}en>"
        f"</{pre}:Client>"
    )
    return _wrap(pre, decl, header(standard, kind, agb, gemeente, ident or _ident(body)) + body)


@dataclass
class Line:
    ref: str
    nummer: str
    bsn: str = "999900006"
    start: str = "2026-04-01"
    end: str = "2026-04-30"
    volume: int = 4
    tariff: int | None = 1250  # None: no ProductTarief (a line in euros, Eenheid 83)
    amount: int | None = None
    dc: str = "D"
    vorig: str | None = None
    categorie: str = "45"
    code: str = "45A03"
    unit: str = "04"

    @property
    def total(self) -> int:
        if self.amount is not None:
            return self.amount
        return self.volume if self.tariff is None else self.volume * self.tariff


def msg_323(standard, gemeente, agb, nummer, lines: list[Line], total=None, dc=None,
            period=("2026-04-01", "2026-04-30"), ident=None,
            day="2026-05-06") -> bytes:  # fmt: skip
    pre, b, decl = _ns(standard, "323")
    signed = sum(-ln.total if ln.dc == "C" else ln.total for ln in lines)
    if total is None:
        total = abs(signed)
    dc = dc or ("C" if signed < 0 else "D")
    by_client: dict[str, list[Line]] = {}
    for ln in lines:
        by_client.setdefault(ln.bsn, []).append(ln)
    clients = []
    for bsn, items in by_client.items():
        prestaties = "".join(
            f"\n<{pre}:Prestatie><{pre}:ProductReferentie><{b}:ReferentieNummer>{ln.ref}"
            f"</{b}:ReferentieNummer>"
            + (
                f"<{b}:VorigReferentieNummer>{ln.vorig}</{b}:VorigReferentieNummer>"
                if ln.vorig
                else ""
            )
            + f"</{pre}:ProductReferentie>"
            + f"<{pre}:ToewijzingNummer>{ln.nummer}</{pre}:ToewijzingNummer>"
            f"<{pre}:ProductCategorie>{ln.categorie}</{pre}:ProductCategorie>"
            f"<{pre}:ProductCode>{ln.code}</{pre}:ProductCode><{pre}:ProductPeriode>"
            f"<{b}:Begindatum>{ln.start}</{b}:Begindatum><{b}:Einddatum>{ln.end}</{b}:Einddatum>"
            f"</{pre}:ProductPeriode><{pre}:GeleverdVolume>{ln.volume}</{pre}:GeleverdVolume>"
            f"<{pre}:Eenheid>{ln.unit}</{pre}:Eenheid>"
            + (
                f"<{pre}:ProductTarief>{ln.tariff}</{pre}:ProductTarief>"
                if ln.tariff is not None
                else ""
            )
            + f"<{pre}:IngediendBedrag><{b}:Bedrag>{ln.total}</{b}:Bedrag><{b}:DebetCredit>{ln.dc}"
            f"</{b}:DebetCredit></{pre}:IngediendBedrag></{pre}:Prestatie>"
            for ln in items
        )
        clients.append(
            f"\n<{pre}:Client><{pre}:Bsn>{bsn}</{pre}:Bsn><{pre}:Prestaties>{prestaties}"
            f"</{pre}:Prestaties></{pre}:Client>"
        )
    body = (
        f"<{pre}:Declaratie><{pre}:DeclaratieNummer>{nummer}</{pre}:DeclaratieNummer>"
        f"<{pre}:DeclaratiePeriode><{b}:Begindatum>{period[0]}</{b}:Begindatum>"
        f"<{b}:Einddatum>{period[1]}</{b}:Einddatum></{pre}:DeclaratiePeriode>"
        f"<{pre}:DeclaratieDagtekening>{day}</{pre}:DeclaratieDagtekening>"
        f"<{pre}:TotaalIngediendBedrag><{b}:TotaalBedrag>{total}</{b}:TotaalBedrag>"
        f"<{b}:DebetCredit>{dc}</{b}:DebetCredit></{pre}:TotaalIngediendBedrag>"
        f"<{pre}:Clienten>{''.join(clients)}</{pre}:Clienten></{pre}:Declaratie>"
    )
    return _wrap(
        pre, decl, header(standard, "323", agb, gemeente, ident or _ident(body), day) + body
    )


def _wrap(pre, decl, inner) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{pre}:Bericht {decl}>{inner}</{pre}:Bericht>\n'
    ).encode()


def month_end(day: dt.date) -> dt.date:
    nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


CODES.update({"315": ("446", "444"), "317": ("486", "480"), "319": ("488", "482")})


@dataclass
class Requested:
    """An AangevraagdProduct (315) or a NieuwProduct (317, without ``ref``)."""

    ref: str = ""
    categorie: str = "45"
    code: str = "45A03"
    start: str = "2026-06-01"
    end: str | None = "2026-12-31"
    volume: int | None = 4
    unit: str = "04"
    frequency: str = "2"
    budget: int | None = None
    beschikking: str | None = None
    beschikking_start: str | None = None
    verwijzer_type: str = "01"
    verwijzer_naam: str | None = "Gemeente"
    zorgverlenercode: str | None = None


def _product_xml(pre, b, p) -> str:
    if not p.categorie:
        return ""
    return (
        f"<{pre}:Product><{b}:Categorie>{p.categorie}</{b}:Categorie>"
        + (f"<{b}:Code>{p.code}</{b}:Code>" if p.code else "")
        + f"</{pre}:Product>"
    )


def _omvang_budget(pre, b, p) -> str:
    omvang = (
        f"<{pre}:Omvang><{b}:Volume>{p.volume}</{b}:Volume><{b}:Eenheid>{p.unit}</{b}:Eenheid>"
        f"<{b}:Frequentie>{p.frequency}</{b}:Frequentie></{pre}:Omvang>"
        if p.volume is not None
        else ""
    )
    return omvang + (f"<{pre}:Budget>{p.budget}</{pre}:Budget>" if p.budget is not None else "")


def msg_315(standard, gemeente, agb, bsn, products: list[Requested], ident=None,
            day="2026-05-06", birth="2010-02-14") -> bytes:  # fmt: skip
    pre, b, decl = _ns(standard, "315")
    items = []
    for p in products:
        verwijzer = (
            f"<{pre}:Verwijzer><{b}:Type>{p.verwijzer_type}</{b}:Type>"
            + (f"<{b}:Naam>{p.verwijzer_naam}</{b}:Naam>" if p.verwijzer_naam else "")
            + (
                f"<{b}:ZorgverlenerCode>{p.zorgverlenercode}</{b}:ZorgverlenerCode>"
                if p.zorgverlenercode
                else ""
            )
            + f"</{pre}:Verwijzer>"
        )
        items.append(
            f"\n<{pre}:AangevraagdProduct><{pre}:ReferentieAanbieder>{p.ref}"
            f"</{pre}:ReferentieAanbieder>"
            + (f"<{pre}:BeschikkingNummer>{p.beschikking}</{pre}:BeschikkingNummer>"
               if p.beschikking else "")
            + _product_xml(pre, b, p)
            + (f"<{pre}:BeschikkingIngangsdatum>{p.beschikking_start}"
               f"</{pre}:BeschikkingIngangsdatum>" if p.beschikking_start else "")
            + f"<{pre}:ToewijzingIngangsdatum>{p.start}</{pre}:ToewijzingIngangsdatum>"
            + (f"<{pre}:ToewijzingEinddatum>{p.end}</{pre}:ToewijzingEinddatum>" if p.end else "")
            + _omvang_budget(pre, b, p)
            + verwijzer
            + f"</{pre}:AangevraagdProduct>"
        )  # fmt: skip
    body = (
        f"<{pre}:Client>{_client_head(pre, b, bsn, birth)}"
        f"<{pre}:AangevraagdeProducten>{''.join(items)}</{pre}:AangevraagdeProducten>"
        f"</{pre}:Client>"
    )
    return _wrap(
        pre, decl, header(standard, "315", agb, gemeente, ident or _ident(body), day) + body
    )


@dataclass
class Change:
    """A TeWijzigenProduct of a 317."""

    nummer: str
    start: str = "2026-06-01"
    end: str | None = "2026-12-31"
    volume: int | None = 6
    unit: str = "04"
    frequency: str = "2"
    budget: int | None = None


def msg_317(standard, gemeente, agb, bsn, ref, ongewijzigd=(), te_wijzigen=(), nieuw=(),
            ident=None, day="2026-05-06") -> bytes:  # fmt: skip
    pre, b, decl = _ns(standard, "317")
    parts = [f"<{pre}:ReferentieAanbieder>{ref}</{pre}:ReferentieAanbieder>"
             f"<{pre}:RedenVerzoek>1</{pre}:RedenVerzoek>"]  # fmt: skip
    if ongewijzigd:
        parts.append(
            f"<{pre}:OngewijzigdeProducten>"
            + "".join(
                f"\n<{pre}:OngewijzigdProduct><{pre}:ToewijzingNummer>{nr}</{pre}:ToewijzingNummer>"
                f"</{pre}:OngewijzigdProduct>"
                for nr in ongewijzigd
            )
            + f"</{pre}:OngewijzigdeProducten>"
        )
    if te_wijzigen:
        parts.append(
            f"<{pre}:TeWijzigenProducten>"
            + "".join(
                f"\n<{pre}:TeWijzigenProduct><{pre}:ToewijzingNummer>{c.nummer}"
                f"</{pre}:ToewijzingNummer><{pre}:GewensteIngangsdatum>{c.start}"
                f"</{pre}:GewensteIngangsdatum>"
                + (f"<{pre}:Einddatum>{c.end}</{pre}:Einddatum>" if c.end else "")
                + _omvang_budget(pre, b, c)
                + f"</{pre}:TeWijzigenProduct>"
                for c in te_wijzigen
            )
            + f"</{pre}:TeWijzigenProducten>"
        )
    if nieuw:
        parts.append(
            f"<{pre}:NieuweProducten>"
            + "".join(
                f"\n<{pre}:NieuwProduct>"
                + _product_xml(pre, b, p)
                + f"<{pre}:GewensteIngangsdatum>{p.start}</{pre}:GewensteIngangsdatum>"
                + (f"<{pre}:Einddatum>{p.end}</{pre}:Einddatum>" if p.end else "")
                + _omvang_budget(pre, b, p)
                + f"</{pre}:NieuwProduct>"
                for p in nieuw
            )
            + f"</{pre}:NieuweProducten>"
        )
    body = (
        f"<{pre}:Client><{pre}:Bsn>{bsn}</{pre}:Bsn><{pre}:Verzoek>{''.join(parts)}"
        f"</{pre}:Verzoek></{pre}:Client>"
    )
    return _wrap(
        pre, decl, header(standard, "317", agb, gemeente, ident or _ident(body), day) + body
    )


def msg_319(standard, gemeente, agb, ref, answer="1", reden: str | None = "3",
            woonplaats: str | None = None, ident=None, day="2026-05-06") -> bytes:  # fmt: skip
    pre, b, decl = _ns(standard, "319")
    body = (
        f"<{pre}:Antwoord><{pre}:ReferentieAanbieder>{ref}</{pre}:ReferentieAanbieder>"
        f"<{pre}:VerzoekAntwoord>{answer}</{pre}:VerzoekAntwoord>"
        + (f"<{pre}:RedenAfwijzingVerzoek>{reden}</{pre}:RedenAfwijzingVerzoek>" if reden else "")
        + (
            f"<{pre}:Woonplaatsbeginsel><{pre}:Gemeente>{woonplaats}</{pre}:Gemeente>"
            f"</{pre}:Woonplaatsbeginsel>"
            if woonplaats
            else ""
        )
        + f"</{pre}:Antwoord>"
    )
    return _wrap(
        pre, decl, header(standard, "319", gemeente, agb, ident or _ident(body), day) + body
    )
