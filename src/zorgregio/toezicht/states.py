"""The lifecycle of a supervision case (onderzoek).

nieuw -> in onderzoek -> gegrond | ongegrond -> afgehandeld; a concluded case may go back to
investigation (new facts before closing), and a closed case may be reopened (back to
investigation). A case is closed only after a conclusion: there is no way from 'new' or
'under investigation' to 'closed'.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zorgregio.contracten.states import StateMachine

from .models import CaseStatus, StopRequestStatus


class CaseStates(StateMachine):
    TRANSITIONS = {
        CaseStatus.NEW: frozenset({CaseStatus.INVESTIGATING}),
        CaseStatus.INVESTIGATING: frozenset({CaseStatus.FOUNDED, CaseStatus.UNFOUNDED}),
        CaseStatus.FOUNDED: frozenset({CaseStatus.CLOSED, CaseStatus.INVESTIGATING}),
        CaseStatus.UNFOUNDED: frozenset({CaseStatus.CLOSED, CaseStatus.INVESTIGATING}),
        CaseStatus.CLOSED: frozenset({CaseStatus.INVESTIGATING}),
    }
    LABELS = CaseStatus
    CONCLUSIONS = frozenset({CaseStatus.FOUNDED, CaseStatus.UNFOUNDED})

    @classmethod
    def subject_text(cls) -> str:
        return _("A case")


class StopRequestStates(StateMachine):
    TRANSITIONS = {
        StopRequestStatus.REQUESTED: frozenset(
            {StopRequestStatus.GRANTED, StopRequestStatus.REFUSED}
        ),
        StopRequestStatus.GRANTED: frozenset(),
        StopRequestStatus.REFUSED: frozenset(),
    }
    LABELS = StopRequestStatus

    @classmethod
    def subject_text(cls) -> str:
        return _("A client stop request")
