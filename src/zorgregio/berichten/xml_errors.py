"""Dutch reasons for what the XML parser and the XSD check (libxml2, through lxml) refuse.

libxml2 words its errors in English ("Opening and ending tag mismatch: b line 1 and a"); a
provider reading a refusal gets instead where it is (line and column, the element) and what is
wrong, in Dutch, from the error's type. A type without a description of its own gets the
general one of its kind; libxml2's English text never reaches the user."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

_TYPE_NAMES = {getattr(etree.ErrorTypes, n): n for n in dir(etree.ErrorTypes) if n.isupper()}

SYNTAX = {
    "ERR_DOCUMENT_EMPTY": gettext_lazy("the file is empty"),
    "ERR_DOCUMENT_START": gettext_lazy("the file does not start with an XML element"),
    "ERR_DOCUMENT_END": gettext_lazy("there is more after the end of the message"),
    "ERR_NAME_REQUIRED": gettext_lazy("an element has no valid name"),
    "ERR_TAG_NAME_MISMATCH": gettext_lazy("an element is closed with another name than it opened"),
    "ERR_TAG_NOT_FINISHED": gettext_lazy("the file ends before every element is closed"),
    "ERR_LTSLASH_REQUIRED": gettext_lazy("an element is not closed"),
    "ERR_GT_REQUIRED": gettext_lazy("a '>' is missing"),
    "ERR_LT_IN_ATTRIBUTE": gettext_lazy("an attribute value contains '<'"),
    "ERR_ATTRIBUTE_REDEFINED": gettext_lazy("an element has the same attribute twice"),
    "ERR_ATTRIBUTE_NOT_STARTED": gettext_lazy("an attribute value is not in quotes"),
    "ERR_ATTRIBUTE_WITHOUT_VALUE": gettext_lazy("an attribute has no value"),
    "ERR_SPACE_REQUIRED": gettext_lazy("a space is missing between attributes"),
    "ERR_EQUAL_REQUIRED": gettext_lazy("an '=' is missing after an attribute name"),
    "ERR_STRING_NOT_STARTED": gettext_lazy("an attribute value is not in quotes"),
    "ERR_STRING_NOT_CLOSED": gettext_lazy("an attribute value is not closed with a quote"),
    "ERR_INVALID_ENCODING": gettext_lazy("bytes that are not valid in the character encoding"),
    "ERR_UNSUPPORTED_ENCODING": gettext_lazy("an unsupported character encoding"),
    "ERR_INVALID_CHAR": gettext_lazy("a character that XML does not allow"),
    "ERR_INVALID_DEC_CHARREF": gettext_lazy("an invalid character reference"),
    "ERR_INVALID_HEX_CHARREF": gettext_lazy("an invalid character reference"),
    "ERR_INVALID_CHARREF": gettext_lazy("an invalid character reference"),
    "ERR_UNDECLARED_ENTITY": gettext_lazy("an unknown entity (&...;)"),
    "WAR_UNDECLARED_ENTITY": gettext_lazy("an unknown entity (&...;)"),
    "ERR_ENTITYREF_SEMICOL_MISSING": gettext_lazy("an entity (&...;) without ';'"),
    "ERR_ENTITYREF_NO_NAME": gettext_lazy("a '&' that does not start an entity"),
    "ERR_RESERVED_XML_NAME": gettext_lazy("an XML declaration that is not at the start"),
    "ERR_XMLDECL_NOT_FINISHED": gettext_lazy("the XML declaration is not closed"),
    "ERR_XMLDECL_NOT_STARTED": gettext_lazy("the XML declaration is damaged"),
    "ERR_COMMENT_NOT_FINISHED": gettext_lazy("a comment is not closed"),
    "ERR_PI_NOT_FINISHED": gettext_lazy("a processing instruction is not closed"),
    "ERR_CDATA_NOT_FINISHED": gettext_lazy("a CDATA section is not closed"),
    "NS_ERR_UNDEFINED_NAMESPACE": gettext_lazy("a namespace prefix that is not declared"),
    "NS_ERR_XML_NAMESPACE": gettext_lazy("a namespace declaration that is not allowed"),
    "ERR_NS_DECL_ERROR": gettext_lazy("a namespace declaration that is not allowed"),
}

SCHEMA = {
    "SCHEMAV_CVC_PATTERN_VALID": gettext_lazy("the value does not have the required form"),
    "SCHEMAV_CVC_ENUMERATION_VALID": gettext_lazy("the value is not one of the allowed codes"),
    "SCHEMAV_CVC_LENGTH_VALID": gettext_lazy("the value does not have the required length"),
    "SCHEMAV_CVC_MAXLENGTH_VALID": gettext_lazy("the value is too long"),
    "SCHEMAV_CVC_MINLENGTH_VALID": gettext_lazy("the value is too short"),
    "SCHEMAV_CVC_MAXINCLUSIVE_VALID": gettext_lazy("the value is too high"),
    "SCHEMAV_CVC_MAXEXCLUSIVE_VALID": gettext_lazy("the value is too high"),
    "SCHEMAV_CVC_MININCLUSIVE_VALID": gettext_lazy("the value is too low"),
    "SCHEMAV_CVC_MINEXCLUSIVE_VALID": gettext_lazy("the value is too low"),
    "SCHEMAV_CVC_TOTALDIGITS_VALID": gettext_lazy("the value has too many digits"),
    "SCHEMAV_CVC_FRACTIONDIGITS_VALID": gettext_lazy("the value has too many decimals"),
    "SCHEMAV_CVC_DATATYPE_VALID_1_2_1": gettext_lazy(
        "the value is not of the required type (a number, a date, ...)"
    ),
    "SCHEMAV_CVC_COMPLEX_TYPE_2_4": gettext_lazy("an element is missing or in the wrong place"),
    "SCHEMAV_ELEMENT_CONTENT": gettext_lazy("an element is missing or in the wrong place"),
    "SCHEMAV_CVC_COMPLEX_TYPE_2_3": gettext_lazy("an element contains text where it may not"),
    "SCHEMAV_CVC_COMPLEX_TYPE_2_1": gettext_lazy("an element that must be empty has content"),
    "SCHEMAV_CVC_TYPE_3_1_2": gettext_lazy("an element contains other elements where it may not"),
    "SCHEMAV_CVC_ELT_1": gettext_lazy("the message is not a known iWmo/iJw 3.2 message"),
    "SCHEMAV_CVC_COMPLEX_TYPE_3_2_1": gettext_lazy("an attribute that is not allowed"),
    "SCHEMAV_CVC_COMPLEX_TYPE_3_2_2": gettext_lazy("an attribute that is not allowed"),
    "SCHEMAV_CVC_COMPLEX_TYPE_4": gettext_lazy("a required attribute is missing"),
}

_ELEMENT = re.compile(r"Element '(?:\{[^}]*\})?([^']+)'")
_EXPECTED = re.compile(r"Expected is(?: one of)? \( ([^)]*) \)")
_NAME = re.compile(r"^(?:\{[^}]*\})?([\w.-]+)$")


def type_name(exc) -> str:
    return _TYPE_NAMES.get(getattr(exc, "code", None), "")


def is_schema_error(exc) -> bool:
    return type_name(exc).startswith("SCHEMAV_")


def _position(exc) -> tuple[int | None, int | None]:
    position = getattr(exc, "position", None) or (None, None)
    return position[0] or None, position[1] or None


def _where(exc) -> str:
    line, column = _position(exc)
    if line and column:
        return _("line %(line)s, column %(column)s") % {"line": line, "column": column}
    if line:
        return _("line %(line)s") % {"line": line}
    return ""


def syntax_reason(exc) -> str:
    """Why the file is not well-formed XML, in Dutch."""
    problem = SYNTAX.get(type_name(exc)) or _("the XML is not well-formed")
    where = _where(exc)
    if where:
        return _("The file is not well-formed XML (%(where)s): %(problem)s.") % {
            "where": where,
            "problem": problem,
        }
    return _("The file is not well-formed XML: %(problem)s.") % {"problem": problem}


def schema_reason(exc) -> str:
    """Why the official XSD refuses the message, in Dutch, naming the element and, where the
    XSD says so, the elements it expected there (names of the standard, not English text)."""
    message = getattr(exc, "msg", None) or str(exc)
    problem = SCHEMA.get(type_name(exc)) or _("the message does not follow the XSD's structure")
    element = _ELEMENT.search(message)
    parts = [_where(exc)]
    if element:
        parts.append(_("element %(element)s") % {"element": element.group(1)})
    expected = _EXPECTED.search(message)
    details = ""
    if expected:
        names = [m.group(1) for n in expected.group(1).split(",") if (m := _NAME.match(n.strip()))]
        if names:
            details = " " + _("(expected: %(names)s)") % {"names": ", ".join(names)}
    where = ", ".join(p for p in parts if p)
    return _("The message does not match the official XSD (%(where)s): %(problem)s%(details)s.") % {
        "where": where or "-",
        "problem": problem,
        "details": details,
    }
