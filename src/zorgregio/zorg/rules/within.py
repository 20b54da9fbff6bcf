"""The technical rules of iWmo/iJw 3.2 checked within one message (check level *xslt*).

Plain functions over records that return True when the rule is **broken**, and, for the rules
over a whole message, small accumulators that see the items one by one as they stream from the
parser (a 323 can hold a million lines, so nothing here keeps the lines themselves: only sets of
hashed keys, one per line, and a running sum).

The hashed keys of TR101 and TR316 are 64-bit hashes; two different keys with the same hash
would refuse a valid message, a chance below one in 10^13 for a message of a million lines.
"""

from __future__ import annotations

import datetime as dt

DELETED = "13"  # RedenWijziging: verwijderd
VERVALLEN = "01"  # RedenWijziging: administratieve correctie (vervallen)
UNKNOWN_BIRTH = dt.date(1900, 1, 1)
WOONPLAATSBEGINSEL = "8"  # RedenAfwijzingVerzoek


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


# --- dates against the Dagtekening -----------------------------------------------------------


def tr002_born_within_120_years(birth_date, datum_gebruik: str, dagtekening) -> bool:
    """TR002: a Geboortedatum lies at most 120 years before the Dagtekening, unless it is
    unknown (DatumGebruik 3 and 01-01-1900)."""
    if birth_date is None or dagtekening is None:
        return False
    if datum_gebruik == "3" and birth_date == UNKNOWN_BIRTH:
        return False
    return birth_date < years_before(dagtekening, 120)


def tr134_not_after_dagtekening(day, dagtekening) -> bool:
    """TR134: a date that is not later than the Dagtekening of the message."""
    return day is not None and dagtekening is not None and day > dagtekening


def tr137_period_ended(start, end, dagtekening) -> bool:
    """TR137: the end of a period is on or after its start and not after the Dagtekening."""
    if end is None:
        return False
    return (start is not None and end < start) or (dagtekening is not None and end > dagtekening)


def tr335_not_five_years_old(end, declaratiedatum) -> bool:
    """TR335: the Einddatum lies at most five years before the DeclaratieDagtekening."""
    return (
        end is not None and declaratiedatum is not None and end < years_before(declaratiedatum, 5)
    )


def tr380_after_dagtekening(day, dagtekening) -> bool:
    """TR380 (317): the Einddatum of a product to change or a new product is later than the
    Dagtekening (a request for change cannot end anything in the past)."""
    return day is not None and dagtekening is not None and day <= dagtekening


def tr018_end_not_before_begin(stop) -> bool:
    """TR018 (307): the Einddatum is on or after the Begindatum."""
    return (
        stop.einddatum is not None
        and stop.begindatum is not None
        and (stop.einddatum < stop.begindatum)
    )


# --- the client's addresses (301) ------------------------------------------------------------


def tr006_contact_reachable(contact) -> bool:
    """TR006: a Contact has a Telefoon and/or both a Huis and a Postcode."""
    return not (contact.telefoon or (contact.huis and contact.postcode))


def tr061_has_residential_address(client) -> bool:
    """TR061: the Client has at least one address of Soort 01 (BRP), 02 (correspondence) or
    03 (residence)."""
    return not any(contact.soort in ("01", "02", "03") for contact in client.contacts)


# --- products that overlap (301, 315, 317) ---------------------------------------------------


def _same_product(a, b) -> bool:
    """TR302/TR386/TR410: the same product by code; without a code by category; without a
    category any product."""
    if not a.productcategorie or not b.productcategorie:
        return True
    if not a.productcode or not b.productcode:
        return a.productcategorie == b.productcategorie
    return a.productcategorie == b.productcategorie and a.productcode == b.productcode


def _overlap(a, b) -> bool:
    if a.ingangsdatum is None or b.ingangsdatum is None:
        return False
    a_end, b_end = a.einddatum or dt.date.max, b.einddatum or dt.date.max
    return a.ingangsdatum <= b_end and b.ingangsdatum <= a_end


def _counts_for_stacking(toewijzing) -> bool:
    """Deleted toewijzingen (RedenWijziging 13, or 01, on one day) are not part of TR302."""
    return not (
        getattr(toewijzing, "reden_wijziging", "") in (DELETED, VERVALLEN)
        and toewijzing.einddatum == toewijzing.ingangsdatum
    )


def overlapping_products(products) -> tuple | None:
    """TR302 (301), TR386 (315), TR410 (317 NieuwProduct): the first pair of the same product
    with overlapping periods, or None. ``products`` is small (one client's products)."""
    counted = [p for p in products if _counts_for_stacking(p)]
    for index, first in enumerate(counted):
        for second in counted[index + 1 :]:
            if _same_product(first, second) and _overlap(first, second):
                return first, second
    return None


# --- requests (317, 319) ---------------------------------------------------------------------


def tr352_keeps_or_changes_a_product(verzoek) -> bool:
    """TR352: a request for change holds at least one OngewijzigdProduct or TeWijzigenProduct."""
    return not verzoek.ongewijzigd and not any(p.kind == "te_wijzigen" for p in verzoek.products)


def tr353_changes_or_adds_a_product(verzoek) -> bool:
    """TR353: a request for change holds at least one TeWijzigenProduct or NieuwProduct."""
    return not verzoek.products


def tr377_woonplaatsbeginsel_given(antwoord) -> bool:
    """TR377 (iJw): with RedenAfwijzingVerzoek 8 (woonplaatsbeginsel) the class
    Woonplaatsbeginsel is there."""
    return antwoord.reden_afwijzing == WOONPLAATSBEGINSEL and not antwoord.woonplaatsbeginsel


def tr409_woonplaatsbeginsel_only_for_8(antwoord) -> bool:
    """TR409 (iJw): with another RedenAfwijzingVerzoek than 8 the class Woonplaatsbeginsel is
    left out."""
    return antwoord.reden_afwijzing != WOONPLAATSBEGINSEL and bool(antwoord.woonplaatsbeginsel)


# --- duplicates (TR101, TR383) ---------------------------------------------------------------


class Unique:
    """TR101 (and TR383): the logical key of a message class, with the keys of the classes
    above it, occurs once in the message. ``seen(key)`` is True for a key met before."""

    __slots__ = ("keys",)

    def __init__(self):
        self.keys: set[int] = set()

    def seen(self, key: tuple) -> bool:
        hashed = hash(key)
        if hashed in self.keys:
            return True
        self.keys.add(hashed)
        return False


def tr101_key_301(toewijzing) -> tuple:
    """ToegewezenProduct: ToewijzingNummer (within the one Client)."""
    return (toewijzing.toewijzingnummer,)


def tr101_key_305(start) -> tuple:
    """StartProduct: ToewijzingNummer, Product and Begindatum."""
    return (start.toewijzingnummer, start.productcategorie, start.productcode, start.begindatum)


def tr101_key_307(stop) -> tuple:
    """StopProduct: ToewijzingNummer, Product, Begindatum, Einddatum and RedenBeeindiging."""
    return (stop.toewijzingnummer, stop.productcategorie, stop.productcode, stop.begindatum,
            stop.einddatum, stop.reden_beeindiging)  # fmt: skip


def tr101_key_317(product) -> tuple:
    """TeWijzigenProduct: ToewijzingNummer; NieuwProduct: Product and GewensteIngangsdatum."""
    if product.kind == "te_wijzigen":
        return (product.kind, product.toewijzingnummer)
    return (product.kind, product.productcategorie, product.productcode, product.ingangsdatum)


def duplicate_in(values) -> object | None:
    """The first value that occurs twice in ``values`` (small: one client's items), or None."""
    seen = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None


# --- the declaration (323) -------------------------------------------------------------------


class DeclaratieLines:
    """The rules over all lines of one 323, fed line by line.

    TR101 (a line's ReferentieNummer and VorigReferentieNummer once per client), TR315 (a
    VorigReferentieNummer once in the message), TR416 (one debit per ToewijzingNummer, product
    and period) are decided at the line that breaks them; TR316 (no debit credited in the same
    message, in whichever order the two come) and TR358 (the total) at the end.
    """

    __slots__ = ("refs", "again", "vorige", "debits", "signed_sum")

    def __init__(self):
        # hash(ReferentieNummer) -> hash((bsn, VorigReferentieNummer)) of its first line
        self.refs: dict[int, int] = {}
        self.again: set[int] = set()  # the keys of references met more than once (rare)
        self.vorige: dict[str, int | None] = {}  # VorigReferentieNummer -> row (credits: few)
        self.debits: set[int] = set()  # hash of the TR416 key of each debit line
        self.signed_sum = 0  # TR358: debit minus credit

    def tr101_duplicate_line(self, line) -> bool:
        """TR101: a line's key (ReferentieNummer, VorigReferentieNummer) with its client's key
        (Bsn) occurs once. The same ReferentieNummer for another client or credit is not a
        duplicate line (that is TR314, across messages); such references are kept apart."""
        ref = hash(line.referentienummer)
        rest = hash((line.bsn, line.vorig_referentienummer))
        first = self.refs.setdefault(ref, rest)
        if first is rest:  # the reference's first line
            return False
        if first == rest:
            return True
        key = hash((ref, rest))
        if key in self.again:
            return True
        self.again.add(key)
        self.again.add(hash((ref, first)))
        return False

    def tr315_vorig_twice(self, line) -> bool:
        vorig = line.vorig_referentienummer
        if not vorig:
            return False
        if vorig in self.vorige:
            return True
        self.vorige[vorig] = line.row
        return False

    def tr416_debit_twice(self, line) -> bool:
        if line.debit_credit != "D":
            return False
        key = hash((line.toewijzingnummer, line.productcategorie, line.productcode,
                    line.period_start, line.period_end))  # fmt: skip
        if key in self.debits:
            return True
        self.debits.add(key)
        return False

    def tr316_credited_in_message(self) -> str | None:
        """The VorigReferentieNummer of a credit line whose debit is in this message, or None."""
        for vorig in self.vorige:
            if hash(vorig) in self.refs:
                return vorig
        return None

    def tr358_total_differs(self, declaratie) -> bool:
        """TR358: TotaalIngediendBedrag is the sum of the lines' amounts, debit minus credit
        (``signed_sum``, added up by the caller as the lines pass)."""
        total = declaratie.total_cents
        return (-total if declaratie.total_debit_credit == "C" else total) != self.signed_sum
