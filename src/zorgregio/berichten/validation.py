"""The rules within a message, run on the records as they stream from the parser.

:func:`checked` wraps the items of a parsed message (and the lines of a declaration) so that
every rule of the registry (``zorg.rules``) that is checked within the message runs on each
record as it passes, before it reaches the care model; the rules over the whole message keep a
little state while the records stream (hashed keys, not the records). A broken rule raises
:class:`~.parsers.MessageError` with the rule code and retourcode 0001, which rolls the
message's transaction back: the standard refuses the whole message for these rules (IV087).

The same wrapper runs in the parser process (``pipeline``), in this process for small files
and for the CSV import, so the verdicts do not depend on the path a file takes.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from zorgregio.common.rows import cursor_for
from zorgregio.zorg.records import DeclaratieRecord
from zorgregio.zorg.rules import elements as el
from zorgregio.zorg.rules import within as tr
from zorgregio.zorg.rules.registry import RULES

from .parsers import MessageError


def refusal(code: str, row, what: str, detail: str = "") -> MessageError:
    """The MessageError of a broken rule: its Dutch text, where, and the retourcode."""
    found = RULES[code]
    reason = _(
        "Line %(row)s, %(what)s: %(text)s%(detail)s (%(rule)s, retourcode %(code)s); "
        "the message is refused."
    ) % {
        "row": row or "?",
        "what": what,
        "text": found.text,
        "detail": f" [{detail}]" if detail else "",
        "rule": code,
        "code": found.retourcode,
    }
    return MessageError(reason, rule=code, retourcode=found.retourcode, row=row)


def checked(header, items, *, validated: bool = False, today=None, client_details=True):
    """``items`` with the rules of ``header``'s message type run on them (a generator).

    ``validated``: the parser validates against the XSD, so when a rule refuses a declaration's
    lines the rest of the file is read first: an XSD error further on is the reason that
    counts (check level 1 before level 2; for the items the parser does the same).
    ``client_details``: the records carry the client's names, addresses and relations (a
    message does; the CSV import has no such columns, so those rules do not apply to it)."""
    check_dagtekening(header, today or timezone.localdate())
    checker = _CHECKERS.get(header.message_type)
    if checker is None:
        yield from items
        return
    yield from checker(header, items, validated, client_details)


def check_dagtekening(header, today) -> None:
    """TR135: the Dagtekening is an existing date that does not lie in the future."""
    if header.dagtekening is not None and header.dagtekening > today:
        raise refusal("TR135", None, "Header", header.dagtekening.isoformat())


# --- the client (301, 305, 307, 315) ---------------------------------------------------------


def _birth_rules(person, dagtekening, row, what) -> None:
    if el.cs139_datum_gebruik(person.birth_date, person.datum_gebruik):
        raise refusal("CS139", row, what)
    if tr.tr002_born_within_120_years(person.birth_date, person.datum_gebruik, dagtekening):
        raise refusal("TR002", row, what)
    if tr.tr134_not_after_dagtekening(person.birth_date, dagtekening):
        raise refusal("TR134", row, what, "Geboortedatum")


def _contact_rules(contact, what) -> None:
    row = contact.row
    for code, check in (
        ("CD025", el.cd025_huis),
        ("CD034", el.cd034_postcode),
        ("CS089", el.cs089_dutch_postcode),
        ("CD005", el.cd005_landcode),
        ("CD009", el.cd009_periode),
        ("TR006", tr.tr006_contact_reachable),
    ):
        if check(contact):
            raise refusal(code, row, what)
    if el.cs003_end_not_before_start(contact.periode_start, contact.periode_end):
        raise refusal("CS003", row, what, "Periode")


def client_rules(client, dagtekening, *, full: bool) -> None:
    """The rules on the Client of a 301 (``full``: names, communication, addresses and
    relations too) or of a 305/307/315 (birth date only)."""
    row = client.row
    _birth_rules(client, dagtekening, row, "Client")
    if not full:
        return
    if el.cs318_no_naam_gebruik_6(client):
        raise refusal("CS318", row, "Client")
    if el.cs050_naam_gebruik(client):
        raise refusal("CS050", row, "Client")
    if el.cd007_taal(client):
        raise refusal("CD007", row, "Client")
    soorten = tr.duplicate_in(contact.soort for contact in client.contacts)
    if soorten is not None:
        raise refusal("TR101", row, "Contact", f"Soort {soorten}")
    for contact in client.contacts:
        _contact_rules(contact, "Contact")
    if tr.tr061_has_residential_address(client):
        raise refusal("TR061", row, "Client")
    nummer = tr.duplicate_in(relatie.nummer for relatie in client.relaties)
    if nummer is not None:
        raise refusal("TR101", row, "Relatie", f"Nummer {nummer}")
    for relatie in client.relaties:
        _birth_rules(relatie, dagtekening, relatie.row, "Relatie")
        if el.cs050_naam_gebruik(relatie):
            raise refusal("CS050", relatie.row, "Relatie")
        if relatie.contact is not None:
            _contact_rules(relatie.contact, "Relatie/Contact")


# --- products (301, 315, 317) ----------------------------------------------------------------

# (code, function) per kind of product, in the order of the elements.
_TOEGEWEZEN = (
    ("CD079", el.cd079_product),
    ("CD075", el.cd075_einddatum_with_budget),
    ("CD076", el.cd076_einddatum_per_week),
    ("CS003", el.cs003_product_period),
    ("CS335", el.cs335_deleted_only_on_one_day),
    ("CS336", el.cs336_no_reden_01),
    ("CD041", el.cd041_omvang_with_code),
    ("CD077", el.cd077_no_omvang_with_budget),
    ("CD080", el.cd080_no_omvang_without_code),
    ("CS338", el.cs338_frequency_for_unit),
    ("CD078", el.cd078_no_budget_with_omvang),
)
_AANGEVRAAGD = (
    ("CD079", el.cd079_product),
    ("CD043", el.cd043_beschikking_ingangsdatum),
    ("CD075", el.cd075_einddatum_with_budget),
    ("CD076", el.cd076_einddatum_per_week),
    ("CS003", el.cs003_product_period),
    ("CD041", el.cd041_omvang_with_code),
    ("CD077", el.cd077_no_omvang_with_budget),
    ("CD095", el.cd080_no_omvang_without_code),
    ("CS343", el.cs338_frequency_for_unit),
    ("CD078", el.cd078_no_budget_with_omvang),
    ("CD066", el.cd066_no_naam_with_zorgverlenercode),
    ("CD067", el.cd067_naam_without_zorgverlenercode),
    ("CD068", el.cd068_no_zorgverlenercode_for_other_types),
)
_TE_WIJZIGEN = (
    ("CD075", el.cd075_einddatum_with_budget),
    ("CD076", el.cd076_einddatum_per_week),
    ("CS003", el.cs003_product_period),
    ("CD077", el.cd077_no_omvang_with_budget),
    ("CS338", el.cs338_frequency_for_unit),
    ("CD078", el.cd078_no_budget_with_omvang),
)
_NIEUW = (
    ("CD079", el.cd079_product),
    ("CD075", el.cd075_einddatum_with_budget),
    ("CD076", el.cd076_einddatum_per_week),
    ("CS003", el.cs003_product_period),
    ("CD041", el.cd041_omvang_with_code),
    ("CD077", el.cd077_no_omvang_with_budget),
    ("CD096", el.cd080_no_omvang_without_code),
    ("CS338", el.cs338_frequency_for_unit),
    ("CD078", el.cd078_no_budget_with_omvang),
)
PRODUCT_RULES = {
    "toegewezen": _TOEGEWEZEN,
    "aangevraagd": _AANGEVRAAGD,
    "te_wijzigen": _TE_WIJZIGEN,
    "nieuw": _NIEUW,
}
_CLASS = {
    "toegewezen": "ToegewezenProduct",
    "aangevraagd": "AangevraagdProduct",
    "te_wijzigen": "TeWijzigenProduct",
    "nieuw": "NieuwProduct",
}


def product_rules(product, kind: str) -> None:
    for code, check in PRODUCT_RULES[kind]:
        if check(product):
            raise refusal(code, product.row, _CLASS[kind])


def _overlap(products, code: str, what: str) -> None:
    pair = tr.overlapping_products(products)
    if pair is not None:
        first, second = pair
        raise refusal(code, second.row, what, _("overlaps line %(row)s") % {"row": first.row})


# --- per message type ------------------------------------------------------------------------


def _check_301(header, items, validated, client_details=True):
    dagtekening = header.dagtekening
    numbers = tr.Unique()
    products = []
    client = None
    for item in items:
        if item.client is not client:
            client = item.client
            client_rules(client, dagtekening, full=client_details)
        if numbers.seen(tr.tr101_key_301(item)):
            raise refusal("TR101", item.row, "ToegewezenProduct", item.toewijzingnummer)
        product_rules(item, "toegewezen")
        if tr.tr134_not_after_dagtekening(item.toewijzingsdatum, dagtekening):
            raise refusal("TR134", item.row, "ToegewezenProduct", "Toewijzingsdatum")
        products.append(item)
        _overlap(products, "TR302", "ToegewezenProduct")
        yield item


def _check_start_stop(header, items, validated, client_details=True):
    dagtekening = header.dagtekening
    keys = tr.Unique()
    stop = header.message_type == "307"
    what = "StopProduct" if stop else "StartProduct"
    client = None
    for item in items:
        if item.client is not client:
            client = item.client
            client_rules(client, dagtekening, full=False)
        if el.cs058_status_aanlevering(item):
            raise refusal("CS058", item.row, what)
        if stop:
            if tr.tr018_end_not_before_begin(item):
                raise refusal("TR018", item.row, what)
            if tr.tr134_not_after_dagtekening(item.einddatum, dagtekening):
                raise refusal("TR134", item.row, what, "Einddatum")
            key = tr.tr101_key_307(item)
        else:
            if tr.tr134_not_after_dagtekening(item.begindatum, dagtekening):
                raise refusal("TR134", item.row, what, "Begindatum")
            key = tr.tr101_key_305(item)
        if keys.seen(key):
            raise refusal("TR101", item.row, what)
        yield item


def _check_315(header, items, validated, client_details=True):
    dagtekening = header.dagtekening
    references = tr.Unique()
    products = []
    client = None
    for item in items:
        if item.client is not client:
            client = item.client
            client_rules(client, dagtekening, full=False)
        if references.seen((item.referentie,)):
            raise refusal("TR383", item.row, "AangevraagdProduct", item.referentie)
        for product in item.products:
            product_rules(product, "aangevraagd")
            products.append(product)
        _overlap(products, "TR386", "AangevraagdProduct")
        yield item


def _check_317(header, items, validated, client_details=True):
    dagtekening = header.dagtekening
    for item in items:
        if tr.tr352_keeps_or_changes_a_product(item):
            raise refusal("TR352", item.row, "Verzoek")
        if tr.tr353_changes_or_adds_a_product(item):
            raise refusal("TR353", item.row, "Verzoek")
        nummer = tr.duplicate_in(item.ongewijzigd)
        if nummer is not None:
            raise refusal("TR101", item.row, "OngewijzigdProduct", nummer)
        keys = tr.Unique()
        for product in item.products:
            if keys.seen(tr.tr101_key_317(product)):
                raise refusal("TR101", product.row, _CLASS[product.kind])
            product_rules(product, product.kind)
            if tr.tr380_after_dagtekening(product.einddatum, dagtekening):
                raise refusal("TR380", product.row, _CLASS[product.kind], "Einddatum")
        _overlap([p for p in item.products if p.kind == "nieuw"], "TR410", "NieuwProduct")
        yield item


def _check_319(header, items, validated, client_details=True):
    jeugdwet = header.law == "jw"
    for item in items:
        if el.cd085_reden_when_refused(item):
            raise refusal("CD085", item.row, "Antwoord")
        if el.cd086_no_reden_when_investigating(item):
            raise refusal("CD086", item.row, "Antwoord")
        if jeugdwet and tr.tr377_woonplaatsbeginsel_given(item):
            raise refusal("TR377", item.row, "Antwoord")
        if jeugdwet and tr.tr409_woonplaatsbeginsel_only_for_8(item):
            raise refusal("TR409", item.row, "Antwoord")
        yield item


def _check_323(header, items, validated, client_details=True):
    for item in items:
        if isinstance(item, DeclaratieRecord):
            declaratie_rules(item, header.dagtekening)
            item.lines = checked_lines(item.lines, item, header.dagtekening, validated)
            yield item
            # Asked for the next item: lines the caller did not read (it refused the message
            # before them, e.g. TR333) still go through the rules, which come first.
            for _line in item.lines:
                pass
            continue
        yield item


def declaratie_rules(rec, dagtekening) -> None:
    row, what = rec.row, "Declaratie"
    if el.cs319_declaratienummer(rec.declaratienummer):
        raise refusal("CS319", row, what)
    if el.cs100_from_2021(rec.period_start):
        raise refusal("CS100", row, what, "DeclaratiePeriode")
    if el.cs340_one_calendar_month(rec.period_start, rec.period_end):
        raise refusal("CS340", row, what)
    if tr.tr134_not_after_dagtekening(rec.declaratiedatum, dagtekening):
        raise refusal("TR134", row, what, "DeclaratieDagtekening")
    if tr.tr137_period_ended(rec.period_start, rec.period_end, dagtekening):
        raise refusal("TR137", row, what, "DeclaratiePeriode")
    if el.cs325_zero_is_debit(rec.total_cents, rec.total_debit_credit):
        raise refusal("CS325", row, what, "TotaalIngediendBedrag")


def checked_lines(lines, rec, dagtekening, validated: bool = False):
    """The ``lines`` of the 323 declaration ``rec`` with the rules per line and over all lines
    (a generator)."""
    state = tr.DeclaratieLines()
    declaratiedatum = rec.declaratiedatum
    first_day, euro = el.FIRST_DECLARABLE, el.EURO
    last_day = dagtekening or dt.date.max
    five_years = tr.years_before(declaratiedatum, 5) if declaratiedatum else dt.date.min
    duplicate, vorig_twice, debit_twice = (state.tr101_duplicate_line, state.tr315_vorig_twice,
                                           state.tr416_debit_twice)  # fmt: skip
    try:
        for line in lines:
            # One test for the rules without state, written out (CD060, CS337, CD087, CS100,
            # TR137, TR335, CS325; the named functions are the rules, see the registry): only
            # a line it stops, or a line in euros (CD087, CS339), is looked at rule by rule.
            dc, start, end = line.debit_credit, line.period_start, line.period_end
            if (
                (dc == "C") != (line.vorig_referentienummer != "")
                or start.month != end.month
                or start.year != end.year
                or line.unit == euro
                or line.tariff_cents is None
                or start < first_day
                or end < start
                or end > last_day
                or end < five_years
                or (line.amount_cents == 0 and dc != "D")
            ):
                _line_refusal(line, dagtekening, declaratiedatum)
            if duplicate(line):
                raise refusal("TR101", line.row, "Prestatie", line.referentienummer)
            if line.vorig_referentienummer and vorig_twice(line):
                raise refusal("TR315", line.row, "Prestatie", line.vorig_referentienummer)
            if dc == "D" and debit_twice(line):
                raise refusal("TR416", line.row, "Prestatie")
            state.signed_sum += (
                -line.amount_cents if line.debit_credit == "C" else line.amount_cents
            )
            yield line
        vorig = state.tr316_credited_in_message()
        if vorig is not None:
            raise refusal("TR316", state.vorige[vorig], "Prestatie", vorig)
        if state.tr358_total_differs(rec):
            raise refusal(
                "TR358",
                rec.row,
                "Declaratie",
                f"{rec.total_cents} {rec.total_debit_credit} / {state.signed_sum}",
            )
    except MessageError as exc:
        if validated and exc.rule in RULES:
            for _line in lines:  # the XSD's reason further on counts first
                pass
        raise


def _line_refusal(line, dagtekening, declaratiedatum) -> None:
    """Raises for the first rule without state a line breaks; returns for a valid line."""
    row, what = line.row, "Prestatie"
    for code, check in (
        ("CD060", el.cd060_vorig_referentienummer),
        ("CS337", el.cs337_one_month),
        ("CD087", el.cd087_tariff),
        ("CS339", el.cs339_euros_amount_is_volume),
    ):
        if check(line):
            raise refusal(code, row, what)
    if el.cs325_zero_is_debit(line.amount_cents, line.debit_credit):
        raise refusal("CS325", row, what, "IngediendBedrag")
    if el.cs100_from_2021(line.period_start):
        raise refusal("CS100", row, what, "ProductPeriode")
    if tr.tr137_period_ended(line.period_start, line.period_end, dagtekening):
        raise refusal("TR137", row, what, "ProductPeriode")
    if tr.tr335_not_five_years_old(line.period_end, declaratiedatum):
        raise refusal("TR335", row, what)


_CHECKERS = {
    "301": _check_301,
    "305": _check_start_stop,
    "307": _check_start_stop,
    "315": _check_315,
    "317": _check_317,
    "319": _check_319,
    "323": _check_323,
}


def check_identificatie(source, header) -> None:
    """TR056: the Identificatie is unique per message type for the sender (a message received
    and processed before; a refused message counts as not sent). Not for the CSV import."""
    from .models import FileStatus, MessageFile

    if not header.identificatie or source.message_type in ("", "CSV"):
        return
    if header.from_municipality:
        column, value = "municipality_id", source.municipality_id
    else:
        column, value = "provider_id", source.provider_id
    if value is None:  # a processed message always has both parties
        return
    # One indexed lookup per message (identificatie, message_type): written as SQL once, as it
    # runs for every file of an archive of tens of thousands (the ORM compiled it anew each
    # time, several times the cost of the lookup). Names from the model, never from input.
    sql = _TR056_SQL.get(column)
    if sql is None:
        qn = connection.ops.quote_name
        sql = _TR056_SQL[column] = (
            f"SELECT 1 FROM {qn(MessageFile._meta.db_table)} WHERE {qn('identificatie')} = %s "  # noqa: S608
            f"AND {qn('message_type')} = %s AND {qn('status')} = %s AND {qn(column)} = %s "
            f"AND {qn('id')} <> %s LIMIT 1"
        )
    opened, sql = cursor_for(connection, sql)
    with opened as cursor:
        if connection.vendor == "postgresql":
            # Two imports at once (the workers of one, or two uploads) could each miss the
            # other's message with this identification, neither committed yet: the second
            # waits here for the first's transaction, then sees its message. A lock per
            # sender, type and identification, held to the end of the transaction.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 56))",
                [f"{column}:{value}:{source.message_type}:{header.identificatie[:40]}"],
            )
        cursor.execute(
            sql,
            [header.identificatie[:40], source.message_type, FileStatus.PROCESSED.value, value,
             source.pk or 0],
        )  # fmt: skip
        if cursor.fetchone() is not None:
            raise refusal("TR056", None, "Header", header.identificatie)


_TR056_SQL: dict[str, str] = {}
