"""State classes of the admission procedure: which status changes are allowed.

Like :mod:`zorgregio.contracten.states` they know the allowed ``(before, after)`` pairs and
check them without touching the database; the services ask them first and then write.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zorgregio.contracten.states import StateMachine

from .models import (
    ApplicationStatus,
    DecisionStatus,
    ObjectionStatus,
    ProcedureStatus,
    QuestionStatus,
    RequestStatus,
)


class ProcedureStates(StateMachine):
    """concept -> gepubliceerd -> gesloten. Publication is final: a published procedure is
    changed through new document versions and Nota's, never taken back."""

    TRANSITIONS = {
        ProcedureStatus.DRAFT: frozenset({ProcedureStatus.PUBLISHED}),
        ProcedureStatus.PUBLISHED: frozenset({ProcedureStatus.CLOSED}),
        ProcedureStatus.CLOSED: frozenset(),
    }
    LABELS = ProcedureStatus

    @classmethod
    def subject_text(cls) -> str:
        return _("A procedure")


class ApplicationStates(StateMachine):
    """concept -> ingediend -> in beoordeling <-> aanvulling gevraagd -> besluit -> definitief.

    An objection that is upheld takes the decision back and the application back into
    assessment. Until a decision is taken the provider may withdraw. Final and withdrawn are
    final.
    """

    TRANSITIONS = {
        ApplicationStatus.DRAFT: frozenset(
            {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN}
        ),
        ApplicationStatus.SUBMITTED: frozenset(
            {ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.WITHDRAWN}
        ),
        ApplicationStatus.IN_ASSESSMENT: frozenset(
            {
                ApplicationStatus.EVIDENCE_REQUESTED,
                ApplicationStatus.DECIDED,
                ApplicationStatus.WITHDRAWN,
            }
        ),
        ApplicationStatus.EVIDENCE_REQUESTED: frozenset(
            {
                ApplicationStatus.IN_ASSESSMENT,
                ApplicationStatus.DECIDED,
                ApplicationStatus.WITHDRAWN,
            }
        ),
        ApplicationStatus.DECIDED: frozenset(
            {ApplicationStatus.FINAL, ApplicationStatus.IN_ASSESSMENT}
        ),
        ApplicationStatus.FINAL: frozenset(),
        ApplicationStatus.WITHDRAWN: frozenset(),
    }
    LABELS = ApplicationStatus
    # The statuses in which the committee assesses (verdicts, evidence requests, decision).
    ASSESSING = frozenset({ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.EVIDENCE_REQUESTED})
    # The statuses in which the application still counts against a second one.
    LIVE = frozenset(set(ApplicationStatus) - {ApplicationStatus.WITHDRAWN})

    @classmethod
    def subject_text(cls) -> str:
        return _("An application")


class DecisionStates(StateMachine):
    """voorgenomen -> definitief after the objection period, or -> bezwaar when an objection
    is lodged; an objection dismissed returns it to voorgenomen (or makes it final when the
    period is over), one upheld withdraws it."""

    TRANSITIONS = {
        DecisionStatus.PROPOSED: frozenset({DecisionStatus.FINAL, DecisionStatus.OBJECTION}),
        DecisionStatus.OBJECTION: frozenset(
            {DecisionStatus.PROPOSED, DecisionStatus.FINAL, DecisionStatus.WITHDRAWN}
        ),
        DecisionStatus.FINAL: frozenset(),
        DecisionStatus.WITHDRAWN: frozenset(),
    }
    LABELS = DecisionStatus

    @classmethod
    def subject_text(cls) -> str:
        return _("A decision")


class QuestionStates(StateMachine):
    """open -> beantwoord -> gepubliceerd (in a Nota). A confidential question stays answered:
    only the asker sees the answer."""

    TRANSITIONS = {
        QuestionStatus.OPEN: frozenset({QuestionStatus.ANSWERED}),
        QuestionStatus.ANSWERED: frozenset({QuestionStatus.PUBLISHED}),
        QuestionStatus.PUBLISHED: frozenset(),
    }
    LABELS = QuestionStatus

    @classmethod
    def subject_text(cls) -> str:
        return _("A question")


class RequestStates(StateMachine):
    """open -> aangeleverd, or -> verlopen when the decision is taken without it."""

    TRANSITIONS = {
        RequestStatus.OPEN: frozenset({RequestStatus.FULFILLED, RequestStatus.LAPSED}),
        RequestStatus.FULFILLED: frozenset(),
        RequestStatus.LAPSED: frozenset(),
    }
    LABELS = RequestStatus

    @classmethod
    def subject_text(cls) -> str:
        return _("A request for evidence")


class ObjectionStates(StateMachine):
    """ingediend -> gegrond | ongegrond."""

    TRANSITIONS = {
        ObjectionStatus.LODGED: frozenset({ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED}),
        ObjectionStatus.UPHELD: frozenset(),
        ObjectionStatus.DISMISSED: frozenset(),
    }
    LABELS = ObjectionStatus

    @classmethod
    def subject_text(cls) -> str:
        return _("An objection")
