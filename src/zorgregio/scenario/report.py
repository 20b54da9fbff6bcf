"""The scenarios section of the monitor's council report (registered in ``apps.py``): the
scenarios published to the council that cover the municipality, with the figures saved in
their latest version. Aggregates only."""

from __future__ import annotations

from html import escape

from django.db.models import Q
from django.utils.translation import gettext as _

from zorgregio.accounts.scoping import scope_for

from .formatting import euro_text, gap_text
from .knobs import read_knob
from .models import Scenario
from .presentation import describe

MAX_IN_REPORT = 5


def published_for(user, municipality):
    qs = scope_for(user).scenarios(Scenario.objects.all())
    return (
        qs.filter(published=True)
        .filter(Q(municipality=municipality) | Q(municipality__isnull=True))
        .filter(region_id=municipality.region_id)
        .select_related("municipality")
        .order_by("municipality__name", "name")
    )


def scenario_section(*, municipality, period, user, styles, grid) -> list:
    from reportlab.platypus import Paragraph, Spacer, Table

    scenarios = list(published_for(user, municipality)[:MAX_IN_REPORT])
    if not scenarios:
        return []
    names = knob_names(municipality.region_id)
    story = [Spacer(1, 8), Paragraph(_("Budget scenarios"), styles["Heading2"])]
    story.append(
        Paragraph(
            _(
                "Projections from the monitor's history with the knobs listed; spending against "
                "budget per year, in euros. A negative gap is a shortfall."
            ),
            styles["Normal"],
        )
    )
    for scenario in scenarios:
        version = scenario.latest
        if version is None:
            continue
        scope_name = scenario.municipality.name if scenario.municipality else _("the region")
        story += [
            Spacer(1, 6),
            Paragraph(
                _("%(name)s (%(scope)s), version %(n)s of %(date)s")
                % {
                    "name": escape(scenario.name),
                    "scope": escape(scope_name),
                    "n": version.number,
                    "date": version.saved_at.strftime("%d-%m-%Y"),
                },
                styles["Heading3"],
            ),
        ]
        knobs = [k for k in (read_knob(raw) for raw in version.knobs) if k is not None]
        if knobs:
            for knob in knobs:
                story.append(Paragraph(escape(describe(knob, names)), styles["Normal"]))
        else:
            story.append(Paragraph(_("Baseline: no knobs turned."), styles["Normal"]))
        data = [[_("Year"), _("Spending"), _("Budget"), _("Gap to budget"), _("Clients")]]
        for row in version.summary.get("totals", []):
            data.append(
                [
                    str(row["year"]),
                    euro_text(row["spending_cents"]),
                    euro_text(row["budget_cents"]),
                    gap_text(row["gap_cents"]),
                    f"{row['clients']:,}".replace(",", "."),
                ]
            )
        story.append(Table(data, style=grid, repeatRows=1))
    return story


def knob_names(region_id) -> dict:
    from zorgregio.producten.models import ProductGroup
    from zorgregio.regio.models import Municipality

    names = dict(Municipality.objects.filter(region_id=region_id).values_list("cbs_code", "name"))
    names.update(
        {("g", code): name for code, name in ProductGroup.objects.values_list("code", "name")}
    )
    return names
