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
- parser errors in Dutch: ``berichten.xml_errors`` (libxml2's English text never shown).
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
