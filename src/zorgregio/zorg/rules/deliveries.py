"""Cross-message rules on stops (307) as plain functions.

A stop ends the delivery a start (305) began: it names the same toewijzing and Begindatum.
``start`` is the delivery as the index holds it, ``[id, begindatum, einddatum, deleted,
reden_beeindiging]`` (einddatum None while it runs). Each function is True when the stop breaks
the rule; :meth:`zorgregio.zorg.apply.MessageApplier.stop` refuses the stop with its
retourcode.
"""

from __future__ import annotations

TEMPORARY = "20"  # WJ588 RedenBeeindiging: Levering is tijdelijk beeindigd
NEW_OR_CORRECTION = ("1", "2")


def tr382_no_start(start, rec, tw) -> bool:
    """TR382 (9069): the stop repeats its start's key elements unchanged: a start with this
    Begindatum exists on the toewijzing, for the toewijzing's product."""
    if start is None:
        return True
    if rec.productcategorie and tw.categorie and rec.productcategorie != tw.categorie:
        return True
    return bool(rec.productcode and tw.code and rec.productcode != tw.code)


def tr413_temporary_again(start, rec) -> bool:
    """TR413 (9413): after a temporary stop (RedenBeeindiging 20) the next stop of the same
    start has another reason."""
    return (
        start[2] is not None
        and start[4] == TEMPORARY
        and rec.reden_beeindiging == TEMPORARY
        and rec.status_aanlevering in NEW_OR_CORRECTION
    )


def tr414_ends_earlier(start, rec) -> bool:
    """TR414 (9414): a later stop of the same start does not end before the current stop."""
    return start[2] is not None and rec.einddatum < start[2]


def tr415_second_stop(start, rec) -> bool:
    """TR415 (9415): a start has a second stop (new or changed, StatusAanlevering 1 or 2) only
    after a temporary stop (RedenBeeindiging 20); a final stop is corrected by deleting it
    (StatusAanlevering 3) and sending it again."""
    return (
        start[2] is not None
        and start[4] != TEMPORARY
        and rec.status_aanlevering in NEW_OR_CORRECTION
    )
