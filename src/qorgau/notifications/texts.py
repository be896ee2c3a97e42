"""What each kind of notification says. Apps add their kinds with register_texts()."""

from datetime import date, datetime

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

TEXTS: dict = {
    "generic": _("You have something new in Qorgau."),
}


def register_texts(texts: dict) -> None:
    TEXTS.update(texts)


def _readable(value):
    """Notifications keep dates as ISO strings (they are stored as JSON); the reader sees them in
    her language's format (01.12.2026), never as 2026-12-01."""
    if not isinstance(value, str) or len(value) < 10 or value[4:5] != "-":
        return value
    try:
        if len(value) == 10:
            return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT")


def render_text(notification) -> str:
    template = TEXTS.get(notification.kind, TEXTS["generic"])
    try:
        return str(template) % {key: _readable(value) for key, value in notification.params.items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        return str(TEXTS["generic"])
