"""`Idempotency-Key` on creating API writes (POST): a client whose connection dropped may retry.

The key is per user. The first request with a key runs inside one transaction with the row that
records its answer, so the answer is kept exactly when the write is committed. A retry with the
same key and the same body gets the first answer again (status, body, Location) and
`Idempotency-Replayed: true`; the same key with a different body or address is a 422. A retry
that arrives while the first is still running waits on the key's unique index (PostgreSQL) and
then replays it. Failed requests (any non-2xx) keep nothing: the key may be used again.
"""

import hashlib
import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.settings import api_settings

from qorgau.api.errors import error_body

HEADER = "Idempotency-Key"
MAX_KEY = 255


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _api_user(request):
    """The caller as the API would authenticate it (Bearer token or verified session), or None."""
    original = getattr(request, "user", None)
    drf = Request(request, authenticators=[cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES])
    try:
        user = drf.user
    except Exception:  # refused credentials: the view answers them itself (401/403)
        return None
    finally:
        request.user = original  # DRF sets it on the request; the view authenticates again
    return user if user is not None and user.is_authenticated else None


def _fingerprint(request) -> str:
    try:
        body = request.body
    except RawPostDataException:  # a form or upload already parsed: its fields and file sizes
        parts = sorted(request.POST.lists()) + sorted((k, f.name, f.size) for k, f in request.FILES.items())
        body = repr(parts).encode()
    return _sha(b"\n".join([request.method.encode(), request.path.encode(), body]))


def _invalid_key():
    message = _("The Idempotency-Key header must be 1 to 255 visible characters.")
    return JsonResponse(error_body("invalid_idempotency_key", message), status=400)


def _mismatch():
    message = _(
        "This Idempotency-Key was already used for a different request. Use a new key for a new request."
    )
    return JsonResponse(error_body("idempotency_key_reused", message), status=422)


def _replay(row) -> HttpResponse:
    response = HttpResponse(row.body or "", status=row.status_code, content_type="application/json")
    if row.location:
        response["Location"] = row.location
    response["Idempotency-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not (0 < len(key) <= MAX_KEY) or not key.isascii() or not key.isprintable():
            return _invalid_key()
        user = _api_user(request)
        if user is None:
            return self.get_response(request)
        return self._once(request, user, key)

    def _once(self, request, user, key):
        from qorgau.api.models import IdempotencyKey

        key_hash = _sha(key.encode())
        fingerprint = _fingerprint(request)
        oldest = timezone.now() - settings.QORGAU_IDEMPOTENCY_KEEP
        IdempotencyKey.objects.filter(user=user, key_hash=key_hash, created_at__lt=oldest).delete()
        with transaction.atomic():
            row = IdempotencyKey(user=user, key_hash=key_hash, fingerprint=fingerprint, status_code=0)
            try:
                with transaction.atomic():
                    row.save(force_insert=True)  # a concurrent first request holds this until it ends
            except IntegrityError:
                first = IdempotencyKey.objects.filter(user=user, key_hash=key_hash).first()
                if first is None:  # the first request failed and kept nothing: run this one
                    return self._once(request, user, key)
                if first.fingerprint != fingerprint:
                    return _mismatch()
                return _replay(first)
            response = self.get_response(request)
            if not 200 <= response.status_code < 300 or getattr(response, "streaming", False):
                transaction.set_rollback(True)  # nothing is kept; the write failed anyway
                return response
            body = response.content.decode("utf-8")
            try:
                json.loads(body or "null")
            except ValueError:
                transaction.set_rollback(True)
                return response
            row.status_code = response.status_code
            row.body = body
            row.location = response.get("Location", "")[:500]
            row.save(update_fields=["status_code", "body", "location"])
        return response
