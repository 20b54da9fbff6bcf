"""The one registry of the iWmo/iJw 3.2 rules: every rule the standard's rule documents give for
the seven processed message types (301, 305, 307, 315, 317, 319, 323) of both laws.

Each :class:`Rule` says what the rule is (code, Dutch text), where the standard checks it
(level), what it answers with (retourcode), what it refuses when broken (the whole message or
one line) and how zorgregio applies it: implemented (with the function that checks it, or the
place in the code that enforces it), not applicable (with the reason) or not implemented yet
(with the reason). The message types and elements come from the standard's documents
(:mod:`.catalogue`) unless the entry names them: the technical rules' documents name only
message types, so the elements of those are this registry's reading.

Rules checked within the message (the standard's check level *xslt*, and every condition and
constraint) refuse the whole message with retourcode 0001 (IV087/IV088); the cross-message and
external rules refuse the message class where the fault is (a declaration line, a toewijzing,
a start) with their own retourcode, or the whole message when the fault is in the header or the
declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import catalogue, elements, within


class Level:
    XSD = "xsd"  # controleniveau 1: the official XSD
    ELEMENT = "element"  # a condition or constraint on one data element (checked by the XSLT)
    MESSAGE = "message"  # controleniveau 2: a technical rule within the message (XSLT)
    CROSS = "cross-message"  # controleniveau 3: against earlier messages
    EXTERNAL = "external"  # controleniveau 4: against a source outside the messages
    BUSINESS = "business"  # a bedrijfsregel (OP): realised through other rules or processes


class Effect:
    MESSAGE = "message"  # the whole message is refused (nothing applied)
    LINE = "line"  # the message class (a line) is refused, the rest applied
    NONE = "none"  # no verdict of its own (business rules, rules not checked)


class Status:
    IMPLEMENTED = "implemented"
    NOT_APPLICABLE = "not applicable"
    NOT_IMPLEMENTED = "not implemented"


SERVICES = "berichten.services"
APPLY = "zorg.apply"
APPLIER = f"{APPLY}.MessageApplier"
LINES = f"{APPLY}.DeclarationLines"
LINE_RULES = "zorg.rules.lines"
REQUEST_RULES = "zorg.rules.requests"
DELIVERY_RULES = "zorg.rules.deliveries"
PARSERS = "berichten.parsers"
VALIDATION = "berichten.validation"
XSD_ENFORCED = "Enforced by the official XSD ({facet}): a message that breaks it is refused "
"before any rule runs (controleniveau 1)."


@dataclass(frozen=True)
class Rule:
    code: str
    text: object  # lazy Dutch text (gettext)
    level: str
    status: str
    retourcode: str = ""
    effect: str = Effect.NONE
    reason: str = ""  # why not applicable / not implemented, or how it is applied
    where: str = ""  # the function or place in the code that enforces it
    check: Callable | None = None  # the rule function (rules within the message)
    elements: tuple[str, ...] = ()  # "301:ToegewezenProduct/Einddatum"; () = the catalogue's
    laws: tuple[str, ...] = ("wmo", "jw")
    by_message: dict = field(default_factory=dict)  # message type -> (status, reason)

    @property
    def kind(self) -> str:
        return self.code[:2]

    def messages(self, law: str) -> tuple[str, ...]:
        """The processed message types this rule applies to in ``law`` (the standard's list)."""
        if law not in self.laws:
            return ()
        return catalogue.messages(law, self.code)

    def element_paths(self, law: str = "jw") -> tuple[str, ...]:
        if self.elements:
            return self.elements
        found = catalogue.entry(law, self.code) or catalogue.entry("wmo", self.code) or {}
        return tuple(
            path for path in found.get("elements", ()) if path[:3] in catalogue.MESSAGE_TYPES
        )

    def status_for(self, message_type: str) -> tuple[str, str]:
        """(status, reason) of the rule for one message type."""
        return self.by_message.get(message_type, (self.status, self.reason))

    def standard_text(self, law: str = "jw") -> str:
        """The definition as the standard's document gives it (Dutch)."""
        found = catalogue.entry(law, self.code) or catalogue.entry("wmo", self.code) or {}
        return found.get("text", "")


RULES: dict[str, Rule] = {}


def _add(rule: Rule) -> Rule:
    assert rule.code not in RULES, rule.code
    RULES[rule.code] = rule
    return rule


def _within(code, text, check, elements=(), *, where=VALIDATION, level=Level.MESSAGE, **kw):
    """A rule checked within the message: refuses the whole message with retourcode 0001."""
    return _add(
        Rule(
            code,
            text,
            level,
            Status.IMPLEMENTED,
            "0001",
            Effect.MESSAGE,
            where=where,
            check=check,
            elements=tuple(elements),
            **kw,
        )
    )


def _element(code, text, check, elements=(), **kw):
    return _within(code, text, check, elements, level=Level.ELEMENT, **kw)


def _cross(
    code,
    text,
    retourcode,
    status=Status.IMPLEMENTED,
    *,
    effect=Effect.LINE,
    where="",
    reason="",
    level=Level.CROSS,
    **kw,
):
    return _add(
        Rule(
            code,
            text,
            level,
            status,
            retourcode,
            effect if status == Status.IMPLEMENTED else Effect.NONE,
            reason=reason,
            where=where,
            **kw,
        )
    )


def _business(code, text, status, reason, *, where="", laws=("wmo", "jw")):
    return _add(Rule(code, text, Level.BUSINESS, status, reason=reason, where=where, laws=laws))


# --- rules checked within the message: technical rules (xslt) --------------------------------

_within(
    "TR002",
    _("The birth date lies at most 120 years before the Dagtekening, unless it is unknown."),
    within.tr002_born_within_120_years,
    (
        "301:Client/Geboortedatum",
        "301:Relatie/Geboortedatum",
        "305:Client/Geboortedatum",
        "307:Client/Geboortedatum",
        "315:Client/Geboortedatum",
    ),
)
_within(
    "TR006",
    _("A Contact has a Telefoon, or a Huis and a Postcode."),
    within.tr006_contact_reachable,
    ("301:Contact",),
)
_within(
    "TR018",
    _("The Einddatum is on or after the Begindatum."),
    within.tr018_end_not_before_begin,
    ("307:StopProduct/Einddatum",),
)
_within(
    "TR061",
    _(
        "The client has at least one address of Soort 01 (BRP), 02 (correspondence) "
        "or 03 (residence)."
    ),
    within.tr061_has_residential_address,
    ("301:Client/Contactgegevens",),
)
_within(
    "TR101",
    _(
        "No line occurs twice in a message: the logical key of each message class, "
        "with the keys of the classes above it, is unique."
    ),
    within.Unique,
    (
        "301:ToegewezenProduct/ToewijzingNummer",
        "301:Contact/Soort",
        "301:Relatie/Nummer",
        "305:StartProduct",
        "307:StopProduct",
        "315:AangevraagdProduct/ReferentieAanbieder",
        "317:OngewijzigdProduct/ToewijzingNummer",
        "317:TeWijzigenProduct/ToewijzingNummer",
        "317:NieuwProduct",
        "323:Client/Bsn",
        "323:Prestatie/ProductReferentie",
    ),
)
_within(
    "TR134",
    _("The date is not later than the Dagtekening of the message."),
    within.tr134_not_after_dagtekening,
    (
        "301:Client/Geboortedatum",
        "301:Relatie/Geboortedatum",
        "301:ToegewezenProduct/Toewijzingsdatum",
        "305:Client/Geboortedatum",
        "305:StartProduct/Begindatum",
        "307:Client/Geboortedatum",
        "307:StopProduct/Einddatum",
        "315:Client/Geboortedatum",
        "323:Declaratie/DeclaratieDagtekening",
    ),
)
_within(
    "TR137",
    _("The period ends on or after its start and not later than the Dagtekening of the message."),
    within.tr137_period_ended,
    ("323:Declaratie/DeclaratiePeriode/Einddatum", "323:Prestatie/ProductPeriode/Einddatum"),
)
_within(
    "TR302",
    _(
        "A product occurs more than once in a toewijzing message only with periods "
        "that do not overlap."
    ),
    within.overlapping_products,
    ("301:ToegewezenProduct",),
)
_within(
    "TR315",
    _("A VorigReferentieNummer occurs only once in the message."),
    within.DeclaratieLines.tr315_vorig_twice,
    ("323:Prestatie/ProductReferentie/VorigReferentieNummer",),
)
_within(
    "TR316",
    _("A debit line is not credited in the same message."),
    within.DeclaratieLines.tr316_credited_in_message,
    ("323:Prestatie/ProductReferentie/VorigReferentieNummer",),
)
_within(
    "TR335",
    _("The Einddatum lies at most five years before the DeclaratieDagtekening."),
    within.tr335_not_five_years_old,
    ("323:Prestatie/ProductPeriode/Einddatum",),
)
_within(
    "TR352",
    _("A request for change holds at least one OngewijzigdProduct or TeWijzigenProduct."),
    within.tr352_keeps_or_changes_a_product,
    ("317:Verzoek",),
)
_within(
    "TR353",
    _("A request for change holds at least one TeWijzigenProduct or NieuwProduct."),
    within.tr353_changes_or_adds_a_product,
    ("317:Verzoek",),
)
_within(
    "TR358",
    _("TotaalIngediendBedrag equals the sum of the lines' amounts, debit minus credit."),
    within.DeclaratieLines.tr358_total_differs,
    ("323:Declaratie/TotaalIngediendBedrag",),
)
_within(
    "TR377",
    _("With RedenAfwijzingVerzoek 8 (woonplaatsbeginsel) the class Woonplaatsbeginsel is given."),
    within.tr377_woonplaatsbeginsel_given,
    ("319:Antwoord/Woonplaatsbeginsel",),
    laws=("jw",),
)
_within(
    "TR380",
    _(
        "The Einddatum of a product to change or a new product is later than the "
        "Dagtekening of the message."
    ),
    within.tr380_after_dagtekening,
    ("317:TeWijzigenProduct/Einddatum", "317:NieuwProduct/Einddatum"),
)
_within(
    "TR383",
    _("ReferentieAanbieder is unique for each AangevraagdProduct in the message."),
    within.Unique,
    ("315:AangevraagdProduct/ReferentieAanbieder",),
)
_within(
    "TR386",
    _(
        "A product occurs more than once in a request for assignment only with "
        "periods that do not overlap."
    ),
    within.overlapping_products,
    ("315:AangevraagdProduct",),
)
_within(
    "TR409",
    _("With another RedenAfwijzingVerzoek than 8 the class Woonplaatsbeginsel is left out."),
    within.tr409_woonplaatsbeginsel_only_for_8,
    ("319:Antwoord/Woonplaatsbeginsel",),
    laws=("jw",),
)
_within(
    "TR410",
    _("A product occurs more than once as NieuwProduct only with periods that do not overlap."),
    within.overlapping_products,
    ("317:NieuwProduct",),
)
_within(
    "TR416",
    _(
        "A debit line for the same ToewijzingNummer, product and product period "
        "occurs only once in the message."
    ),
    within.DeclaratieLines.tr416_debit_twice,
    ("323:Prestatie",),
)

# --- conditions (CD) and constraints (CS) per element ----------------------------------------

_element("CS002", _("The BSN passes the elfproef."), None, where=f"{PARSERS}._Fields.bsn")
_element("CS015", _("BerichtSubversie is 2."), None, where=f"{PARSERS}._header")
_element("CS025", _("BerichtVersie is 3."), None, where=f"{PARSERS}._header")
_element("CS139", _("DatumGebruik and Datum of a birth date agree."), elements.cs139_datum_gebruik)
_element(
    "CS318",
    _("NaamGebruik 6 (not a natural person) is not used for the client."),
    elements.cs318_no_naam_gebruik_6,
)
_element(
    "CS050",
    _("With a Partnernaam NaamGebruik is 1, 2, 3 or 4, otherwise 1 or 6."),
    elements.cs050_naam_gebruik,
)
_element(
    "CD007",
    _("Taal is given when Communicatie/Vorm is 1 (interpreter), otherwise left empty."),
    elements.cd007_taal,
)
_element("CD025", _("With LandCode NL the address has a Huis."), elements.cd025_huis)
_element(
    "CD034",
    _("A BRP address (01) or residence address (03) has a Postcode."),
    elements.cd034_postcode,
)
_element(
    "CS089", _("With LandCode NL the Postcode has the Dutch format."), elements.cs089_dutch_postcode
)
_element(
    "CD005",
    _("LandCode is given when there is a Postcode, otherwise left empty."),
    elements.cd005_landcode,
)
_element("CD009", _("Only a temporary address (Soort 04) has a Periode."), elements.cd009_periode)
_element(
    "CS003",
    _("An end date, where given, is on or after the start date of the period."),
    elements.cs003_end_not_before_start,
)
_element("CD079", _("Without a Budget the Product is given."), elements.cd079_product)
_element("CD075", _("With a Budget the Einddatum is given."), elements.cd075_einddatum_with_budget)
_element(
    "CD076",
    _("With Frequentie 2 (per week) the Einddatum is given."),
    elements.cd076_einddatum_per_week,
)
_element(
    "CS335",
    _("RedenWijziging 13 (deleted) is used only when the Ingangsdatum equals the Einddatum."),
    elements.cs335_deleted_only_on_one_day,
)
_element(
    "CS336",
    _("RedenWijziging 01 (administrative correction, withdrawn) is not used."),
    elements.cs336_no_reden_01,
)
_element("CD041", _("With a ProductCode the Omvang is given."), elements.cd041_omvang_with_code)
_element(
    "CD077", _("With a Budget the Omvang is left empty."), elements.cd077_no_omvang_with_budget
)
_element(
    "CD078", _("With an Omvang the Budget is left empty."), elements.cd078_no_budget_with_omvang
)
_element(
    "CD080",
    _("Without a ProductCode and with an end after 31-12-2020 (or none) the Omvang is left empty."),
    elements.cd080_no_omvang_without_code,
)
_element(
    "CD095",
    _(
        "Without a ProductCode and with a ToewijzingEinddatum after 31-12-2020 (or "
        "none) the Omvang is left empty."
    ),
    elements.cd080_no_omvang_without_code,
)
_element(
    "CD096",
    _(
        "Without a ProductCode and with an end after 31-12-2020 (or none) the Omvang "
        "of a new product is left empty."
    ),
    elements.cd080_no_omvang_without_code,
)
_element(
    "CS338",
    _(
        "In Eenheid 14, 16, 83 or 84 with an end after 31-12-2020 (or none) the "
        "Frequentie is 2, 4 or 6."
    ),
    elements.cs338_frequency_for_unit,
)
_element(
    "CS343",
    _(
        "In Eenheid 14, 16, 83 or 84 with a ToewijzingEinddatum after 31-12-2020 (or "
        "none) the Frequentie is 2, 4 or 6."
    ),
    elements.cs338_frequency_for_unit,
)
_element(
    "CD043",
    _("BeschikkingIngangsdatum is given when there is a BeschikkingNummer, otherwise left empty."),
    elements.cd043_beschikking_ingangsdatum,
)
_element(
    "CD066",
    _("A verwijzer of type 02-05 with a ZorgverlenerCode has no Naam."),
    elements.cd066_no_naam_with_zorgverlenercode,
)
_element(
    "CD067",
    _("A verwijzer of type 02-05 without a ZorgverlenerCode has a Naam."),
    elements.cd067_naam_without_zorgverlenercode,
)
_element(
    "CD068",
    _("A verwijzer of another type than 02-05 has no ZorgverlenerCode."),
    elements.cd068_no_zorgverlenercode_for_other_types,
)
_element(
    "CS058",
    _("StatusAanlevering is 1 (first delivery) or 3 (delete)."),
    elements.cs058_status_aanlevering,
)
_element(
    "CD085",
    _("With VerzoekAntwoord 1 (refused) the RedenAfwijzingVerzoek is given."),
    elements.cd085_reden_when_refused,
)
_element(
    "CD086",
    _("With VerzoekAntwoord 2 (under investigation) the RedenAfwijzingVerzoek is left empty."),
    elements.cd086_no_reden_when_investigating,
)
_element(
    "CS319", _("DeclaratieNummer holds only digits and letters."), elements.cs319_declaratienummer
)
_element("CS100", _("The period starts on or after 01-01-2021."), elements.cs100_from_2021)
_element(
    "CS340",
    _("The DeclaratiePeriode is exactly one whole calendar month."),
    elements.cs340_one_calendar_month,
)
_element("CS325", _("An amount of 0 has DebetCredit D (debit)."), elements.cs325_zero_is_debit)
_element(
    "CD060",
    _("VorigReferentieNummer is given for a credit line, otherwise left empty."),
    elements.cd060_vorig_referentienummer,
)
_element(
    "CS337",
    _("The ProductPeriode ends in the calendar month it starts in."),
    elements.cs337_one_month,
)
_element(
    "CD087",
    _("ProductTarief is given when the Eenheid is not 83 (euros), otherwise left empty."),
    elements.cd087_tariff,
)
_element(
    "CS339",
    _("In Eenheid 83 (euros) the IngediendBedrag equals the GeleverdVolume."),
    elements.cs339_euros_amount_is_volume,
)

# --- restrictions (RS): the XSD's facets ------------------------------------------------------

_RESTRICTIONS = {
    "RS001": (_("Minimum value 0."), "minInclusive 0"),
    "RS002": (_("Maximum value 99."), "maxInclusive 99"),
    "RS004": (_("Maximum value 99999."), "maxInclusive 99999"),
    "RS005": (_("Maximum value 99999999."), "maxInclusive 99999999"),
    "RS006": (_("Maximum value 999999999."), "maxInclusive 999999999"),
    "RS040": (_("Maximum value 999999999999."), "maxInclusive 999999999999"),
    "RS031": (_("A comment is not empty."), "pattern of LDT_Commentaar"),
    "RS032": (_("A date has no time zone."), "pattern [^:Z]* of LDT_Datum"),
    "RS033": (_("No empty elements."), "minLength 1 or an enumeration"),
    "RS034": (_("A time has no time zone."), "pattern of LDT_Tijd"),
    "RS035": (_("Four digits."), "pattern [0-9]{4} of LDT_Gemeente"),
    "RS036": (_("Eight digits."), "pattern [0-9]{8} of LDT_AgbCode"),
    "RS037": (_("Nine digits."), "pattern [0-9]{9} of LDT_BurgerServicenummer"),
    "RS045": (_("Written together, without dots or spaces."), "pattern of LDT_Voorletters"),
    "RS046": (_("Only digits, written together."), "pattern [0-9]* of LDT_Telefoonnummer"),
    "RS047": (_("The BerichtCode of the message as specified."), "pattern of BerichtCode"),
    "RS048": (_("A version of three whole numbers separated by dots."), "pattern of LDT_Versie"),
}
for _code, _length in (
    ("RS008", 1),
    ("RS009", 2),
    ("RS010", 3),
    ("RS011", 4),
    ("RS012", 5),
    ("RS013", 6),
    ("RS014", 8),
    ("RS015", 9),
    ("RS016", 10),
    ("RS017", 12),
    ("RS018", 15),
    ("RS019", 20),
    ("RS020", 24),
    ("RS021", 25),
    ("RS023", 35),
    ("RS024", 36),
    ("RS025", 64),
    ("RS026", 80),
    ("RS028", 200),
):
    _RESTRICTIONS[_code] = (
        format_lazy(_("Maximum length {length} positions."), length=_length),
        f"maxLength {_length}",
    )
for _code, (_text, _facet) in sorted(_RESTRICTIONS.items()):
    _add(
        Rule(
            _code, _text, Level.XSD, Status.NOT_APPLICABLE, reason=XSD_ENFORCED.format(facet=_facet)
        )
    )

# --- cross-message rules ----------------------------------------------------------------------

_cross(
    "TR019",
    _("A start or stop relates to a toewijzing by its ToewijzingNummer."),
    "9019",
    where=f"{APPLIER}._tw_for",
    reason="A start or stop without a ToewijzingNummer is accepted as a regiebericht (not "
    "linked) only where the region agreed on it for a task-oriented product group in the "
    "municipality on its date (zorg.rules.variants.regiebericht_allowed); otherwise TR019.",
)
_cross(
    "TR056",
    _("The Identificatie is unique per message type for the sender."),
    "9056",
    where="berichten.validation.check_identificatie",
    effect=Effect.MESSAGE,
)
_cross(
    "TR063",
    _("A deletion (StatusAanlevering 3) refers to an earlier delivery with the same key."),
    "9063",
    where=f"{APPLIER}.start / .stop",
)
_cross(
    "TR071",
    _("A start is not deleted after a stop was sent for it."),
    "9071",
    where=f"{APPLIER}.start",
)
_cross(
    "TR074",
    _("A first delivery (StatusAanlevering 1) has a key not received before."),
    "9074",
    where=f"{APPLIER}.start / .stop",
)
_cross(
    "TR304",
    _("The BSN is that of the client of the toewijzing."),
    "8187",
    where=f"{LINE_RULES}.tr304_other_client",
)
_cross(
    "TR307",
    _("The product period starts on or after the Ingangsdatum of the toewijzing."),
    "9307",
    where=f"{LINE_RULES}.tr307_before_start",
)
_cross(
    "TR308",
    _("The product period ends on or before the Einddatum of the toewijzing."),
    "9308",
    where=f"{LINE_RULES}.tr308_after_end",
)
_cross(
    "TR314",
    _(
        "The ReferentieNummer is unique for the provider within the law, in the message "
        "and across messages."
    ),
    "8021",
    where=f"{LINE_RULES}.tr314_reference_used",
    reason="A line whose ReferentieNummer was used before cannot be stored; it is kept in "
    "Declaratie.refused_lines.",
)
_cross(
    "TR318",
    _("When care was delivered every period, the DeclaratiePeriode follows the previous one."),
    "8214",
    Status.NOT_APPLICABLE,
    reason="Holds only when care was delivered in every period, which the receiver cannot "
    "know; a gap is not an error (OP284).",
)
_cross(
    "TR319",
    _("The product period lies within the current or an earlier declaration period."),
    "9319",
    where=f"{LINE_RULES}.tr319_outside_period",
)
_cross(
    "TR321",
    _("The delivered volume fits the assigned volume."),
    "9321",
    where=f"{LINE_RULES}.tr321_period_volume",
)
_cross(
    "TR322",
    _("The sum of the delivered volume fits the assigned total volume."),
    "9322",
    where=f"{LINE_RULES}.tr322_total_volume",
)
_cross(
    "TR323",
    _("A credit line relates to an earlier approved debit line."),
    "8017",
    where=f"{LINE_RULES}.tr323_no_debit",
)
_cross(
    "TR326",
    _("A start is sent only when the toewijzing has no current start."),
    "9326",
    where=f"{APPLIER}.start",
)
_cross(
    "TR332",
    _("Each toewijzing has a unique number per municipality and law."),
    "9332",
    where=f"{APPLIER}.toewijzing",
)
_cross(
    "TR333",
    _("The DeclaratieNummer is unique for the provider within the law."),
    "9333",
    where=f"{APPLIER}.declaratie",
    effect=Effect.MESSAGE,
)
_cross(
    "TR338",
    _("The line relates to a toewijzing by its ToewijzingNummer."),
    "9338",
    where=f"{LINES}.run",
)
_cross(
    "TR339",
    _("ProductCategorie equals that of the toewijzing."),
    "9339",
    where=f"{LINE_RULES}.tr339_categorie",
)
_cross(
    "TR340",
    _("ProductCode equals that of the toewijzing."),
    "9340",
    where=f"{LINE_RULES}.tr340_code",
)
_cross(
    "TR341", _("Eenheid fits the unit of the toewijzing."), "9341", where=f"{LINE_RULES}.tr341_unit"
)
_cross(
    "TR347",
    _("ReferentieAanbieder is unique for the provider within the law."),
    "9347",
    where=f"{APPLIER}.verzoek",
)
_cross(
    "TR349",
    _("A request for change holds all current toewijzingen of the client."),
    "9349",
    where=f"{REQUEST_RULES}.tr349_missing",
)
_cross(
    "TR350",
    _("Each OngewijzigdProduct relates to a current toewijzing."),
    "9350",
    where=f"{REQUEST_RULES}.tr350_unchanged_unknown",
)
_cross(
    "TR351",
    _("Each TeWijzigenProduct relates to a current toewijzing."),
    "9351",
    where=f"{REQUEST_RULES}.tr351_changed_unknown",
)
_cross(
    "TR355",
    _("The ReferentieAanbieder of an answer occurs in an earlier request."),
    "9355",
    where=f"{APPLIER}.antwoord",
)
_cross(
    "TR357",
    _(
        "A GewensteIngangsdatum on or before the Dagtekening equals the Ingangsdatum of "
        "the original toewijzing."
    ),
    "9357",
    where=f"{REQUEST_RULES}.tr357_backdated",
)
_cross(
    "TR359",
    _("No answer is sent after a toewijzing with the same ReferentieAanbieder."),
    "9359",
    Status.NOT_APPLICABLE,
    reason="Applies to the municipality's own sending side: the 319 is the municipality's "
    "answer, checked by the provider that receives it.",
)
_cross(
    "TR360",
    _("An answer 'under investigation' is sent only when no answer with this reference exists."),
    "9360",
    Status.NOT_APPLICABLE,
    reason="Applies to the municipality's own sending side (its 319 answers).",
)
_cross(
    "TR361",
    _(
        "A product occurs more than once in a request for change only with periods "
        "that do not overlap."
    ),
    "9361",
    where=f"{REQUEST_RULES}.tr361_overlap",
)
_cross(
    "TR365",
    _("After an earlier answer with the same reference, that answer was 'under investigation'."),
    "9365",
    Status.NOT_APPLICABLE,
    reason="Applies to the municipality's own sending side (its 319 answers).",
)
_cross(
    "TR369",
    _("The declared amounts fit the assigned budget."),
    "9369",
    where=f"{LINE_RULES}.tr369_budget",
)
_cross(
    "TR373",
    _(
        "When a budget or total is changed, the GewensteIngangsdatum equals that of "
        "the current toewijzing."
    ),
    "9373",
    where=f"{REQUEST_RULES}.tr373_budget_change",
)
_cross(
    "TR374",
    _("A request is sent only when no request of the provider for the client is pending."),
    "9374",
    where=f"{REQUEST_RULES}.tr374_pending",
)
_cross(
    "TR375",
    _("When the toewijzing has no Product, the product is left empty."),
    "9375",
    where=f"{REQUEST_RULES}.tr375_omvang_without_product",
)
_cross(
    "TR379",
    _("A toewijzing honouring a request carries its ReferentieAanbieder, otherwise none."),
    "9379",
    Status.NOT_APPLICABLE,
    reason="Applies to the municipality's own sending side: the provider that receives the "
    "301 checks it against its own requests.",
)
_cross(
    "TR382",
    _("A stop repeats the key elements of its start unchanged."),
    "9069",
    where=f"{DELIVERY_RULES}.tr382_no_start",
)
_cross(
    "TR384",
    _("No declaration on a deleted toewijzing (RedenWijziging 13)."),
    "9384",
    where=f"{LINES}.run",
)
_cross(
    "TR385",
    _("A toewijzing with approved lines is not deleted (RedenWijziging 13)."),
    "9385",
    Status.NOT_APPLICABLE,
    reason="Applies to the municipality's own sending side: the 301 is the municipality's "
    "message; zorgregio records the deletion and the monitor shows the lines.",
)
_cross(
    "TR387",
    _(
        "A product period starts on the first of the month, unless the toewijzing "
        "starts later in that month."
    ),
    "9387",
    where="zorg.rules.cross.tr387_period_start",
)
_cross(
    "TR388",
    _(
        "A product period ends on the last day of the month, unless the toewijzing "
        "ends earlier in that month."
    ),
    "9388",
    where="zorg.rules.cross.tr388_period_end",
)
_cross(
    "TR389",
    _("No debit line for the same toewijzing, product and period was sent before."),
    "9389",
    where=f"{LINE_RULES}.tr389_declared_before",
)
_cross("TR390", _("A line is credited only once."), "9390", where=f"{LINE_RULES}.tr390_credited")
_cross(
    "TR411",
    _("When the toewijzing has a ProductCode, the Omvang is given."),
    "9411",
    where=f"{REQUEST_RULES}.tr411_omvang_required",
)
_cross(
    "TR412",
    _(
        "When the toewijzing has no ProductCode and ends after 31-12-2020 (or never), "
        "the Omvang is left empty."
    ),
    "9412",
    where=f"{REQUEST_RULES}.tr412_omvang_empty",
)
_cross(
    "TR413",
    _("After a stop with RedenBeeindiging 20 the next stop has another reason."),
    "9413",
    where=f"{DELIVERY_RULES}.tr413_temporary_again",
)
_cross(
    "TR414",
    _("A later stop for the same start does not end earlier than the current stop."),
    "9414",
    where=f"{DELIVERY_RULES}.tr414_ends_earlier",
)
_cross(
    "TR415",
    _("No second stop for the same start unless the first had RedenBeeindiging 20."),
    "9415",
    where=f"{DELIVERY_RULES}.tr415_second_stop",
)
_cross(
    "TR418",
    _("ProductTarief equals the contractual tariff of the product."),
    "0611",
    where=f"{LINE_RULES}.tr418_tariff",
    reason="Not for a line in euros (Eenheid 83), which has no ProductTarief (CD087).",
)

# --- external sources -------------------------------------------------------------------------

_cross(
    "TR135",
    _("The date exists and is not in the future."),
    "8848",
    level=Level.EXTERNAL,
    where="berichten.validation.check_dagtekening",
    effect=Effect.MESSAGE,
    elements=("Header/BerichtIdentificatie/Dagtekening",),
    reason="The Dagtekening against the receiving system's date.",
)
_cross(
    "TR346",
    _("Unless the Eenheid is 83 (euros), IngediendBedrag is GeleverdVolume times ProductTarief."),
    "9346",
    level=Level.EXTERNAL,
    where=f"{LINE_RULES}.tr346_amount",
)
_cross(
    "TR378",
    _("The municipality code exists in the CBS list on the date."),
    "S300",
    level=Level.EXTERNAL,
    where=f"{APPLY}.resolve_parties",
    effect=Effect.MESSAGE,
    reason="Stricter: the municipality must be one of the region (CBS code); the "
    "Woonplaatsbeginsel/Gemeente of a 319 is not checked against the CBS list.",
)
_cross(
    "TR381",
    _("The ProductCode fits the ProductCategorie in the product code list used."),
    "S329",
    Status.NOT_APPLICABLE,
    level=Level.EXTERNAL,
    reason="The product code list is the region's own catalogue (producten); a line whose "
    "product it does not know gets ZR03, a message is not refused for it.",
)

# --- business rules (OP) ----------------------------------------------------------------------

IMP, NA, NOT = Status.IMPLEMENTED, Status.NOT_APPLICABLE, Status.NOT_IMPLEMENTED
PROCESS = "A process agreement between the parties; no property of a message to check."
SENDER = "Applies to the municipality's own sending side (what its 301/319 must contain)."
_business(
    "OP001", _("The client's holder of parental authority is recorded."), NA, SENDER, laws=("jw",)
)
_business(
    "OP002",
    _("The toewijzing carries the holder of parental authority as a relation."),
    NA,
    SENDER,
    laws=("jw",),
)
_business(
    "OP002x1",
    _(
        "When the request said the holder of parental authority is known, the "
        "toewijzing need not carry it."
    ),
    NA,
    SENDER,
    laws=("jw",),
)
_business(
    "OP002x2",
    _("A youth holding authority himself is not added again as a relation."),
    NA,
    SENDER,
    laws=("jw",),
)
_business(
    "OP003",
    _("The message traffic is not used when sending client data puts the client at serious risk."),
    NA,
    PROCESS,
)
_business(
    "OP011",
    _("The start date is reported after care actually started."),
    IMP,
    "Through TR134 on StartProduct/Begindatum.",
    laws=("jw",),
)
_business(
    "OP033",
    _("Changes and corrections use StatusAanlevering."),
    IMP,
    "Through CS058, TR063, TR071 and TR074.",
)
_business(
    "OP033x1",
    _("A toewijzing is changed by sending a new message."),
    IMP,
    "A 301 with a known ToewijzingNummer updates that toewijzing.",
    where=f"{APPLIER}.toewijzing",
)
_business("OP033x2", _("StatusAanlevering 2 (changed) is not used."), IMP, "Through CS058.")
_business(
    "OP039",
    _("Parties may pass on client data as in their own records, unless part of a logical key."),
    NA,
    PROCESS,
)
_business(
    "OP043",
    _("No toewijzing for a product while a personal budget (PGB) for it is granted."),
    NA,
    "PGB grants are not part of the messages or the care model.",
)
_business(
    "OP047",
    _("A message that does not meet the standard may be refused."),
    IMP,
    "Every rule within the message refuses it; see the rules above.",
)
_business(
    "OP071",
    _("Each relation has a unique number per municipality and client."),
    IMP,
    "Within the message through TR101 (Relatie/Nummer); relations are not stored.",
)
_business(
    "OP072",
    _("A stop is sent only after a start."),
    NA,
    "A 307 without an earlier 305 is recorded as a closed delivery: the archive may begin "
    "after the start was sent.",
)
_business(
    "OP076",
    _("Each contact person's relation to the client is recorded."),
    IMP,
    "Relatie/Soort is required by the XSD.",
)
_business(
    "OP079",
    _("The client's BSN is used in every message."),
    IMP,
    "Required by the XSD; CS002 (elfproef).",
)
_business(
    "OP080",
    _("No meaning is attached to the order and time in which messages arrive."),
    NA,
    PROCESS,
)
_business(
    "OP086",
    _("Output- and effort-oriented support is always assigned with a toewijzing."),
    NA,
    SENDER,
)
_business(
    "OP087",
    _(
        "A toewijzing message holds all current and changed toewijzingen of the "
        "client at the provider."
    ),
    NA,
    SENDER,
)
_business(
    "OP091",
    _("Extra contact details state which kind of address they are."),
    IMP,
    "Contact/Soort is required by the XSD; CD009.",
)
_business(
    "OP095",
    _("A message is not refused on information the sender has no access to."),
    IMP,
    "No rule here reads data the sender cannot know.",
)
_business(
    "OP130",
    _("A relation always has a name, with a full address and/or a telephone number."),
    IMP,
    "Naam is required by the XSD; TR006 on its Contact.",
)
_business(
    "OP155",
    _("A stop refers to the latest start of the delivery."),
    IMP,
    "Through TR382.",
)
_business(
    "OP179",
    _("Sent files are at most 25 MB."),
    NA,
    "Applies to the sender; zorgregio accepts files up to ZORGREGIO_MAX_MESSAGE_BYTES "
    "(1 GiB) so an archive can be imported.",
)
_business(
    "OP186",
    _("Ending a toewijzing in the past needs the provider's agreement."),
    NA,
    PROCESS,
    laws=("jw",),
)
_business("OP191", _("Unstructured information is kept to a minimum."), NA, PROCESS, laws=("jw",))
_business(
    "OP192",
    _("Sent messages meet the technical requirements."),
    IMP,
    "The XSD and the rules within the message.",
    laws=("jw",),
)
_business(
    "OP252",
    _("A (partly) unknown birth date says which part is reliable."),
    IMP,
    "Through CS139.",
    laws=("jw",),
)
_business(
    "OP254",
    _("AGB codes route the messages and identify the provider."),
    IMP,
    "A provider whose AGB code is not in the register refuses the message.",
    where=f"{APPLY}.resolve_parties",
    laws=("jw",),
)
_business(
    "OP257",
    _("A change of the care need gets a new toewijzing for the product."),
    NA,
    SENDER,
    laws=("jw",),
)
_business(
    "OP258",
    _("The provider is told of the end of a toewijzing with a toewijzing message."),
    NA,
    SENDER,
    laws=("jw",),
)
_business(
    "OP259",
    _("A product is not assigned stacked (overlapping)."),
    IMP,
    "Within one message through TR302.",
    laws=("jw",),
)
_business(
    "OP261",
    _("Each product is recorded as effort-, output- or task-oriented."),
    IMP,
    "A property of the purchase, not of a message: the funding variant per product group, "
    "municipality and period (producten.GroupVariant); the declaration checks follow it "
    "(zorg.rules.variants).",
    where="producten.services.group_variant_set",
    laws=("jw",),
)
_business(
    "OP262",
    _("Effort-oriented products have a tariff per unit of time, or per piece."),
    NA,
    "A contract agreement; the tariff check is TR418.",
    laws=("jw",),
)
_business(
    "OP263",
    _("Output-oriented products have a tariff per piece or an amount in euros over a period."),
    NA,
    "A contract agreement; the tariff check is TR418.",
    laws=("jw",),
)
_business(
    "OP264",
    _("For output-oriented products it is agreed when they are declared."),
    NA,
    PROCESS,
    laws=("jw",),
)
_business(
    "OP267",
    _("The provider declares in a unit that fits the toewijzing."),
    IMP,
    "Through TR341.",
    laws=("jw",),
)
_business(
    "OP270",
    _("Provider and municipality agree on the start and end dates in the start and stop messages."),
    NA,
    PROCESS,
    laws=("jw",),
)
_business(
    "OP271",
    _("A start message is sent within five working days of the start."),
    NA,
    "A time limit for the sender; the receiving date is not part of the message.",
    laws=("jw",),
)
_business(
    "OP272",
    _("A stop message is sent within five working days of the end."),
    NA,
    "A time limit for the sender; the receiving date is not part of the message.",
    laws=("jw",),
)
_business(
    "OP274",
    _("The municipality answers a request for assignment within five working days."),
    NA,
    SENDER,
    laws=("jw",),
)
_business(
    "OP275",
    _("Each toewijzing has a unique number per municipality and law."),
    IMP,
    "Through TR332.",
    laws=("jw",),
)
_business(
    "OP276",
    _("The provider declares for a client it received a toewijzing for."),
    IMP,
    "Through TR338 and TR304.",
    laws=("jw",),
)
_business(
    "OP279",
    _("The provider declares a product within the assigned period."),
    IMP,
    "Through TR307 and TR308.",
    laws=("jw",),
)
_business(
    "OP280",
    _("A declaration message is about one declaration period."),
    IMP,
    "The 323 has one DeclaratiePeriode (XSD); CS340.",
    laws=("jw",),
)
_business(
    "OP281",
    _("A declaration message may hold lines of one or more clients."),
    IMP,
    "The parser reads any number of clients.",
    laws=("jw",),
)
_business(
    "OP283",
    _("Each line has a unique number per provider and law."),
    IMP,
    "Through TR314 and TR101.",
    laws=("jw",),
)
_business(
    "OP284",
    _("When care is delivered every period, the declaration periods follow each other."),
    NA,
    "See TR318.",
    laws=("jw",),
)
_business(
    "OP286",
    _("A technical fault refuses the whole message, which counts as not sent."),
    IMP,
    "Every rule within the message refuses the whole message (0001) and nothing is applied.",
    laws=("jw",),
)
_business(
    "OP288",
    _("A delivery started with a start message is ended with a stop message."),
    NA,
    PROCESS,
    laws=("jw",),
)
_business(
    "OP289", _("A toewijzing has at most one current start."), IMP, "Through TR326.", laws=("jw",)
)
_business("OP295", _("Start and stop messages are mandatory."), NA, PROCESS, laws=("jw",))
_business(
    "OP296",
    _("A request for assignment fits the contract between municipality and provider."),
    NA,
    "Judged by the municipality when it answers; not a fault of the message.",
    laws=("jw",),
)
_business(
    "OP297",
    _("A known ZorgverlenerCode of the referrer is given in the request."),
    NA,
    "Whether the sender knows the code cannot be seen in the message; CD066-CD068 check "
    "the combinations.",
    laws=("jw",),
)
_business(
    "OP298",
    _("Lowering a total volume within a toewijzing needs the provider's agreement."),
    NA,
    PROCESS,
    laws=("jw",),
)
_business(
    "OP299", _("Lowering a budget needs the provider's agreement."), NA, PROCESS, laws=("jw",)
)
_business(
    "OP302",
    _("The provider declares a product that fits the toewijzing."),
    IMP,
    "Through TR339 and TR340.",
    laws=("jw",),
)
_business(
    "OP303",
    _("The declaration answer holds all information to process it."),
    NA,
    "About the 325 answer, which zorgregio writes from the stored verdicts.",
    laws=("jw",),
)
_business(
    "OP305",
    _("A product contracted in pieces on effort basis is assigned in unit 84."),
    NA,
    SENDER,
    laws=("jw",),
)
_business(
    "OP306",
    _("A request for change is used when a different set of products is needed during care."),
    NA,
    PROCESS,
    laws=("jw",),
)
_business(
    "OP307",
    _("A request for assignment is used only with a referral or an open decision."),
    NA,
    PROCESS,
    laws=("jw",),
)
_business(
    "OP308",
    _("A request for change asks for the complete wanted set of toewijzingen."),
    IMP,
    "Through TR349.",
    laws=("jw",),
)
_business("OP343", _("A request for change is sent in time."), IMP, "Through TR380.", laws=("jw",))
_business(
    "OP344",
    _("A request is finally answered with a toewijzing or a refusal."),
    NA,
    SENDER,
    laws=("jw",),
)
_business(
    "OP345",
    _("A change back in time must not make declared or delivered care unlawful."),
    IMP,
    "Through TR357 (a change that does not start in the future holds for the whole period).",
    laws=("jw",),
)
_business(
    "OP346",
    _("The municipality answers a request for change within five working days."),
    NA,
    SENDER,
    laws=("jw",),
)
_business(
    "OP347",
    _("A product is not requested stacked (overlapping)."),
    IMP,
    "Within one message through TR386 and TR410.",
    laws=("jw",),
)
_business(
    "OP348",
    _("When a request for change is honoured, the toewijzing takes over what was asked."),
    NA,
    SENDER,
    laws=("jw",),
)
_business(
    "OP349",
    _("Each declaration has a unique number per provider and law."),
    IMP,
    "Through TR333.",
    laws=("jw",),
)
_business(
    "OP350",
    _("No request while an earlier request is not settled."),
    IMP,
    "Through TR374.",
    laws=("jw",),
)
_business(
    "OP354",
    _("Care is declared in the next declaration period or a later one."),
    IMP,
    "Through TR319.",
    laws=("jw",),
)
_business(
    "OP359",
    _(
        "A refusal on the woonplaatsbeginsel is sent within two weeks and names the "
        "responsible municipality."
    ),
    IMP,
    "The time limit is the municipality's; the municipality named: TR377/TR409.",
    laws=("jw",),
)
_business(
    "OP360",
    _("A line is credited only when it was not credited before."),
    IMP,
    "Through TR390 and TR315.",
    laws=("jw",),
)
_business(
    "OP361",
    _("Each request has a unique reference per provider and law."),
    IMP,
    "Through TR347 and TR383.",
    laws=("jw",),
)
_business(
    "OP362",
    _("Deleting a toewijzing must not make delivered or declared care unlawful."),
    NA,
    "See TR385.",
    laws=("jw",),
)
_business(
    "OP363",
    _("For output- or effort-oriented work the provider reports start and stop."),
    IMP,
    "Through TR019.",
    laws=("jw",),
)
_business(
    "OP364",
    _("Start and stop messages are not a condition for declaring."),
    IMP,
    "No declaration check requires a start; ZR02 only flags lines after a stop.",
    laws=("jw",),
)
_business(
    "OP365",
    _("The provider declares a volume that fits the toewijzing and the contract."),
    IMP,
    "Through TR321, TR322 and TR369.",
    laws=("jw",),
)
_business(
    "OP366",
    _(
        "A line is credited in full before a correction of it is sent; credits are "
        "processed before debits."
    ),
    IMP,
    "A credit and the corrected debit may come in one message in either order: the lines "
    "of a declaration are checked credits first.",
    where=f"{LINES}.run",
    laws=("jw",),
)
_business(
    "OP367",
    _("A product period lies within one calendar month."),
    IMP,
    "Through CS337.",
    laws=("jw",),
)
_business(
    "OP368",
    _("A product period lies within the period of the toewijzing."),
    IMP,
    "Through TR307 and TR308.",
    laws=("jw",),
)
_business(
    "OP377",
    _("Only a temporary stop may be followed by a final stop without a start in between."),
    IMP,
    "Through TR413-TR415.",
    laws=("jw",),
)
_business(
    "OP378",
    _("After a temporary stop only a final stop is allowed without a new start."),
    IMP,
    "Through TR413-TR415.",
    laws=("jw",),
)
_business(
    "OP379",
    _("After a (temporary) stop a new start may be sent."),
    IMP,
    "A start after a stop creates a new delivery.",
    where=f"{APPLIER}.start",
    laws=("jw",),
)
_business(
    "OP380",
    _("Extending care is done by moving the end date of the existing toewijzing."),
    NA,
    SENDER,
    laws=("jw",),
)


# --- lookups ----------------------------------------------------------------------------------


def rule(code: str) -> Rule:
    return RULES[code]


def text(code: str) -> str:
    """The Dutch text of a rule (in the active language)."""
    found = RULES.get(code)
    return str(found.text) if found else code


def rules_for(law: str, message_type: str) -> list[Rule]:
    """The registry's rules that apply to one message type of one law."""
    return [r for r in RULES.values() if message_type in r.messages(law)]


def counts() -> dict[tuple[str, str], dict[str, int]]:
    """Per (law, message type) the number of rules per status."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for law in catalogue.STANDARDS:
        for message_type in catalogue.MESSAGE_TYPES:
            tally = {Status.IMPLEMENTED: 0, Status.NOT_APPLICABLE: 0, Status.NOT_IMPLEMENTED: 0}
            for found in rules_for(law, message_type):
                tally[found.status_for(message_type)[0]] += 1
            out[law, message_type] = tally
    return out
