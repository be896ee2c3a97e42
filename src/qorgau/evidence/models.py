"""The evidence locker: files, links and messages on a case, by section (so a referral shares only
what her consent covers), and the packages exported for court.

A file's bytes live encrypted under MEDIA_ROOT (qorgau.evidence.storage); the row keeps their
SHA-256, size, sniffed type and the item's key wrapped by the data key ring. Everything that could
identify someone (names, links, message text, file names) is an EncryptedField.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qorgau.cases.models import Section
from qorgau.core.fields import EncryptedField


class EvidenceItem(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", _("File")
        URL = "url", _("Link")
        MESSAGE = "message", _("Message text")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="evidence_items")
    section = models.CharField(_("section"), max_length=16, choices=Section.choices)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    description = EncryptedField(_("description"), max_length=2000)
    captured_at = models.DateTimeField(_("captured or observed at"), null=True, blank=True)
    # A file
    filename = EncryptedField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    file_kind = models.CharField(max_length=10, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    chunk_bytes = models.PositiveIntegerField(null=True, blank=True)
    chunk_count = models.PositiveIntegerField(null=True, blank=True)
    # The item's own AES-256 key (base64), sealed by the data key ring like every EncryptedField,
    # so `qorgau keys rotate` re-wraps it and a copy in another row does not open.
    wrapped_key = EncryptedField(max_length=100)
    # A link, and who saw it when
    url = EncryptedField(_("address (URL)"), max_length=2000)
    observed_by = EncryptedField(_("observed by"), max_length=200)
    # A message as she showed it
    message_text = EncryptedField(_("message text"), max_length=20000)
    message_sender = EncryptedField(_("sender as shown"), max_length=200)
    # Staff who added it; for a file she sent through her upload link, the colleague who gave
    # her the link (and `upload_link` says it came from her).
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    upload_link = models.ForeignKey(
        "evidence.UploadLink", on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")
        indexes = [models.Index(fields=["case", "section"])]

    def __str__(self):
        return f"{self.kind} evidence {self.pk}"


class EvidenceExport(models.Model):
    """A package exported for court: which items, the manifest's hash and its signature."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="evidence_exports")
    items = models.JSONField(default=list)  # item ids, in package order
    manifest_sha256 = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)  # hex Ed25519 signature of manifest.json
    timestamped = models.BooleanField(default=False)
    purpose = models.CharField(max_length=20)
    exported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    exported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-exported_at"]

    def __str__(self):
        return f"evidence export {self.pk}"


class UploadLink(models.Model):
    """A private link a caseworker gives her: from her own phone, with no account, she adds up
    to `max_files` files to one section of her case until `expires_at`. Only the SHA-256 of the
    link's token is kept; the token itself is shown once, to the caseworker, as a link and a QR."""

    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("upload link", "Active")
        EXPIRED = "expired", pgettext_lazy("upload link", "Expired")
        REVOKED = "revoked", pgettext_lazy("upload link", "Revoked")
        USED_UP = "used_up", pgettext_lazy("upload link", "Used up")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="upload_links")
    section = models.CharField(_("section"), max_length=16, choices=Section.choices)
    token_sha256 = models.CharField(max_length=64, unique=True)
    max_files = models.PositiveSmallIntegerField(_("files she may send"))
    files_received = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"upload link {self.pk}"

    def state(self, now=None) -> str:
        if self.revoked_at:
            return self.State.REVOKED
        if self.files_received >= self.max_files:
            return self.State.USED_UP
        if (now or timezone.now()) >= self.expires_at:
            return self.State.EXPIRED
        return self.State.ACTIVE

    def get_state_display(self) -> str:
        return str(self.State(self.state()).label)

    @property
    def files_left(self) -> int:
        return max(0, self.max_files - self.files_received)


class TakedownRequest(models.Model):
    """A request to a platform about an item of the case: take it down, preserve it, or hand
    over the account's data; what the platform answered and when."""

    class Ask(models.TextChoices):
        TAKEDOWN = "takedown", _("Take the content down")
        PRESERVATION = "preservation", _("Preserve the content and records")
        ACCOUNT_DATA = "account_data", _("Disclose the account's data")

    class Status(models.TextChoices):
        SENT = "sent", pgettext_lazy("takedown request", "Sent")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("takedown request", "Acknowledged")
        DONE = "done", pgettext_lazy("takedown request", "Done")
        REFUSED = "refused", pgettext_lazy("takedown request", "Refused")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="takedown_requests")
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="takedown_requests")
    platform = models.CharField(_("platform"), max_length=20)
    ask = models.CharField(_("what was asked"), max_length=20, choices=Ask.choices)
    sent_on = models.DateField(_("date sent"))
    # The platform's ticket or case number (it may carry her e-mail address: encrypted).
    reference = EncryptedField(_("reference"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SENT)
    response_on = models.DateField(_("response date"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_on", "created_at"]

    def __str__(self):
        return f"takedown request {self.pk}"

    def get_platform_display(self) -> str:
        from qorgau.cases.models import OnlineAccount

        return str(dict(OnlineAccount.Platform.choices).get(self.platform, self.platform))
