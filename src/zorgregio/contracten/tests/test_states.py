import itertools

import pytest
from django.core.exceptions import ValidationError

from zorgregio.contracten.models import AdmissionStatus, AmendmentStatus, ConsentStatus
from zorgregio.contracten.states import AdmissionStates, AmendmentStates, ConsentStates

A = AdmissionStatus
ADMISSION_ALLOWED = {
    (A.CONCEPT, A.ACTIVE),
    (A.CONCEPT, A.ENDED),
    (A.ACTIVE, A.CLIENT_STOP),
    (A.ACTIVE, A.ENDED),
    (A.CLIENT_STOP, A.ACTIVE),
    (A.CLIENT_STOP, A.ENDED),
}
M = AmendmentStatus
AMENDMENT_ALLOWED = {
    (M.SUBMITTED, M.IN_REVIEW),
    (M.SUBMITTED, M.ACCEPTED),
    (M.SUBMITTED, M.REJECTED),
    (M.IN_REVIEW, M.ACCEPTED),
    (M.IN_REVIEW, M.REJECTED),
}
C = ConsentStatus
CONSENT_ALLOWED = {(C.REQUESTED, C.GRANTED), (C.REQUESTED, C.REFUSED), (C.GRANTED, C.WITHDRAWN)}


def cases(states, choices, allowed):
    return [
        pytest.param(states, before, after, (before, after) in allowed, id=f"{before}->{after}")
        for before, after in itertools.product(choices.values, repeat=2)
    ]


@pytest.mark.parametrize(
    "states,before,after,ok",
    cases(AdmissionStates, AdmissionStatus, ADMISSION_ALLOWED)
    + cases(AmendmentStates, AmendmentStatus, AMENDMENT_ALLOWED)
    + cases(ConsentStates, ConsentStatus, CONSENT_ALLOWED),
)
def test_every_transition_is_allowed_or_refused(states, before, after, ok):
    assert states.can(before, after) is ok
    if ok:
        states.check(before, after)
    else:
        with pytest.raises(ValidationError) as exc:
            states.check(before, after)
        message = exc.value.message_dict["status"][0]
        assert states.label(before) in message and states.label(after) in message


def test_ended_admission_is_final():
    assert AdmissionStates.allowed(A.ENDED) == frozenset()
