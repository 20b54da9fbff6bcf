"""Set-up import of the cliëntervaringsonderzoek: survey results per provider, product group and
year (the questions of the Wmo cliëntervaringsonderzoek, scores 1-10). A row for a provider,
group and year that exists updates it; a file with a score outside the scale or without
respondents is refused whole."""

from __future__ import annotations

import datetime as dt

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zorgregio.common.tables import Column, RowError
from zorgregio.contracten.importing import _provider
from zorgregio.inrichting import lookups
from zorgregio.inrichting.registry import (
    SetupImport,
    ascii_digits,
    changed,
    new,
    register,
    unchanged,
)

from . import services

# The nine questions of the Wmo cliëntervaringsonderzoek (VNG model questionnaire).
QUESTIONS = {
    "score_1": gettext_lazy("I knew where to go with my request for help."),
    "score_2": gettext_lazy("I was helped quickly."),
    "score_3": gettext_lazy("The employee took me seriously."),
    "score_4": gettext_lazy("The employee and I looked for solutions together."),
    "score_5": gettext_lazy("The quality of the support is good."),
    "score_6": gettext_lazy("The support fits my needs."),
    "score_7": gettext_lazy("Because of the support I can do more things myself."),
    "score_8": gettext_lazy("Because of the support I can manage better."),
    "score_9": gettext_lazy("Because of the support I have a better quality of life."),
}


def _row(ctx, number: int, values: dict):
    from zorgregio.producten.models import ProductGroup

    provider = _provider(ctx, values)
    code = values.get("productgroep_code", "").strip()
    groups = lookups.cached(ctx, "groups", lambda: {g.code: g for g in ProductGroup.objects.all()})
    if code not in groups:
        raise RowError("productgroep_code", _("there is no product group %s.") % (code or "–"))
    year_text = ascii_digits(values, "jaar", 4, _("year"))
    if not year_text or not 2000 <= int(year_text) <= dt.date.today().year:
        raise RowError("jaar", _("give the year of the survey, e.g. 2025."))
    respondents_text = ascii_digits(values, "respondenten", None, _("respondents"))
    if not respondents_text:
        raise RowError("respondenten", _("give the number of respondents."))
    key = (provider.pk, code, int(year_text))
    if key in ctx.seen:
        raise RowError(
            "jaar", _("this provider, group and year are already in row %s.") % ctx.seen[key]
        )
    ctx.seen[key] = number
    scores = {q: values[q].strip() for q in QUESTIONS if values.get(q, "").strip()}
    overall = values.get("totaalscore", "").strip()
    if not overall:
        raise RowError("totaalscore", _("give the overall score (1-10)."))
    _result, outcome = services.satisfaction_set(
        actor=ctx.actor,
        provider=provider,
        product_group=groups[code],
        year=int(year_text),
        respondents=int(respondents_text),
        scores=scores,
        overall=overall,
    )
    label = f"{provider} · {code} {year_text}"
    return {"new": new, "changed": changed, "unchanged": unchanged}[outcome](number, label)


FIELDS = {"respondents": "respondenten", "overall": "totaalscore", **{q: q for q in QUESTIONS}}

register(
    SetupImport(
        slug="clientervaring",
        title=gettext_lazy("Client satisfaction survey"),
        order=110,
        columns=(
            Column("aanbieder_kvk", False, gettext_lazy("KvK number of the provider."), "12345678"),
            Column("aanbieder_agb", False, gettext_lazy("Or its AGB code."), "98765432"),
            Column(
                "productgroep_code",
                True,
                gettext_lazy("Code of the product group."),
                "wmo-begeleiding",
            ),
            Column("jaar", True, gettext_lazy("Year of the survey."), "2025"),
            Column("respondenten", True, gettext_lazy("Number of respondents (at least 1)."), "42"),
            *(
                Column(
                    q, False, format_lazy("{} {}", gettext_lazy("Mean score 1-10:"), text), "7,9"
                )
                for q, text in QUESTIONS.items()
            ),
            Column("totaalscore", True, gettext_lazy("Overall mean score, 1-10."), "8,1"),
        ),
        apply_row=_row,
        fields=FIELDS,
    )
)
