from django.conf import settings

from qorgau.core.nav import nav_for


def qorgau(request):
    user = getattr(request, "user", None)
    return {
        "nav_items": nav_for(user) if user is not None else [],
        "languages": settings.LANGUAGES,
        "demo_mode": not settings.PRODUCTION,
    }
