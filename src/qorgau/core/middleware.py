"""Response headers that hold for every page, and the idle session clock."""

import time

from django.conf import settings


class NoStoreMiddleware:
    """Pages may carry survivor data or show that someone sought help: browsers and proxies must not
    keep them (the back button on a shared phone must not reveal them). Static files are served
    before this by WhiteNoise and keep their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):  # a view may choose otherwise, explicitly
            response["Cache-Control"] = "no-store"
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        return response


class IdleSessionMiddleware:
    """Sign-out after QORGAU_SESSION_IDLE_MINUTES of inactivity, without rewriting the session row
    on every request (Django's SESSION_SAVE_EVERY_REQUEST did: one UPDATE per page, the largest
    cost of a signed-in request). A signed-in session is saved again — and its expiry moved — only
    when QORGAU_SESSION_REFRESH_SECONDS have passed since it was last saved, so she is signed out
    between IDLE minus REFRESH and IDLE after her last request. Sits inside SessionMiddleware."""

    KEY = "_qorgau_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.session_key or session.is_empty():
            return response  # a visitor without a session gets none
        now = int(time.time())
        if session.modified or now - session.get(self.KEY, 0) >= settings.QORGAU_SESSION_REFRESH_SECONDS:
            session[self.KEY] = now
        return response


class AuditUnavailableMiddleware:
    """Nothing happens unaudited: when the audit chain cannot take an event (its head row is
    gone) the request is answered 503 with a clear message, not a 500, and nothing is saved (the
    error rolls the request's transaction back)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from qorgau.core.errors import AuditUnavailable

        if not isinstance(exception, AuditUnavailable):
            return None
        from django.http import JsonResponse
        from django.shortcuts import render

        from qorgau.api.errors import error_body

        if request.path.startswith("/api/"):
            return JsonResponse(error_body(exception.code, exception.message), status=503)
        return render(request, "core/error.html", {"status": 503, "message": exception.message}, status=503)
