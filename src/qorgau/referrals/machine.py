"""The referral's life: which step may follow which, and who takes it.

    sent ──> accepted ──> in_progress ──> completed
      │          │             │      └──> not_attended
      │          │             └─────────> withdrawn
      │          ├──> completed / not_attended / withdrawn
      ├──> declined (a reason is required)
      └──> withdrawn

The receiving agency accepts, declines, starts and completes; the sending agency withdraws.
Anything else is refused.
"""

from qorgau.referrals.models import Referral

S = Referral.Status

# action: (statuses it may start from, status it leads to, side that takes it)
ACTIONS = {
    "accept": ({S.SENT}, S.ACCEPTED, "receiver"),
    "decline": ({S.SENT}, S.DECLINED, "receiver"),
    "start": ({S.ACCEPTED}, S.IN_PROGRESS, "receiver"),
    "complete": ({S.ACCEPTED, S.IN_PROGRESS}, S.COMPLETED, "receiver"),
    "not_attended": ({S.ACCEPTED, S.IN_PROGRESS}, S.NOT_ATTENDED, "receiver"),
    "withdraw": ({S.SENT, S.ACCEPTED, S.IN_PROGRESS}, S.WITHDRAWN, "sender"),
}
NEEDS_REASON = {"decline", "withdraw"}
NEEDS_OUTCOME = {"complete"}


def allowed_actions(status: str) -> list[str]:
    return [name for name, (sources, _target, _side) in ACTIONS.items() if status in sources]


def target_of(action: str, status: str) -> str | None:
    """The status the action leads to from `status`, or None when it is not allowed."""
    if action not in ACTIONS:
        return None
    sources, target, _side = ACTIONS[action]
    return target if status in sources else None
