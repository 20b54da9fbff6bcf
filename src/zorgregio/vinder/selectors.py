"""Reads of the public provider finder.

What the public may see is decided in :mod:`zorgregio.accounts.scoping`
(:func:`~zorgregio.accounts.scoping.public_admissions`,
:func:`~zorgregio.accounts.scoping.public_satisfaction`,
:func:`~zorgregio.accounts.scoping.public_waiting_times`); this module only combines it: per
municipality and date the providers with an admission that holds, the products it covers (a
product-group admission expanded to the group's products valid on the date), the provider's
offer and locations, the latest waiting time it reported per product, whether it has a client
stop, its published satisfaction score, and the distance from a postcode. Nothing about
clients and no monitor figure is read.

A handful of queries per page, whatever the number of providers; distances are computed in
Python (haversine) from the region's postcode table.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery
from django.utils.text import slugify

from zorgregio.accounts.scoping import (
    public_admissions,
    public_satisfaction,
    public_waiting_times,
)
from zorgregio.common.periods import valid_on_q
from zorgregio.contracten.models import Admission, AdmissionStatus

from .geo import haversine_km
from .models import Offer, Postcode

# --- municipalities ----------------------------------------------------------------------------


def municipality_slug(municipality) -> str:
    return slugify(municipality.name)


def finder_municipalities():
    """Every municipality of a region, for the finder's index (public: names and codes)."""
    from zorgregio.regio.models import Municipality

    return Municipality.objects.select_related("region").order_by("region__name", "name")


def finder_municipality(key: str):
    """The municipality in a finder URL: its slug (``epe``) or its CBS code (``0232``)."""
    key = (key or "").strip().lower()
    qs = finder_municipalities()
    if len(key) == 4 and key.isascii() and key.isdigit():
        return qs.filter(cbs_code=key).first()
    for municipality in qs:
        if municipality_slug(municipality) == key:
            return municipality
    return None


# --- what one page shows ----------------------------------------------------------------------


@dataclass
class ProductLine:
    product: object
    client_stop: bool = False
    waiting: object = None  # the latest WaitingTimeReport, if any


@dataclass
class ProviderCard:
    provider: object
    offer: object = None
    lines: list[ProductLine] = field(default_factory=list)
    satisfaction: list = field(default_factory=list)  # published SatisfactionResults
    distance_km: float | None = None
    nearest: object = None  # the Location nearest to the postcode

    @property
    def client_stop(self) -> bool:
        return bool(self.lines) and all(line.client_stop for line in self.lines)

    @property
    def some_client_stop(self) -> bool:
        return any(line.client_stop for line in self.lines)

    @property
    def groups(self) -> list:
        seen = {}
        for line in self.lines:
            seen.setdefault(line.product.group_id, line.product.group)
        return list(seen.values())

    @property
    def group_lines(self) -> list[dict]:
        """Per product group: its products and the range of reported waiting times to intake
        (the summary in the list)."""
        groups: dict[int, dict] = {}
        for line in self.lines:
            item = groups.setdefault(
                line.product.group_id,
                {"group": line.product.group, "products": [], "waits": [], "stop": True},
            )
            item["products"].append(line.product)
            if line.product.name not in item.setdefault("names", []):
                item["names"].append(line.product.name)
            item["stop"] = item["stop"] and line.client_stop
            if line.waiting is not None:
                item["waits"].append(line.waiting.intake_weeks)
        for item in groups.values():
            item["wait_min"] = min(item["waits"]) if item["waits"] else None
            item["wait_max"] = max(item["waits"]) if item["waits"] else None
        return list(groups.values())

    @property
    def locations(self) -> list:
        return list(self.offer.locations.all()) if self.offer else []

    @property
    def phone(self) -> str:
        return (self.offer.phone if self.offer else "") or self.provider.phone

    @property
    def email(self) -> str:
        return (self.offer.email if self.offer else "") or self.provider.email

    @property
    def website(self) -> str:
        """The offer's website, else the provider's; only an http(s) address is ever linked."""
        url = (self.offer.website if self.offer else "") or self.provider.website
        return url if url.lower().startswith(("https://", "http://")) else ""


@dataclass
class Filters:
    day: dt.date
    group: object = None  # ProductGroup
    product: object = None  # Product: the intensity
    target_group: str = ""
    text: str = ""
    origin: Postcode | None = None
    km: int | None = None


def _products_on(admissions, day: dt.date) -> dict[int, list[tuple]]:
    """``{provider_id: [(product, admission status on day), ...]}``: product admissions as they
    are, group admissions expanded to the group's products valid on ``day``."""
    from zorgregio.producten.models import Product

    rows = list(admissions)
    group_ids = {a.product_group_id for a in rows if a.product_id is None}
    by_group = defaultdict(list)
    for product in (
        Product.objects.filter(valid_on_q(day), group_id__in=group_ids)
        .select_related("group")
        .order_by("group__name", "intensity_rank", "productcode")
    ):
        by_group[product.group_id].append(product)
    found: dict[int, dict[int, tuple]] = defaultdict(dict)
    for admission in rows:
        status = admission.state_on(day)[0]
        if admission.product_id is not None:
            if not (
                admission.product.valid_from <= day
                and (admission.product.valid_until is None or day <= admission.product.valid_until)
            ):
                continue
            products = [admission.product]
        else:
            products = by_group[admission.product_group_id]
        for product in products:
            previous = found[admission.provider_id].get(product.pk)
            # Two admissions for one product (a product and its group): a client stop only
            # when every one of them has it.
            stop = status == AdmissionStatus.CLIENT_STOP
            if previous is not None:
                stop = stop and previous[1]
            found[admission.provider_id][product.pk] = (product, stop)
    return {
        provider_id: sorted(
            products.values(),
            key=lambda item: (item[0].group.name, item[0].intensity_rank or 0, item[0].code),
        )
        for provider_id, products in found.items()
    }


def public_admissions_in(municipality, day: dt.date):
    return public_admissions(
        Admission.objects.filter(municipality=municipality).select_related(
            "provider", "product__group", "product_group"
        ),
        day=day,
    )


def offered_products(municipality, day: dt.date) -> list:
    """The products any provider is admitted for in ``municipality`` on ``day`` (the choices of
    the product-group and intensity filters), ordered by group and intensity."""
    seen = {}
    for products in _products_on(public_admissions_in(municipality, day), day).values():
        for product, _stop in products:
            seen[product.pk] = product
    return sorted(
        seen.values(), key=lambda p: (p.group.name, p.intensity_rank or 0, p.code, p.name)
    )


def _latest_waiting(municipality, provider_ids, day: dt.date) -> dict[tuple[int, int], object]:
    from zorgregio.toezicht.models import WaitingTimeReport

    qs = public_waiting_times(WaitingTimeReport.objects.all(), day=day)
    newest = (
        qs.filter(
            provider_id=OuterRef("provider_id"),
            municipality_id=OuterRef("municipality_id"),
            product_id=OuterRef("product_id"),
        )
        .order_by("-reported_on", "-pk")
        .values("pk")[:1]
    )
    reports = qs.filter(
        municipality=municipality, provider_id__in=list(provider_ids), pk=Subquery(newest)
    )
    return {(r.provider_id, r.product_id): r for r in reports}


def _satisfaction(provider_ids, group_ids, day: dt.date) -> dict[int, list]:
    """Per provider the latest published result per product group (up to ``day``'s year)."""
    from zorgregio.toezicht.models import SatisfactionResult

    qs = public_satisfaction(
        SatisfactionResult.objects.filter(
            provider_id__in=list(provider_ids),
            product_group_id__in=list(group_ids),
            year__lte=day.year,
        )
    ).select_related("product_group")
    latest: dict[tuple[int, int], object] = {}
    for result in qs.order_by("year"):
        latest[(result.provider_id, result.product_group_id)] = result
    out: dict[int, list] = defaultdict(list)
    for (provider_id, _group), result in sorted(
        latest.items(), key=lambda item: item[1].product_group.name
    ):
        out[provider_id].append(result)
    return out


def _nearest(offer, origin: Postcode, coordinates: dict) -> tuple[float | None, object]:
    best, where = None, None
    for location in offer.locations.all():
        point = coordinates.get(location.postcode)
        if point is None:
            continue
        km = haversine_km(float(origin.latitude), float(origin.longitude), *point)
        if best is None or km < best:
            best, where = km, location
    return best, where


def _matches_text(card: ProviderCard, text: str) -> bool:
    needle = text.casefold()
    haystack = [card.provider.name]
    if card.offer:
        haystack += [card.offer.description, card.offer.approach, card.offer.specialisms]
    haystack += [line.product.name for line in card.lines]
    haystack += [line.product.group.name for line in card.lines]
    return any(needle in (h or "").casefold() for h in haystack)


def finder_cards(municipality, filters: Filters, provider_id: int | None = None) -> list:
    """The providers contracted in ``municipality`` on ``filters.day`` that match the filters,
    nearest first when a postcode is given (those without a located address last), else by
    name. ``provider_id`` limits it to one provider (the detail page)."""
    day = filters.day
    admissions = public_admissions_in(municipality, day)
    if provider_id is not None:
        admissions = admissions.filter(provider_id=provider_id)
    products = _products_on(admissions, day)
    if not products:
        return []
    providers = {a.provider_id: a.provider for a in admissions}
    offers = {
        o.provider_id: o
        for o in Offer.objects.filter(provider_id__in=list(products)).prefetch_related("locations")
    }
    waiting = _latest_waiting(municipality, products, day)
    cards = []
    for pid, items in products.items():
        lines = [
            ProductLine(product=p, client_stop=stop, waiting=waiting.get((pid, p.pk)))
            for p, stop in items
            if (filters.group is None or p.group_id == filters.group.pk)
            and (filters.product is None or p.pk == filters.product.pk)
        ]
        if not lines:
            continue
        card = ProviderCard(provider=providers[pid], offer=offers.get(pid), lines=lines)
        if filters.target_group and (
            card.offer is None or filters.target_group not in card.offer.target_groups
        ):
            continue
        if filters.text and not _matches_text(card, filters.text):
            continue
        cards.append(card)
    if filters.origin is not None:
        postcodes = {loc.postcode for c in cards if c.offer for loc in c.offer.locations.all()}
        coordinates = {
            code: (float(lat), float(lon))
            for code, lat, lon in Postcode.objects.filter(pk__in=postcodes).values_list(
                "postcode", "latitude", "longitude"
            )
        }
        for card in cards:
            if card.offer:
                card.distance_km, card.nearest = _nearest(card.offer, filters.origin, coordinates)
        if filters.km is not None:
            cards = [c for c in cards if c.distance_km is not None and c.distance_km <= filters.km]
        cards.sort(
            key=lambda c: (c.distance_km is None, c.distance_km or 0, c.provider.name.casefold())
        )
    else:
        cards.sort(key=lambda c: c.provider.name.casefold())
    group_ids = {line.product.group_id for c in cards for line in c.lines}
    satisfaction = _satisfaction([c.provider.pk for c in cards], group_ids, day)
    for card in cards:
        card.satisfaction = satisfaction.get(card.provider.pk, [])
    return cards


def finder_card(municipality, provider_id: int, filters: Filters):
    """One provider's card, or None when it has no public admission there on the day."""
    found = finder_cards(
        municipality,
        Filters(day=filters.day, origin=filters.origin),
        provider_id=provider_id,
    )
    return found[0] if found else None


def postcode(code: str) -> Postcode | None:
    return Postcode.objects.filter(pk=code).first()


def has_postcodes() -> bool:
    return Postcode.objects.exists()


# --- the edit screen -------------------------------------------------------------------------


def editable_providers(user):
    from zorgregio.aanbieders.models import Provider
    from zorgregio.accounts.scoping import scope_for

    return scope_for(user).offer_providers(Provider.objects.all())


def offer_of(provider) -> Offer | None:
    return Offer.objects.filter(provider=provider).prefetch_related("locations").first()


def unknown_postcodes(offer) -> set[str]:
    """Location postcodes that are not in the postcode table (not found by distance)."""
    if offer is None:
        return set()
    codes = {loc.postcode for loc in offer.locations.all()}
    known = set(Postcode.objects.filter(pk__in=codes).values_list("pk", flat=True))
    return codes - known


def municipalities_of(provider, day: dt.date) -> list:
    """Where the provider is in the finder on ``day`` (its public admissions' municipalities),
    for links from the edit screen."""
    from zorgregio.regio.models import Municipality

    ids = public_admissions(Admission.objects.filter(provider=provider), day=day).values(
        "municipality_id"
    )
    return list(Municipality.objects.filter(Q(pk__in=ids)).order_by("name"))
