"""What the case timeline and the notifications say about court requirements (codes in, words out)."""

from django.utils.translation import gettext_lazy as _

from qorgau.protection.models import ProgrammeSession, Violation

EVENT_TEXTS = {
    "court_requirement_recorded": _("Court requirements recorded for %(months)s months"),
    "court_requirement_ended": _("Court requirements lifted early"),
    "court_requirement_breached": _("Court requirements breached (reported by: %(reported_by)s)"),
    "programme_attendance": _("Correction programme: %(programme_kind)s"),
}

EVENT_LABELS = {
    "reported_by": dict(Violation.ReportedBy.choices),
    "programme_kind": dict(ProgrammeSession.Kind.choices),
}

# Parameters are the case number and the court only: a notification never names anyone.
NOTIFICATION_TEXTS = {
    "protection_requirement_breached": _(
        "Court requirements (%(court)s) in case %(number)s were breached. The risk re-assessment is due now."
    ),
}
