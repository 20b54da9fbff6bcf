"""Set-up import of the postcode table: one row per six-position postcode (PC6) with the WGS84
coordinates of its centre, for the finder's distance search.

The shape is that of the public PC6 files (a PC6 centroid per postcode, e.g. derived from the
BAG): ``postcode``, ``breedtegraad`` (latitude) and ``lengtegraad`` (longitude) in decimal
degrees, optionally ``woonplaats``. The English headers of such files (``pc6``, ``lat``,
``latitude``, ``lon``, ``lng``, ``longitude``, ``city``) are read as well. A postcode that is
already in the table is updated; a file with one wrong row is refused whole.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zorgregio.common.tables import Column, RowError
from zorgregio.inrichting.registry import SetupImport, changed, new, register, unchanged

from . import services

ALIASES = {
    "pc6": "postcode",
    "lat": "breedtegraad",
    "latitude": "breedtegraad",
    "lon": "lengtegraad",
    "lng": "lengtegraad",
    "longitude": "lengtegraad",
    "city": "woonplaats",
    "plaats": "woonplaats",
}


def _prepare(ctx, header: list[str]) -> list[str]:
    return [ALIASES.get(name, name) for name in header]


def _row(ctx, number: int, values: dict):
    raw = values.get("postcode", "").strip()
    key = raw.replace(" ", "").upper()
    if key and key in ctx.seen:
        raise RowError("postcode", _("this postcode is already in row %s.") % ctx.seen[key])
    ctx.seen[key] = number
    for column in ("breedtegraad", "lengtegraad"):
        if not values.get(column, "").strip():
            raise RowError(column, _("give the coordinate in decimal degrees, e.g. 52.3012."))
    postcode, outcome = services.postcode_set(
        actor=ctx.actor,
        postcode=raw,
        latitude=values["breedtegraad"].strip(),
        longitude=values["lengtegraad"].strip(),
        city=values.get("woonplaats", ""),
    )
    return {"new": new, "changed": changed, "unchanged": unchanged}[outcome](
        number, postcode.postcode
    )


register(
    SetupImport(
        slug="postcodes",
        title=gettext_lazy("Postcode table (PC6 coordinates) for the provider finder"),
        order=120,
        columns=(
            Column(
                "postcode",
                True,
                gettext_lazy("Six-position postcode (PC6), with or without a space."),
                "8161 AB",
            ),
            Column(
                "breedtegraad",
                True,
                gettext_lazy("Latitude (WGS84) of the postcode's centre, decimal degrees."),
                "52,3475",
            ),
            Column(
                "lengtegraad",
                True,
                gettext_lazy("Longitude (WGS84) of the postcode's centre, decimal degrees."),
                "5,9847",
            ),
            Column("woonplaats", False, gettext_lazy("Place name (shown as a help)."), "Epe"),
        ),
        apply_row=_row,
        fields={"postcode": "postcode", "latitude": "breedtegraad", "longitude": "lengtegraad"},
        prepare=_prepare,
        needs_region=False,
    )
)
