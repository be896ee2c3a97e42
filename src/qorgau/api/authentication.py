"""API authentication: personal Bearer tokens, or the browser session of an MFA-verified user."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from rest_framework.authentication import SessionAuthentication


class BearerTokenAuthentication(TokenAuthentication):
    """`Authorization: Bearer <token>`; tokens are stored as digests (django-rest-knox)."""


class VerifiedSessionAuthentication(SessionAuthentication):
    """A session counts only after the second factor, and not while a new password is due."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if not getattr(user, "is_verified", lambda: False)() or user.must_change_password:
            return None
        return result


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "qorgau.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal API token (qorgau_...)."}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "qorgau.api.authentication.VerifiedSessionAuthentication"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "qorgau_session"}
