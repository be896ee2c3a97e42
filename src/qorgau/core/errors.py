"""Errors that services raise and both the HTML views and the API turn into answers.

Field problems use Django's ValidationError (a dict of field -> messages); a refused action uses
django.core.exceptions.PermissionDenied. Conflict is for a concurrent edit caught by the version
check: the second writer gets a clear message and nothing is overwritten.
"""

from django.utils.translation import gettext_lazy as _


class Conflict(Exception):
    code = "conflict"

    def __init__(self, message=None):
        self.message = message or _(
            "Someone else changed this record while you were editing it. "
            "Your changes were not saved: reload the page to see the latest version."
        )
        super().__init__(str(self.message))


class AuditUnavailable(Exception):
    """The audit chain cannot take an event (its head row is gone): nothing may be done unaudited,
    so the request is refused with a 503 until an administrator repairs it (`qorgau audit`)."""

    code = "audit_unavailable"

    def __init__(self, reason: str = ""):
        self.reason = reason
        self.message = _(
            "The audit log cannot record this action, so nothing was done. "
            "Tell your administrator: the audit chain needs attention (qorgau audit verify)."
        )
        super().__init__(reason or str(self.message))
