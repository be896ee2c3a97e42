"""What each kind of notification says. Apps add their kinds with register_texts()."""

from django.utils.translation import gettext_lazy as _

TEXTS: dict = {
    "generic": _("You have something new in Qorgau."),
}


def register_texts(texts: dict) -> None:
    TEXTS.update(texts)


def render_text(notification) -> str:
    template = TEXTS.get(notification.kind, TEXTS["generic"])
    try:
        return str(template) % notification.params
    except (KeyError, TypeError, ValueError):
        return str(TEXTS["generic"])
