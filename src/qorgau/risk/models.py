"""Risk work attached to a survivor's case: assessments, the safety plan, risk conferences.

What sits in clear and why: levels, scores and counts (lists, charts, due dates and the overdue job
need them without decrypting anything; they are numbers about a case, not about who she is).
Encrypted: the answers (they say whether she is pregnant, suicidal, sexually abused), every free
text (judgement reasons, contributions, actions, minutes, her view) and the safety plan (where she
would hide, whom she trusts).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qorgau.core.fields import EncryptedField
from qorgau.risk.levels import RiskLevel


class Assessment(models.Model):
    """One risk assessment, pinned to the instrument version it was made with (id, version and the
    file's digest): `engine.evaluate_pinned` explains it the same way for as long as it exists.
    Assessments are evidence: never edited; a new assessment supersedes the current one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="risk_assessments")
    instrument_id = models.CharField(_("instrument"), max_length=64)
    version = models.PositiveIntegerField(_("instrument version"))
    digest = models.CharField(max_length=64)
    answers = EncryptedField(kind="json")
    # Her words beside an answer ({item id: text}), optional; encrypted like the answers.
    words = EncryptedField(kind="json")
    judgement_level = models.PositiveSmallIntegerField(
        _("raised by professional judgement to"), choices=RiskLevel.choices, null=True, blank=True
    )
    judgement_reason = EncryptedField(_("reason for the professional judgement"), max_length=2000)
    level = models.PositiveSmallIntegerField(_("level"), choices=RiskLevel.choices)
    actuarial_level = models.PositiveSmallIntegerField(
        _("level by the instrument"), choices=RiskLevel.choices
    )
    score = models.PositiveIntegerField(_("score"))
    unknown_count = models.PositiveSmallIntegerField(_("answers not known"), default=0)
    too_many_unknown = models.BooleanField(default=False)
    # The newest assessment of the case; re-assessment due dates and lists read only these rows.
    is_current = models.BooleanField(default=True)
    assessed_at = models.DateTimeField(_("assessed"), default=timezone.now)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    # Set by the overdue job once it has told the caseworker, so later runs skip the row cheaply.
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    # Set when something after the assessment makes the next one due at once (a breach of a
    # protective order, qorgau.protection): the next re-assessment is due at this moment.
    reassess_by = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-assessed_at"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        indexes = [
            models.Index(fields=["case", "assessed_at"]),
            models.Index(fields=["is_current", "level", "assessed_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(is_current=True), name="risk_one_current_assessment"
            ),
            models.CheckConstraint(
                condition=models.Q(judgement_level__isnull=True)
                | models.Q(judgement_level__gt=models.F("actuarial_level")),
                name="risk_judgement_only_raises",
            ),
        ]

    def __str__(self):
        return f"{self.instrument_id}/{self.version} {self.get_level_display()}"

    @property
    def level_key(self) -> str:
        return RiskLevel(self.level).key


class SafetyPlan(models.Model):
    """Her safety plan (`risk.safety_plan.SafetyPlan.to_dict()`), one per case, encrypted whole.
    `version` rises with every save: a save based on an older version is refused (Conflict)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="safety_plan")
    content = EncryptedField(kind="json")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("safety plan")
        verbose_name_plural = _("safety plans")

    def __str__(self):
        return f"safety plan {self.pk}"


class Conference(models.Model):
    """A multi-agency risk conference of one region: when, where, which agencies take part."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", pgettext_lazy("conference", "Held")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    scheduled_for = models.DateTimeField(_("date and time"))
    place = models.CharField(pgettext_lazy("venue", "place"), max_length=200, blank=True)
    agencies = models.ManyToManyField(
        "accounts.Agency", related_name="risk_conferences", verbose_name=_("participating agencies")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-scheduled_for"]
        verbose_name = _("risk conference")
        verbose_name_plural = _("risk conferences")
        indexes = [models.Index(fields=["region", "scheduled_for"])]

    def __str__(self):
        return f"conference {self.region_id} {self.scheduled_for:%Y-%m-%d}"


class ConferenceReferral(models.Model):
    """A case referred to its region's risk conference, and — once the coordinator lists it — an
    item of that conference's agenda with the agencies' contributions, the action plan, the
    minutes and her view. Participants of other agencies see only what
    `policies.agenda_item_view` gives them."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for a conference")
        LISTED = "listed", _("On the agenda")
        HEARD = "heard", _("Heard")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Basis(models.TextChoices):
        CONSENT = "consent", _("She agrees to the referral")
        RISK_TO_LIFE = (
            "risk_to_life",
            _("Without her agreement: risk to her life (supervisor's recorded exception)"),
        )

    OPEN_STATUSES = (Status.WAITING, Status.LISTED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="conference_referrals")
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    # Codes and counts only ([{"code": "escalation", "count": 3}]): participants see them.
    criteria = models.JSONField(default=list)
    level = models.PositiveSmallIntegerField(_("level at referral"), choices=RiskLevel.choices, null=True)
    basis = models.CharField(_("basis"), max_length=16, choices=Basis.choices)
    basis_reason = EncryptedField(_("why without her agreement"), max_length=2000)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField(default=timezone.now)
    listed_at = models.DateTimeField(null=True, blank=True)
    survivor_view = EncryptedField(_("her view"), max_length=5000)
    survivor_view_at = models.DateTimeField(null=True, blank=True)
    survivor_view_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes = EncryptedField(_("minutes"), max_length=20000)
    minutes_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["referred_at"]
        verbose_name = _("risk conference referral")
        verbose_name_plural = _("risk conference referrals")
        indexes = [models.Index(fields=["region", "status"]), models.Index(fields=["case", "referred_at"])]

    def __str__(self):
        return f"conference referral {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Contribution(models.Model):
    """What one agency shares with the conference about one agenda case: a recorded sharing
    decision (audited as conference.share). Never edited: a correction is another contribution."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(ConferenceReferral, on_delete=models.CASCADE, related_name="contributions")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = EncryptedField(_("what your agency knows"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"contribution {self.pk}"


class ConferenceAction(models.Model):
    """One action of the plan agreed for an agenda case: an owner agency, a due date, a status.
    The case stays on the follow-up list until every action is done."""

    class Status(models.TextChoices):
        OPEN = "open", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(ConferenceReferral, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedField(_("action"), max_length=1000)
    owner_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner agency")
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [models.Index(fields=["owner_agency", "status"])]

    def __str__(self):
        return f"action {self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.status != self.Status.DONE and self.due_on < timezone.localdate()


class AssessmentDraft(models.Model):
    """An assessment begun and not yet saved: the answers and her words as typed, kept on the
    server (encrypted) so a worker interrupted after question 12 resumes there. One a worker
    per case; deleted when the assessment is saved."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    instrument_id = models.CharField(_("instrument"), max_length=64)
    data = EncryptedField(kind="json")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("risk assessment draft")
        verbose_name_plural = _("risk assessment drafts")
        constraints = [
            models.UniqueConstraint(fields=["case", "owner"], name="risk_one_draft_per_worker_and_case")
        ]

    def __str__(self):
        return f"draft {self.pk}"
