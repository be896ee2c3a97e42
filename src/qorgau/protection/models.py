"""Legal protection on a survivor's case: protective orders, their steps and breaches, and the
criminal or administrative proceedings with their hearings.

What sits in clear and why: codes, dates and counts (states, lists, the expiry job, statistics need
them without decrypting). Encrypted: every free text (conditions in words, reasons, what happened,
evidence references, places of hearings). The person an order binds is a `people.Person` of the
case (his identity is encrypted there, with blind indexes).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qorgau.core.fields import EncryptedField


class Condition(models.TextChoices):
    NO_CONTACT = "no_contact", _("No contact with her")
    NO_APPROACH = "no_approach", _("No approach within a distance")
    NO_CALLS = "no_calls", _("No calls or messages")
    LEAVE_HOME = "leave_home", _("Leave the shared home")
    NO_WEAPONS = "no_weapons", _("No weapons")


class OrderState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("order", "Draft")
    ISSUED = "issued", pgettext_lazy("order", "Issued, not yet served")
    SERVED = "served", pgettext_lazy("order", "Served, not yet in force")
    ACTIVE = "active", pgettext_lazy("order", "In force")
    EXPIRING = "expiring", pgettext_lazy("order", "Expiring soon")
    EXPIRED = "expired", pgettext_lazy("order", "Expired")
    ENDED = "ended", pgettext_lazy("order", "Ended early")


IN_FORCE = frozenset({OrderState.ACTIVE, OrderState.EXPIRING})


class ProtectiveOrder(models.Model):
    """A protective order (қорғау нұсқамасы / защитное предписание) issued by the police.

    Its state is derived (`state_at`), never typed. It binds from `starts_at` (the issue time, or
    later, e.g. his release) for `duration_days` (the configured duration when it was issued) plus
    every extension. Before service a draft or an issued order may be corrected (`version`); once
    served, only recorded steps (extension, early end) and breaches change it."""

    class ServedHow(models.TextChoices):
        IN_PERSON = "in_person", _("Handed to him in person")
        AT_STATION = "at_station", _("At the police station")
        IN_CUSTODY = "in_custody", _("While he was in custody")
        REFUSED = "refused", _("He refused to sign (witnessed)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="protective_orders")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="protective_orders", verbose_name=_("binds")
    )
    number = models.CharField(_("order number"), max_length=40)
    issuing_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing agency")
    )
    issuing_unit = models.CharField(_("issuing unit"), max_length=200)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    starts_at = models.DateTimeField(_("in force from"), null=True, blank=True)
    duration_days = models.PositiveSmallIntegerField(_("duration in days"))
    # starts_at + duration_days + extended_days, kept by the services (lists and the job query it).
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    conditions = models.JSONField(_("conditions"), default=list)
    approach_metres = models.PositiveIntegerField(_("distance in metres"), null=True, blank=True)
    conditions_text = EncryptedField(_("further conditions"), max_length=2000)
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    served_how = models.CharField(
        _("how it was served"), max_length=16, choices=ServedHow.choices, blank=True
    )
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    extended_days = models.PositiveSmallIntegerField(default=0)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Set by the expiry job once it has told the issuing unit and the caseworker.
    expiry_notified_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("protective order")
        verbose_name_plural = _("protective orders")
        indexes = [
            models.Index(fields=["case", "created_at"]),
            models.Index(fields=["expires_at"], name="protection_order_expires"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_agency", "number"], name="protection_order_number_unique"
            )
        ]

    def __str__(self):
        return f"order {self.number}"

    def compute_expiry(self):
        if self.starts_at is None:
            return None
        return self.starts_at + timedelta(days=self.duration_days + self.extended_days)

    def state_at(self, now=None) -> OrderState:
        now = now or timezone.now()
        if self.issued_at is None:
            return OrderState.DRAFT
        if self.ended_at is not None and self.ended_at <= now:
            return OrderState.ENDED
        if now >= self.expires_at:
            return OrderState.EXPIRED
        if self.served_at is None:
            return OrderState.ISSUED
        if now < self.starts_at:
            return OrderState.SERVED
        if self.expires_at - now <= timedelta(days=settings.QORGAU_PROTECTIVE_ORDER_ALERT_DAYS):
            return OrderState.EXPIRING
        return OrderState.ACTIVE

    @property
    def state(self) -> OrderState:
        return self.state_at()

    def in_force_at(self, moment) -> bool:
        """Whether the order bound him at that moment (served by then, started, not ended)."""
        return (
            self.issued_at is not None
            and self.served_at is not None
            and self.served_at <= moment
            and self.starts_at <= moment < self.expires_at
            and (self.ended_at is None or moment < self.ended_at)
        )


class OrderStep(models.Model):
    """A recorded change of a served order: an extension or an early end, with its reason."""

    class Kind(models.TextChoices):
        EXTEND = "extend", _("Extended")
        END = "end", _("Ended early")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(ProtectiveOrder, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    days = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = EncryptedField(_("reason"), max_length=2000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]

    def __str__(self):
        return f"{self.kind} {self.order_id}"


class Violation(models.Model):
    """A breach of a protective order. Recording one brings the case's risk re-assessment forward
    to now, may bring the case to the risk conference, and tells the police and the caseworker."""

    class ReportedBy(models.TextChoices):
        SURVIVOR = "survivor", _("She reported it")
        POLICE = "police", _("Police patrol or officer")
        WITNESS = "witness", _("A witness or neighbour")
        AGENCY = "agency", _("Another agency")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(ProtectiveOrder, on_delete=models.CASCADE, related_name="violations")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="order_violations")
    occurred_at = models.DateTimeField(_("when it happened"))
    description = EncryptedField(_("what happened"), max_length=4000)
    reported_by = models.CharField(_("who reported it"), max_length=12, choices=ReportedBy.choices)
    evidence_reference = EncryptedField(_("evidence reference"), max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("breach of an order")
        verbose_name_plural = _("breaches of orders")
        indexes = [models.Index(fields=["case", "occurred_at"])]

    def __str__(self):
        return f"violation {self.pk}"


class Proceeding(models.Model):
    """A criminal or administrative proceeding linked to the case, and her part in it: her
    representative, interpreter, accompaniment, protective arrangements at court, and how she
    wants to be told of each step. Its stage and outcome change through recorded decisions."""

    class Kind(models.TextChoices):
        CRIMINAL = "criminal", _("Criminal")
        ADMINISTRATIVE = "administrative", _("Administrative")

    class Stage(models.TextChoices):
        PRE_TRIAL = "pre_trial", _("Pre-trial investigation")
        COURT = "court", _("In court")
        APPEAL = "appeal", _("Appeal")
        CLOSED = "closed", pgettext_lazy("proceeding", "Closed")

    class Outcome(models.TextChoices):
        CONVICTION = "conviction", _("Conviction")
        ACQUITTAL = "acquittal", _("Acquittal")
        CLOSED = "closed_reason", _("Closed (with a reason)")
        RECONCILIATION = "reconciliation", _("Reconciliation")

    class Arrangement(models.TextChoices):
        SEPARATE_ROOM = "separate_room", _("Separate waiting room")
        NO_CONFRONTATION = "no_confrontation", _("No face-to-face confrontation")
        VIDEO = "video", _("Testimony by video")

    class TellHow(models.TextChoices):
        CALL = "call", _("Phone call")
        SMS = "sms", _("Text message")
        IN_PERSON = "in_person", _("In person")
        LAWYER = "lawyer", _("Through her lawyer")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="proceedings")
    kind = models.CharField(pgettext_lazy("proceeding", "kind"), max_length=16, choices=Kind.choices)
    registration_number = models.CharField(_("registration number"), max_length=60)
    articles = models.JSONField(_("articles"), default=list)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.PRE_TRIAL)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    representative = EncryptedField(_("her legal representative"), max_length=200)
    interpreter_language = models.CharField(_("interpreter language"), max_length=50, blank=True)
    accompaniment = models.BooleanField(_("she is accompanied to court"), default=False)
    arrangements = models.JSONField(_("protective arrangements at court"), default=list, blank=True)
    tell_how = models.CharField(
        _("how she wants to be told"), max_length=12, choices=TellHow.choices, blank=True
    )
    tell_language = models.CharField(_("in which language"), max_length=16, blank=True)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proceeding")
        verbose_name_plural = _("proceedings")

    def __str__(self):
        return f"proceeding {self.registration_number}"


class Decision(models.Model):
    """A decision in a proceeding (a stage reached, an outcome), with whether she was told."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="decisions")
    decided_on = models.DateField(_("decided on"))
    stage = models.CharField(_("stage"), max_length=12, choices=Proceeding.Stage.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Proceeding.Outcome.choices, blank=True)
    text = EncryptedField(_("decision"), max_length=4000)
    supervisor_reason = EncryptedField(_("supervisor's decision to proceed"), max_length=2000)
    told_at = models.DateTimeField(_("she was told"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_on", "at"]

    def __str__(self):
        return f"decision {self.pk}"


class Hearing(models.Model):
    """A hearing of a proceeding. Her lawyer and caseworker are reminded before it
    (QORGAU_HEARING_REMINDER_DAYS)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="hearings")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="hearings")
    at = models.DateTimeField(_("date and time"))
    place = EncryptedField(_("place"), max_length=300)
    purpose = EncryptedField(_("purpose"), max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]
        indexes = [models.Index(fields=["at"], name="protection_hearing_at")]

    def __str__(self):
        return f"hearing {self.at:%Y-%m-%d}"


# --- Court-imposed special requirements (особые требования / ерекше талаптар) -----------------------


class RequirementCondition(models.TextChoices):
    NO_CONTACT = "no_contact", _("No contact with her")
    STAY_AWAY = "stay_away", _("Stay away from her home, work or school")
    NO_ALCOHOL = "no_alcohol", _("No alcohol or drugs")
    PROGRAMME = "programme", _("Attend a correction programme")
    HOME_AT_NIGHT = "home_at_night", _("Stay home at night")
    NO_WEAPONS = "no_weapons", _("No weapons")


class RequirementState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("requirement", "Not yet in force")
    IN_FORCE = "in_force", pgettext_lazy("requirement", "In force")
    ENDING = "ending", pgettext_lazy("requirement", "Ending soon")
    ENDED = "ended", pgettext_lazy("requirement", "Ended")
    ENDED_EARLY = "ended_early", pgettext_lazy("requirement", "Ended early")


REQUIREMENT_IN_FORCE = frozenset({RequirementState.IN_FORCE, RequirementState.ENDING})


class CourtRequirement(models.Model):
    """Special requirements to his behaviour set by a court decision, for a period within the
    configured months (QORGAU_REQUIREMENT_MIN_MONTHS..MAX_MONTHS). They bind from `starts_on`
    through `ends_on` (both included); the state is derived (`state_at`), never typed. A police
    agency monitors them; when a correction programme is among the conditions, the agency that
    runs it records attendance (and sees only that part, never the case)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="court_requirements")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="court_requirements", verbose_name=_("binds")
    )
    court = models.CharField(_("court"), max_length=200)
    decision_on = models.DateField(_("date of the court decision"))
    starts_on = models.DateField(_("in force from"))
    months = models.PositiveSmallIntegerField(_("period in months"))
    # The last day in force: starts_on + months - 1 day, kept by the services (lists query it).
    ends_on = models.DateField(_("last day in force"))
    conditions = models.JSONField(_("conditions"), default=list)
    conditions_text = EncryptedField(_("further conditions"), max_length=2000)
    monitoring_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("monitoring agency")
    )
    programme_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("agency that runs the correction programme"),
    )
    programme_completed_on = models.DateField(_("programme completed on"), null=True, blank=True)
    ended_on = models.DateField(_("ended early on"), null=True, blank=True)
    end_reason = EncryptedField(_("reason"), max_length=2000)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-decision_on", "-created_at"]
        verbose_name = _("court requirement")
        verbose_name_plural = _("court requirements")
        indexes = [
            models.Index(fields=["case", "created_at"]),
            models.Index(fields=["ends_on"], name="protection_requirement_ends"),
            models.Index(fields=["programme_agency", "ends_on"], name="protection_requirement_prog"),
        ]

    def __str__(self):
        return f"requirement {self.pk}"

    def state_at(self, today=None) -> RequirementState:
        today = today or timezone.localdate()
        if self.ended_on is not None and self.ended_on <= today:
            return RequirementState.ENDED_EARLY
        if today < self.starts_on:
            return RequirementState.PENDING
        if today > self.ends_on:
            return RequirementState.ENDED
        if (self.ends_on - today).days < settings.QORGAU_REQUIREMENT_ALERT_DAYS:
            return RequirementState.ENDING
        return RequirementState.IN_FORCE

    @property
    def state(self) -> RequirementState:
        return self.state_at()

    def in_force_on(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on and (self.ended_on is None or day < self.ended_on)


class RequirementBreach(models.Model):
    """A breach of court requirements: the same consequences as a breach of a protective order
    (re-assessment due now, the conference criterion, the police and the caseworker told)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requirement = models.ForeignKey(CourtRequirement, on_delete=models.CASCADE, related_name="breaches")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="requirement_breaches")
    occurred_at = models.DateTimeField(_("when it happened"))
    description = EncryptedField(_("what happened"), max_length=4000)
    reported_by = models.CharField(_("who reported it"), max_length=12, choices=Violation.ReportedBy.choices)
    evidence_reference = EncryptedField(_("evidence reference"), max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("breach of court requirements")
        verbose_name_plural = _("breaches of court requirements")
        indexes = [models.Index(fields=["case", "occurred_at"])]

    def __str__(self):
        return f"requirement breach {self.pk}"


class ProgrammeSession(models.Model):
    """One line of correction-programme attendance, recorded by the agency that runs it: a
    session attended or missed, or the programme completed."""

    class Kind(models.TextChoices):
        ATTENDED = "attended", _("Session attended")
        MISSED = "missed", _("Session missed")
        COMPLETED = "completed", _("Programme completed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requirement = models.ForeignKey(CourtRequirement, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(pgettext_lazy("programme", "kind"), max_length=10, choices=Kind.choices)
    on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "recorded_at"]

    def __str__(self):
        return f"{self.kind} {self.on}"
