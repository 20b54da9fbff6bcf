"""Demo step: three scenarios for Apeldoorn, published to the council (issue 19): the
baseline, "VNG-groei" (the VNG forecast of Wmo requests on every Wmo product group it buys)
and "Sterke sociale basis + afschaling" (10% less inflow, and a fifth of the clients in the
highest intensity of each product group one intensity down, e.g. Jeugdhulp ambulant complex to
basis; Begeleiding individueel had one undivided product before 2026, so nothing to scale down)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from zorgregio.demo.registry import DemoContext, demo_step

HORIZON = 4


@demo_step(order=97, name="scenario")
def build_scenarios(ctx: DemoContext) -> None:
    from zorgregio.accounts.models import User

    from .services import load_baseline, scenario_save

    apeldoorn = ctx.region.municipalities.filter(cbs_code="0200").first() if ctx.region else None
    author = User.objects.filter(username="demo-apeldoorn").first()
    if apeldoorn is None or author is None:
        ctx.log("  geen Apeldoorn of geen demo-apeldoorn: geen scenario's")
        return
    try:
        baseline = load_baseline(ctx.region, apeldoorn)
    except ValidationError as exc:
        ctx.log(f"  geen scenario's: {' '.join(exc.messages)}")
        return
    today = timezone.localdate()
    start = dt.date(today.year + 1, 1, 1).isoformat()
    bought = {baseline.groups[g]["code"]: baseline.groups[g] for _m, g in baseline.buys}
    wmo = sorted(code for code, group in bought.items() if group["law"] == "wmo")
    plans = [
        ("Basislijn", []),
        (
            "VNG-groei",
            [
                {"kind": "inflow_growth", "series": "vng", "group": code, "start": start}
                for code in wmo
            ],
        ),
        (
            "Sterke sociale basis + afschaling",
            [
                {"kind": "prevention", "value": "10", "start": start},
                {"kind": "scale_down", "value": "20", "start": start},
            ],
        ),
    ]
    for name, knobs in plans:
        version = scenario_save(
            actor=author,
            region=ctx.region,
            municipality=apeldoorn,
            name=name,
            knob_rows=knobs,
            horizon=HORIZON,
            published=True,
            note="demo",
        )
        last = version.summary["totals"][-1]
        ctx.log(f"  scenario {name}: {last['year']} uitgaven € {last['spending_cents'] / 100:,.0f}")
