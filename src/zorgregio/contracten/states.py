"""State classes of the contract register: which status changes are allowed.

They know the allowed ``(before, after)`` pairs and check them without touching the database;
the services ask them first and then write.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import AdmissionStatus, AmendmentStatus, ConsentStatus


class StateMachine:
    """Base: ``TRANSITIONS`` maps a status to the statuses it may move to."""

    TRANSITIONS: dict[str, frozenset[str]] = {}
    LABELS: type | None = None
    subject = ""

    @classmethod
    def allowed(cls, before: str) -> frozenset[str]:
        return cls.TRANSITIONS.get(before, frozenset())

    @classmethod
    def before(cls, after: str) -> list[str]:
        """The statuses from which ``after`` may be reached (for a conditional update)."""
        return [status for status, targets in cls.TRANSITIONS.items() if after in targets]

    @classmethod
    def can(cls, before: str, after: str) -> bool:
        return after in cls.allowed(before)

    @classmethod
    def label(cls, status: str) -> str:
        try:
            return str(cls.LABELS(status).label)
        except ValueError:
            return status

    @classmethod
    def check(cls, before: str, after: str) -> None:
        if not cls.can(before, after):
            raise ValidationError(
                {
                    "status": _("%(subject)s cannot go from '%(before)s' to '%(after)s'.")
                    % {
                        "subject": cls.subject_text(),
                        "before": cls.label(before),
                        "after": cls.label(after),
                    }
                },
                code="transition",
            )

    @classmethod
    def subject_text(cls) -> str:
        return cls.subject


class AdmissionStates(StateMachine):
    """concept -> actief -> cliëntenstop <-> actief, and from each of them -> beëindigd.

    A draft may be ended without ever becoming active (withdrawn). Ended is final: a provider
    that returns gets a new admission.
    """

    TRANSITIONS = {
        AdmissionStatus.CONCEPT: frozenset({AdmissionStatus.ACTIVE, AdmissionStatus.ENDED}),
        AdmissionStatus.ACTIVE: frozenset({AdmissionStatus.CLIENT_STOP, AdmissionStatus.ENDED}),
        AdmissionStatus.CLIENT_STOP: frozenset({AdmissionStatus.ACTIVE, AdmissionStatus.ENDED}),
        AdmissionStatus.ENDED: frozenset(),
    }
    LABELS = AdmissionStatus

    @classmethod
    def subject_text(cls) -> str:
        return _("An admission")


class AmendmentStates(StateMachine):
    """ingediend -> in behandeling -> aanvaard | afgewezen; a submitted proposal may also be
    decided at once. Decisions are final."""

    TRANSITIONS = {
        AmendmentStatus.SUBMITTED: frozenset(
            {AmendmentStatus.IN_REVIEW, AmendmentStatus.ACCEPTED, AmendmentStatus.REJECTED}
        ),
        AmendmentStatus.IN_REVIEW: frozenset({AmendmentStatus.ACCEPTED, AmendmentStatus.REJECTED}),
        AmendmentStatus.ACCEPTED: frozenset(),
        AmendmentStatus.REJECTED: frozenset(),
    }
    LABELS = AmendmentStatus

    @classmethod
    def subject_text(cls) -> str:
        return _("An amendment")


class ConsentStates(StateMachine):
    """Subcontractor consent: requested -> granted | refused; granted -> withdrawn."""

    TRANSITIONS = {
        ConsentStatus.REQUESTED: frozenset({ConsentStatus.GRANTED, ConsentStatus.REFUSED}),
        ConsentStatus.GRANTED: frozenset({ConsentStatus.WITHDRAWN}),
        ConsentStatus.REFUSED: frozenset(),
        ConsentStatus.WITHDRAWN: frozenset(),
    }
    LABELS = ConsentStatus

    @classmethod
    def subject_text(cls) -> str:
        return _("A subcontractor")
