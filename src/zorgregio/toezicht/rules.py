"""The signal rules: each a named function in one registry, with its documented definition and
its thresholds (defaults here, set per municipality in :class:`~.models.SignalThreshold`).

A rule gets a :class:`RuleContext` (the region, the reference day, the thresholds) and yields
:class:`Finding` objects; :func:`zorgregio.toezicht.services.recompute_signals` turns them into
:class:`~.models.Signal` rows. Rules read with aggregate queries (the same SQL on SQLite and
PostgreSQL) and loop in Python only over aggregated rows, never over declaration lines.
docs/toezicht.md describes every rule; a test keeps that page and this registry in step.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EVIDENCE_CAP = 50  # ids kept per signal; the counts in the figures are complete


@dataclass
class Finding:
    rule: str
    key: str
    municipality_id: int | None
    provider_id: int | None
    measure: float
    threshold: float
    figures: dict = field(default_factory=dict)
    evidence: dict = field(default_factory=dict)
    client_id: int | None = None
    group_id: int | None = None
    product_id: int | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    title: object  # lazy
    definition: object  # lazy
    thresholds: dict[str, Decimal]
    threshold_help: dict[str, object]
    compute: Callable[[RuleContext], Iterable[Finding]]
    summary: Callable[[dict], str]
    client_level: bool = False  # the evidence names clients


RULES: dict[str, Rule] = {}


def signal_rule(
    *, code, title, definition, thresholds, threshold_help, summary, client_level=False
):
    def wrap(func):
        RULES[code] = Rule(
            code=code,
            title=title,
            definition=definition,
            thresholds={k: Decimal(str(v)) for k, v in thresholds.items()},
            threshold_help=threshold_help,
            compute=func,
            summary=summary,
            client_level=client_level,
        )
        return func

    return wrap


class Thresholds:
    """The thresholds of one region: a municipality's own value, else the region's, else the
    rule's default."""

    def __init__(self, region):
        from .models import SignalThreshold

        self._values = {
            (row.municipality_id, row.rule, row.key): row.value
            for row in SignalThreshold.objects.filter(region=region)
        }

    def value(self, rule: str, key: str, municipality_id: int | None = None) -> Decimal:
        for scope in (municipality_id, None):
            found = self._values.get((scope, rule, key))
            if found is not None:
                return found
        return RULES[rule].thresholds[key]


@dataclass
class RuleContext:
    region: object
    today: dt.date
    thresholds: Thresholds
    municipality_ids: list[int]
    data_end: dt.date  # the last day of the latest month with declaration lines (or today)
    cache: dict = field(default_factory=dict)

    def value(self, rule: str, key: str, municipality_id: int | None = None) -> float:
        return float(self.thresholds.value(rule, key, municipality_id))

    @property
    def window(self) -> tuple[dt.date, dt.date]:
        """The 12 months up to ``data_end``."""
        end = self.data_end
        start = _shift_months(end.replace(day=1), -11)
        return start, end

    def marks(self) -> str:
        return ", ".join(["%s"] * len(self.municipality_ids or [-1]))

    def ids(self) -> list[int]:
        return list(self.municipality_ids or [-1])


def _shift_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _signed(column: str) -> str:
    return f"CASE WHEN r.debit_credit = 'C' THEN -{column} ELSE {column} END"


def _euros(cents) -> str:
    from zorgregio.common.money import format_eurocents

    return format_eurocents(int(cents))


# --- per provider and municipality: counts of suspicious lines --------------------------------


APPROVED_SQL = "SUM(CASE WHEN r.status = 'goedgekeurd' THEN 1 ELSE 0 END)"


def _line_group(ctx, rule: str, rows, extra: Callable[[tuple], dict] | None = None):
    """``rows``: groups of suspicious lines as (municipality_id, provider_id, lines, signed
    amount, approved lines, a sample line id, month); one finding per provider and municipality
    with at least ``min_lines`` lines. The evidence keeps a sample line of each group (at most
    EVIDENCE_CAP); the counts are complete."""
    groups: dict[tuple[int, int], list] = defaultdict(list)
    for row in rows:
        groups[(row[0], row[1])].append(row)
    for (municipality_id, provider_id), items in groups.items():
        minimum = ctx.value(rule, "min_lines", municipality_id)
        lines = sum(int(i[2]) for i in items)
        if lines < minimum:
            continue
        months = sorted(_date(i[6]) for i in items)
        figures = {
            "lines": lines,
            "amount_cents": sum(int(i[3] or 0) for i in items),
            "approved": sum(int(i[4] or 0) for i in items),
            **(extra(items[0]) if extra else {}),
        }
        yield Finding(
            rule=rule,
            key=f"{rule}:{municipality_id}:{provider_id}",
            municipality_id=municipality_id,
            provider_id=provider_id,
            measure=lines,
            threshold=minimum,
            figures=figures,
            evidence={"lines": sorted(int(i[5]) for i in items)[:EVIDENCE_CAP]},
            period_start=months[0],
            period_end=months[-1],
        )


def _lines_summary(figures: dict) -> str:
    return _("%(lines)s lines (%(amount)s), of which %(approved)s approved") % {
        "lines": figures.get("lines", 0),
        "amount": _euros(figures.get("amount_cents", 0)),
        "approved": figures.get("approved", 0),
    }


@signal_rule(
    code="declared_without_assignment",
    title=gettext_lazy("Declared without an assignment or start message"),
    definition=gettext_lazy(
        "Declaration lines (approved or not) of a provider in a municipality that refer to no "
        "known toewijzing, or to a toewijzing without any start of care (305). Raised when a "
        "provider has at least min_lines such lines in a municipality."
    ),
    thresholds={"min_lines": 1},
    threshold_help={"min_lines": gettext_lazy("lines per provider and municipality")},
    summary=_lines_summary,
    client_level=True,
)
def declared_without_assignment(ctx: RuleContext):
    rows = _rows(
        f"""
        SELECT r.municipality_id, r.provider_id, COUNT(*), SUM({_signed("r.amount_cents")}),
               {APPROVED_SQL}, MIN(r.id), r.month
        FROM zorg_declaratieregel r
        WHERE r.municipality_id IN ({ctx.marks()})
          AND (r.toewijzing_id IS NULL OR NOT EXISTS (
              SELECT 1 FROM zorg_levering l
              WHERE l.toewijzing_id = r.toewijzing_id AND l.deleted = %s))
        GROUP BY r.municipality_id, r.provider_id, r.month, r.toewijzing_id
        """,  # noqa: S608
        [*ctx.ids(), False],
    )
    yield from _line_group(ctx, "declared_without_assignment", rows)


@signal_rule(
    code="declared_after_stop",
    title=gettext_lazy("Declared after the end of care"),
    definition=gettext_lazy(
        "Declaration lines whose product period starts after the toewijzing ended, or after "
        "the last delivery of the toewijzing was stopped (307) while no delivery is open. "
        "Raised when a provider has at least min_lines such lines in a municipality."
    ),
    thresholds={"min_lines": 1},
    threshold_help={"min_lines": gettext_lazy("lines per provider and municipality")},
    summary=_lines_summary,
    client_level=True,
)
def declared_after_stop(ctx: RuleContext):
    rows = _rows(
        f"""
        SELECT r.municipality_id, r.provider_id, COUNT(*), SUM({_signed("r.amount_cents")}),
               {APPROVED_SQL}, MIN(r.id), r.month
        FROM zorg_declaratieregel r
        JOIN zorg_toewijzing t ON t.id = r.toewijzing_id
        WHERE r.municipality_id IN ({ctx.marks()})
          AND ((t.einddatum IS NOT NULL AND r.period_start > t.einddatum)
               OR (EXISTS (
                       SELECT 1 FROM zorg_levering l
                       WHERE l.toewijzing_id = r.toewijzing_id AND l.deleted = %s)
                   AND NOT EXISTS (
                       SELECT 1 FROM zorg_levering o
                       WHERE o.toewijzing_id = r.toewijzing_id AND o.deleted = %s
                         AND (o.einddatum IS NULL OR o.einddatum >= r.period_start))))
        GROUP BY r.municipality_id, r.provider_id, r.month, r.toewijzing_id
        """,  # noqa: S608
        [*ctx.ids(), False, False],
    )
    yield from _line_group(ctx, "declared_after_stop", rows)


@signal_rule(
    code="declared_not_admitted",
    title=gettext_lazy("Declared without an admission"),
    definition=gettext_lazy(
        "Declaration lines for a product in a municipality the provider was not admitted for "
        "(contract register: active, client stop, or ended after having been active) on the "
        "first day of the product period, and not covered by a bridging agreement for the "
        "client. Raised at min_lines lines per provider and municipality."
    ),
    thresholds={"min_lines": 1},
    threshold_help={"min_lines": gettext_lazy("lines per provider and municipality")},
    summary=_lines_summary,
    client_level=True,
)
def declared_not_admitted(ctx: RuleContext):
    from zorgregio.contracten.models import AdmissionStatus, BridgingAgreement

    through = BridgingAgreement.clients.through._meta
    bridge_fk = through.get_field("bridgingagreement").column
    client_fk = through.get_field("client").column
    # The register's own question (contracten.selectors.admitted), asked per line in SQL.
    rows = _rows(
        f"""
        SELECT r.municipality_id, r.provider_id, COUNT(*), SUM({_signed("r.amount_cents")}),
               {APPROVED_SQL}, MIN(r.id), r.month
        FROM zorg_declaratieregel r
        WHERE r.municipality_id IN ({ctx.marks()}) AND r.product_id IS NOT NULL
          AND NOT EXISTS (
            SELECT 1 FROM contracten_admission a
            WHERE a.provider_id = r.provider_id AND a.municipality_id = r.municipality_id
              AND a.valid_from <= r.period_start
              AND (a.valid_until IS NULL OR a.valid_until >= r.period_start)
              AND (a.status IN (%s, %s) OR (a.status = %s AND a.activated_on IS NOT NULL))
              AND (a.product_id = r.product_id OR a.product_group_id IN (
                  SELECT p.group_id FROM producten_product p WHERE p.id = r.product_id
                    AND p.valid_from <= r.period_start
                    AND (p.valid_until IS NULL OR p.valid_until >= r.period_start))))
          AND NOT EXISTS (
            SELECT 1 FROM contracten_bridgingagreement b
            JOIN {through.db_table} bc ON bc.{bridge_fk} = b.id
            WHERE b.provider_id = r.provider_id AND b.municipality_id = r.municipality_id
              AND bc.{client_fk} = r.client_id
              AND b.valid_from <= r.period_start AND b.valid_until >= r.period_start)
        GROUP BY r.municipality_id, r.provider_id, r.month
        """,  # noqa: S608
        [
            *ctx.ids(),
            AdmissionStatus.ACTIVE.value,
            AdmissionStatus.CLIENT_STOP.value,
            AdmissionStatus.ENDED.value,
        ],
    )
    yield from _line_group(ctx, "declared_not_admitted", rows)


@signal_rule(
    code="tariff_differs",
    title=gettext_lazy("Tariff differs from the contract"),
    definition=gettext_lazy(
        "Declaration lines whose product tariff differs by more than tolerance_cents from the "
        "contracted tariff of the product on the first day of the product period (the "
        "municipality's own tariff, else the regional one). Lines in euros (unit 83) carry no "
        "tariff and are skipped. Raised at min_lines lines per provider and municipality."
    ),
    thresholds={"min_lines": 1, "tolerance_cents": 0},
    threshold_help={
        "min_lines": gettext_lazy("lines per provider and municipality"),
        "tolerance_cents": gettext_lazy("allowed difference in eurocents per unit"),
    },
    summary=lambda f: (
        _lines_summary(f)
        + " · "
        + _("declared %(declared)s per unit, contract %(contract)s")
        % {
            "declared": _euros(f.get("declared_cents", 0)),
            "contract": _euros(f.get("contract_cents", 0)),
        }
    ),
    client_level=True,
)
def tariff_differs(ctx: RuleContext):
    # The contracted tariff on the first day of the product period: the municipality's own,
    # else the regional one (producten: periods of one product and scope do not overlap).
    valid = (
        "{t}.valid_from <= r.period_start"
        " AND ({t}.valid_until IS NULL OR {t}.valid_until >= r.period_start)"
    )
    contract = "COALESCE(tm.amount_cents, tr.amount_cents)"
    by_tolerance = defaultdict(list)
    for mun in ctx.ids():
        by_tolerance[ctx.value("tariff_differs", "tolerance_cents", mun)].append(mun)
    for tolerance, municipality_ids in by_tolerance.items():
        marks = ", ".join(["%s"] * len(municipality_ids))
        rows = _rows(
            f"""
            SELECT r.municipality_id, r.provider_id, COUNT(*),
                   SUM({_signed("r.amount_cents")}), {APPROVED_SQL}, MIN(r.id), r.month,
                   MIN(r.tariff_cents), MIN({contract})
            FROM zorg_declaratieregel r
            LEFT JOIN producten_tariff tm ON tm.product_id = r.product_id
                 AND tm.municipality_id = r.municipality_id AND {valid.format(t="tm")}
            LEFT JOIN producten_tariff tr ON tr.product_id = r.product_id
                 AND tr.municipality_id IS NULL AND {valid.format(t="tr")}
            WHERE r.municipality_id IN ({marks}) AND r.tariff_cents IS NOT NULL
              AND r.product_id IS NOT NULL AND {contract} IS NOT NULL
              AND ABS(r.tariff_cents - {contract}) > %s
            GROUP BY r.municipality_id, r.provider_id, r.month
            """,  # noqa: S608
            [*municipality_ids, tolerance],
        )
        yield from _line_group(
            ctx,
            "tariff_differs",
            rows,
            lambda first: {"declared_cents": int(first[7]), "contract_cents": int(first[8])},
        )


# --- more declared than assigned ---------------------------------------------------------------


def allowed_volume(volume: int, frequency: str, first: dt.date, last: dt.date) -> float:
    """What a toewijzing of ``volume`` per ``frequency`` (WMO757) allows from ``first`` to
    ``last`` (inclusive)."""
    days = (last - first).days + 1
    if days <= 0:
        return 0.0
    if frequency == "1":
        return volume * days
    if frequency == "2":
        return volume * days / 7
    if frequency == "4":
        return volume * days * 12 / 365.25
    return float(volume)  # "6": the total within the toewijzing


@signal_rule(
    code="declared_over_assigned",
    title=gettext_lazy("Declared more than assigned"),
    definition=gettext_lazy(
        "Per toewijzing, the volume declared (debit minus credit, approved or not) against the "
        "volume the toewijzing allows from its start to its end (or to the end of the last "
        "declared period), per its frequency; for a toewijzing with a budget, the amount "
        "declared against the budget. A toewijzing counts when the declared figure exceeds "
        "the assigned one by more than tolerance_percent; raised when a provider has at least "
        "min_toewijzingen such toewijzingen in a municipality."
    ),
    thresholds={"tolerance_percent": 10, "min_toewijzingen": 1},
    threshold_help={
        "tolerance_percent": gettext_lazy("percentage above the assigned volume or budget"),
        "min_toewijzingen": gettext_lazy("toewijzingen per provider and municipality"),
    },
    summary=lambda f: (
        _("%(count)s toewijzingen above the assignment: %(excess)s units and %(cents)s above")
        % {
            "count": f.get("toewijzingen", 0),
            "excess": f.get("excess_volume", 0),
            "cents": _euros(f.get("excess_cents", 0)),
        }
    ),
    client_level=True,
)
def declared_over_assigned(ctx: RuleContext):
    rows = _rows(
        f"""
        SELECT t.id, t.municipality_id, t.provider_id, t.volume, t.frequency, t.budget_cents,
               t.ingangsdatum, t.einddatum, s.volume, s.amount, s.last_end, s.first_month
        FROM zorg_toewijzing t
        JOIN (
            SELECT r.toewijzing_id, SUM({_signed("r.volume")}) AS volume,
                   SUM({_signed("r.amount_cents")}) AS amount, MAX(r.period_end) AS last_end,
                   MIN(r.month) AS first_month
            FROM zorg_declaratieregel r
            WHERE r.toewijzing_id IS NOT NULL AND r.municipality_id IN ({ctx.marks()})
            GROUP BY r.toewijzing_id
        ) s ON s.toewijzing_id = t.id
        WHERE t.deleted = %s AND (t.volume IS NOT NULL OR t.budget_cents IS NOT NULL)
        """,  # noqa: S608
        [*ctx.ids(), False],
    )
    groups = defaultdict(list)
    for tid, mun, prov, volume, freq, budget, start, end, declared, amount, last, first in rows:
        factor = 1 + ctx.value("declared_over_assigned", "tolerance_percent", mun) / 100
        declared, amount = float(declared or 0), int(amount or 0)  # numeric on PostgreSQL
        last = _date(last)
        end = _date(end)
        until = min(end, last) if end else last
        excess_volume = excess_cents = 0
        if volume is not None and freq:
            allowed = allowed_volume(volume, freq, _date(start), until)
            if declared > allowed * factor:
                excess_volume = round(declared - allowed)
        if budget is not None and amount > budget * factor:
            excess_cents = int(amount - budget)
        if excess_volume or excess_cents:
            groups[(mun, prov)].append((tid, excess_volume, excess_cents, _date(first), last))
    for (mun, prov), items in groups.items():
        minimum = ctx.value("declared_over_assigned", "min_toewijzingen", mun)
        if len(items) < minimum:
            continue
        yield Finding(
            rule="declared_over_assigned",
            key=f"declared_over_assigned:{mun}:{prov}",
            municipality_id=mun,
            provider_id=prov,
            measure=len(items),
            threshold=minimum,
            figures={
                "toewijzingen": len(items),
                "excess_volume": sum(i[1] for i in items),
                "excess_cents": sum(i[2] for i in items),
            },
            evidence={"toewijzingen": sorted(i[0] for i in items)[:EVIDENCE_CAP]},
            period_start=min(i[3] for i in items),
            period_end=max(i[4] for i in items),
        )


# --- one client at several providers -----------------------------------------------------------


@signal_rule(
    code="client_multiple_providers",
    title=gettext_lazy("One client at several providers for the same product"),
    definition=gettext_lazy(
        "A client with deliveries (305/307, or the toewijzing's own period) of the same product "
        "at two or more providers that overlap for at least min_overlap_days days. One signal "
        "per client and product; the provider is the one whose care started last."
    ),
    thresholds={"min_overlap_days": 1},
    threshold_help={"min_overlap_days": gettext_lazy("days both deliveries run")},
    summary=lambda f: (
        _("%(count)s providers at the same time, overlapping %(days)s days")
        % {"count": f.get("providers", 0), "days": f.get("overlap_days", 0)}
    ),
    client_level=True,
)
def client_multiple_providers(ctx: RuleContext):
    from zorgregio.monitor.services import OPEN_END

    from .selectors import EPOCH

    rows = _rows(
        f"""
        SELECT a.client_id, a.product_id, a.municipality_id, a.provider_id, b.provider_id,
               a.toewijzing_id, b.toewijzing_id, a.start_day, b.start_day,
               (CASE WHEN COALESCE(a.end_day, {OPEN_END}) < COALESCE(b.end_day, {OPEN_END})
                     THEN COALESCE(a.end_day, {OPEN_END}) ELSE COALESCE(b.end_day, {OPEN_END})
                END)
               - (CASE WHEN a.start_day > b.start_day THEN a.start_day ELSE b.start_day END) + 1
        FROM monitor_deliveryfact a
        JOIN monitor_deliveryfact b ON b.client_id = a.client_id AND b.law = a.law
             AND b.product_id = a.product_id AND b.provider_id <> a.provider_id
             AND b.start_day <= COALESCE(a.end_day, {OPEN_END})
             AND a.start_day <= COALESCE(b.end_day, {OPEN_END})
             AND (a.start_day < b.start_day OR (a.start_day = b.start_day AND a.id < b.id))
        WHERE a.municipality_id IN ({ctx.marks()})
        """,  # noqa: S608
        ctx.ids(),
    )
    found = {}
    for client, product, mun, first_prov, later_prov, t_a, t_b, _s_a, s_b, overlap in rows:
        minimum = ctx.value("client_multiple_providers", "min_overlap_days", mun)
        overlap = min(int(overlap), 3650)
        if overlap < minimum:
            continue
        item = found.setdefault(
            (client, product),
            {
                "mun": mun,
                "providers": set(),
                "toewijzingen": set(),
                "overlap": 0,
                "start": s_b,
                "later": later_prov,
                "minimum": minimum,
            },
        )
        item["providers"] |= {first_prov, later_prov}
        item["toewijzingen"] |= {t_a, t_b}
        item["overlap"] = max(item["overlap"], overlap)
        if s_b >= item["start"]:
            item["start"], item["later"] = s_b, later_prov
    for (client, product), item in found.items():
        start = EPOCH + dt.timedelta(days=item["start"])
        yield Finding(
            rule="client_multiple_providers",
            key=f"client_multiple_providers:{client}:{product}",
            municipality_id=item["mun"],
            provider_id=item["later"],
            client_id=client,
            product_id=product,
            measure=item["overlap"],
            threshold=item["minimum"],
            figures={
                "providers": len(item["providers"]),
                "provider_ids": sorted(item["providers"]),
                "overlap_days": item["overlap"],
            },
            evidence={"toewijzingen": sorted(item["toewijzingen"])},
            period_start=start,
            period_end=start + dt.timedelta(days=item["overlap"] - 1),
        )


# --- outliers against peers --------------------------------------------------------------------


def robust_z(value: float, peers: list[float]) -> tuple[float, float, float]:
    """(median, MAD, z) of ``value`` against ``peers`` (its own value included): z is the
    distance to the median in scaled MADs (1.4826 x MAD estimates the standard deviation of
    normal data), so one extreme peer moves neither the centre nor the spread much. A MAD of 0
    (more than half the peers equal) falls back to the mean absolute deviation."""
    median = statistics.median(peers)
    mad = statistics.median(abs(p - median) for p in peers)
    spread = 1.4826 * mad
    if spread == 0:
        spread = 1.2533 * statistics.fmean(abs(p - median) for p in peers)
    if spread == 0:
        return median, mad, 0.0
    return median, mad, (value - median) / spread


OUTLIER_THRESHOLDS = {"z": 3.5, "min_peers": 5, "min_clients": 5}
OUTLIER_HELP = {
    "z": gettext_lazy("robust z-score (distance to the median in scaled MADs)"),
    "min_peers": gettext_lazy("providers in the peer group"),
    "min_clients": gettext_lazy("clients a provider needs to count"),
}


def _outliers(ctx, rule: str, metrics: dict, unit: str):
    """``metrics``: {(municipality_id, group_id): {provider_id: (value, clients)}}."""
    for (mun, group), per_provider in metrics.items():
        min_clients = ctx.value(rule, "min_clients", mun)
        counted = {p: v for p, (v, n) in per_provider.items() if n >= min_clients}
        if len(counted) < ctx.value(rule, "min_peers", mun):
            continue
        limit = ctx.value(rule, "z", mun)
        values = list(counted.values())
        for provider, value in counted.items():
            median, mad, z = robust_z(value, values)
            if z <= limit:
                continue
            yield Finding(
                rule=rule,
                key=f"{rule}:{mun}:{group}:{provider}",
                municipality_id=mun,
                provider_id=provider,
                group_id=group,
                measure=round(z, 2),
                threshold=limit,
                figures={
                    "value": round(value, 2),
                    "median": round(median, 2),
                    "mad": round(mad, 2),
                    "z": round(z, 2),
                    "peers": len(values),
                    "clients": per_provider[provider][1],
                    "unit": unit,
                    "peer_values": sorted(round(v, 2) for v in values),
                },
                period_start=ctx.window[0],
                period_end=ctx.window[1],
            )


def _outlier_summary(f: dict) -> str:
    return _(
        "%(value)s %(unit)s against a median of %(median)s among %(peers)s peers (z %(z)s)"
    ) % {
        "value": f.get("value"),
        "unit": f.get("unit", ""),
        "median": f.get("median"),
        "peers": f.get("peers"),
        "z": f.get("z"),
    }


def _per_client_metric(ctx, value_sql: str, extra_where: str = ""):
    first, last = ctx.window
    rows = _rows(
        f"""
        SELECT r.municipality_id, p.group_id, r.provider_id, SUM({value_sql}),
               COUNT(DISTINCT r.client_id)
        FROM zorg_declaratieregel r JOIN producten_product p ON p.id = r.product_id
        WHERE r.municipality_id IN ({ctx.marks()}) AND r.month BETWEEN %s AND %s
          AND r.status = %s {extra_where}
        GROUP BY r.municipality_id, p.group_id, r.provider_id
        """,  # noqa: S608
        [*ctx.ids(), first, last, "goedgekeurd"],
    )
    metrics = defaultdict(dict)
    for mun, group, provider, total, clients in rows:
        if clients:
            metrics[(mun, group)][provider] = (float(total or 0) / clients, clients)
    return metrics


def _outlier_rule(code, title, definition):
    return signal_rule(
        code=code,
        title=title,
        definition=definition,
        thresholds=OUTLIER_THRESHOLDS,
        threshold_help=OUTLIER_HELP,
        summary=_outlier_summary,
    )


@_outlier_rule(
    "outlier_cost_per_client",
    gettext_lazy("Cost per client far above peers"),
    gettext_lazy(
        "Per municipality and product group over the 12 months up to the latest declared "
        "month: approved amount (debit minus credit) per distinct client of each provider with "
        "at least min_clients clients, against the other providers of the group (at least "
        "min_peers). Raised when the robust z-score (median and MAD) exceeds z."
    ),
)
def outlier_cost_per_client(ctx: RuleContext):
    metrics = _per_client_metric(ctx, _signed("r.amount_cents"))
    for m in metrics.values():
        for p, (v, n) in m.items():
            m[p] = (v / 100, n)
    yield from _outliers(ctx, "outlier_cost_per_client", metrics, _("euros per client"))


@_outlier_rule(
    "outlier_hours_per_client",
    gettext_lazy("Hours per client far above peers"),
    gettext_lazy(
        "As the cost per client, with the approved volume in hours (unit 04, minutes of unit "
        "01 divided by 60) per distinct client; products in other units do not count."
    ),
)
def outlier_hours_per_client(ctx: RuleContext):
    value = _signed("(CASE WHEN r.unit = '01' THEN r.volume / 60.0 ELSE r.volume END)")
    metrics = _per_client_metric(ctx, value, "AND r.unit IN ('01', '04')")
    yield from _outliers(ctx, "outlier_hours_per_client", metrics, _("hours per client"))


@_outlier_rule(
    "outlier_trajectory_length",
    gettext_lazy("Trajectories far longer than peers"),
    gettext_lazy(
        "Per municipality and product group: the mean length in days of the trajectories "
        "(the monitor's: a client's care in the group, merged where it touches) that ended in "
        "the 12 months, per provider (of the trajectory's first delivery) with at least "
        "min_clients of them, against its peers."
    ),
)
def outlier_trajectory_length(ctx: RuleContext):
    first, last = ctx.window
    rows = _rows(
        f"""
        SELECT municipality_id, group_id, provider_id, AVG(duration_days), COUNT(*)
        FROM monitor_trajectory
        WHERE municipality_id IN ({ctx.marks()}) AND end_date BETWEEN %s AND %s
          AND duration_days IS NOT NULL
        GROUP BY municipality_id, group_id, provider_id
        """,  # noqa: S608
        [*ctx.ids(), first, last],
    )
    metrics = defaultdict(dict)
    for mun, group, provider, mean, count in rows:
        metrics[(mun, group)][provider] = (float(mean), count)
    yield from _outliers(ctx, "outlier_trajectory_length", metrics, _("days per trajectory"))


@_outlier_rule(
    "outlier_complex_share",
    gettext_lazy("Share of complex intensities far above peers"),
    gettext_lazy(
        "Per municipality and product group: the share (percent) of a provider's deliveries "
        "started in the 12 months that are of the group's highest intensity, for groups with "
        "more than one intensity, against its peers."
    ),
)
def outlier_complex_share(ctx: RuleContext):
    from .selectors import day_number

    first, last = ctx.window
    rows = _rows(
        f"""
        SELECT d.municipality_id, d.group_id, d.provider_id,
               SUM(CASE WHEN d.intensity_rank = g.top THEN 1 ELSE 0 END), COUNT(*)
        FROM monitor_deliveryfact d
        JOIN (SELECT group_id, MAX(intensity_rank) AS top, MIN(intensity_rank) AS bottom
              FROM monitor_deliveryfact WHERE group_id IS NOT NULL GROUP BY group_id) g
          ON g.group_id = d.group_id
        WHERE d.municipality_id IN ({ctx.marks()}) AND d.start_day BETWEEN %s AND %s
          AND g.top > g.bottom
        GROUP BY d.municipality_id, d.group_id, d.provider_id
        """,  # noqa: S608
        [*ctx.ids(), day_number(first), day_number(last)],
    )
    metrics = defaultdict(dict)
    for mun, group, provider, top, count in rows:
        metrics[(mun, group)][provider] = (100.0 * top / count, count)
    yield from _outliers(ctx, "outlier_complex_share", metrics, _("percent complex"))


@_outlier_rule(
    "outlier_growth",
    gettext_lazy("Growth far above peers"),
    gettext_lazy(
        "Per municipality and product group: the growth (percent) of the approved amount in "
        "the 12 months against the 12 months before, per provider with declarations in both "
        "and at least min_clients clients in the 12 months, against its peers."
    ),
)
def outlier_growth(ctx: RuleContext):
    first, last = ctx.window
    before = _shift_months(first, -12)
    rows = _rows(
        f"""
        SELECT r.municipality_id, p.group_id, r.provider_id,
               SUM(CASE WHEN r.month >= %s THEN {_signed("r.amount_cents")} ELSE 0 END),
               SUM(CASE WHEN r.month < %s THEN {_signed("r.amount_cents")} ELSE 0 END),
               COUNT(DISTINCT CASE WHEN r.month >= %s THEN r.client_id END)
        FROM zorg_declaratieregel r JOIN producten_product p ON p.id = r.product_id
        WHERE r.municipality_id IN ({ctx.marks()}) AND r.month BETWEEN %s AND %s
          AND r.status = %s
        GROUP BY r.municipality_id, p.group_id, r.provider_id
        """,  # noqa: S608
        [first, first, first, *ctx.ids(), before, last, "goedgekeurd"],
    )
    metrics = defaultdict(dict)
    for mun, group, provider, now, then, clients in rows:
        now, then = float(now or 0), float(then or 0)  # PostgreSQL sums to numeric
        if now and then > 0:
            metrics[(mun, group)][provider] = (100.0 * (now - then) / then, clients)
    yield from _outliers(ctx, "outlier_growth", metrics, _("percent growth"))


# --- the contract ------------------------------------------------------------------------------


REQUIRED_EVIDENCE = ("gva", "belastingdienst", "kvk")


@signal_rule(
    code="evidence_expired",
    title=gettext_lazy("Evidence expired or missing"),
    definition=gettext_lazy(
        "A provider with an admission that allows delivery today whose latest Gedragsverklaring "
        "Aanbesteden, Belastingdienst statement or KvK extract in the dossier expired more than "
        "grace_days days ago, or that has none of one of them."
    ),
    thresholds={"grace_days": 0},
    threshold_help={"grace_days": gettext_lazy("days after expiry")},
    summary=lambda f: (
        _("expired: %(expired)s; missing: %(missing)s")
        % {
            "expired": ", ".join(f.get("expired", [])) or "–",
            "missing": ", ".join(f.get("missing", [])) or "–",
        }
    ),
)
def evidence_expired(ctx: RuleContext):
    from django.db.models import Max

    from zorgregio.common.periods import valid_on_q
    from zorgregio.contracten.models import Admission, Evidence, EvidenceKind
    from zorgregio.contracten.selectors import deliverable_q

    providers = set(
        Admission.objects.filter(
            deliverable_q(), valid_on_q(ctx.today), municipality_id__in=ctx.ids()
        ).values_list("provider_id", flat=True)
    )
    latest = defaultdict(dict)
    for row in (
        Evidence.objects.filter(provider_id__in=providers, kind__in=REQUIRED_EVIDENCE)
        .values("provider_id", "kind")
        .annotate(until=Max("expires_on"))
    ):
        latest[row["provider_id"]][row["kind"]] = row["until"]
    grace = dt.timedelta(days=ctx.value("evidence_expired", "grace_days"))
    labels = dict(EvidenceKind.choices)
    for provider in sorted(providers):
        have = latest.get(provider, {})
        missing = [k for k in REQUIRED_EVIDENCE if k not in have]
        expired = [k for k, until in have.items() if until + grace < ctx.today]
        if not missing and not expired:
            continue
        yield Finding(
            rule="evidence_expired",
            key=f"evidence_expired:{provider}",
            municipality_id=None,
            provider_id=provider,
            measure=len(missing) + len(expired),
            threshold=0,
            figures={
                "missing": [str(labels[k]) for k in missing],
                "expired": [
                    f"{labels[k]} ({have[k]:%d-%m-%Y})" for k in REQUIRED_EVIDENCE if k in expired
                ],
            },
            evidence={"evidence_kinds": sorted(missing + expired)},
        )


@signal_rule(
    code="subcontractor_without_consent",
    title=gettext_lazy("Subcontracting without consent"),
    definition=gettext_lazy(
        "A subcontractor registered by a provider whose consent was refused or withdrawn, or "
        "was requested more than pending_days days ago and not yet granted."
    ),
    thresholds={"pending_days": 30},
    threshold_help={"pending_days": gettext_lazy("days a request may wait")},
    summary=lambda f: (
        _("%(name)s (KvK %(kvk)s): %(status)s")
        % {"name": f.get("name"), "kvk": f.get("kvk"), "status": f.get("status")}
    ),
)
def subcontractor_without_consent(ctx: RuleContext):
    from zorgregio.contracten.models import ConsentStatus, Subcontractor

    pending = dt.timedelta(days=ctx.value("subcontractor_without_consent", "pending_days"))
    for sub in Subcontractor.objects.filter(agreement__region=ctx.region).exclude(
        status=ConsentStatus.GRANTED
    ):
        waited = (ctx.today - sub.created_at.date()).days
        if sub.status == ConsentStatus.REQUESTED and ctx.today - sub.created_at.date() <= pending:
            continue
        yield Finding(
            rule="subcontractor_without_consent",
            key=f"subcontractor_without_consent:{sub.pk}",
            municipality_id=None,
            provider_id=sub.main_provider_id,
            measure=waited,
            threshold=pending.days,
            figures={
                "name": sub.name,
                "kvk": sub.kvk_number,
                "status": str(sub.get_status_display()),
            },
            evidence={"subcontractors": [sub.pk]},
        )


@signal_rule(
    code="spending_ceiling",
    title=gettext_lazy("Spending ceiling reached (art. 1.5)"),
    definition=gettext_lazy(
        "A provider's approved declarations in a municipality in the year of the reference day "
        "reach warn_percent of its spending ceiling (art. 1.5), or limit_percent. One signal "
        "per level, so passing 100% after 70% raises a new one."
    ),
    thresholds={"warn_percent": 70, "limit_percent": 100},
    threshold_help={
        "warn_percent": gettext_lazy("percentage of the ceiling for a warning"),
        "limit_percent": gettext_lazy("percentage of the ceiling that is exceeded"),
    },
    summary=lambda f: (
        _("%(spent)s of %(ceiling)s (%(percent)s%%)")
        % {
            "spent": _euros(f.get("spent_cents", 0)),
            "ceiling": _euros(f.get("ceiling_cents", 0)),
            "percent": f.get("percent"),
        }
    ),
)
def spending_ceiling(ctx: RuleContext):
    from zorgregio.contracten.models import SpendingCeiling
    from zorgregio.contracten.selectors import spending_by_provider_municipality

    year = ctx.data_end.year
    ceilings = list(SpendingCeiling.objects.filter(year=year, municipality_id__in=ctx.ids()))
    if not ceilings:
        return
    spent = spending_by_provider_municipality(year)
    for ceiling in ceilings:
        used = spent.get((ceiling.provider_id, ceiling.municipality_id), 0)
        percent = 100.0 * used / ceiling.amount_cents
        mun = ceiling.municipality_id
        level = None
        for key in ("limit_percent", "warn_percent"):
            if percent >= ctx.value("spending_ceiling", key, mun):
                level = key
                break
        if level is None:
            continue
        yield Finding(
            rule="spending_ceiling",
            key=f"spending_ceiling:{ceiling.pk}:{level}",
            municipality_id=mun,
            provider_id=ceiling.provider_id,
            measure=round(percent, 1),
            threshold=ctx.value("spending_ceiling", level, mun),
            figures={
                "spent_cents": used,
                "ceiling_cents": ceiling.amount_cents,
                "percent": round(percent, 1),
                "level": level,
            },
            evidence={"ceilings": [ceiling.pk]},
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
        )


@signal_rule(
    code="no_clients",
    title=gettext_lazy("No clients within 12 months (art. 1.6)"),
    definition=gettext_lazy(
        "A provider admitted in a municipality (active or client stop) since at least "
        "months months with no delivery to any client in that municipality in the last "
        "months months, unless an exception of art. 1.6.2 is registered or its latest "
        "client-satisfaction score (with enough respondents) is 8.5 or higher."
    ),
    thresholds={"months": 12},
    threshold_help={"months": gettext_lazy("months without clients")},
    summary=lambda f: (
        _("admitted since %(since)s, no clients since %(window)s")
        % {"since": f.get("since"), "window": f.get("window_start")}
    ),
)
def no_clients(ctx: RuleContext):
    from zorgregio.contracten.models import ActivityException, Admission, AdmissionStatus

    from .selectors import day_number, satisfaction_exceptions

    exceptions = set(ActivityException.objects.values_list("provider_id", "municipality_id"))
    satisfied = satisfaction_exceptions()
    admissions = defaultdict(list)
    for a in Admission.objects.filter(
        status__in=[AdmissionStatus.ACTIVE, AdmissionStatus.CLIENT_STOP],
        municipality_id__in=ctx.ids(),
        valid_from__lte=ctx.today,
    ).exclude(valid_until__lt=ctx.today):
        admissions[(a.provider_id, a.municipality_id)].append(a)
    active = {}
    for mun in ctx.ids():
        months = int(ctx.value("no_clients", "months", mun))
        since = _shift_months(ctx.today.replace(day=1), -months)
        active[mun] = since
    rows = _rows(
        f"""
        SELECT provider_id, municipality_id, MAX(COALESCE(end_day, 9999999))
        FROM monitor_deliveryfact WHERE municipality_id IN ({ctx.marks()})
        GROUP BY provider_id, municipality_id
        """,  # noqa: S608
        ctx.ids(),
    )
    last_care = {(p, m): day for p, m, day in rows}
    for (provider, mun), items in sorted(admissions.items()):
        since = active[mun]
        started = min(a.activated_on or a.valid_from for a in items)
        if started > since or (provider, mun) in exceptions or provider in satisfied:
            continue
        if last_care.get((provider, mun), -1) >= day_number(since):
            continue
        yield Finding(
            rule="no_clients",
            key=f"no_clients:{mun}:{provider}",
            municipality_id=mun,
            provider_id=provider,
            measure=0,
            threshold=1,
            figures={"since": f"{started:%d-%m-%Y}", "window_start": f"{since:%d-%m-%Y}"},
            evidence={"admissions": sorted(a.pk for a in items)},
            period_start=since,
            period_end=ctx.today,
        )


# --- waiting times -----------------------------------------------------------------------------


@signal_rule(
    code="waiting_time_over_norm",
    title=gettext_lazy("Reported waiting time over the norm (art. 3.5)"),
    definition=gettext_lazy(
        "The latest waiting time a provider reported for a product in a municipality exceeds "
        "the norm of the product group by more than margin_weeks: the waiting time to intake "
        "against the intake norm, or the time from intake to the start of care against the "
        "treatment norm (Treeknormen 4 and 6 weeks unless the region agreed another norm)."
    ),
    thresholds={"margin_weeks": 0},
    threshold_help={"margin_weeks": gettext_lazy("weeks above the norm")},
    summary=lambda f: (
        _(
            "reported %(intake)s + %(treatment)s weeks against a norm of %(n_intake)s + "
            "%(n_treatment)s weeks"
        )
        % {
            "intake": f.get("intake_weeks"),
            "treatment": f.get("treatment_weeks"),
            "n_intake": f.get("norm_intake_weeks"),
            "n_treatment": f.get("norm_treatment_weeks"),
        }
    ),
)
def waiting_time_over_norm(ctx: RuleContext):
    from .selectors import latest_reports, norms_for

    norms = norms_for(ctx.region)
    for report in latest_reports(municipality_ids=ctx.ids()):
        norm = norms(report.product.group_id)
        margin = ctx.value("waiting_time_over_norm", "margin_weeks", report.municipality_id)
        over_intake = float(report.intake_weeks) - float(norm[0])
        over_treatment = float(report.treatment_weeks) - float(norm[1])
        worst = max(over_intake, over_treatment)
        if worst <= margin:
            continue
        yield Finding(
            rule="waiting_time_over_norm",
            key=f"waiting_time_over_norm:{report.municipality_id}:{report.provider_id}:"
            f"{report.product_id}",
            municipality_id=report.municipality_id,
            provider_id=report.provider_id,
            product_id=report.product_id,
            group_id=report.product.group_id,
            measure=round(worst, 1),
            threshold=margin,
            figures={
                "intake_weeks": float(report.intake_weeks),
                "treatment_weeks": float(report.treatment_weeks),
                "norm_intake_weeks": float(norm[0]),
                "norm_treatment_weeks": float(norm[1]),
                "reported_on": f"{report.reported_on:%d-%m-%Y}",
            },
            evidence={"waiting_time_reports": [report.pk]},
            period_start=report.reported_on,
            period_end=report.reported_on,
        )


@signal_rule(
    code="measured_waiting_over_norm",
    title=gettext_lazy("Measured waiting time over the norm"),
    definition=gettext_lazy(
        "The median measured waiting time (days from the toewijzing to the first start of "
        "care, the monitor's figure) of a provider's care started in a municipality and product "
        "group in the 12 months, over at least min_count toewijzingen, exceeds the sum of the "
        "group's two norms in days."
    ),
    thresholds={"min_count": 5},
    threshold_help={"min_count": gettext_lazy("toewijzingen with a start of care")},
    summary=lambda f: (
        _("median %(median)s days over %(count)s starts; norm %(norm)s days")
        % {"median": f.get("median_days"), "count": f.get("count"), "norm": f.get("norm_days")}
    ),
)
def measured_waiting_over_norm(ctx: RuleContext):
    from .selectors import day_number, norms_for

    norms = norms_for(ctx.region)
    first, last = ctx.window
    rows = _rows(
        f"""
        SELECT municipality_id, group_id, provider_id, wait_days FROM monitor_deliveryfact
        WHERE wait_days IS NOT NULL AND group_id IS NOT NULL
          AND municipality_id IN ({ctx.marks()}) AND start_day BETWEEN %s AND %s
        """,  # noqa: S608
        [*ctx.ids(), day_number(first), day_number(last)],
    )
    waits = defaultdict(list)
    for mun, group, provider, wait in rows:
        waits[(mun, group, provider)].append(wait)
    for (mun, group, provider), values in waits.items():
        minimum = ctx.value("measured_waiting_over_norm", "min_count", mun)
        if len(values) < minimum:
            continue
        norm = norms(group)
        norm_days = float(norm[0] + norm[1]) * 7
        median = statistics.median(values)
        if median <= norm_days:
            continue
        yield Finding(
            rule="measured_waiting_over_norm",
            key=f"measured_waiting_over_norm:{mun}:{group}:{provider}",
            municipality_id=mun,
            provider_id=provider,
            group_id=group,
            measure=float(median),
            threshold=norm_days,
            figures={"median_days": median, "count": len(values), "norm_days": norm_days},
            period_start=first,
            period_end=last,
        )
