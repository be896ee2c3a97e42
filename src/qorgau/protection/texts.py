"""What the case timeline and the notifications say about legal protection (codes in, words out)."""

from django.utils.translation import gettext_lazy as _

from qorgau.protection.models import Proceeding, ProtectiveOrder, Violation

EVENT_TEXTS = {
    "protective_order_drafted": _("Protective order drafted"),
    "protective_order_issued": _("Protective order issued"),
    "protective_order_corrected": _("Protective order corrected before service"),
    "protective_order_served": _("Protective order served: %(served_how)s"),
    "protective_order_extended": _("Protective order extended by %(days)s days"),
    "protective_order_ended": _("Protective order ended early"),
    "protective_order_breached": _("Protective order breached (reported by: %(reported_by)s)"),
    "proceeding_opened": _("Proceeding recorded: %(proceeding_kind)s"),
    "proceeding_decision": _("Decision in the proceeding: %(proceeding_stage)s"),
    "hearing_scheduled": _("Hearing scheduled"),
}

EVENT_LABELS = {
    "served_how": dict(ProtectiveOrder.ServedHow.choices),
    "reported_by": dict(Violation.ReportedBy.choices),
    "proceeding_kind": dict(Proceeding.Kind.choices),
    "proceeding_stage": dict(Proceeding.Stage.choices),
}

# Parameters are case and order numbers and dates only: a notification never names anyone.
NOTIFICATION_TEXTS = {
    "protection_order_expiring": _("Protective order %(order)s of case %(number)s expires on %(date)s."),
    "protection_hearing_reminder": _("A hearing in case %(number)s is on %(date)s."),
    "protection_order_breached": _(
        "Protective order %(order)s of case %(number)s was breached. The risk re-assessment is due now."
    ),
}
