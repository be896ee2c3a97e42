"""Hostile bytes stopped at the edge, before any view, form or query sees them.

A NUL character (``%00``, ``\\u0000``) cannot be stored in PostgreSQL text and is never part of
real input; a lone UTF-16 surrogate (``"A\\ud800B"`` in JSON) cannot be encoded as UTF-8, so it
cannot be encrypted or stored; JSON nested thousands deep exhausts the parser's stack. Each of them
used to reach the database or the cipher and end as a 500. Here they end as a translated 400 and
nothing is changed: in the address and query string and form fields by `HostileBytesMiddleware`,
in JSON bodies by `SafeJSONParser` (the API's only parser).
"""

import re

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.translation import activate
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

# NUL, and any surrogate code point (a valid str from UTF-8 never holds one).
_HOSTILE = re.compile("[\x00\ud800-\udfff]")


def is_hostile(text) -> bool:
    return isinstance(text, str) and _HOSTILE.search(text) is not None


def hostile_message() -> str:
    return _("The request contains characters that cannot be accepted (a NUL or a broken character).")


def too_deep_message() -> str:
    return _("The request body is nested too deeply.")


class HostileInput(exceptions.ParseError):
    default_code = "invalid_characters"


class TooDeep(exceptions.ParseError):
    default_code = "too_deep"


def check_json(data, max_depth: int) -> None:
    """Walk parsed JSON without recursion: raise on a hostile string or key, or too deep a tree."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if is_hostile(value):
                raise HostileInput(hostile_message())
        elif isinstance(value, dict | list):
            if depth > max_depth:
                raise TooDeep(too_deep_message())
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if is_hostile(key):
                    raise HostileInput(hostile_message())
                stack.append((item, depth + 1))


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, refusing NUL, lone surrogates and deep nesting with a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise TooDeep(too_deep_message()) from exc
        check_json(data, settings.QORGAU_JSON_MAX_DEPTH)
        return data


def _querydict_hostile(qd) -> bool:
    return any(is_hostile(key) or any(is_hostile(v) for v in values) for key, values in qd.lists())


class HostileBytesMiddleware:
    """Answers 400 (JSON under /api/, the error page elsewhere) to a request whose address, query
    string or form fields hold a NUL or a surrogate. Sits after LocaleMiddleware so the answer is
    in the reader's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._hostile(request):
            from qorgau.core.views import _error

            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.language:
                activate(user.language)

            return _error(request, 400, "invalid_characters", hostile_message())
        return self.get_response(request)

    @staticmethod
    def _hostile(request) -> bool:
        if is_hostile(request.path_info) or _querydict_hostile(request.GET):
            return True
        content_type = request.content_type or ""
        if request.method == "POST" and content_type == "multipart/form-data" and _streams_upload(request):
            return False  # reading the body here would fix the upload handlers before the view's own
        if request.method == "POST" and content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            try:
                return _querydict_hostile(request.POST)
            except Exception:  # a malformed body: left to the view's own handling (Django's 400)
                return False
        return False


def _streams_upload(request) -> bool:
    """Views marked `streams_upload = True` (the evidence locker) install a streaming upload
    handler and check their own fields; their body must stay unread until then."""
    try:
        func = resolve(request.path_info).func
    except Resolver404:
        return False
    return bool(
        getattr(func, "streams_upload", False) or getattr(getattr(func, "cls", None), "streams_upload", False)
    )
