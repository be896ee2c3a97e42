from django.utils.translation import gettext_lazy as _

from qorgau.evidence.models import EvidenceItem

EVENT_TEXTS = {
    "evidence_added": _("Evidence added: %(kind)s"),
    "incident_cyber_updated": _("Cyber-violence of an incident recorded"),
}
EVENT_LABELS = {"kind": dict(EvidenceItem.Kind.choices)}

# The chain of custody in words (audit actions "evidence.<verb>" and the reasons given).
CUSTODY_ACTIONS = {
    "add": _("added"),
    "view": _("details viewed"),
    "download": _("original downloaded"),
    "preview": _("preview shown"),
    "export": _("put in a package for court"),
    "view_denied": _("refused: not shared with this agency"),
}
