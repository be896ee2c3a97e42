"""The one-stop pathway: referrals between agencies, services delivered, the case plan and her
own rating of how safe and well she feels. Free text is encrypted like all case content."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.core.fields import EncryptedField


class Referral(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        NOT_ATTENDED = "not_attended", _("She did not attend")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN = frozenset({Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS})

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey(
        "directory.ServiceType", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    from_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("receiving agency"),
    )
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SENT)
    sections = models.JSONField(_("shared sections"), default=list, blank=True)
    note = EncryptedField(_("what is needed"), max_length=2000)
    reason = EncryptedField(_("reason"), max_length=2000)  # why declined or withdrawn
    outcome = EncryptedField(_("outcome"), max_length=4000)
    sent_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    status_changed_at = models.DateTimeField(default=timezone.now)
    escalated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["to_agency", "status"]), models.Index(fields=["status", "due_at"])]

    def __str__(self):
        return f"referral {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, now=None) -> bool:
        return self.is_open and (now or timezone.now()) > self.due_at


class ServiceDelivery(models.Model):
    """A service an agency gave her: when, what, by whom. The details go into a note of the
    service's section, so they are shared exactly like other notes of that section."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="services_delivered")
    referral = models.ForeignKey(
        Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    service = models.ForeignKey(
        "directory.ServiceType", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delivered_on = models.DateField(_("date"))
    note = models.ForeignKey("cases.Note", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-delivered_on", "-created_at"]

    def __str__(self):
        return f"{self.service_id} on {self.delivered_on}"


class CasePlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="plan", primary_key=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"plan of {self.case_id}"


class PlanAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="actions")
    goal = EncryptedField(_("goal"), max_length=500)
    action = EncryptedField(_("action"), max_length=1000)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible agency")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "created_at"]

    def __str__(self):
        return f"action {self.pk}"


class WellbeingRating(models.Model):
    """Her own rating of how safe and how well she feels, at intake, around 3 months and at closure."""

    class Moment(models.TextChoices):
        INTAKE = "intake", _("At intake")
        THREE_MONTHS = "three_months", _("Around 3 months")
        CLOSURE = "closure", _("At closure")
        OTHER = "other", _("Other time")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="wellbeing")
    moment = models.CharField(_("when"), max_length=16, choices=Moment.choices)
    rated_on = models.DateField(_("date"), default=timezone.localdate)
    safety = models.PositiveSmallIntegerField(_("how safe she feels"))
    wellbeing = models.PositiveSmallIntegerField(_("how well she feels"))
    scale_max = models.PositiveSmallIntegerField()  # the scale in use when she answered
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["rated_on"]

    def __str__(self):
        return f"{self.moment} {self.rated_on}"
