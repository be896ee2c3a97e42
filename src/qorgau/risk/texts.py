"""What the case timeline and the notifications say about risk work (codes in, words out)."""

from django.utils.translation import gettext_lazy as _

from qorgau.risk.levels import RiskLevel

EVENT_TEXTS = {
    "risk_assessed": _("Risk assessed: %(level)s"),
    "safety_plan_saved": _("Safety plan saved"),
    "conference_referred": _("Referred to the risk conference"),
    "conference_listed": _("Put on the agenda of the risk conference of %(date)s"),
    "conference_heard": _("Heard at the risk conference"),
    "conference_shared": _("%(agency)s shared what it knows at the risk conference"),
    "conference_action_added": _("Risk conference action for %(agency)s"),
    "conference_action_done": _("Risk conference action done by %(agency)s"),
    "survivor_view_recorded": _("Her view for the risk conference was recorded"),
    "conference_minutes": _("Risk conference minutes saved"),
}

EVENT_LABELS = {"level": {level.key: level.label for level in RiskLevel}}

# Parameters are case numbers, level codes and dates only: a notification never names anyone.
NOTIFICATION_TEXTS = {
    "risk_reassessment_overdue": _("The risk re-assessment of case %(number)s is overdue."),
    "risk_referral_waiting": _(
        "Case %(number)s was referred to the risk conference and waits for an agenda."
    ),
    "risk_conference_listed": _("Case %(number)s is on the agenda of the risk conference of %(date)s."),
    "risk_conference_action": _(
        "The risk conference gave your agency an action for case %(number)s, due %(date)s."
    ),
}
