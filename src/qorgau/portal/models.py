"""Requests for contact sent from the public portal, waiting in the regional inbox."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.core.fields import EncryptedField


class ContactRequest(models.Model):
    """What a visitor asked for. Anything that could identify her is encrypted at rest."""

    class Status(models.TextChoices):
        NEW = "new", _("Waiting")
        TAKEN = "taken", _("Taken")

    class Help(models.TextChoices):
        TALK = "talk", _("Someone to talk to")
        SAFE_PLACE = "safe_place", _("A safe place to stay")
        MEDICAL = "medical", _("Medical help")
        LEGAL = "legal", _("Legal advice")
        POLICE = "police", _("Help with the police or a protective order")
        CHILDREN = "children", _("Help for my children")
        OTHER = "other", _("Something else")

    class Channel(models.TextChoices):
        CALL = "call", _("A phone call")
        SMS = "sms", _("A text message (SMS)")
        MESSENGER = "messenger", _("WhatsApp or Telegram")
        EMAIL = "email", _("E-mail")

    class SafeTime(models.TextChoices):
        ANY = "any", _("Any time")
        MORNING = "morning", _("Morning (9–12)")
        AFTERNOON = "afternoon", _("Afternoon (12–17)")
        EVENING = "evening", _("Evening (17–21)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    help_needed = models.JSONField(_("help needed"), default=list)
    channel = models.CharField(_("how to contact"), max_length=16, choices=Channel.choices)
    safe_time = models.CharField(
        _("safe time"), max_length=16, choices=SafeTime.choices, default=SafeTime.ANY
    )
    may_leave_message = models.BooleanField(_("safe to leave a message"), default=False)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    alias = EncryptedField(_("name or alias"), max_length=60)
    contact = EncryptedField(_("phone or e-mail"), max_length=254)
    message = EncryptedField(_("message"), max_length=1000)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.NEW, db_index=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    taken_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["region", "status", "created_at"])]

    def __str__(self):
        return str(self.id)

    @property
    def overdue(self) -> bool:
        limit = timedelta(hours=settings.QORGAU_CONTACT_ESCALATE_HOURS)
        return self.status == self.Status.NEW and timezone.now() - self.created_at > limit

    def help_labels(self) -> list[str]:
        return [str(self.Help(code).label) for code in self.help_needed if code in self.Help.values]
