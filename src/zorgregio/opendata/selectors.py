"""What the public may read: the monitor's headline figures of a region, exactly as a council
member of that region sees them, and the region's published contracting data.

The figures are not computed here: every cell comes from the monitor's
:func:`~zorgregio.monitor.dashboard.cached_build` with the scope of the public
(:func:`~zorgregio.accounts.scoping.public_scope`): no detail rights, the aggregate viewer of a
council member, the published cells only (a year of the region or of one municipality), so the
small-cell suppression and the protection against subtraction are the monitor's own. So the
figures rest on the funding variant of each cell as in the monitor (docs/bekostiging.md): the
declarations for inspannings- and outputgericht cells, the paid instalments and data deliveries
(``TaskMonth``) for taakgericht ones, and the stored pattern of hidden cells covers both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zorgregio.accounts.scoping import Scope, public_scope
from zorgregio.monitor import dashboard
from zorgregio.monitor import figures as monitor_figures
from zorgregio.monitor.selection import Selection, year_period
from zorgregio.monitor.services import current_state
from zorgregio.regio.models import Municipality, Region

# The headline figures of the public dashboard, in the order shown (keys of the monitor's rows).
# Instroom, doorstroom (clients still in care on the last day) and uitstroom; clients and
# spending per inhabitant; the measured waiting times.
HEADLINE = (
    "clients_in",
    "clients_per_1000",
    "instroom",
    "clients_on",
    "uitstroom",
    "duration",
    "realisatie",
    "cost_per_inhabitant",
    "cost_per_client",
    "wait_median",
    "wait_p80",
)


def public_regions():
    """Every region with at least one municipality: its public figures are open to anyone."""
    return Region.objects.filter(municipalities__isnull=False).distinct().order_by("name")


def region_by_slug(slug: str) -> Region | None:
    return public_regions().filter(slug=slug).first()


def municipalities_of(scope: Scope):
    return scope.region_municipalities(Municipality.objects.all()).order_by("name")


def data_years() -> list[int]:
    """The years with monitor data (declarations or task-oriented cells: the monitor's
    :func:`~zorgregio.monitor.figures.data_months`), newest first (empty without data)."""
    bounds = monitor_figures.data_months()
    if bounds is None:
        return []
    first, last = bounds
    return list(range(last.year, first.year - 1, -1))


def default_year() -> int:
    state = current_state()
    years = data_years()
    if state.complete_until:
        return state.complete_until.year
    return years[0] if years else dt.date.today().year


@dataclass
class PublicFigures:
    """The headline figures of one place (the region: ``municipality`` None) and year."""

    region: Region
    municipality: Municipality | None
    year: int
    board: dashboard.Dashboard
    complete_until: dt.date | None
    refreshed_at: dt.datetime | None

    @property
    def rows(self) -> list[dashboard.Row]:
        cells = self.board.cells
        return [cells[key] for key in HEADLINE if key in cells]

    @property
    def comparison(self):
        return self.board.comparison


def figures(region: Region, year: int, municipality: Municipality | None = None) -> PublicFigures:
    """The public figures of the region (or one of its municipalities) for a whole year: the
    monitor's board for the council's view of the same selection."""
    scope = public_scope(region.pk)
    members = list(municipalities_of(scope))
    if municipality is not None and municipality.pk not in {m.pk for m in members}:
        raise Municipality.DoesNotExist
    ids = (municipality.pk,) if municipality is not None else tuple(m.pk for m in members)
    selection = Selection(municipality_ids=ids, period=year_period(year))
    detail = scope.detail_for(selection.municipality_ids)  # always False for the public
    state = current_state()
    board = dashboard.cached_build(
        selection, detail=detail, state=state, viewer=dashboard.Viewer.of(scope)
    )
    return PublicFigures(
        region=region,
        municipality=municipality,
        year=year,
        board=board,
        complete_until=state.complete_until,
        refreshed_at=state.refreshed_at,
    )


def region_table(region: Region, year: int) -> list[PublicFigures]:
    """The region and each of its municipalities for one year: the comparison between the
    region's municipalities."""
    scope = public_scope(region.pk)
    out = [figures(region, year)]
    for municipality in municipalities_of(scope):
        out.append(figures(region, year, municipality))
    return out
