"""Reads of the contract register.

**Who may deliver what where** (used by the declaration checks):

* :func:`admitted` answers one question with one indexed query;
* :func:`admission_periods` answers it in bulk: every ``(provider, product, municipality)``
  with the periods in which the provider may deliver, product-group admissions expanded to the
  products of the group (cut to each product's own validity);
* :class:`AdmissionIndex` wraps that dict for millions of lookups in memory.

An admission allows delivery when its status is *actief* or *cliëntenstop* (a client stop
forbids new clients, but care for existing clients may still be delivered and declared), and
also when it is *beëindigd* after having been active (``activated_on`` set): ending cuts its
period short, so care delivered before the end stays declarable. A draft (*concept*) and a
draft ended without ever becoming active never allow delivery.

Activity and spending (art. 1.5, 1.6) are read through :func:`provider_spending` and
:func:`provider_active_clients`, which read the approved declaration lines and deliveries of
``zorgregio.zorg`` until the monitor feeds them.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear

from zorgregio.accounts.scoping import scope_for
from zorgregio.common.periods import overlapping_q, valid_on_q

from .models import (
    DELIVERABLE_STATUSES,
    ActivityException,
    ActivityExceptionReason,
    Admission,
    AdmissionStatus,
    Amendment,
    BridgingAgreement,
    Evidence,
    EvidenceRequest,
    FrameworkAgreement,
    MunicipalityContractOptions,
    SpendingCeiling,
    Subcontractor,
)

DAY = dt.timedelta(days=1)
SATISFACTION_THRESHOLD = Decimal("8.5")
DEFAULT_WARN_PERCENT = 70


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clipped to the end of the month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def deliverable_q(prefix: str = "") -> Q:
    """Admissions that allow delivery within their period (see the module docstring)."""
    return Q(**{f"{prefix}status__in": DELIVERABLE_STATUSES}) | Q(
        **{f"{prefix}status": AdmissionStatus.ENDED, f"{prefix}activated_on__isnull": False}
    )


# --- who may deliver what where -------------------------------------------------------------


_ADMITTED_SQL = None


def _admitted_sql() -> str:
    """The question as one plain SQL statement (same on SQLite and PostgreSQL), built once:
    building it with the ORM costs 20-30 times more than running it."""
    global _ADMITTED_SQL
    if _ADMITTED_SQL is None:
        _ADMITTED_SQL = (
            "SELECT 1 FROM contracten_admission a"
            " WHERE a.provider_id = %s AND a.municipality_id = %s"
            " AND a.valid_from <= %s AND (a.valid_until IS NULL OR a.valid_until >= %s)"
            " AND (a.status IN (%s, %s) OR (a.status = %s AND a.activated_on IS NOT NULL))"
            " AND (a.product_id = %s OR a.product_group_id IN ("
            "SELECT p.group_id FROM producten_product p WHERE p.id = %s"
            " AND p.valid_from <= %s AND (p.valid_until IS NULL OR p.valid_until >= %s)))"
            " LIMIT 1"
        )
    return _ADMITTED_SQL


def admitted(provider_id: int, product_id: int, municipality_id: int, day: dt.date) -> bool:
    """May ``provider`` deliver ``product`` in ``municipality`` on ``day``?

    One query on the (provider, municipality, ...) index; a product-group admission counts
    for the products of the group that are valid on ``day``.
    """
    params = [
        provider_id,
        municipality_id,
        day,
        day,
        AdmissionStatus.ACTIVE.value,
        AdmissionStatus.CLIENT_STOP.value,
        AdmissionStatus.ENDED.value,
        product_id,
        product_id,
        day,
        day,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_admitted_sql(), params)
        return cursor.fetchone() is not None


Key = tuple[int, int, int]
Periods = list[tuple[dt.date, dt.date | None]]


def _intersect(a_start, a_end, b_start, b_end):
    start = max(a_start, b_start)
    ends = [e for e in (a_end, b_end) if e is not None]
    end = min(ends) if ends else None
    if end is not None and end < start:
        return None
    return start, end


def _merge(periods: Periods) -> Periods:
    periods.sort(key=lambda p: p[0])
    merged: Periods = []
    for start, end in periods:
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None or start <= last_end + DAY:
                if last_end is not None and (end is None or end > last_end):
                    merged[-1] = (last_start, end)
                continue
        merged.append((start, end))
    return merged


def admission_periods(provider_ids=None) -> dict[Key, Periods]:
    """``{(provider_id, product_id, municipality_id): [(start, end_or_None), ...]}``.

    Periods are inclusive, sorted and merged where they touch. Two queries, whatever the size
    of the register.
    """
    qs = Admission.objects.filter(deliverable_q())
    if provider_ids is not None:
        qs = qs.filter(provider_id__in=list(provider_ids))
    result: dict[Key, Periods] = defaultdict(list)
    for provider, product, municipality, start, end in qs.filter(product__isnull=False).values_list(
        "provider_id", "product_id", "municipality_id", "valid_from", "valid_until"
    ):
        result[(provider, product, municipality)].append((start, end))
    grouped = qs.filter(product__isnull=True, product_group__products__isnull=False).values_list(
        "provider_id",
        "product_group__products__id",
        "municipality_id",
        "valid_from",
        "valid_until",
        "product_group__products__valid_from",
        "product_group__products__valid_until",
    )
    for provider, product, municipality, start, end, p_start, p_end in grouped:
        period = _intersect(start, end, p_start, p_end)
        if period:
            result[(provider, product, municipality)].append(period)
    return {key: _merge(periods) for key, periods in result.items()}


class AdmissionIndex:
    """In-memory answer to :func:`admitted` for bulk checks (one load, then no queries)."""

    def __init__(self, periods: dict[Key, Periods] | None = None, provider_ids=None):
        periods = periods if periods is not None else admission_periods(provider_ids)
        self._starts = {key: [p[0] for p in value] for key, value in periods.items()}
        self._periods = periods

    def admitted(self, provider_id, product_id, municipality_id, day: dt.date) -> bool:
        key = (provider_id, product_id, municipality_id)
        starts = self._starts.get(key)
        if not starts:
            return False
        i = bisect.bisect_right(starts, day) - 1
        if i < 0:
            return False
        end = self._periods[key][i][1]
        return end is None or day <= end


def bridged(provider_id: int, client_id: int, municipality_id: int, day: dt.date) -> bool:
    """Does a bridging agreement keep this client's care with this provider on ``day``?"""
    return BridgingAgreement.objects.filter(
        provider_id=provider_id,
        municipality_id=municipality_id,
        clients__id=client_id,
        valid_from__lte=day,
        valid_until__gte=day,
    ).exists()


# --- the register as roles see it -----------------------------------------------------------


def current_agreement(region, day: dt.date | None = None) -> FrameworkAgreement | None:
    qs = FrameworkAgreement.objects.filter(region=region)
    if day is not None:
        found = qs.valid_on(day).first()
        if found:
            return found
    return qs.first()


def agreements_visible_to(user):
    return scope_for(user).filter(FrameworkAgreement.objects.all(), region="region")


def admissions_visible_to(user):
    return scope_for(user).filter(
        Admission.objects.select_related(
            "provider", "product", "product_group", "municipality", "agreement"
        ),
        municipality="municipality",
        provider="provider",
    )


def register(
    user,
    *,
    provider=None,
    product=None,
    municipality=None,
    status: str = "",
    day: dt.date | None = None,
):
    """The admissions ``user`` may see, filtered like the register overview.

    ``product`` also matches admissions for the product's group; ``day`` keeps the admissions
    valid on that date.
    """
    qs = admissions_visible_to(user)
    if provider:
        qs = qs.filter(provider=provider)
    if product:
        qs = qs.filter(
            Q(product=product) | Q(product__isnull=True, product_group_id=product.group_id)
        )
    if municipality:
        qs = qs.filter(municipality=municipality)
    if status:
        qs = qs.filter(status=status)
    if day:
        qs = qs.filter(valid_on_q(day))
    return qs.order_by("provider__name", "municipality__name", "valid_from", "pk")


def amendments_visible_to(user):
    return scope_for(user).filter(
        Amendment.objects.select_related("provider", "agreement"),
        provider="provider",
        region="agreement__region",
    )


def subcontractors_visible_to(user):
    return scope_for(user).filter(
        Subcontractor.objects.select_related("main_provider"),
        provider="main_provider",
        region="agreement__region",
    )


def bridging_visible_to(user):
    return scope_for(user).filter(
        BridgingAgreement.objects.select_related("provider", "municipality", "product"),
        municipality="municipality",
        provider="provider",
    )


# --- activity and spending (art. 1.5 and 1.6) -----------------------------------------------


def _signed_amount():
    return Sum(
        Case(
            When(debit_credit="C", then=-F("amount_cents")),
            default=F("amount_cents"),
            output_field=IntegerField(),
        )
    )


def _lines(provider_id, municipality_id, first: dt.date, last: dt.date):
    from zorgregio.zorg.models import DeclaratieRegel, LineStatus

    return DeclaratieRegel.objects.filter(
        provider_id=provider_id,
        status=LineStatus.APPROVED,
        month__gte=first.replace(day=1),
        month__lte=last,
        **({"municipality_id": municipality_id} if municipality_id else {}),
    )


def provider_spending(provider_id, municipality_id, first: dt.date, last: dt.date) -> int:
    """Approved declared amount (eurocents, credit lines subtracted) over the months from
    ``first`` to ``last``; ``municipality_id`` None is the whole region."""
    total = _lines(provider_id, municipality_id, first, last).aggregate(total=_signed_amount())
    return int(total["total"] or 0)


def provider_spending_by_year(provider_id) -> dict[tuple[int, int], int]:
    """``{(municipality_id, year): eurocents}`` of approved lines, in one query."""
    from zorgregio.zorg.models import DeclaratieRegel, LineStatus

    rows = (
        DeclaratieRegel.objects.filter(provider_id=provider_id, status=LineStatus.APPROVED)
        .annotate(year=ExtractYear("month"))
        .values("municipality_id", "year")
        .annotate(total=_signed_amount())
    )
    return {(r["municipality_id"], r["year"]): int(r["total"] or 0) for r in rows}


def provider_active_clients(provider_id, municipality_id, first: dt.date, last: dt.date) -> int:
    """Distinct clients the provider served between ``first`` and ``last``: an approved
    declaration line in the period, or a (not deleted) delivery overlapping it."""
    from zorgregio.zorg.models import Client, Levering

    declared = _lines(provider_id, municipality_id, first, last).values("client_id")
    deliveries = Levering.objects.filter(
        overlapping_q(first, last, "begindatum", "einddatum"),
        deleted=False,
        toewijzing__deleted=False,
        toewijzing__provider_id=provider_id,
        **({"toewijzing__municipality_id": municipality_id} if municipality_id else {}),
    ).values("toewijzing__client_id")
    return Client.objects.filter(Q(pk__in=declared) | Q(pk__in=deliveries)).count()


@dataclass(frozen=True)
class CeilingUse:
    ceiling: SpendingCeiling
    used_cents: int
    warn_percent: int

    @property
    def percent(self) -> int:
        return self.used_cents * 100 // self.ceiling.amount_cents

    @property
    def level(self) -> str:
        """``ok``, ``warn`` (at or above the warning percentage) or ``exceeded`` (at 100%)."""
        if self.used_cents >= self.ceiling.amount_cents:
            return "exceeded"
        if self.used_cents * 100 >= self.warn_percent * self.ceiling.amount_cents:
            return "warn"
        return "ok"

    @property
    def intake_stop(self) -> bool:
        """Art. 1.5.7: no care is paid above the ceiling: stop intake when it is reached, or
        when the region set the stop itself."""
        return self.ceiling.intake_stop or self.level == "exceeded"


def _warn_percents() -> dict[int, int]:
    return dict(MunicipalityContractOptions.objects.values_list("municipality_id", "warn_percent"))


def ceiling_use(ceiling: SpendingCeiling) -> CeilingUse:
    used = provider_spending(
        ceiling.provider_id,
        ceiling.municipality_id,
        dt.date(ceiling.year, 1, 1),
        dt.date(ceiling.year, 12, 31),
    )
    warn = _warn_percents().get(ceiling.municipality_id, DEFAULT_WARN_PERCENT)
    return CeilingUse(ceiling, used, warn)


def ceilings_with_use(provider, municipalities=None) -> list[CeilingUse]:
    """The provider's spending ceilings with their use, in ``municipalities`` (what the viewer
    may see of the provider: staff of one municipality not its spending elsewhere)."""
    spending = provider_spending_by_year(provider.pk)
    warn = _warn_percents()
    ceilings = provider.spending_ceilings.select_related("municipality")
    if municipalities is not None:
        ceilings = ceilings.filter(municipality__in=municipalities)
    return [
        CeilingUse(
            c,
            spending.get((c.municipality_id, c.year), 0),
            warn.get(c.municipality_id, DEFAULT_WARN_PERCENT),
        )
        for c in ceilings.order_by("-year", "municipality__name")
    ]


def spending_by_provider_municipality(year: int) -> dict[tuple[int, int], int]:
    """``{(provider_id, municipality_id): eurocents}`` of approved lines in ``year``, one
    query."""
    from zorgregio.zorg.models import DeclaratieRegel, LineStatus

    rows = (
        DeclaratieRegel.objects.filter(
            status=LineStatus.APPROVED,
            month__gte=dt.date(year, 1, 1),
            month__lte=dt.date(year, 12, 31),
        )
        .values("provider_id", "municipality_id")
        .annotate(total=_signed_amount())
    )
    return {(r["provider_id"], r["municipality_id"]): int(r["total"] or 0) for r in rows}


def ceilings_at_warning(user, year: int) -> list[CeilingUse]:
    """Ceilings of ``year`` at or above the warning level (or with an intake stop)."""
    ceilings = scope_for(user).filter(
        SpendingCeiling.objects.filter(year=year).select_related("provider", "municipality"),
        municipality="municipality",
        provider="provider",
    )
    spending = spending_by_provider_municipality(year)
    warn = _warn_percents()
    uses = [
        CeilingUse(
            c,
            spending.get((c.provider_id, c.municipality_id), 0),
            warn.get(c.municipality_id, DEFAULT_WARN_PERCENT),
        )
        for c in ceilings
    ]
    return sorted(
        (u for u in uses if u.level != "ok" or u.intake_stop),
        key=lambda u: (-u.percent, u.ceiling.provider.name),
    )


@dataclass(frozen=True)
class ActivityAssessment:
    """Art. 1.6: may the municipality terminate for too little activity?"""

    start: dt.date
    window_end: dt.date
    clients: int
    turnover_cents: int
    min_clients: int
    min_turnover_cents: int
    exception: str  # an ActivityExceptionReason value or ""
    complete: bool  # the 12 months have passed

    @property
    def insufficient(self) -> bool:
        return self.clients < self.min_clients or self.turnover_cents < self.min_turnover_cents

    @property
    def may_terminate(self) -> bool:
        return self.complete and self.insufficient and not self.exception


def activity_assessment(
    provider, municipality, options: MunicipalityContractOptions, today: dt.date
) -> ActivityAssessment | None:
    """The art. 1.6 test for a provider in a municipality; ``None`` when the municipality does
    not use the article or the provider was never active there.

    The 12 months run from the start of the provider's first admission that became active in
    the municipality. Exceptions (1.6.2): a shortage, a unique offer, or an average client
    satisfaction of 8.5 or higher.
    """
    if not options.activity_rule:
        return None
    start = (
        Admission.objects.filter(
            provider=provider, municipality=municipality, activated_on__isnull=False
        )
        .order_by("valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )
    if start is None:
        return None
    window_end = add_months(start, 12) - DAY
    exceptions = ActivityException.objects.filter(provider=provider, municipality=municipality)
    exception = ""
    for item in exceptions:
        if item.reason != ActivityExceptionReason.SATISFACTION or (
            item.satisfaction is not None and item.satisfaction >= SATISFACTION_THRESHOLD
        ):
            exception = item.reason
            break
    return ActivityAssessment(
        start=start,
        window_end=window_end,
        clients=provider_active_clients(provider.pk, municipality.pk, start, window_end),
        turnover_cents=provider_spending(provider.pk, municipality.pk, start, window_end),
        min_clients=options.activity_min_clients,
        min_turnover_cents=options.activity_min_turnover_cents,
        exception=exception,
        complete=today > window_end,
    )


def activity_by_municipality(provider, agreement, municipalities, today: dt.date) -> list[tuple]:
    """``(municipality, ActivityAssessment)`` of art. 1.6 for a provider in each of
    ``municipalities`` that uses the article under ``agreement``."""
    if agreement is None:
        return []
    options = MunicipalityContractOptions.objects.filter(
        agreement=agreement, activity_rule=True, municipality__in=municipalities
    ).select_related("municipality")
    found = []
    for item in options:
        result = activity_assessment(provider, item.municipality, item, today)
        if result is not None:
            found.append((item.municipality, result))
    return found


def activity_worklist(user, today: dt.date) -> list[tuple]:
    """Art. 1.6 over the whole register: ``(provider, municipality, ActivityAssessment)`` for
    every pair with too little activity, in municipalities that use the article.

    Queries per distinct 12-month window, not per provider: turnover and clients come from
    grouped aggregates; only pairs whose declaration and delivery counts are each below the
    minimum are counted exactly (a client in both sources must count once).
    """
    from zorgregio.aanbieders.models import Provider
    from zorgregio.regio.models import Municipality
    from zorgregio.zorg.models import DeclaratieRegel, Levering, LineStatus

    options = {
        o.municipality_id: o for o in MunicipalityContractOptions.objects.filter(activity_rule=True)
    }
    if not options:
        return []
    starts = (
        scope_for(user)
        .filter(
            Admission.objects.filter(activated_on__isnull=False, municipality_id__in=list(options)),
            municipality="municipality",
            provider="provider",
        )
        .values("provider_id", "municipality_id")
        .annotate(start=Min("valid_from"))
        .order_by()
    )
    windows: dict[dt.date, list[tuple[int, int]]] = defaultdict(list)
    for row in starts:
        windows[row["start"]].append((row["provider_id"], row["municipality_id"]))
    excepted: dict[tuple[int, int], str] = {}
    for item in ActivityException.objects.all():
        if item.reason != ActivityExceptionReason.SATISFACTION or (
            item.satisfaction is not None and item.satisfaction >= SATISFACTION_THRESHOLD
        ):
            excepted[(item.provider_id, item.municipality_id)] = item.reason
    found = []
    for start, pairs in windows.items():
        end = add_months(start, 12) - DAY
        provider_ids = {p for p, _m in pairs}
        declared = {
            (r["provider_id"], r["municipality_id"]): (int(r["total"] or 0), r["clients"])
            for r in DeclaratieRegel.objects.filter(
                provider_id__in=provider_ids,
                status=LineStatus.APPROVED,
                month__gte=start.replace(day=1),
                month__lte=end,
            )
            .values("provider_id", "municipality_id")
            .annotate(total=_signed_amount(), clients=Count("client_id", distinct=True))
            .order_by()
        }
        delivered = {
            (r["toewijzing__provider_id"], r["toewijzing__municipality_id"]): r["clients"]
            for r in Levering.objects.filter(
                overlapping_q(start, end, "begindatum", "einddatum"),
                deleted=False,
                toewijzing__deleted=False,
                toewijzing__provider_id__in=provider_ids,
            )
            .values("toewijzing__provider_id", "toewijzing__municipality_id")
            .annotate(clients=Count("toewijzing__client_id", distinct=True))
            .order_by()
        }
        for pair in pairs:
            option = options[pair[1]]
            turnover, declared_clients = declared.get(pair, (0, 0))
            clients = max(declared_clients, delivered.get(pair, 0))
            if clients < option.activity_min_clients and declared_clients and delivered.get(pair):
                clients = provider_active_clients(pair[0], pair[1], start, end)
            result = ActivityAssessment(
                start=start,
                window_end=end,
                clients=clients,
                turnover_cents=turnover,
                min_clients=option.activity_min_clients,
                min_turnover_cents=option.activity_min_turnover_cents,
                exception=excepted.get(pair, ""),
                complete=today > end,
            )
            if result.insufficient:
                found.append((pair, result))
    providers = Provider.objects.in_bulk({p for (p, _m), _r in found})
    municipalities = Municipality.objects.in_bulk({m for (_p, m), _r in found})
    rows = [(providers[p], municipalities[m], r) for (p, m), r in found]
    return sorted(rows, key=lambda row: (not row[2].may_terminate, row[0].name, row[1].name))


# --- the provider dossier ------------------------------------------------------------------


def latest_evidence():
    """Per provider and kind only the evidence that expires last."""
    newer = Evidence.objects.filter(
        provider=OuterRef("provider"), kind=OuterRef("kind"), expires_on__gt=OuterRef("expires_on")
    )
    return Evidence.objects.exclude(Exists(newer))


def expiring_evidence(user, today: dt.date, within_days: int = 60):
    """The worklist: per provider and kind the latest evidence, expired or expiring within
    ``within_days``, with ``open_request`` when a renewal was already requested.

    ``user`` None is the system (the daily command): no scoping."""
    open_requests = EvidenceRequest.objects.filter(
        provider=OuterRef("provider"), kind=OuterRef("kind"), fulfilled_by__isnull=True
    )
    qs = (
        latest_evidence()
        .filter(expires_on__lte=today + dt.timedelta(days=within_days))
        .annotate(
            open_request=Exists(open_requests),
            expired=Case(
                When(expires_on__lt=today, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .select_related("provider")
        .order_by("expires_on", "provider__name")
    )
    if user is None:
        return qs
    return scope_for(user).filter(qs, provider="provider")


def open_evidence_requests(provider):
    return provider.evidence_requests.filter(fulfilled_by__isnull=True).order_by("due_on")
