"""Sections other apps add to the council report (PDF), without the monitor importing them.

An app registers a function in its ``AppConfig.ready()``::

    register("scenario", section)

``section(*, municipality, period, user, styles, grid)`` returns a list of reportlab flowables
(empty: nothing to add). Sections appear after the monitor's own, in the order registered.
"""

from __future__ import annotations

from collections.abc import Callable

_SECTIONS: dict[str, Callable] = {}


def register(name: str, section: Callable) -> None:
    _SECTIONS[name] = section


def flowables(**kwargs) -> list:
    story = []
    for section in _SECTIONS.values():
        story += section(**kwargs)
    return story
