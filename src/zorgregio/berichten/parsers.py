"""Streaming parsers for iWmo/iJw 3.2 messages: 301, 305, 307, 315, 317, 319 and 323.

A file is read with a hardened lxml ``iterparse``: any DOCTYPE is refused (so no entity can be
declared), no network, no huge trees. Only the elements that carry an item are reported by lxml
(``tag=`` filter in C); every handled element is cleared and its earlier siblings dropped, so
memory stays flat whatever the file size. When an XSD directory is configured the same pass
validates against the official schema.

The parsers also do the product's own structural checks (BSN elfproef, dates, code lists) and
raise :class:`MessageError` with a Dutch reason naming the line and field.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

from zorgregio.common.validators import is_valid_bsn, parse_integer, parse_iso_date
from zorgregio.zorg.records import (
    MESSAGE_TYPES,
    RETURN_TYPES,
    AntwoordRecord,
    ClientRecord,
    ContactRecord,
    DeclaratieRecord,
    Header,
    Message,
    MessageError,
    PrestatieRecord,
    ProductRequest,
    RelatieRecord,
    StartRecord,
    StopRecord,
    ToewijzingRecord,
    VerzoekRecord,
)

from . import xml_errors
from .archive import ArchiveError, open_stored

RELEASE = "3_2"
NAMESPACE_RE = re.compile(
    r"^\{http://www\.istandaarden\.nl/(?P<standard>iwmo|ijw)/(?P<release>[^/]+)/"
    r"(?P<prefix>wmo|jw)(?P<type>\d{3})/schema\}(?P<local>.+)$"
)
HEAD_BYTES = 64 * 1024
SNIFF_PIECE = 1024  # bytes fed to the sniffing parser at a time

# Code lists per standard: (product category, unit, frequency, reason change, reason end).
CODE_LISTS = {
    "ijw": {"categorie": "JZ020", "eenheid": "WJ756", "frequentie": "WMO757",
            "reden_wijziging": "JZ002", "reden_beeindiging": "JZ588"},
    "iwmo": {"categorie": "WMO020", "eenheid": "WJ756", "frequentie": "WMO757",
             "reden_wijziging": "WMO002", "reden_beeindiging": "WMO588"},
}  # fmt: skip

ITEM_TAGS = {
    "301": "ToegewezenProduct",
    "305": "StartProduct",
    "307": "StopProduct",
    "315": "AangevraagdProduct",
    "317": "Verzoek",
    "319": "Antwoord",
    "323": "Prestatie",
}


# The XSD's limits of LDT_Volume, LDT_Bedrag, LDT_Budget (99999999) and LDT_TotaalBedrag.
MAX_AMOUNT = 99_999_999
MAX_TOTAL = 999_999_999_999
_UINT = re.compile(r"[0-9]{1,12}")


def _uint(value: str) -> int:
    """A whole number of ASCII digits (``int()`` would take other scripts' digits too)."""
    if not _UINT.fullmatch(value):
        raise ValueError(value)
    return int(value)


def _parser_kwargs() -> dict:
    return {
        # "internal", not False: with False and an XSD, lxml's iterparse loses the syntax
        # errors (a truncated file came out whole in lxml 6.2.0, without its root's end in
        # 6.1.3; checks.py asks the installed lxml). Nothing is resolved either way: sniff()
        # refuses any DOCTYPE, so no entity can be declared, and there is no network.
        "resolve_entities": "internal",
        "no_network": True,
        "huge_tree": False,
        "load_dtd": False,
        "dtd_validation": False,
        "remove_comments": True,
        "remove_pis": True,
        # Less tree to build: no whitespace nodes between elements (a leaf's own text stays),
        # no table of ID attributes (the messages have none).
        "remove_blank_text": True,
        "collect_ids": False,
    }


def _reject_doctype(root) -> None:
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise MessageError(
            _("The file contains a DOCTYPE declaration (entities); this is refused for safety.")
        )


def _syntax_reason(exc: Exception) -> str:
    return xml_errors.syntax_reason(exc)


def sniff(path_or_head) -> tuple[str, str]:
    """(standard, message type) from the root element; refuses other releases and namespaces.

    Takes a path or the first bytes of the file (the root element must start within them)."""
    if isinstance(path_or_head, bytes):
        head = path_or_head
    else:
        with open(path_or_head, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise MessageError(
            _("The file contains a DOCTYPE declaration (entities); this is refused for safety.")
        )
    if not head.strip():
        raise MessageError(_("The file is empty."))
    parser = etree.XMLPullParser(events=("start",), **_parser_kwargs())
    try:
        # In pieces, up to the root's start: not the whole head (of a small file, all of it)
        for start in range(0, len(head), SNIFF_PIECE):
            parser.feed(head[start : start + SNIFF_PIECE])
            for _event, el in parser.read_events():
                _reject_doctype(el)
                return classify_root(el.tag)
        if len(head) < HEAD_BYTES:  # the whole file was read: let the parser name the error
            parser.close()
    except etree.XMLSyntaxError as exc:
        raise MessageError(_syntax_reason(exc)) from exc
    raise MessageError(_("The file does not start with an XML element."))


def classify_root(tag: str) -> tuple[str, str]:
    match = NAMESPACE_RE.match(tag)
    if not match:
        namespace = tag[1:].split("}")[0] if tag.startswith("{") else ""
        if "istandaarden.nl" in namespace:
            raise MessageError(
                _("Namespace %(ns)s is not an iWmo/iJw message of release 3.2; refused.")
                % {"ns": namespace}
            )
        raise MessageError(
            _("Unknown message: root element %(tag)s is not an iWmo/iJw 3.2 message.")
            % {"tag": tag[:200]}
        )
    standard, release, prefix = match["standard"], match["release"], match["prefix"]
    if release != RELEASE:
        raise MessageError(
            _("Release %(release)s is not supported; only release 3.2 messages are accepted.")
            % {"release": release.replace("_", ".")}
        )
    if (standard, prefix) not in (("iwmo", "wmo"), ("ijw", "jw")) or match["local"] != "Bericht":
        raise MessageError(
            _("Namespace %(ns)s is unknown; refused.") % {"ns": tag[1:].split("}")[0]}
        )
    if match["type"] not in MESSAGE_TYPES + RETURN_TYPES:
        raise MessageError(
            _("Message type %(type)s is not processed here (accepted: %(types)s).")
            % {"type": match["type"], "types": ", ".join(MESSAGE_TYPES + RETURN_TYPES)}
        )
    return standard, match["type"]


@lru_cache(maxsize=32)
def load_schema(xsd_dir: str, standard: str, message_type: str):
    folder = Path(xsd_dir) / f"{standard}-3.2"
    name = ("WMO" if standard == "iwmo" else "JW") + message_type + ".xsd"
    path = folder / name
    if not path.is_file():
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(path), parser))


def schema_for(standard: str, message_type: str):
    xsd_dir = getattr(settings, "ZORGREGIO_XSD_DIR", "") or ""
    if not xsd_dir:
        return None
    return load_schema(str(xsd_dir), standard, message_type)


# --- value helpers ---------------------------------------------------------------------------


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _flat(el) -> dict[str, str]:
    """Children of ``el`` by local name; grandchildren as ``Parent/Child``."""
    out: dict[str, str] = {}
    for child in el:
        name = _local(child.tag)
        if len(child):
            for grand in child:
                gname = _local(grand.tag)
                if len(grand):
                    for great in grand:
                        out[f"{name}/{gname}/{_local(great.tag)}"] = (great.text or "").strip()
                else:
                    out[f"{name}/{gname}"] = (grand.text or "").strip()
        else:
            out[name] = (child.text or "").strip()
    return out


class _Fields:
    """Typed access to a flat element dict, raising Dutch reasons naming line and field."""

    __slots__ = ("values", "row", "what")

    def __init__(self, values: dict[str, str], row: int | None, what: str):
        self.values, self.row, self.what = values, row, what

    def fail(self, field: str, problem: str, rule: str = ""):
        raise MessageError(
            _("Line %(row)s, %(what)s, field %(field)s: %(problem)s")
            % {"row": self.row or "?", "what": self.what, "field": field, "problem": problem},
            rule=rule,
            retourcode="0001" if rule else "",
            row=self.row,
        )

    def text(self, name: str, required: bool = True) -> str:
        value = self.values.get(name, "")
        if required and not value:
            self.fail(name, _("missing"))
        return value

    def date(self, name: str, required: bool = True) -> dt.date | None:
        value = self.values.get(name, "")
        if not value:
            if required:
                self.fail(name, _("missing"))
            return None
        try:
            return parse_iso_date(value[:10])
        except ValueError:
            self.fail(name, _("%(value)s is not a valid date") % {"value": value})

    def integer(self, name: str, required: bool = True, maximum: int = MAX_AMOUNT) -> int | None:
        """A whole number of 0 or more in ASCII digits, at most ``maximum`` (the XSD's limit:
        99999999 for volumes, amounts, tariffs and budgets)."""
        value = self.values.get(name, "")
        if not value:
            if required:
                self.fail(name, _("missing"))
            return None
        try:
            return parse_integer(value, minimum=0, maximum=maximum)
        except ValueError as exc:
            self.fail(name, str(exc))

    def bsn(self, name: str = "Bsn") -> str:
        value = self.text(name)
        if not is_valid_bsn(value):
            masked = "*" * max(len(value) - 3, 0) + value[-3:]
            self.fail(
                name, _("BSN %(value)s fails the elfproef (CS002)") % {"value": masked}, "CS002"
            )
        return value

    def code(self, name: str, valid: dict | None, required: bool = True) -> str:
        value = self.text(name, required)
        if value and valid is not None and value not in valid:
            self.fail(name, _("code %(value)s is not in the code list") % {"value": value})
        return value


def _codes(standard: str) -> dict[str, dict]:
    from zorgregio.codelijsten.selectors import code_map

    keys = CODE_LISTS[standard]
    out = {name: code_map(standard, key) or None for name, key in keys.items()}
    out["debet_credit"] = {"D": "Debet", "C": "Credit"}
    out["status"] = code_map(standard, "COD467") or None
    return out


def warm_codes(standard: str) -> None:
    """Load the code lists of ``standard`` into the cache (before a parser process forks)."""
    _codes(standard)


def _period(fields: _Fields, start: str, end: str, required_end: bool = True, required=True):
    """The two dates of a period. Whether the end lies before the start is a rule of the
    registry (CS003, TR018, TR137) with its own code: ``validation`` checks it."""
    return fields.date(start, required), fields.date(end, required_end)


# --- the message -----------------------------------------------------------------------------


def _header(values: dict[str, str], standard: str, message_type: str, row) -> Header:
    fields = _Fields(values, row, "Header")
    versie, subversie = fields.text("BerichtVersie"), fields.text("BerichtSubversie")
    if (versie, subversie) != ("3", "2"):
        raise MessageError(
            _(
                "Message version %(version)s is not supported; only release 3.2 is accepted "
                "(%(rule)s)."
            )
            % {"version": f"{versie}.{subversie}", "rule": "CS025" if versie != "3" else "CS015"},
            rule="CS025" if versie != "3" else "CS015",
            retourcode="0001",
        )
    return Header(
        standard=standard,
        message_type=message_type,
        afzender=fields.text("Afzender"),
        ontvanger=fields.text("Ontvanger"),
        identificatie=fields.text("BerichtIdentificatie/Identificatie"),
        dagtekening=fields.date("BerichtIdentificatie/Dagtekening"),
        berichtcode=fields.text("BerichtCode"),
        versie=versie,
        subversie=subversie,
    )


def open_sniffed(path: Path, content: bytes | None = None):
    """The stored file at ``path`` (or its plain ``content``, when given) opened at its start,
    with its standard and message type (:func:`sniff` of its head). Raises
    :class:`MessageError`, the file closed again."""
    fh = open_stored(path) if content is None else io.BytesIO(content)
    try:
        standard, message_type = sniff(fh.read(HEAD_BYTES))
        fh.seek(0)
    except ArchiveError as exc:
        fh.close()
        raise MessageError(str(exc)) from exc
    except BaseException:
        fh.close()
        raise
    return fh, standard, message_type


def open_message(path: Path, *, on_bytes=None, content: bytes | None = None) -> Message:
    """The message in ``path``: header parsed, items streamed while ``items`` is iterated.
    ``content``: the file's plain bytes, read instead of the stored file.

    Raises :class:`MessageError` for anything that refuses the whole file (also while the items
    are iterated: XSD errors and malformed XML further on).
    """
    fh, standard, message_type = open_sniffed(path, content)  # closed by the generator
    schema = schema_for(standard, message_type)
    ns = f"http://www.istandaarden.nl/{standard}/3_2/{'wmo' if standard == 'iwmo' else 'jw'}" + (
        f"{message_type}/schema"
    )
    item_tag = ITEM_TAGS.get(message_type, "Header")
    # The root is in the filter so a truncated file is noticed (its end never comes).
    tags = [f"{{{ns}}}Bericht", f"{{{ns}}}Header", f"{{{ns}}}{item_tag}"]
    if message_type == "323":
        tags.append(f"{{{ns}}}Clienten")
    kwargs = _parser_kwargs()
    if schema is not None:
        kwargs["schema"] = schema
    fh = _TailKept(fh)
    context = etree.iterparse(fh, events=("start", "end"), tag=tags, **kwargs)
    events = _events(context, fh, on_bytes, tags[0])
    header = None
    try:
        for event, el in events:
            if event == "end" and _local(el.tag) == "Header":
                _reject_doctype(el)
                header = _header(_flat(el), standard, message_type, el.sourceline)
                break
    except MessageError:
        fh.close()
        raise
    if header is None:
        fh.close()
        raise MessageError(_("The message has no Header."))
    codes = _codes(standard)
    codes["_validated"] = schema is not None
    items = _ITEM_PARSERS.get(message_type, _drain)(events, header, codes, ns)
    from .validation import checked  # the rules within the message (imports this module)

    items = _schema_first(checked(header, items, validated=schema is not None), events, schema)
    return Message(header=header, items=items)


def _events(context, fh, on_bytes, root_tag: str) -> Iterator:
    """iterparse events, with lxml errors turned into :class:`MessageError`."""
    count = 0
    complete = False
    try:
        for event, el in context:
            # Only the root's end completes the file (the tag test first: no proxy per event).
            if event == "end" and el.tag == root_tag and el.getparent() is None:
                complete = True
            yield event, el
            if on_bytes is not None:
                count += 1
                if count % 2000 == 0:
                    on_bytes(fh.tell())
        if not complete:
            raise _cut_off_error()
        if on_bytes is not None:
            on_bytes(fh.tell())
    except etree.XMLSyntaxError as exc:
        if not xml_errors.is_schema_error(exc) and fh.cut_off():
            raise _cut_off_error() from exc
        raise _lxml_error(exc) from exc
    except ArchiveError as exc:  # the stored file itself is damaged
        raise MessageError(str(exc)) from exc
    finally:
        fh.close()


# The end of a whole message: the root's end tag, then only blanks, comments or instructions.
_WHOLE_END = re.compile(rb"</(?:[\w.-]+:)?Bericht\s*>(?:\s|<!--.*?-->|<\?.*?\?>)*\Z", re.S)


class _TailKept:
    """The stream lxml reads, keeping its last bytes: a syntax error in a file that was read to
    its end without the root's end tag there is reported as a cut-off file, whatever libxml2
    names it (a tag name cut in two is a "tag mismatch" to it)."""

    __slots__ = ("fh", "tail")
    KEEP = 512

    def __init__(self, fh):
        self.fh = fh
        self.tail = b""

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        if data:
            tail = self.tail + data if len(data) < self.KEEP else data
            self.tail = tail[-self.KEEP :]
        return data

    def tell(self) -> int:
        return self.fh.tell()

    def close(self) -> None:
        self.fh.close()

    def cut_off(self) -> bool:
        """Whether the file ends without its root's end tag (read past what lxml left)."""
        try:
            while self.read(64 * 1024):
                pass
        except (OSError, ArchiveError):
            return False
        return _WHOLE_END.search(self.tail) is None


def _cut_off_error() -> MessageError:
    return MessageError(_("The file ends prematurely (truncated): the message is incomplete."))


def _lxml_error(exc) -> MessageError:
    if xml_errors.is_schema_error(exc):
        return MessageError(xml_errors.schema_reason(exc), schema=True)
    return MessageError(_syntax_reason(exc))


def _schema_first(items, events, schema):
    """Items; a structural error is replaced by the XSD's own reason when the XSD also fails."""
    try:
        yield from items
    except MessageError:
        if schema is not None:
            for _event, el in events:  # the XSD error surfaces as MessageError from _events
                _drop(el)
        raise


def _drop(el) -> None:
    """Free a handled element and its earlier siblings (flat memory)."""
    el.clear(keep_tail=False)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _kids(el) -> dict[str, list]:
    """The children of ``el`` by local name (small elements: a client, a contact)."""
    out: dict[str, list] = {}
    for child in el:
        out.setdefault(_local(child.tag), []).append(child)
    return out


def _one(kids: dict, name: str):
    found = kids.get(name)
    return found[0] if found else None


def _text(el) -> str:
    return (el.text or "").strip() if el is not None else ""


def _day(el) -> dt.date | None:
    """A date element's value; None when absent or not a date (the XSD and the structural
    checks report malformed dates where they are required)."""
    value = _text(el)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _birth(kids: dict) -> tuple[dt.date | None, str]:
    geboorte = _one(kids, "Geboortedatum")
    if geboorte is None:
        return None, ""
    parts = _kids(geboorte)
    return _day(_one(parts, "Datum")), _text(_one(parts, "DatumGebruik"))


def _naam(kids: dict) -> tuple[str, bool]:
    naam = _one(kids, "Naam")
    if naam is None:
        return "", False
    parts = _kids(naam)
    return _text(_one(parts, "NaamGebruik")), _one(parts, "Partnernaam") is not None


def _contact(el) -> ContactRecord:
    kids = _kids(el)
    adres = _one(kids, "Adres")
    parts = _kids(adres) if adres is not None else {}
    periode = _one(kids, "Periode")
    dates = _kids(periode) if periode is not None else {}
    return ContactRecord(
        soort=_text(_one(kids, "Soort")),
        huis=_one(parts, "Huis") is not None,
        postcode=_text(_one(parts, "Postcode")),
        landcode=_text(_one(parts, "LandCode")),
        telefoon=_one(kids, "Telefoon") is not None,
        periode=periode is not None,
        periode_start=_day(_one(dates, "Begindatum")),
        periode_end=_day(_one(dates, "Einddatum")),
        row=el.sourceline,
    )


def _relatie(el) -> RelatieRecord:
    kids = _kids(el)
    birth, gebruik = _birth(kids)
    naam_gebruik, partner = _naam(kids)
    contact = _one(kids, "Contact")
    return RelatieRecord(
        nummer=_text(_one(kids, "Nummer")),
        birth_date=birth,
        datum_gebruik=gebruik,
        naam_gebruik=naam_gebruik,
        partnernaam=partner,
        contact=_contact(contact) if contact is not None else None,
        row=el.sourceline,
    )


# (Client element, its record) of the latest client, one tuple (read and replaced at once):
# the items of a client follow each other.
_LAST_CLIENT: list = [None]


def _client_of(el) -> ClientRecord:
    """The Client element an item sits in, as a record: BSN (elfproef), birth date and, for the
    rules within the message, name use, communication, addresses and relations. The client's
    children before its items are complete when the first item ends."""
    node = el.getparent()
    while node is not None and _local(node.tag) != "Client":
        node = node.getparent()
    cached = _LAST_CLIENT[0]
    if cached is not None and node is not None and cached[0] is node:
        return cached[1]
    kids = _kids(node) if node is not None else {}
    bsn = _text(_one(kids, "Bsn"))
    birth, gebruik = _birth(kids)
    naam_gebruik, partner = _naam(kids)
    communicatie = _kids(_one(kids, "Communicatie")) if "Communicatie" in kids else {}
    contacts = [_contact(c) for c in _kids(_one(kids, "Contactgegevens")).get("Contact", ())] if (
        "Contactgegevens" in kids) else []  # fmt: skip
    relaties = [_relatie(r) for r in _kids(_one(kids, "Relaties")).get("Relatie", ())] if (
        "Relaties" in kids) else []  # fmt: skip
    row = node.sourceline if node is not None else None
    if bsn not in _VALID_BSNS:
        bsn = _Fields({"Bsn": bsn}, row, "Client").bsn()
        if len(_VALID_BSNS) > 200_000:
            _VALID_BSNS.clear()
        _VALID_BSNS.add(bsn)
    record = ClientRecord(
        bsn=bsn,
        birth_date=birth,
        row=row,
        datum_gebruik=gebruik,
        naam_gebruik=naam_gebruik,
        partnernaam=partner,
        communicatie_vorm=_text(_one(communicatie, "Vorm")),
        taal=_text(_one(communicatie, "Taal")),
        contacts=tuple(contacts),
        relaties=tuple(relaties),
    )
    _LAST_CLIENT[0] = (node, record)
    return record


_VALID_BSNS: set[str] = set()  # BSNs that passed the elfproef (a cache, bounded)


def _parse_301(events, header, codes, ns):
    for event, el in events:
        if event != "end" or _local(el.tag) != "ToegewezenProduct":
            continue
        client = _client_of(el)
        f = _Fields(_flat(el), el.sourceline, "ToegewezenProduct")
        start, end = _period(f, "Ingangsdatum", "Einddatum", required_end=False)
        unit = f.code("Omvang/Eenheid", codes["eenheid"], required=False)
        record = ToewijzingRecord(
            client=client,
            toewijzingnummer=f.text("ToewijzingNummer"),
            productcategorie=f.code("Product/Categorie", codes["categorie"], required=False),
            productcode=f.text("Product/Code", required=False),
            toewijzingsdatum=f.date("Toewijzingsdatum"),
            ingangsdatum=start,
            einddatum=end,
            reden_wijziging=f.code("RedenWijziging", codes["reden_wijziging"], required=False),
            volume=f.integer("Omvang/Volume", required=False),
            unit=unit,
            frequency=f.code("Omvang/Frequentie", codes["frequentie"], required=False),
            budget_cents=f.integer("Budget", required=False),
            referentie_aanbieder=f.text("ReferentieAanbieder", required=False),
            row=el.sourceline,
        )
        _drop(el)
        yield record
    _LAST_CLIENT[0] = None


def _start_stop(el, codes, what):
    client = _client_of(el)
    f = _Fields(_flat(el), el.sourceline, what)
    return client, f


def _parse_305(events, header, codes, ns):
    for event, el in events:
        if event != "end" or _local(el.tag) != "StartProduct":
            continue
        client, f = _start_stop(el, codes, "StartProduct")
        record = StartRecord(
            client=client,
            toewijzingnummer=f.text("ToewijzingNummer", required=False),
            begindatum=f.date("Begindatum"),
            productcategorie=f.text("Product/Categorie", required=False),
            productcode=f.text("Product/Code", required=False),
            toewijzing_ingangsdatum=f.date("ToewijzingIngangsdatum", required=False),
            status_aanlevering=f.code("StatusAanlevering", codes["status"]),
            row=el.sourceline,
        )
        _drop(el)
        yield record
    _LAST_CLIENT[0] = None


def _parse_307(events, header, codes, ns):
    for event, el in events:
        if event != "end" or _local(el.tag) != "StopProduct":
            continue
        client, f = _start_stop(el, codes, "StopProduct")
        start, end = _period(f, "Begindatum", "Einddatum")
        record = StopRecord(
            client=client,
            toewijzingnummer=f.text("ToewijzingNummer", required=False),
            begindatum=start,
            einddatum=end,
            reden_beeindiging=f.code("RedenBeeindiging", codes["reden_beeindiging"]),
            productcategorie=f.text("Product/Categorie", required=False),
            productcode=f.text("Product/Code", required=False),
            toewijzing_ingangsdatum=f.date("ToewijzingIngangsdatum", required=False),
            status_aanlevering=f.code("StatusAanlevering", codes["status"]),
            row=el.sourceline,
        )
        _drop(el)
        yield record
    _LAST_CLIENT[0] = None


def _requested(f: _Fields, kind: str, start: str, end: str, required_start=True):
    """A requested product (315 AangevraagdProduct, 317 TeWijzigenProduct or NieuwProduct)."""
    first, last = _period(f, start, end, required_end=False, required=required_start)
    return ProductRequest(
        kind=kind,
        toewijzingnummer=f.text("ToewijzingNummer", required=False),
        productcategorie=f.text("Product/Categorie", required=False),
        productcode=f.text("Product/Code", required=False),
        ingangsdatum=first,
        einddatum=last,
        volume=f.integer("Omvang/Volume", required=False),
        unit=f.text("Omvang/Eenheid", required=False),
        frequency=f.text("Omvang/Frequentie", required=False),
        budget_cents=f.integer("Budget", required=False),
        beschikkingnummer=f.text("BeschikkingNummer", required=False),
        beschikking_ingangsdatum=f.date("BeschikkingIngangsdatum", required=False),
        verwijzer_type=f.text("Verwijzer/Type", required=False),
        verwijzer_naam=f.text("Verwijzer/Naam", required=False),
        zorgverlenercode=f.text("Verwijzer/ZorgverlenerCode", required=False),
        row=f.row,
    )


def _parse_315(events, header, codes, ns):
    for event, el in events:
        if event != "end" or _local(el.tag) != "AangevraagdProduct":
            continue
        client = _client_of(el)
        f = _Fields(_flat(el), el.sourceline, "AangevraagdProduct")
        product = _requested(f, "aangevraagd", "ToewijzingIngangsdatum", "ToewijzingEinddatum")
        start, end = product.ingangsdatum, product.einddatum
        details = {
            "productcategorie": product.productcategorie,
            "productcode": product.productcode,
            "ingangsdatum": start.isoformat() if start else "",
            "einddatum": end.isoformat() if end else "",
            "volume": product.volume,
            "eenheid": product.unit,
            "frequentie": product.frequency,
        }
        record = VerzoekRecord(
            kind="315",
            client=client,
            referentie=f.text("ReferentieAanbieder"),
            received_on=header.dagtekening,
            details=details,
            row=el.sourceline,
            products=(product,),
        )
        _drop(el)
        yield record
    _LAST_CLIENT[0] = None


_VOW_CLASSES = {"TeWijzigenProduct": "te_wijzigen", "NieuwProduct": "nieuw"}


def _parse_317(events, header, codes, ns):
    for event, el in events:
        if event != "end" or _local(el.tag) != "Verzoek":
            continue
        client = _client_of(el)
        f = _Fields(_flat(el), el.sourceline, "Verzoek")
        kids = _kids(el)
        ongewijzigd = tuple(
            _text(_one(_kids(product), "ToewijzingNummer"))
            for group in kids.get("OngewijzigdeProducten", ())
            for product in group
        )
        products = []
        for group_name in ("TeWijzigenProducten", "NieuweProducten"):
            for group in kids.get(group_name, ()):
                for product in group:
                    name = _local(product.tag)
                    fields = _Fields(_flat(product), product.sourceline, name)
                    products.append(
                        _requested(fields, _VOW_CLASSES[name], "GewensteIngangsdatum", "Einddatum")
                    )
        details = {"reden_verzoek": f.text("RedenVerzoek", required=False)}
        record = VerzoekRecord(
            kind="317",
            client=client,
            referentie=f.text("ReferentieAanbieder"),
            received_on=header.dagtekening,
            details=details,
            row=el.sourceline,
            products=tuple(products),
            ongewijzigd=ongewijzigd,
        )
        _drop(el)
        yield record
    _LAST_CLIENT[0] = None


def _parse_319(events, header, codes, ns):
    for event, el in events:
        if event != "end" or _local(el.tag) != "Antwoord":
            continue
        f = _Fields(_flat(el), el.sourceline, "Antwoord")
        record = AntwoordRecord(
            referentie=f.text("ReferentieAanbieder"),
            answer=f.text("VerzoekAntwoord"),
            reden_afwijzing=f.text("RedenAfwijzingVerzoek", required=False),
            answered_on=header.dagtekening,
            row=el.sourceline,
            woonplaatsbeginsel=f.text("Woonplaatsbeginsel/Gemeente", required=False),
        )
        _drop(el)
        yield record


def _parse_323(events, header, codes, ns):
    for event, el in events:
        if event == "start" and _local(el.tag) == "Clienten":
            declaratie = el.getparent()
            f = _Fields(_flat_before(declaratie, el), declaratie.sourceline, "Declaratie")
            first, last = _period(f, "DeclaratiePeriode/Begindatum", "DeclaratiePeriode/Einddatum")
            yield DeclaratieRecord(
                declaratienummer=f.text("DeclaratieNummer"),
                declaratiedatum=f.date("DeclaratieDagtekening"),
                period_start=first,
                period_end=last,
                total_cents=f.integer("TotaalIngediendBedrag/TotaalBedrag", maximum=MAX_TOTAL),
                total_debit_credit=f.code(
                    "TotaalIngediendBedrag/DebetCredit", codes["debet_credit"]
                ),
                lines=_prestaties(events, codes, ns),
                row=declaratie.sourceline,
            )
            return


def _flat_before(parent, stop) -> dict[str, str]:
    """Like :func:`_flat` for the children of ``parent`` before ``stop`` (fully parsed)."""
    out: dict[str, str] = {}
    for child in parent:
        if child is stop:
            break
        name = _local(child.tag)
        if len(child):
            for grand in child:
                out[f"{name}/{_local(grand.tag)}"] = (grand.text or "").strip()
        else:
            out[name] = (child.text or "").strip()
    return out


def _prestaties(events, codes, ns: str = "") -> Iterator[PrestatieRecord]:
    eenheden = codes["eenheid"]
    categories = codes["categorie"]
    validated = codes.get("_validated", False)
    current_client = None
    bsn = ""
    clients: set[str] = set()  # the BSNs of the message's Client classes (TR101)
    fromiso = parse_iso_date  # the slow path only: the fast one reads XSD-validated text
    prestatie_tag = f"{{{ns}}}Prestatie" if ns else None
    bsn_tag = f"{{{ns}}}Bsn"
    for event, el in events:
        if event != "end":
            continue
        if prestatie_tag is not None:
            if el.tag != prestatie_tag:
                continue
        elif _local(el.tag) != "Prestatie":
            continue
        client_el = el.getparent().getparent()
        if client_el is not current_client:
            current_client = client_el
            bsn = _client_bsn(client_el, bsn_tag) if validated and ns else None
            if bsn is None:
                bsn = _client_of(el).bsn
            if bsn in clients:  # a second Client class with this BSN
                from .validation import refusal

                raise refusal("TR101", client_el.sourceline, "Client", "Bsn")
            clients.add(bsn)
            # Drop the clients handled before this one.
            clienten = client_el.getparent()
            while client_el.getprevious() is not None:
                del clienten[0]
        row = el.sourceline
        record = _fast_record(el, bsn, row) if validated else None
        if record is None:
            v = _flat(el)
            try:
                record = PrestatieRecord(
                    bsn=bsn,
                    referentienummer=v["ProductReferentie/ReferentieNummer"],
                    vorig_referentienummer=v.get("ProductReferentie/VorigReferentieNummer", ""),
                    toewijzingnummer=v["ToewijzingNummer"],
                    productcategorie=v["ProductCategorie"],
                    productcode=v["ProductCode"],
                    period_start=fromiso(v["ProductPeriode/Begindatum"]),
                    period_end=fromiso(v["ProductPeriode/Einddatum"]),
                    volume=_uint(v["GeleverdVolume"]),
                    unit=v["Eenheid"],
                    tariff_cents=_uint(v["ProductTarief"]) if "ProductTarief" in v else None,
                    amount_cents=_uint(v["IngediendBedrag/Bedrag"]),
                    debit_credit=v["IngediendBedrag/DebetCredit"],
                    row=row,
                )
            except (KeyError, ValueError) as exc:
                _prestatie_detail(v, row, codes)
                raise MessageError(
                    _("Line %(row)s, Prestatie: invalid content.") % {"row": row}
                ) from exc
        if (
            record.debit_credit not in ("D", "C")
            or (eenheden is not None and record.unit not in eenheden)
            or (categories is not None and record.productcategorie not in categories)
            or not 0 <= record.volume <= MAX_AMOUNT
            or not 0 <= record.amount_cents <= MAX_AMOUNT
            or not 0 <= (record.tariff_cents or 0) <= MAX_AMOUNT
        ):
            _prestatie_detail(_flat(el), row, codes)
        _drop(el)
        yield record


def _client_bsn(client_el, bsn_tag: str) -> str | None:
    """The BSN of an XSD-validated Client (its first child) when it passes the elfproef;
    None to take the full path of :func:`_client_of` (which also reports the error)."""
    first = client_el[0] if len(client_el) else None
    if first is None or first.tag != bsn_tag:
        return None
    bsn = (first.text or "").strip()
    if bsn not in _VALID_BSNS:
        if not _elfproef(bsn):
            return None
        if len(_VALID_BSNS) > 200_000:
            _VALID_BSNS.clear()
        _VALID_BSNS.add(bsn)
    return bsn


_NINE_DIGITS = re.compile(r"[0-9]{9}")  # as common.validators.is_valid_bsn


def _elfproef(value: str) -> bool:
    """:func:`~zorgregio.common.validators.is_valid_bsn` unrolled for the hot path (one call
    per new client of a 323): 9 digits, weights 9..2 and -1, sum divisible by 11, not zero."""
    if not _NINE_DIGITS.fullmatch(value):
        return False
    a, b, c, d, e, f, g, h, i = map(int, value)
    total = 9 * a + 8 * b + 7 * c + 6 * d + 5 * e + 4 * f + 3 * g + 2 * h - i
    return total % 11 == 0 and total != 0


# The non-blank text nodes below an element in document order, in C (plain str, no proxies).
_TEXTS = etree.XPath("descendant::text()[normalize-space()]", smart_strings=False)


def _fast_record(el, bsn: str, row) -> PrestatieRecord | None:
    """The line of an XSD-validated Prestatie read from its texts by position (the XSD fixes
    the order; VorigReferentieNummer and ProductTarief are optional). None when the shape or
    a value is not the expected one: the caller takes the field-by-field path with its reasons.
    """
    t = _TEXTS(el)
    count = len(t)
    if count == 12:
        vorig, i, tariff = t[1], 2, t[9]
    elif count == 11:
        if len(el[0]) == 2:  # ProductReferentie with VorigReferentieNummer, no ProductTarief
            vorig, i, tariff = t[1], 2, None
        else:
            vorig, i, tariff = "", 1, t[8]
    elif count == 10:
        vorig, i, tariff = "", 1, None
    else:
        return None
    amount, debit_credit = (t[i + 8], t[i + 9]) if tariff is not None else (t[i + 7], t[i + 8])
    try:
        return PrestatieRecord(
            bsn, t[0], t[i], t[i + 1], t[i + 2], _fromiso(t[i + 3]), _fromiso(t[i + 4]),
            int(t[i + 5]), t[i + 6], int(tariff) if tariff is not None else None, int(amount),
            debit_credit, vorig, row,
        )  # fmt: skip
    except ValueError:
        return None


_fromiso = dt.date.fromisoformat


def _prestatie_detail(values, row, codes) -> None:
    """Re-check a faulty Prestatie field by field for a precise reason (slow path only)."""
    f = _Fields(values, row, "Prestatie")
    f.text("ProductReferentie/ReferentieNummer")
    f.text("ToewijzingNummer")
    f.code("ProductCategorie", codes["categorie"])
    f.text("ProductCode")
    _period(f, "ProductPeriode/Begindatum", "ProductPeriode/Einddatum")
    f.integer("GeleverdVolume")
    f.code("Eenheid", codes["eenheid"])
    f.integer("ProductTarief", required=False)
    f.integer("IngediendBedrag/Bedrag")
    f.code("IngediendBedrag/DebetCredit", codes["debet_credit"])


def _drain(events, header, codes, ns):
    """Return messages (302, 306, ...) are archived: read to the end (XSD), no items."""
    for _event, el in events:
        _drop(el)
    return
    yield


_ITEM_PARSERS = {
    "301": _parse_301,
    "305": _parse_305,
    "307": _parse_307,
    "315": _parse_315,
    "317": _parse_317,
    "319": _parse_319,
    "323": _parse_323,
}
