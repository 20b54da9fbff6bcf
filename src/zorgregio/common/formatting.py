"""The one formatting layer: every value a user reads goes through here.

Screens (template filters in ``web.templatetags.zorgregio``), PDFs, XLSX exports, messages and
the API use the same functions, so a code, date, number or status reads the same everywhere:

- code-list values as their label: ``unit_label("wmo", "04")`` -> ``Uur``;
- a product's code once: ``product_code("02", "02A16")`` -> ``02A16`` (the category is part of
  the national code; it is only put in front when the code does not start with it);
- dates in Dutch: ``date_short(day)`` -> ``01-01-2027``, ``date_long(day)`` -> ``1 januari 2027``;
  ISO strings (from JSON histories) are read back as dates first;
- numbers with a decimal comma: ``decimal_nl(Decimal("8"), 2)`` -> ``8,00``;
- counted nouns with ``ngettext`` (``refused_of``, ``files_summary``), never "1 cellen";
- one status vocabulary: ``status_label("afgekeurd")`` -> ``afgekeurd`` in every app;
- history fields and values as labels: ``field_label(model, "valid_from")`` -> ``geldig vanaf``;
- parser errors in Dutch: ``xml_error_reason(exc)`` instead of libxml2's English text.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

# Which code list holds the units and frequencies, per law (iWmo and iJw share them).
_STANDARD = {"wmo": "iwmo", "jw": "ijw"}


def code_label(standard: str, key: str, code) -> str:
    """The description of ``code`` in a code list; the code itself when it is unknown."""
    from zorgregio.codelijsten.selectors import code_map

    if code in (None, ""):
        return ""
    code = str(code)
    return code_map(standard, key).get(code, code)


def unit_label(law: str, code) -> str:
    """WJ756 unit code -> label: ``04`` -> ``Uur``."""
    return code_label(_STANDARD.get(law, "iwmo"), "WJ756", code)


def frequency_label(law: str, code) -> str:
    """WMO757 frequency code -> label: ``2`` -> ``Per week``."""
    return code_label(_STANDARD.get(law, "iwmo"), "WMO757", code)


def frequencies_label(law: str, codes) -> str:
    """A list of WMO757 codes as labels, comma separated."""
    return ", ".join(frequency_label(law, code) for code in (codes or []))


def category_label(law: str, code) -> str:
    """WMO020/JZ020 product category -> label: ``02`` -> ``Begeleiding``."""
    key = "JZ020" if law == "jw" else "WMO020"
    return code_label(_STANDARD.get(law, "iwmo"), key, code)


def product_code(productcategorie: str | None, productcode: str | None) -> str:
    """The code of a product as printed: ``02A16``, never ``0202A16``.

    National codes start with their category; a local code that does not is shown with its
    category in front, separated by a space (``15 B0101``)."""
    category, code = (productcategorie or "").strip(), (productcode or "").strip()
    if not category or code.startswith(category):
        return code
    if not code:
        return category
    return f"{category} {code}"


# -- dates --------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def as_date(value):
    """A date or datetime from a date, a datetime or an ISO string; anything else unchanged."""
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            return dt.date.fromisoformat(value)
        if _ISO_DATETIME.match(value):
            try:
                return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return value
    return value


def date_short(value) -> str:
    """``01-01-2027`` (the date format of tables and forms); empty for None."""
    value = as_date(value)
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def date_long(value) -> str:
    """``1 januari 2027`` in the active language; empty for None."""
    value = as_date(value)
    if value in (None, ""):
        return ""
    if isinstance(value, dt.date):
        return formats.date_format(value, "j F Y")
    return str(value)


# -- numbers ------------------------------------------------------------------------------------


def decimal_nl(value, places: int | None = None) -> str:
    """A number with a decimal comma and no thousands separator: ``8,00``, ``25,5``.

    ``places`` fixes the number of decimals (rounded half up); without it trailing zeros are
    kept as the value has them. Empty for None."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    text = format(number, "f")
    return text.replace(".", ",")


def percent_nl(value, places: int = 1) -> str:
    """``104,7%``; empty for None."""
    if value in (None, ""):
        return ""
    return f"{decimal_nl(value, places)}%"


def integer_nl(value) -> str:
    """``1.234`` (Dutch thousands separator); empty for None."""
    if value in (None, ""):
        return ""
    return f"{int(value):,}".replace(",", ".")


# -- counted nouns ------------------------------------------------------------------------------


def refused_of(refused: int, total: int, noun: str = "line") -> str:
    """``1 van 1 prestaties afgekeurd``, ``geen van 3 prestaties afgekeurd``: the same words on
    the file page and the declaration page. ``noun`` is ``line`` (prestatie) or ``item``."""
    if noun == "item":
        if not refused:
            return ngettext(
                "%(total)s item, none refused", "%(total)s items, none refused", total
            ) % {"total": integer_nl(total)}
        return ngettext(
            "%(refused)s of %(total)s item refused", "%(refused)s of %(total)s items refused", total
        ) % {"refused": integer_nl(refused), "total": integer_nl(total)}
    if not refused:
        return ngettext("%(total)s line, none refused", "%(total)s lines, none refused", total) % {
            "total": integer_nl(total)
        }
    return ngettext(
        "%(refused)s of %(total)s line refused", "%(refused)s of %(total)s lines refused", total
    ) % {"refused": integer_nl(refused), "total": integer_nl(total)}


def files_summary(processed: int, refused: int, duplicates: int = 0) -> str:
    """What happened to the files of an upload, without contradictions.

    ``2 bestanden afgekeurd`` when every file was refused (not "2 verwerkt, 2 afgekeurd"),
    ``1 bestand verwerkt`` when all went through, and both counts otherwise."""
    parts = []
    if processed:
        parts.append(
            ngettext("%(count)s file processed", "%(count)s files processed", processed)
            % {"count": processed}
        )
    if refused:
        if processed:
            parts.append(
                ngettext("%(count)s refused", "%(count)s refused", refused) % {"count": refused}
            )
        else:
            parts.append(
                ngettext("%(count)s file refused", "%(count)s files refused", refused)
                % {"count": refused}
            )
    if duplicates:
        parts.append(
            ngettext("%(count)s received before", "%(count)s received before", duplicates)
            % {"count": duplicates}
        )
    if not parts:
        return _("No files.")
    return ", ".join(parts) + "."


# -- one status vocabulary ----------------------------------------------------------------------

# Every app's status values that a user reads, with one Dutch word per meaning. A file, message,
# line or application the system or an assessor did not accept is "afgekeurd" everywhere
# (never "geweigerd"); access refused is a different thing and keeps its own words.
STATUS_LABELS = {
    "ontvangen": pgettext_lazy("status", "received"),
    "in_behandeling": pgettext_lazy("status", "processing"),
    "verwerkt": pgettext_lazy("status", "processed"),
    "afgekeurd": pgettext_lazy("status", "refused"),
    "goedgekeurd": pgettext_lazy("status", "approved"),
    "geweigerd": pgettext_lazy("status", "refused"),
    "refused": pgettext_lazy("status", "refused"),
    "rejected": pgettext_lazy("status", "refused"),
    "actief": pgettext_lazy("status", "active"),
    "active": pgettext_lazy("status", "active"),
    "concept": pgettext_lazy("status", "draft"),
    "draft": pgettext_lazy("status", "draft"),
    "beeindigd": pgettext_lazy("status", "ended"),
    "ended": pgettext_lazy("status", "ended"),
    "opgeschort": pgettext_lazy("status", "suspended"),
    "suspended": pgettext_lazy("status", "suspended"),
    "ingediend": pgettext_lazy("status", "submitted"),
    "submitted": pgettext_lazy("status", "submitted"),
}


def status_label(value) -> str:
    """The Dutch word for a status value; a value not in the vocabulary is shown as it is
    with underscores as spaces (never ``in_behandeling``)."""
    if value in (None, ""):
        return ""
    label = STATUS_LABELS.get(str(value))
    if label is not None:
        return str(label)
    return str(value).replace("_", " ")


# -- histories: field names and stored values as labels -----------------------------------------

YES, NO = gettext_lazy("yes"), gettext_lazy("no")


def field_label(model, name: str) -> str:
    """The verbose name of a model field (``valid_from`` -> ``geldig vanaf``); a name that is no
    field is shown with spaces instead of underscores."""
    if model is not None:
        field_name = name[:-3] if name.endswith("_id") else name
        try:
            field = model._meta.get_field(field_name)
        except FieldDoesNotExist:
            field = None
        if field is not None and hasattr(field, "verbose_name"):
            return str(field.verbose_name)
    return name.replace("_", " ")


def value_label(model, name: str, value) -> str:
    """A stored value as a user reads it: choice labels, Dutch dates, euros for ``_cents``,
    ja/nee, code-list labels for units and frequencies; ``–`` for nothing."""
    from zorgregio.common.money import format_eurocents

    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return str(YES if value else NO)
    if name.endswith("_cents") and isinstance(value, int):
        return format_eurocents(value)
    law = "wmo"
    if name == "unit":
        return unit_label(law, value)
    if name == "allowed_frequencies" and isinstance(value, list):
        return frequencies_label(law, value)
    if name in ("status", "to_status", "from_status") or name.endswith("_status"):
        field = _field(model, name)
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, status_label(value)))
        return status_label(value)
    field = _field(model, name)
    if field is not None and getattr(field, "choices", None):
        label = dict(field.flatchoices).get(value)
        if label is not None:
            return str(label)
    if isinstance(value, list):
        return ", ".join(value_label(model, name, v) for v in value)
    parsed = as_date(value)
    if isinstance(parsed, dt.date):
        return date_short(parsed)
    if isinstance(value, (Decimal, float)) or (
        isinstance(value, str) and re.fullmatch(r"-?\d+\.\d+", value)
    ):
        return decimal_nl(value)
    return str(value)


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name[:-3] if name.endswith("_id") else name)
    except FieldDoesNotExist:
        return None


def history_changes(event) -> list[tuple[str, str, str]]:
    """(field label, before, after) of an audit event, every part as a user reads it."""
    model = event.content_type.model_class() if event.content_type_id else None
    return [
        (
            field_label(model, name),
            value_label(model, name, before),
            value_label(model, name, after),
        )
        for name, before, after in event.changes()
    ]


# -- XML parser errors in Dutch ------------------------------------------------------------------

# libxml2 error types (``err.type_name``) -> Dutch reason; the line and column are added.
_XML_REASONS = {
    "ERR_DOCUMENT_EMPTY": gettext_lazy("the file holds no XML (no element found)"),
    "ERR_DOCUMENT_END": gettext_lazy("there is text after the end of the message"),
    "ERR_TAG_NAME_MISMATCH": gettext_lazy("an end tag does not match its start tag"),
    "ERR_TAG_NOT_FINISHED": gettext_lazy("an element is not closed"),
    "ERR_GT_REQUIRED": gettext_lazy("a tag is not closed with '>'"),
    "ERR_LT_IN_ATTRIBUTE": gettext_lazy("an attribute value contains '<'"),
    "ERR_NAME_REQUIRED": gettext_lazy("an element name is missing"),
    "ERR_INVALID_CHAR": gettext_lazy("the file contains a character that XML does not allow"),
    "ERR_INVALID_ENCODING": gettext_lazy("the file is not in the declared character encoding"),
    "ERR_UNDECLARED_ENTITY": gettext_lazy("an unknown entity (&...;) is used"),
    "ERR_ATTRIBUTE_WITHOUT_VALUE": gettext_lazy("an attribute has no value"),
    "ERR_ATTRIBUTE_NOT_STARTED": gettext_lazy("an attribute value has no quotes"),
    "ERR_ATTRIBUTE_REDEFINED": gettext_lazy("an attribute occurs twice in one element"),
    "ERR_LITERAL_NOT_FINISHED": gettext_lazy("a text between quotes is not closed"),
    "ERR_EXTRA_CONTENT": gettext_lazy("there is text after the end of the message"),
    "ERR_NS_DECL_ERROR": gettext_lazy("a namespace declaration is wrong"),
    "NS_ERR_UNDEFINED_NAMESPACE": gettext_lazy("a namespace prefix is not declared"),
    "ERR_RESERVED_XML_NAME": gettext_lazy("an XML declaration is not at the very start"),
    "ERR_PCDATA_REQUIRED": gettext_lazy("an element holds text that is not allowed there"),
    "ERR_SPACE_REQUIRED": gettext_lazy("a space is missing between attributes"),
    "ERR_STRING_NOT_STARTED": gettext_lazy("a quote is missing"),
    "ERR_STRING_NOT_CLOSED": gettext_lazy("a quote is not closed"),
}
# XSD validation errors (SCHEMASV) -> Dutch reason with the element named.
_XSD_REASONS = {
    "SCHEMAV_ELEMENT_CONTENT": gettext_lazy("element %(element)s is not expected here"),
    "SCHEMAV_CVC_COMPLEX_TYPE_2_4": gettext_lazy("element %(element)s is not expected here"),
    "SCHEMAV_CVC_DATATYPE_VALID_1_2_1": gettext_lazy(
        "element %(element)s has a value of the wrong type"
    ),
    "SCHEMAV_CVC_PATTERN_VALID": gettext_lazy(
        "element %(element)s has a value in the wrong format"
    ),
    "SCHEMAV_CVC_ENUMERATION_VALID": gettext_lazy(
        "element %(element)s has a value that is not in its code list"
    ),
    "SCHEMAV_CVC_LENGTH_VALID": gettext_lazy("element %(element)s has a value of the wrong length"),
    "SCHEMAV_CVC_MAXLENGTH_VALID": gettext_lazy("element %(element)s has a value that is too long"),
    "SCHEMAV_CVC_MINLENGTH_VALID": gettext_lazy(
        "element %(element)s has a value that is too short"
    ),
    "SCHEMAV_CVC_MININCLUSIVE_VALID": gettext_lazy("element %(element)s has a value too small"),
    "SCHEMAV_CVC_MAXINCLUSIVE_VALID": gettext_lazy("element %(element)s has a value too large"),
    "SCHEMAV_CVC_TOTALDIGITS_VALID": gettext_lazy("element %(element)s has too many digits"),
    "SCHEMAV_CVC_ELT_1": gettext_lazy("the root element %(element)s is not a message of the XSD"),
}
_ELEMENT = re.compile(r"Element '(?:\{[^}]*\})?([^']+)'")
_MISSING = re.compile(r"Missing child element\(s\)\. Expected is(?: one of)? \(\s*([^)]*)\)")


def _first_error(exc):
    """The entry of the error log that the exception reports (lxml's log also holds earlier
    errors of the same thread): the one whose message starts the exception text, else the last."""
    log = list(getattr(exc, "error_log", None) or [])
    text = str(exc)
    for entry in reversed(log):
        if entry.message and text.startswith(entry.message):
            return entry
    return log[-1] if log else None


def xml_error_reason(exc) -> str:
    """A Dutch reason for an lxml syntax or XSD error, with its line and column.

    libxml2's own (English) text never reaches a user; an error type not in the table is named
    by its line and column only."""
    err = _first_error(exc)
    type_name = getattr(err, "type_name", "") or ""
    message = getattr(err, "message", "") or str(exc)
    line = getattr(err, "line", None) or getattr(exc, "lineno", None)
    column = getattr(err, "column", None)
    if type_name.startswith("SCHEMAV") or getattr(err, "domain_name", "") == "SCHEMASV":
        element_match = _ELEMENT.search(message)
        element = element_match.group(1) if element_match else "?"
        missing = _MISSING.search(message)
        if missing:
            expected = ", ".join(
                re.sub(r"\{[^}]*\}", "", part).strip() for part in missing.group(1).split(",")
            )
            reason = _("element %(element)s misses a required element (%(expected)s)") % {
                "element": element,
                "expected": expected,
            }
        elif type_name in _XSD_REASONS:
            reason = str(_XSD_REASONS[type_name]) % {"element": element}
        else:
            reason = _("element %(element)s does not match the XSD") % {"element": element}
    else:
        reason = str(_XML_REASONS.get(type_name, gettext_lazy("the XML is not well-formed")))
    if line:
        if column:
            return _("%(reason)s (line %(line)s, column %(column)s)") % {
                "reason": reason,
                "line": line,
                "column": column,
            }
        return _("%(reason)s (line %(line)s)") % {"reason": reason, "line": line}
    return reason
