"""Every transition of every lifecycle, allowed and refused."""

import itertools

import pytest
from django.core.exceptions import ValidationError

from zorgregio.toelating.models import (
    ApplicationStatus as A,
)
from zorgregio.toelating.models import (
    DecisionStatus as D,
)
from zorgregio.toelating.models import (
    ObjectionStatus as O,
)
from zorgregio.toelating.models import (
    ProcedureStatus as P,
)
from zorgregio.toelating.models import (
    QuestionStatus as Q,
)
from zorgregio.toelating.models import (
    RequestStatus as R,
)
from zorgregio.toelating.states import (
    ApplicationStates,
    DecisionStates,
    ObjectionStates,
    ProcedureStates,
    QuestionStates,
    RequestStates,
)

ALLOWED = {
    ProcedureStates: {(P.DRAFT, P.PUBLISHED), (P.PUBLISHED, P.CLOSED)},
    ApplicationStates: {
        (A.DRAFT, A.SUBMITTED),
        (A.DRAFT, A.WITHDRAWN),
        (A.SUBMITTED, A.IN_ASSESSMENT),
        (A.SUBMITTED, A.WITHDRAWN),
        (A.IN_ASSESSMENT, A.EVIDENCE_REQUESTED),
        (A.IN_ASSESSMENT, A.DECIDED),
        (A.IN_ASSESSMENT, A.WITHDRAWN),
        (A.EVIDENCE_REQUESTED, A.IN_ASSESSMENT),
        (A.EVIDENCE_REQUESTED, A.DECIDED),
        (A.EVIDENCE_REQUESTED, A.WITHDRAWN),
        (A.DECIDED, A.FINAL),
        (A.DECIDED, A.IN_ASSESSMENT),
    },
    DecisionStates: {
        (D.PROPOSED, D.FINAL),
        (D.PROPOSED, D.OBJECTION),
        (D.OBJECTION, D.PROPOSED),
        (D.OBJECTION, D.FINAL),
        (D.OBJECTION, D.WITHDRAWN),
    },
    QuestionStates: {(Q.OPEN, Q.ANSWERED), (Q.ANSWERED, Q.PUBLISHED)},
    RequestStates: {(R.OPEN, R.FULFILLED), (R.OPEN, R.LAPSED)},
    ObjectionStates: {(O.LODGED, O.UPHELD), (O.LODGED, O.DISMISSED)},
}

CASES = [
    (states, before, after, (before, after) in allowed)
    for states, allowed in ALLOWED.items()
    for before, after in itertools.product(states.LABELS.values, repeat=2)
]


@pytest.mark.parametrize(
    ("states", "before", "after", "allowed"),
    CASES,
    ids=[f"{s.__name__}:{b}->{a}" for s, b, a, _ok in CASES],
)
def test_transition(states, before, after, allowed):
    assert states.can(before, after) is allowed
    if allowed:
        states.check(before, after)
    else:
        with pytest.raises(ValidationError) as info:
            states.check(before, after)
        message = info.value.message_dict["status"][0]
        assert "kan niet van" in message  # Dutch, naming both statuses
        assert str(states.LABELS(before).label) in message


def test_final_statuses_have_no_way_out():
    for status in (A.FINAL, A.WITHDRAWN):
        assert ApplicationStates.allowed(status) == frozenset()
    assert DecisionStates.allowed(D.FINAL) == frozenset()
    assert ProcedureStates.allowed(P.CLOSED) == frozenset()
