from django.conf import settings

from qorgau.core.nav import nav_for
from qorgau.notifications.selectors import unread_count


def qorgau(request):
    user = getattr(request, "user", None)
    return {
        "nav_items": nav_for(user) if user is not None else [],
        "languages": settings.LANGUAGES,
        "demo_mode": not settings.PRODUCTION,
        "unread_notifications": unread_count(actor=user) if user is not None else 0,
    }
