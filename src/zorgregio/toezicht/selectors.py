"""Reading supervision data. Everything a role might not see goes through
:mod:`zorgregio.accounts.scoping` (``supervision``, ``waiting_time_reports``,
``youth_transition``, ``providers``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Max, OuterRef, Subquery

from zorgregio.accounts.scoping import scope_for

from .models import (
    Case,
    CaseStatus,
    ClientStopRequest,
    SatisfactionResult,
    Signal,
    WaitingTimeNorm,
    WaitingTimeReport,
)

EPOCH = dt.date(1970, 1, 1)
TREEKNORM_INTAKE_WEEKS = Decimal(4)
TREEKNORM_TREATMENT_WEEKS = Decimal(6)
SATISFACTION_EXCEPTION = Decimal("8.5")  # art. 1.6.2
MIN_RESPONDENTS = 10  # no satisfaction score is shown from fewer respondents
REPORT_EVERY_DAYS = 31  # art. 3.5: at least monthly


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


# --- signals and cases -------------------------------------------------------------------------


def signals_visible_to(user):
    return scope_for(user).supervision(
        Signal.objects.select_related("municipality", "provider", "product_group", "product"),
        municipality="municipality",
        region="region",
    )


def cases_visible_to(user):
    return scope_for(user).supervision(
        Case.objects.select_related("municipality", "provider", "assignee", "signal"),
        municipality="municipality",
        region="region",
    )


def signal_filter(qs, *, rule="", provider_id=None, municipality_id=None, active=True):
    if rule:
        qs = qs.filter(rule=rule)
    if provider_id:
        qs = qs.filter(provider_id=provider_id)
    if municipality_id:
        qs = qs.filter(municipality_id=municipality_id)
    if active is not None:
        qs = qs.filter(active=active)
    return qs


def signal_counts(user) -> dict[str, int]:
    return dict(
        signals_visible_to(user)
        .filter(active=True)
        .values_list("rule")
        .annotate(n=Count("pk"))
        .values_list("rule", "n")
    )


def worklist(user):
    """The open cases assigned to ``user``, most urgent deadline first."""
    return (
        cases_visible_to(user)
        .filter(assignee=user)
        .exclude(status=CaseStatus.CLOSED)
        .order_by(
            models_nulls_last("deadline"),
            "opened_on",
        )
    )


def models_nulls_last(field: str):
    from django.db.models import F

    return F(field).asc(nulls_last=True)


def evidence_lines(user, signal: Signal):
    """The declaration lines and toewijzingen a signal links to, as far as ``user`` may see
    them (client-level: scoped)."""
    from zorgregio.zorg.models import DeclaratieRegel, Toewijzing

    scope = scope_for(user)
    lines = scope.filter(
        DeclaratieRegel.objects.filter(pk__in=signal.evidence.get("lines", [])),
        municipality="municipality",
        provider="provider",
        client_level=True,
    ).select_related("declaratie")
    toewijzingen = scope.filter(
        Toewijzing.objects.filter(pk__in=signal.evidence.get("toewijzingen", [])),
        municipality="municipality",
        provider="provider",
        client_level=True,
    ).select_related("provider", "municipality")
    return lines.order_by("period_start", "pk"), toewijzingen.order_by("ingangsdatum", "pk")


def provider_profile(user, provider) -> list[dict]:
    """Risk profile over time: per month (first raised), the signals of this provider the
    user may see, by rule."""
    rows = (
        signals_visible_to(user)
        .filter(provider=provider)
        .values_list("first_seen", "rule", "active")
    )
    per_month = defaultdict(lambda: defaultdict(int))
    for first_seen, rule, _active in rows:
        per_month[first_seen.date().replace(day=1)][rule] += 1
    return [
        {"month": month, "rules": dict(rules), "total": sum(rules.values())}
        for month, rules in sorted(per_month.items())
    ]


def officers_for(case_region_id: int, municipality_id: int | None):
    from zorgregio.accounts.models import User
    from zorgregio.accounts.scoping import supervision_officers

    return supervision_officers(
        User.objects.filter(is_active=True),
        region_id=case_region_id,
        municipality_id=municipality_id,
    ).order_by("username")


# --- waiting times -----------------------------------------------------------------------------


def norms_for(region):
    """A function group_id -> (intake weeks, treatment weeks): the region's norm, else the
    Treeknormen."""
    norms = {
        n.product_group_id: (n.intake_weeks, n.treatment_weeks)
        for n in WaitingTimeNorm.objects.filter(region=region)
    }

    def norm(group_id):
        return norms.get(group_id, (TREEKNORM_INTAKE_WEEKS, TREEKNORM_TREATMENT_WEEKS))

    return norm


def latest_reports(*, municipality_ids=None, provider_id=None, qs=None):
    """The latest report per provider, municipality and product."""
    base = qs if qs is not None else WaitingTimeReport.objects.all()
    if municipality_ids is not None:
        base = base.filter(municipality_id__in=list(municipality_ids))
    if provider_id is not None:
        base = base.filter(provider_id=provider_id)
    newest = (
        WaitingTimeReport.objects.filter(
            provider_id=OuterRef("provider_id"),
            municipality_id=OuterRef("municipality_id"),
            product_id=OuterRef("product_id"),
        )
        .order_by("-reported_on", "-pk")
        .values("pk")[:1]
    )
    return (
        base.filter(pk=Subquery(newest))
        .select_related("provider", "municipality", "product", "product__group")
        .order_by("provider__name", "municipality__name", "product__productcode")
    )


def reports_visible_to(user):
    return scope_for(user).waiting_time_reports(
        WaitingTimeReport.objects.all(), provider="provider", municipality="municipality"
    )


def measured_waits(provider_ids=None, municipality_ids=None, since: dt.date | None = None):
    """{(provider_id, municipality_id, group_id): (count, median days)} of the monitor's
    measured waiting times (toewijzing to first start of care) since ``since``."""
    import statistics

    where, params = ["wait_days IS NOT NULL"], []
    if provider_ids is not None:
        ids = list(provider_ids) or [-1]
        where.append(f"provider_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    if municipality_ids is not None:
        ids = list(municipality_ids) or [-1]
        where.append(f"municipality_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    if since is not None:
        where.append("start_day >= %s")
        params.append(day_number(since))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT provider_id, municipality_id, group_id, wait_days "  # noqa: S608
            f"FROM monitor_deliveryfact WHERE {' AND '.join(where)}",
            params,
        )
        waits = defaultdict(list)
        for provider, municipality, group, wait in cursor.fetchall():
            waits[(provider, municipality, group)].append(wait)
    return {key: (len(v), statistics.median(v)) for key, v in waits.items()}


def waiting_overview(user, *, provider_id=None, municipality_ids=None, today=None):
    """Reported waiting times (latest per product) beside the measured ones, with the norm and
    flags: over the norm, and reported differing from measured by more than 2 weeks."""
    from zorgregio.regio.models import Region

    today = today or dt.date.today()
    reports = list(
        latest_reports(
            qs=reports_visible_to(user),
            provider_id=provider_id,
            municipality_ids=municipality_ids,
        )
    )
    if not reports:
        return []
    measured = measured_waits(
        provider_ids={r.provider_id for r in reports},
        since=today - dt.timedelta(days=365),
    )
    norms_by_region = {}
    rows = []
    for r in reports:
        region_id = r.municipality.region_id
        if region_id not in norms_by_region:
            norms_by_region[region_id] = norms_for(Region.objects.get(pk=region_id))
        norm = norms_by_region[region_id](r.product.group_id)
        count, median = measured.get(
            (r.provider_id, r.municipality_id, r.product.group_id), (0, None)
        )
        reported_days = float(r.intake_weeks + r.treatment_weeks) * 7
        rows.append(
            {
                "report": r,
                "norm_intake": norm[0],
                "norm_treatment": norm[1],
                "over_norm": r.intake_weeks > norm[0] or r.treatment_weeks > norm[1],
                "measured_count": count,
                "measured_weeks": round(median / 7, 1) if median is not None else None,
                "differs": median is not None and abs(median - reported_days) > 14,
                "overdue": (today - r.reported_on).days > REPORT_EVERY_DAYS,
            }
        )
    return rows


def overdue_reports(provider, today: dt.date) -> list[dict]:
    """Reminder (art. 3.5): the products and municipalities the provider is admitted for today
    without a waiting-time report in the last month."""
    from zorgregio.common.periods import valid_on_q
    from zorgregio.contracten.models import Admission
    from zorgregio.contracten.selectors import deliverable_q
    from zorgregio.producten.models import Product

    latest = {
        (m, p): last
        for m, p, last in WaitingTimeReport.objects.filter(provider=provider)
        .values("municipality_id", "product_id")
        .annotate(last=Max("reported_on"))
        .values_list("municipality_id", "product_id", "last")
    }
    due = []
    seen = set()
    for a in (
        Admission.objects.filter(deliverable_q(), valid_on_q(today), provider=provider)
        .exclude(status="beeindigd")
        .select_related("municipality", "product", "product_group")
    ):
        products = (
            [a.product]
            if a.product_id
            else list(Product.objects.filter(valid_on_q(today), group_id=a.product_group_id))
        )
        for product in products:
            key = (a.municipality_id, product.pk)
            if key in seen:
                continue
            seen.add(key)
            last = latest.get(key)
            if last is None or (today - last).days > REPORT_EVERY_DAYS:
                due.append({"municipality": a.municipality, "product": product, "last": last})
    return sorted(due, key=lambda d: (d["municipality"].name, d["product"].productcode))


def stop_requests_visible_to(user):
    scope = scope_for(user)
    return scope.waiting_time_reports(
        ClientStopRequest.objects.select_related("admission__municipality", "provider"),
        provider="provider",
        municipality="admission__municipality",
    )


# --- client satisfaction -----------------------------------------------------------------------


def satisfaction_exceptions(year: int | None = None) -> set[int]:
    """Providers whose latest satisfaction score (per product group, with at least
    MIN_RESPONDENTS respondents) is 8.5 or higher: art. 1.6.2's exception."""
    qs = SatisfactionResult.objects.filter(respondents__gte=MIN_RESPONDENTS)
    if year is not None:
        qs = qs.filter(year__lte=year)
    latest = {}
    for provider, group, overall in qs.order_by("year").values_list(
        "provider_id", "product_group_id", "overall"
    ):
        latest[(provider, group)] = overall
    return {p for (p, _g), overall in latest.items() if overall >= SATISFACTION_EXCEPTION}


def satisfaction_for(user, provider=None):
    """Survey results the user may see, with scores suppressed below MIN_RESPONDENTS."""
    scope = scope_for(user)
    from zorgregio.aanbieders.models import Provider

    visible = scope.providers(Provider.objects.all())
    if not scope.has_role:
        return []
    qs = SatisfactionResult.objects.filter(provider__in=visible).select_related(
        "provider", "product_group"
    )
    if provider is not None:
        qs = qs.filter(provider=provider)
    rows = []
    for result in qs.order_by("provider__name", "product_group__code", "-year"):
        shown = result.respondents >= MIN_RESPONDENTS
        rows.append(
            {
                "result": result,
                "suppressed": not shown,
                "overall": result.overall if shown else None,
                "scores": result.scores if shown else {},
            }
        )
    return rows


# --- the 18-/18+ worklist ----------------------------------------------------------------------


def turning_18_worklist(user, today: dt.date):
    """Young people with youth care (a Jeugdwet delivery running today or in the 183 days
    before, in the user's own municipalities) whose 18th birthday falls within the next
    12 months, with their current care and provider. Same definitions as the monitor's
    18-/18+ figure (``monitor.figures.turning_18``): the 18th birthday as the monitor computes
    it, the 183 days of youth care before it."""
    from zorgregio.monitor.figures import birth_bounds
    from zorgregio.monitor.selection import MonitorPeriod, shift_years
    from zorgregio.monitor.services import OPEN_END
    from zorgregio.regio.models import Municipality
    from zorgregio.zorg.models import Client

    ids = list(
        scope_for(user).youth_transition(Municipality.objects.all()).values_list("pk", flat=True)
    )
    if not ids:
        return []
    end = shift_years(today, 1) - dt.timedelta(days=1)
    first, last = birth_bounds(MonitorPeriod(start=today, end=end, kind="range"))
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT d.client_id, d.toewijzing_id, d.provider_id, d.product_id,
                   d.municipality_id, d.start_date, d.end_date
            FROM monitor_deliveryfact d JOIN zorg_client c ON c.id = d.client_id
            WHERE d.law = %s AND d.municipality_id IN ({marks})
              AND c.birth_date BETWEEN %s AND %s
              AND COALESCE(d.end_day, {OPEN_END}) >= %s
            ORDER BY c.birth_date, d.start_date
            """,  # noqa: S608
            ["jw", *ids, first, last, day_number(today) - 183],
        )
        rows = cursor.fetchall()
    from zorgregio.aanbieders.models import Provider
    from zorgregio.producten.models import Product

    clients = Client.objects.in_bulk({r[0] for r in rows})
    providers = Provider.objects.in_bulk({r[2] for r in rows})
    products = Product.objects.in_bulk({r[3] for r in rows if r[3]})
    municipalities = Municipality.objects.in_bulk({r[4] for r in rows})
    people = {}
    for client_id, _t, provider_id, product_id, mun, start, end in rows:
        client = clients[client_id]
        item = people.setdefault(
            client_id,
            {
                "client": client,
                "adult_on": _adult_day(client.birth_date),
                "municipality": municipalities[mun],
                "care": [],
            },
        )
        item["care"].append(
            {
                "provider": providers.get(provider_id),
                "product": products.get(product_id),
                "start": start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start)),
                "end": end
                if end is None or isinstance(end, dt.date)
                else dt.date.fromisoformat(str(end)),
            }
        )
    return sorted(people.values(), key=lambda p: (p["adult_on"], p["client"].pk))


def _adult_day(born: dt.date) -> dt.date:
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # 29 February: 28 February, as the monitor counts it
        return dt.date(born.year + 18, 2, 28)
