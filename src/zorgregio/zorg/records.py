"""Parsed messages as plain records: what the care model's services take
(:mod:`zorgregio.zorg.apply`), and what the XML parsers and the CSV import of ``berichten``
both produce.

The care model is fed only through these records, so a CSV import gets exactly the same checks
as a message file; a message the care model refuses raises :class:`MessageError`.
Records are small and flat; a
declaration's lines are an iterable so a parser can stream them without holding a whole
file in memory.

Amounts are integer eurocents, dates are ``datetime.date``. ``row`` is the line in the source
(XML line number or CSV row) that error messages name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

# Message types this product processes (the 3.x numbering; 303/304 are the old 2.x messages).
MESSAGE_TYPES = ("301", "305", "307", "315", "317", "319", "323")
# Return messages: validated and archived, nothing to apply to the care model.
RETURN_TYPES = ("302", "306", "308", "316", "318", "320", "325")


class MessageError(Exception):
    """The file or message is refused; ``reason`` is a Dutch explanation, ``rule`` the code of
    the rule it broke (registry ``zorg.rules``; "XSD" for the official XSD) and ``retourcode``
    that rule's retourcode."""

    def __init__(self, reason: str, *, schema: bool = False, rule: str = "", retourcode: str = "",
                 row=None):  # fmt: skip
        super().__init__(reason)
        self.reason = reason
        self.schema = schema  # the official XSD refused the message
        self.rule = rule or ("XSD" if schema else "")
        self.retourcode = retourcode
        self.row = row


@dataclass(slots=True)
class Header:
    """The Header of a message. ``standard`` is ``"iwmo"`` or ``"ijw"``."""

    standard: str
    message_type: str
    afzender: str
    ontvanger: str
    identificatie: str = ""
    dagtekening: dt.date | None = None
    berichtcode: str = ""
    versie: str = "3"
    subversie: str = "2"

    @property
    def law(self) -> str:
        """The ``regio.models.Law`` value: ``"wmo"`` or ``"jw"``."""
        return "wmo" if self.standard == "iwmo" else "jw"

    @property
    def from_municipality(self) -> bool:
        """301 and 319 go from the municipality to the provider; the rest the other way."""
        return self.message_type in ("301", "319")

    @property
    def municipality_code(self) -> str:
        return self.afzender if self.from_municipality else self.ontvanger

    @property
    def provider_code(self) -> str:
        return self.ontvanger if self.from_municipality else self.afzender


@dataclass(slots=True)
class ContactRecord:
    """A Contact (an address) of a client or a relation in a 301, as far as the rules need it:
    which parts are there and the codes that decide what must be there."""

    soort: str
    huis: bool = False
    postcode: str = ""
    landcode: str = ""
    telefoon: bool = False
    periode: bool = False
    periode_start: dt.date | None = None
    periode_end: dt.date | None = None
    row: int | None = None


@dataclass(slots=True)
class RelatieRecord:
    """A Relatie of the client in a 301."""

    nummer: str
    birth_date: dt.date | None = None
    datum_gebruik: str = ""
    naam_gebruik: str = ""
    partnernaam: bool = False
    contact: ContactRecord | None = None
    row: int | None = None


@dataclass(slots=True)
class ClientRecord:
    """The Client of a message. Beyond the BSN and birth date only what the rules within the
    message need (301: name use, communication, contacts and relations)."""

    bsn: str
    birth_date: dt.date | None = None
    row: int | None = None
    datum_gebruik: str = ""
    naam_gebruik: str = ""
    partnernaam: bool = False
    communicatie_vorm: str = ""
    taal: str = ""
    contacts: tuple[ContactRecord, ...] = ()
    relaties: tuple[RelatieRecord, ...] = ()


@dataclass(slots=True)
class ToewijzingRecord:
    """One ToegewezenProduct of a 301."""

    client: ClientRecord
    toewijzingnummer: str
    productcategorie: str = ""
    productcode: str = ""
    toewijzingsdatum: dt.date | None = None
    ingangsdatum: dt.date | None = None
    einddatum: dt.date | None = None
    reden_wijziging: str = ""
    volume: int | None = None
    unit: str = ""
    frequency: str = ""
    budget_cents: int | None = None
    referentie_aanbieder: str = ""
    row: int | None = None


@dataclass(slots=True)
class StartRecord:
    """One StartProduct of a 305. StatusAanlevering 1 new, 2 correction, 3 deletion."""

    client: ClientRecord
    toewijzingnummer: str
    begindatum: dt.date
    productcategorie: str = ""
    productcode: str = ""
    toewijzing_ingangsdatum: dt.date | None = None
    status_aanlevering: str = "1"
    row: int | None = None


@dataclass(slots=True)
class StopRecord:
    """One StopProduct of a 307."""

    client: ClientRecord
    toewijzingnummer: str
    begindatum: dt.date
    einddatum: dt.date
    reden_beeindiging: str = ""
    productcategorie: str = ""
    productcode: str = ""
    toewijzing_ingangsdatum: dt.date | None = None
    status_aanlevering: str = "1"
    row: int | None = None
    # A CSV row with begin and end is a whole delivery: without a start it is its own start
    # (a 307 message needs its 305: TR382).
    with_start: bool = False


@dataclass(slots=True)
class ProductRequest:
    """A requested product: an AangevraagdProduct (315), or a TeWijzigenProduct or NieuwProduct
    (317). The attribute names are those of :class:`ToewijzingRecord`, so the rules on a product
    and its omvang are the same functions for both."""

    kind: str  # "aangevraagd", "te_wijzigen" or "nieuw"
    toewijzingnummer: str = ""
    productcategorie: str = ""
    productcode: str = ""
    ingangsdatum: dt.date | None = None  # ToewijzingIngangsdatum (315), GewensteIngangsdatum
    einddatum: dt.date | None = None
    volume: int | None = None
    unit: str = ""
    frequency: str = ""
    budget_cents: int | None = None
    beschikkingnummer: str = ""
    beschikking_ingangsdatum: dt.date | None = None
    verwijzer_type: str = ""
    verwijzer_naam: str = ""
    zorgverlenercode: str = ""
    row: int | None = None


@dataclass(slots=True)
class VerzoekRecord:
    """A 315 (one per AangevraagdProduct) or 317 (request for change).

    ``products`` holds the 315's requested product, or the 317's products to change and new
    products; ``ongewijzigd`` the ToewijzingNummers a 317 keeps unchanged."""

    kind: str  # "315" or "317"
    client: ClientRecord
    referentie: str
    received_on: dt.date | None = None
    details: dict = field(default_factory=dict)
    row: int | None = None
    products: tuple[ProductRequest, ...] = ()
    ongewijzigd: tuple[str, ...] = ()


@dataclass(slots=True)
class AntwoordRecord:
    """A 319: the municipality's answer to a request."""

    referentie: str
    answer: str
    reden_afwijzing: str = ""
    answered_on: dt.date | None = None
    row: int | None = None
    woonplaatsbeginsel: str = ""  # the Gemeente of the Woonplaatsbeginsel class, when present


@dataclass(slots=True)
class PrestatieRecord:
    """One declaration line (Prestatie of a 323). ``tariff_cents`` is None when the line has no
    ProductTarief (a line in euros, Eenheid 83: CD087)."""

    bsn: str
    referentienummer: str
    toewijzingnummer: str
    productcategorie: str
    productcode: str
    period_start: dt.date
    period_end: dt.date
    volume: int
    unit: str
    tariff_cents: int | None
    amount_cents: int
    debit_credit: str = "D"
    vorig_referentienummer: str = ""
    row: int | None = None


@dataclass(slots=True)
class DeclaratieRecord:
    """A 323 declaration. ``lines`` may be a list or a generator (streamed from the file)."""

    declaratienummer: str
    declaratiedatum: dt.date
    period_start: dt.date
    period_end: dt.date
    total_cents: int
    total_debit_credit: str = "D"
    lines: Iterable[PrestatieRecord] = ()
    row: int | None = None


Item = (
    ToewijzingRecord | StartRecord | StopRecord | VerzoekRecord | AntwoordRecord | DeclaratieRecord
)


@dataclass(slots=True)
class Message:
    """One message: its header and its items (streamed for large messages)."""

    header: Header
    items: Iterable[Item] = ()

    def close(self) -> None:
        """Stop reading: frees the file (and a parser process) when not read to the end."""
        close = getattr(self.items, "close", None)
        if close is not None:
            close()
