"""Cross-message rules on requests (315 and 317) as plain functions.

A 317 (verzoek om wijziging) names the client's current toewijzingen at the provider: those it
keeps (OngewijzigdProduct, by ToewijzingNummer) and those it wants changed (TeWijzigenProduct),
and adds new products (NieuwProduct). The rules compare it with the toewijzingen the
municipality sent (:class:`Current`, read for the request). Each function is True when the
request breaks the rule; :meth:`zorgregio.zorg.apply.MessageApplier.verzoek` gives it the rule's
retourcode and refuses the request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# TR375/TR412: toewijzingen without a product code that end after this day have no Omvang.
OMVANG_CUTOFF = dt.date(2020, 12, 31)
REJECTED = "1"  # WJ760 VerzoekAntwoord: Verzoek afgewezen


@dataclass(frozen=True, slots=True)
class Current:
    """A toewijzing as the request rules see it."""

    nummer: str
    client_id: int
    categorie: str
    code: str
    start: dt.date
    end: dt.date | None
    volume: int | None
    frequency: str
    budget: int | None

    def current_on(self, day: dt.date) -> bool:
        """Valid on or after ``day`` (TR349: also when it starts in the future)."""
        return self.end is None or self.end >= day


def tr374_pending(pending_references: list[str]) -> bool:
    """TR374 (9374): no request is sent while an earlier one of the same provider for the
    client is still pending (until a 319 rejects it or a 301 with its ReferentieAanbieder
    honours it)."""
    return bool(pending_references)


def tr350_unchanged_unknown(ongewijzigd, current: dict[str, Current], day: dt.date) -> list[str]:
    """TR350 (9350): every OngewijzigdProduct names a current toewijzing. The numbers that do
    not."""
    return [nr for nr in ongewijzigd if nr not in current or not current[nr].current_on(day)]


def tr351_changed_unknown(products, current: dict[str, Current], day: dt.date) -> list[str]:
    """TR351 (9351): every TeWijzigenProduct names a current toewijzing. The numbers that do
    not."""
    return [
        p.toewijzingnummer
        for p in products
        if p.kind == "te_wijzigen"
        and (p.toewijzingnummer not in current or not current[p.toewijzingnummer].current_on(day))
    ]


def tr304_other_client(numbers, current: dict[str, Current], client_id: int) -> list[str]:
    """TR304 (8187) for a 317: a toewijzing it names belongs to its client."""
    return [nr for nr in numbers if nr in current and current[nr].client_id != client_id]


def tr349_missing(of_client: dict[str, Current], ongewijzigd, products, day) -> list[str]:
    """TR349 (9349): the request names every current toewijzing of the client, unchanged or to
    change. The numbers it leaves out."""
    named = set(ongewijzigd) | {p.toewijzingnummer for p in products if p.kind == "te_wijzigen"}
    return sorted(nr for nr, tw in of_client.items() if tw.current_on(day) and nr not in named)


def tr357_backdated(product, tw: Current, dagtekening: dt.date | None) -> bool:
    """TR357 (9357): a change that does not start in the future holds for the whole period:
    a GewensteIngangsdatum on or before the Dagtekening is the toewijzing's Ingangsdatum."""
    wanted = product.ingangsdatum
    if wanted is None or dagtekening is None or wanted > dagtekening:
        return False
    return wanted != tw.start


def tr373_budget_change(product, tw: Current) -> bool:
    """TR373 (9373): a change of the Budget or of a total over the period (Frequentie 6) holds
    for the whole toewijzing: GewensteIngangsdatum is its Ingangsdatum."""
    budget_changed = product.budget_cents is not None and product.budget_cents != tw.budget
    total_changed = (
        tw.frequency == "6"
        and product.volume is not None
        and (product.volume != tw.volume or product.frequency != tw.frequency)
    )
    return (budget_changed or total_changed) and product.ingangsdatum != tw.start


def _recent(tw: Current) -> bool:
    return tw.end is None or tw.end > OMVANG_CUTOFF


def tr375_omvang_without_product(product, tw: Current) -> bool:
    """TR375 (9375): a toewijzing without a product (ending after 2020) gets no Omvang."""
    return not tw.categorie and not tw.code and _recent(tw) and product.volume is not None


def tr411_omvang_required(product, tw: Current) -> bool:
    """TR411 (9411): a toewijzing with a ProductCode gets an Omvang."""
    return bool(tw.code) and product.volume is None


def tr412_omvang_empty(product, tw: Current) -> bool:
    """TR412 (9412): a toewijzing without a ProductCode (ending after 2020) gets no Omvang."""
    return not tw.code and _recent(tw) and product.volume is not None


def tr361_overlap(periods: list[tuple[str, dt.date, dt.date | None]]) -> bool:
    """TR361 (9361): the same product (code, else category) occurs more than once only with
    periods that do not overlap. ``periods``: (product, start, end or None)."""
    by_product: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for product, start, end in periods:
        if product and start is not None:
            by_product.setdefault(product, []).append((start, end or dt.date.max))
    for spans in by_product.values():
        spans.sort()
        for (_a, end_a), (start_b, _b) in zip(spans, spans[1:], strict=False):
            if start_b <= end_a:
                return True
    return False
