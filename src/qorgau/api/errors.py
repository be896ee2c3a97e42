"""One error format for the whole API:

    {"error": {"code": "invalid", "message": "<translated sentence>", "fields": {"iin": ["..."]}}}

`fields` is present only for field problems. Nothing is changed when an error is returned.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from qorgau.api.hostile import HostileInput, TooDeep, hostile_message, too_deep_message
from qorgau.core.errors import Conflict
from qorgau.core.views_public import public_view


def error_body(code: str, message: str, fields=None) -> dict:
    body = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _codes():
    return {
        HostileInput: ("invalid_characters", hostile_message()),
        TooDeep: ("too_deep", too_deep_message()),
        exceptions.ParseError: ("malformed", _("The request body is not valid JSON.")),
        exceptions.NotAuthenticated: ("not_authenticated", _("Sign in or send a valid API token.")),
        exceptions.AuthenticationFailed: ("not_authenticated", _("Sign in or send a valid API token.")),
        exceptions.PermissionDenied: ("forbidden", _("You do not have permission to do this.")),
        exceptions.NotFound: ("not_found", _("Not found.")),
        exceptions.MethodNotAllowed: ("method_not_allowed", _("This method is not allowed here.")),
        exceptions.UnsupportedMediaType: ("unsupported_media_type", _("Send the request body as JSON.")),
        exceptions.NotAcceptable: ("not_acceptable", _("This response format is not available.")),
        exceptions.Throttled: ("throttled", _("Too many requests. Wait a little and try again.")),
    }


def _as_fields(detail):
    if isinstance(detail, dict):
        return {
            key: _as_fields(value) if isinstance(value, dict) else [str(v) for v in _listify(value)]
            for key, value in detail.items()
        }
    return {"non_field_errors": [str(v) for v in _listify(detail)]}


def _listify(value):
    return value if isinstance(value, list) else [value]


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(fields)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, Conflict):
        return Response(error_body("conflict", exc.message), status=status.HTTP_409_CONFLICT)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: logged and answered by handler500 as a JSON 500
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            "invalid", _("The request has errors; see the fields."), _as_fields(exc.detail)
        )
        return response
    for exc_class, (code, message) in _codes().items():
        if isinstance(exc, exc_class):
            response.data = error_body(code, message)
            return response
    response.data = error_body("error", str(getattr(exc, "detail", "")) or _("The request failed."))
    return response


@public_view
def json_not_found(request, exception=None):
    return JsonResponse(error_body("not_found", _("Not found.")), status=404)


def json_server_error(request):
    return JsonResponse(
        error_body(
            "server_error",
            _("Something went wrong on our side. Try again; if it happens again, tell your administrator."),
        ),
        status=500,
    )
