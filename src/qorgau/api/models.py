"""What the API keeps of its own: the first answer to each Idempotency-Key."""

import uuid

from django.conf import settings
from django.db import models

from qorgau.core.fields import EncryptedField


class IdempotencyKey(models.Model):
    """One creating request (POST) of one user, by the client's Idempotency-Key: a retry with the
    same key and body is answered with this first answer, a different body with a 422. The key is
    stored as its SHA-256; the answer (which may hold her name) is encrypted like any case data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status_code = models.PositiveSmallIntegerField()
    body = EncryptedField()
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key_hash"], name="idempotency_key_once_per_user")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created")]

    def __str__(self):
        return f"{self.user_id}:{self.key_hash[:8]}"
