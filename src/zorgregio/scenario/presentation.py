"""What the scenario pages, exports and the report show: rows of texts and numbers, SVG charts
(the monitor's chart code), product groups over few clients hidden for aggregate-only roles."""

from __future__ import annotations

from django.core.cache import cache
from django.utils.translation import gettext as _

from zorgregio.monitor import charts
from zorgregio.monitor.privacy import threshold

from .formatting import euro_text, gap_text, number_text
from .services import Outcome, compute, read_knobs, scope_municipalities

FIGURES = [
    ("spending", "spending_cents"),
    ("budget", "budget_cents"),
    ("gap", "gap_cents"),
    ("clients", "clients"),
    ("cost_per_client", "cost_per_client_cents"),
    ("per_inhabitant", "per_inhabitant_cents"),
]


def figure_labels() -> dict[str, str]:
    return {
        "spending": _("Spending"),
        "budget": _("Budget"),
        "gap": _("Gap to budget"),
        "clients": _("Clients"),
        "cost_per_client": _("Cost per client"),
        "per_inhabitant": _("Cost per inhabitant"),
    }


def cell_text(figure: str, value) -> str:
    if figure == "gap":
        return gap_text(value)
    if figure == "clients":
        return number_text(value)
    if figure == "budget" and value is None:
        return _("no budget")
    return euro_text(value)


def year_rows(totals: list[dict], reference: list[dict]) -> list[dict]:
    rows = []
    for row, base in zip(totals, reference, strict=True):
        rows.append(
            {
                "year": row["year"],
                "is_base": row is totals[0],
                **{f"{name}_text": cell_text(name, row[key]) for name, key in FIGURES},
                **{name: row[key] for name, key in FIGURES},
                "baseline_spending_text": euro_text(base["spending_cents"]),
                "baseline_gap_text": gap_text(base["gap_cents"]),
                "change_text": gap_text(row["spending_cents"] - base["spending_cents"]),
            }
        )
    return rows


def hidden_groups(groups: list[dict], *, detail: bool, limit: int) -> set[str]:
    """Product groups over fewer than ``limit`` clients in the base year are hidden from
    aggregate-only roles; when one is hidden the next smallest is too, so the total minus the
    others does not give it away."""
    if detail:
        return set()
    small = {g["code"] for g in groups if g["base_clients"] < limit}
    if len(small) == 1 and len(groups) > 1:
        rest = sorted(
            (g for g in groups if g["code"] not in small), key=lambda g: g["base_clients"]
        )
        small.add(rest[0]["code"])
    return small


def figures(outcome: Outcome, *, detail: bool, limit: int) -> dict:
    totals = outcome.projection.totals()
    reference = outcome.reference.totals()
    rows = year_rows(totals, reference)
    labels = [str(y) for y in outcome.years]
    series = [
        charts.Series(_("Scenario"), [r["spending_cents"] for r in totals]),
        charts.Series(_("Baseline"), [r["spending_cents"] for r in reference]),
        charts.Series(_("Budget"), [r["budget_cents"] for r in totals]),
    ]
    groups = outcome.projection.by_group(outcome.baseline)
    hidden = hidden_groups(groups, detail=detail, limit=limit)
    group_rows = []
    for g in groups:
        if g["code"] in hidden:
            group_rows.append({"name": g["name"], "hidden": True, "cells": [], "code": g["code"]})
        else:
            group_rows.append(
                {
                    "name": g["name"],
                    "code": g["code"],
                    "hidden": False,
                    "cells": [euro_text(v) for v in g["spending_cents"]],
                }
            )
    concentration = [
        {
            **row,
            "hhi_text": number_text(row["hhi"]),
            "hhi_capped_text": number_text(row["hhi_capped"]),
            "top_share_text": number_text(row["top_share"], 1) + "%",
        }
        for row in outcome.projection.concentration
    ]
    names = names_of(outcome.baseline)
    return {
        "years": outcome.years,
        "rows": rows,
        "chart": charts.line_chart(_("Spending per year"), labels, series, money=True),
        "legend": charts.legend(series),
        "group_rows": group_rows,
        "hidden_count": len(hidden),
        "concentration": concentration,
        "knob_lines": [describe(k, names) for k in outcome.knobs],
        "base_year": outcome.baseline.base_year,
        "flows": outcome.baseline.flows,
        "indexation": outcome.baseline.indexation,
        "limit": limit,
    }


def names_of(baseline) -> dict:
    names = {m["cbs"]: m["name"] for m in baseline.municipalities}
    names.update({("g", g["code"]): g["name"] for g in baseline.groups})
    return names


def describe(knob, names: dict) -> str:
    where = (
        names.get(knob.municipality, knob.municipality)
        if knob.municipality
        else _("all municipalities")
    )
    group = names.get(("g", knob.group), knob.group) if knob.group else _("all product groups")
    return _("%(knob)s: %(value)s (%(where)s, %(group)s) from %(date)s") % {
        "knob": knob.label,
        "value": knob.value_text(),
        "where": where,
        "group": group,
        "date": knob.start.strftime("%d-%m-%Y"),
    }


def compare(scope, scenarios) -> dict:
    """The baseline and each scenario's latest version on the current data, per year."""
    first = scenarios[0]
    region, municipality = first.region, first.municipality
    columns = []
    outcome = None
    for scenario in scenarios:
        version = scenario.latest
        knobs = read_knobs(version.knobs) if version else []
        outcome = compute(region, municipality, knobs, version.horizon if version else 4)
        columns.append(
            {
                "name": scenario.name,
                "version": version.number if version else None,
                "totals": outcome.projection.totals(),
                "knobs": [describe(k, names_of(outcome.baseline)) for k in knobs],
            }
        )
    horizon = max(len(c["totals"]) for c in columns) - 1
    baseline_outcome = compute(region, municipality, [], horizon)
    columns.insert(
        0,
        {
            "name": _("Baseline"),
            "version": None,
            "totals": baseline_outcome.projection.totals(),
            "knobs": [],
        },
    )
    years = baseline_outcome.years
    table = []
    labels = figure_labels()
    for name, key in FIGURES:
        for year in years:
            values = []
            for column in columns:
                found = next((r for r in column["totals"] if r["year"] == year), None)
                values.append(found[key] if found else None)
            table.append(
                {
                    "figure": name,
                    "label": labels[name],
                    "year": year,
                    "values": values,
                    "texts": [cell_text(name, v) if v is not None else "" for v in values],
                }
            )
    series = [
        charts.Series(
            c["name"],
            [
                next((r["spending_cents"] for r in c["totals"] if r["year"] == y), None)
                for y in years
            ],
        )
        for c in columns
    ]
    gap_series = [
        charts.Series(
            c["name"],
            [next((r["gap_cents"] for r in c["totals"] if r["year"] == y), None) for y in years],
        )
        for c in columns
    ]
    return {
        "scope_name": municipality.name if municipality else _("the region"),
        "columns": columns,
        "years": years,
        "table": table,
        "chart": charts.line_chart(
            _("Spending per year"), [str(y) for y in years], series, money=True
        ),
        "legend": charts.legend(series),
        "gap_chart": charts.line_chart(
            _("Gap to budget per year"), [str(y) for y in years], gap_series, money=True
        ),
        "gap_legend": charts.legend(gap_series),
        "base_year": baseline_outcome.baseline.base_year,
        "limit": threshold(),
    }


def back_test_rows(municipality, region) -> list[dict]:
    """The baseline method on earlier complete years against what was realised (cached per
    monitor version)."""
    from zorgregio.monitor.figures import data_months
    from zorgregio.monitor.services import current_state

    from .baseline import back_test, base_year_for

    state = current_state()
    last = base_year_for(state.complete_until)
    municipalities = scope_municipalities(region, municipality)
    key = f"scenario:backtest:{state.version}:{','.join(str(m.pk) for m in municipalities)}"
    found = cache.get(key)
    if found is not None:
        return found
    bounds = data_months()  # declarations or task-oriented cells
    first = bounds[0] if bounds else None
    rows = []
    if last is not None and first is not None:
        first_year = first.year if first.month == 1 else first.year + 1
        for row in back_test(municipalities, last_complete=last, first_data_year=first_year):
            rows.append(
                {
                    **row,
                    "projected_text": euro_text(row["projected_cents"]),
                    "actual_text": euro_text(row["actual_cents"]),
                    "error_text": (number_text(row["error_pct"], 1) + "%")
                    if row["error_pct"] is not None
                    else _("no data"),
                }
            )
    cache.set(key, rows, 600)
    return rows
