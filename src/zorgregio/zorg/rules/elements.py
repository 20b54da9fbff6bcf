"""The conditions (CD) and constraints (CS) of iWmo/iJw 3.2 per data element.

Each function answers one rule for one record and returns True when the record **breaks** it.
They read the plain records of ``zorg.records`` (or anything with the same attribute
names) and nothing else: no database, no settings, so they run in the parser process too.
A product rule takes a 301 ToegewezenProduct or a requested product of a 315/317 alike (both
have ``productcategorie``, ``productcode``, ``ingangsdatum``, ``einddatum``, ``volume``,
``unit``, ``frequency`` and ``budget_cents``).

The registry (:mod:`.registry`) names for each function the rule code, the elements and the
retourcode; the rule texts quoted in the docstrings are the standard's own.
"""

from __future__ import annotations

import datetime as dt
import re

EURO = "83"  # WJ756: Euro's
FIRST_DECLARABLE = dt.date(2021, 1, 1)  # CS100
OMVANG_FROM = dt.date(2020, 12, 31)  # CD080/CD095/CD096/CS338/CS343: "groter dan 31-12-2020"
PER_WEEK = "2"  # WMO757
UNITS_NEEDING_LONG_FREQUENCY = frozenset({"14", "16", "83", "84"})  # CS338/CS343
LONG_FREQUENCIES = frozenset({"2", "4", "6"})
VERWIJZER_ZORGVERLENER = frozenset({"02", "03", "04", "05"})  # CD066/CD067/CD068
DUTCH_POSTCODE = re.compile(r"[1-9][0-9]{3}[A-Z]{2}\Z")


# --- Client and relation (301, 305, 307, 315) ------------------------------------------------


def cs139_datum_gebruik(birth_date: dt.date | None, datum_gebruik: str) -> bool:
    """CS139: DatumGebruik and Datum of a Geboortedatum agree (IV009: an unknown day is 01,
    an unknown month 01, an unknown date 01-01-1900)."""
    if birth_date is None or not datum_gebruik:
        return False
    if datum_gebruik == "1":
        return birth_date.day != 1
    if datum_gebruik == "2":
        return (birth_date.day, birth_date.month) != (1, 1)
    if datum_gebruik == "3":
        return birth_date != dt.date(1900, 1, 1)
    return False


def cs318_no_naam_gebruik_6(client) -> bool:
    """CS318: NaamGebruik 6 (niet-natuurlijk persoon) is not used for the client."""
    return client.naam_gebruik == "6"


def cs050_naam_gebruik(person) -> bool:
    """CS050: with a Partnernaam NaamGebruik is 1, 2, 3 or 4; without one, 1 or 6."""
    if not person.naam_gebruik:
        return False
    allowed = ("1", "2", "3", "4") if person.partnernaam else ("1", "6")
    return person.naam_gebruik not in allowed


def cd007_taal(client) -> bool:
    """CD007: Taal is filled when Communicatie/Vorm is 1 (tolk taal), else left empty."""
    if not client.communicatie_vorm:
        return False
    return (client.communicatie_vorm == "1") != bool(client.taal)


# --- Contact (301) ---------------------------------------------------------------------------


def cd025_huis(contact) -> bool:
    """CD025: with LandCode NL the address has a Huis."""
    return contact.landcode == "NL" and not contact.huis


def cd034_postcode(contact) -> bool:
    """CD034: a BRP address (01) or a residence address (03) has a Postcode."""
    return contact.soort in ("01", "03") and not contact.postcode


def cs089_dutch_postcode(contact) -> bool:
    """CS089: with LandCode NL the Postcode has the Dutch format (1234AB)."""
    return (
        contact.landcode == "NL"
        and bool(contact.postcode)
        and not DUTCH_POSTCODE.match(contact.postcode)
    )


def cd005_landcode(contact) -> bool:
    """CD005: LandCode is filled when there is a Postcode, else left empty."""
    return bool(contact.postcode) != bool(contact.landcode)


def cd009_periode(contact) -> bool:
    """CD009: only a temporary address (Soort 04) has a Periode."""
    return contact.periode and contact.soort != "04"


def cs003_end_not_before_start(start: dt.date | None, end: dt.date | None) -> bool:
    """CS003: an end date, where given, is on or after the start (or Ingangsdatum)."""
    return start is not None and end is not None and end < start


# --- ToegewezenProduct (301) and requested products (315, 317) -------------------------------


def cd079_product(product) -> bool:
    """CD079: without a Budget the Product is filled."""
    return product.budget_cents is None and not product.productcategorie


def cd075_einddatum_with_budget(product) -> bool:
    """CD075: with a Budget the Einddatum is filled."""
    return product.budget_cents is not None and product.einddatum is None


def cd076_einddatum_per_week(product) -> bool:
    """CD076: with Frequentie 2 (per week) the Einddatum is filled."""
    return product.frequency == PER_WEEK and product.einddatum is None


def cs003_product_period(product) -> bool:
    """CS003 on the product's period (Einddatum not before the Ingangsdatum)."""
    return cs003_end_not_before_start(product.ingangsdatum, product.einddatum)


def cd041_omvang_with_code(product) -> bool:
    """CD041: with a ProductCode the Omvang is filled."""
    return bool(product.productcode) and product.volume is None


def cd077_no_omvang_with_budget(product) -> bool:
    """CD077: with a Budget the Omvang is left empty."""
    return product.budget_cents is not None and product.volume is not None


def cd078_no_budget_with_omvang(product) -> bool:
    """CD078: with an Omvang the Budget is left empty."""
    return product.volume is not None and product.budget_cents is not None


def cd080_no_omvang_without_code(product) -> bool:
    """CD080 (301), CD095 (315), CD096 (317): without a ProductCode and with an end after
    31-12-2020 (or none) the Omvang is left empty."""
    return (
        not product.productcode
        and (product.einddatum is None or product.einddatum > OMVANG_FROM)
        and product.volume is not None
    )


def cs338_frequency_for_unit(product) -> bool:
    """CS338 (301, 317), CS343 (315): in Eenheid 14, 16, 83 or 84, with an end after
    31-12-2020 (or none), the Frequentie is 2, 4 or 6."""
    return (
        product.volume is not None
        and product.unit in UNITS_NEEDING_LONG_FREQUENCY
        and (product.einddatum is None or product.einddatum > OMVANG_FROM)
        and product.frequency not in LONG_FREQUENCIES
    )


def cs335_deleted_only_on_one_day(toewijzing) -> bool:
    """CS335: RedenWijziging 13 (verwijderd) only when the Ingangsdatum equals the Einddatum."""
    return toewijzing.reden_wijziging == "13" and toewijzing.einddatum != toewijzing.ingangsdatum


def cs336_no_reden_01(toewijzing) -> bool:
    """CS336: RedenWijziging 01 (administratieve correctie, vervallen) is not used."""
    return toewijzing.reden_wijziging == "01"


def cd043_beschikking_ingangsdatum(product) -> bool:
    """CD043: BeschikkingIngangsdatum is filled when there is a BeschikkingNummer, else empty."""
    return bool(product.beschikkingnummer) != (product.beschikking_ingangsdatum is not None)


def cd066_no_naam_with_zorgverlenercode(product) -> bool:
    """CD066: a verwijzer of type 02-05 with a ZorgverlenerCode has no Naam."""
    return (
        product.verwijzer_type in VERWIJZER_ZORGVERLENER
        and bool(product.zorgverlenercode)
        and bool(product.verwijzer_naam)
    )


def cd067_naam_without_zorgverlenercode(product) -> bool:
    """CD067: a verwijzer of type 02-05 without a ZorgverlenerCode has a Naam."""
    return (
        product.verwijzer_type in VERWIJZER_ZORGVERLENER
        and not product.zorgverlenercode
        and not product.verwijzer_naam
    )


def cd068_no_zorgverlenercode_for_other_types(product) -> bool:
    """CD068: a verwijzer of another type than 02-05 has no ZorgverlenerCode."""
    return (
        bool(product.verwijzer_type)
        and product.verwijzer_type not in VERWIJZER_ZORGVERLENER
        and bool(product.zorgverlenercode)
    )


# --- StartProduct and StopProduct (305, 307) -------------------------------------------------


def cs058_status_aanlevering(item) -> bool:
    """CS058: StatusAanlevering is 1 (eerste aanlevering) or 3 (verwijderen)."""
    return item.status_aanlevering not in ("1", "3")


# --- Antwoord (319) --------------------------------------------------------------------------


def cd085_reden_when_refused(antwoord) -> bool:
    """CD085: with VerzoekAntwoord 1 (afgewezen) the RedenAfwijzingVerzoek is filled."""
    return antwoord.answer == "1" and not antwoord.reden_afwijzing


def cd086_no_reden_when_investigating(antwoord) -> bool:
    """CD086: with VerzoekAntwoord 2 (in onderzoek) the RedenAfwijzingVerzoek is left empty."""
    return antwoord.answer == "2" and bool(antwoord.reden_afwijzing)


# --- Declaratie and Prestatie (323) ----------------------------------------------------------


def cs100_from_2021(start: dt.date) -> bool:
    """CS100: a DeclaratiePeriode or ProductPeriode starts on or after 01-01-2021."""
    return start < FIRST_DECLARABLE


def cs340_one_calendar_month(start: dt.date, end: dt.date) -> bool:
    """CS340: the DeclaratiePeriode is exactly one whole calendar month."""
    if start.day != 1 or (start.year, start.month) != (end.year, end.month):
        return True
    return (end + dt.timedelta(days=1)).day != 1


def cs325_zero_is_debit(amount_cents: int, debit_credit: str) -> bool:
    """CS325: a (Totaal)Bedrag of 0 has DebetCredit D."""
    return amount_cents == 0 and debit_credit != "D"


def cs319_declaratienummer(nummer: str) -> bool:
    """CS319: DeclaratieNummer holds only digits and/or letters (ASCII), without spaces."""
    return not (nummer.isascii() and nummer.isalnum())


def cd060_vorig_referentienummer(line) -> bool:
    """CD060: VorigReferentieNummer is filled for a credit line (C), else left empty."""
    return (line.debit_credit == "C") != bool(line.vorig_referentienummer)


def cs337_one_month(line) -> bool:
    """CS337: the ProductPeriode ends in the calendar month and year it starts in."""
    start, end = line.period_start, line.period_end
    return start.month != end.month or start.year != end.year


def cd087_tariff(line) -> bool:
    """CD087: ProductTarief is filled when the Eenheid is not 83 (euro's), else left empty."""
    return (line.tariff_cents is None) != (line.unit == EURO)


def cs339_euros_amount_is_volume(line) -> bool:
    """CS339: in Eenheid 83 (euro's) the IngediendBedrag equals the GeleverdVolume."""
    return line.unit == EURO and line.amount_cents != line.volume
