"""System check: the installed lxml refuses malformed XML while it validates against an XSD.

The ingest's all-or-nothing rule rests on the parser raising on a file that is cut off or not
well-formed. Some lxml releases, with some parser options, recover such a file silently when a
schema is attached (see ``parsers._parser_kwargs``); this check parses small broken documents
with the parser's own options and a small schema, so an lxml that does so stops ``migrate``,
``runserver`` and ``zorgregio import`` before a message is read.
"""

from __future__ import annotations

import io

from django.core import checks
from django.utils.translation import gettext as _
from lxml import etree

_SCHEMA = (
    b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:zorgregio:check"'
    b' elementFormDefault="qualified"><xs:element name="a"><xs:complexType><xs:sequence>'
    b'<xs:element name="b" type="xs:string" maxOccurs="unbounded"/></xs:sequence>'
    b"</xs:complexType></xs:element></xs:schema>"
)
_WHOLE = b'<?xml version="1.0"?><a xmlns="urn:zorgregio:check"><b>1</b><b>2</b></a>'
_BROKEN = {
    "truncated": _WHOLE[:-6],
    "end tag cut": _WHOLE[:-2],
    "mismatched tag": _WHOLE.replace(b"</b>", b"</c>", 1),
}


def broken_documents_accepted(parser_kwargs: dict) -> list[str]:
    """The names of the broken documents that an ``iterparse`` with ``parser_kwargs`` and an
    XSD reads to their end without an error (empty when the parser is sound)."""
    schema = etree.XMLSchema(etree.XML(_SCHEMA))
    accepted = []
    for name, data in _BROKEN.items():
        context = etree.iterparse(io.BytesIO(data), events=("end",), schema=schema, **parser_kwargs)
        try:
            for _event in context:
                pass
        except etree.XMLSyntaxError:
            continue
        accepted.append(name)
    return accepted


@checks.register(checks.Tags.compatibility)
def check_parser_refuses_malformed(app_configs=None, **kwargs):
    from .parsers import _parser_kwargs

    accepted = broken_documents_accepted(_parser_kwargs())
    if not accepted:
        return []
    return [
        checks.Error(
            _(
                "lxml %(version)s accepts malformed XML while it validates against an XSD "
                "(%(cases)s): a cut-off message would be processed as if it were whole."
            )
            % {"version": etree.__version__, "cases": ", ".join(accepted)},
            hint=_("Install a release of lxml for which this check passes."),
            id="berichten.E001",
        )
    ]
