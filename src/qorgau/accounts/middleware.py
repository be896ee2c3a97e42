"""Secure by default: every page needs a signed-in, MFA-verified staff user unless marked public."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import activate
from rest_framework.views import APIView

from qorgau.core.audit import audit_source

# Pages a person who must change the temporary password may still open.
PASSWORD_CHANGE_EXEMPT = {"accounts:password_change", "accounts:logout", "accounts:set_language"}


class StaffAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = audit_source.set("api" if request.path.startswith("/api/") else "web")
        try:
            return self.get_response(request)
        finally:
            audit_source.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if user.is_authenticated and user.language:
            activate(user.language)
        if getattr(view_func, "qorgau_public", False):
            return None
        view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
        if view_class is not None and issubclass(view_class, APIView):
            return None  # the API authenticates and checks permissions itself (401/403 in JSON)
        if not (user.is_authenticated and user.is_verified()):
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=401)
                response["HX-Redirect"] = reverse("accounts:login")
                return response
            return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
        if user.must_change_password:
            match = request.resolver_match
            if match is None or match.view_name not in PASSWORD_CHANGE_EXEMPT:
                return redirect("accounts:password_change")
        return None
