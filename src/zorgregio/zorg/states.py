"""State class of a declaration (323): received while its lines are written, then processed.

A declaration is refused as a whole only by refusing its message (nothing is written), so
``afgekeurd`` is reached only from ``ontvangen`` (a declaration the monitor must not count).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zorgregio.contracten.states import StateMachine

from .models import DeclaratieStatus


class DeclaratieStates(StateMachine):
    TRANSITIONS = {
        DeclaratieStatus.RECEIVED: frozenset(
            {DeclaratieStatus.PROCESSED, DeclaratieStatus.REJECTED}
        ),
    }
    LABELS = DeclaratieStatus
    subject = _("A declaration")
