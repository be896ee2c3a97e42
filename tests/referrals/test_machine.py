"""The referral state machine: every legal step works, every illegal one is refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from tests.helpers import referral_take

from qorgau.referrals.machine import ACTIONS
from qorgau.referrals.models import Referral

S = Referral.Status
# How to bring a fresh referral into each status.
PATHS = {
    S.SENT: [],
    S.ACCEPTED: ["accept"],
    S.IN_PROGRESS: ["accept", "start"],
    S.COMPLETED: ["accept", "complete"],
    S.NOT_ATTENDED: ["accept", "not_attended"],
    S.DECLINED: ["decline"],
    S.WITHDRAWN: ["withdraw"],
}
LEGAL = {
    S.SENT: {"accept", "decline", "withdraw"},
    S.ACCEPTED: {"start", "complete", "not_attended", "withdraw"},
    S.IN_PROGRESS: {"complete", "not_attended", "withdraw"},
    S.COMPLETED: set(),
    S.NOT_ATTENDED: set(),
    S.DECLINED: set(),
    S.WITHDRAWN: set(),
}
TARGET = {
    "accept": S.ACCEPTED,
    "decline": S.DECLINED,
    "start": S.IN_PROGRESS,
    "complete": S.COMPLETED,
    "not_attended": S.NOT_ATTENDED,
    "withdraw": S.WITHDRAWN,
}
WORDS = {"reason": "A clear reason", "outcome": "A clear outcome"}


def actor_for(pathway, action):
    return pathway["worker"] if ACTIONS[action][2] == "sender" else pathway["officer"]


def bring_to(pathway, referral, status):
    for action in PATHS[status]:
        referral = referral_take(actor=actor_for(pathway, action), referral=referral, action=action, **WORDS)
    assert referral.status == status
    return referral


@pytest.mark.parametrize("status", list(PATHS))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_step_from_every_status(pathway, send, status, action):
    referral = bring_to(pathway, send(), status)
    if action in LEGAL[status]:
        after = referral_take(actor=actor_for(pathway, action), referral=referral, action=action, **WORDS)
        assert after.status == TARGET[action]
    else:
        with pytest.raises(ValidationError) as exc:
            referral_take(actor=actor_for(pathway, action), referral=referral, action=action, **WORDS)
        assert "action" in exc.value.message_dict
        referral.refresh_from_db()
        assert referral.status == status  # nothing changed


@pytest.mark.parametrize("action", ["accept", "decline", "start", "complete", "not_attended"])
def test_the_sender_cannot_take_the_receivers_steps(pathway, send, action):
    with pytest.raises(PermissionDenied):
        referral_take(actor=pathway["worker"], referral=send(), action=action, **WORDS)


def test_the_receiver_cannot_withdraw_and_strangers_can_do_nothing(pathway, send, make_user, make_agency):
    referral = send()
    with pytest.raises(PermissionDenied):
        referral_take(actor=pathway["officer"], referral=referral, action="withdraw", **WORDS)
    stranger = make_user("police_officer")
    for action in ACTIONS:  # not one of its two agencies: the referral does not exist for them
        with pytest.raises(Http404):
            referral_take(actor=stranger, referral=referral, action=action, **WORDS)


@pytest.mark.parametrize("action,field", [("decline", "reason"), ("withdraw", "reason")])
def test_reason_is_required(pathway, send, action, field):
    with pytest.raises(ValidationError) as exc:
        referral_take(actor=actor_for(pathway, action), referral=send(), action=action, reason=" ")
    assert field in exc.value.message_dict


def test_outcome_is_required_to_complete(pathway, send):
    referral = bring_to(pathway, send(), S.ACCEPTED)
    with pytest.raises(ValidationError) as exc:
        referral_take(actor=pathway["officer"], referral=referral, action="complete", outcome="")
    assert "outcome" in exc.value.message_dict


def test_unknown_action_is_refused(pathway, send):
    with pytest.raises(ValidationError):
        referral_take(actor=pathway["officer"], referral=send(), action="teleport")
