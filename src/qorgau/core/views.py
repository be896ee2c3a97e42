"""Landing pages and error pages. Error pages answer the API in its JSON format."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from qorgau.api.errors import error_body
from qorgau.core.dashboard import panels_for
from qorgau.core.views_public import public_view


@public_view
def root(request):
    """Signed-in staff go to their dashboard; everyone else to the public portal in their language
    (Accept-Language, else Kazakh). Staff sign in at /accounts/sign-in/ (linked from the portal)."""
    if request.user.is_authenticated and request.user.is_verified():
        return redirect("core:home")
    language = translation.get_language_from_request(request)
    with translation.override(language):
        response = redirect("portal:home")
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


def home(request):
    return render(request, "core/home.html", {"panels": panels_for(request)})


@public_view
def healthz(request):
    """For the load balancer: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def _error(request, status: int, code: str, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(code, message), status=status)
    return render(request, "core/error.html", {"status": status, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "bad_request", _("The request could not be understood."))


def forbidden(request, exception=None):
    return _error(request, 403, "forbidden", _("You do not have permission to open this page."))


def not_found(request, exception=None):
    return _error(request, 404, "not_found", _("This page does not exist."))


def server_error(request):
    return _error(
        request,
        500,
        "server_error",
        _("Something went wrong on our side. Try again; if it happens again, tell your administrator."),
    )
