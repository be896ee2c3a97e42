"""A survivor's case: incidents, notes by section, consent, sharing, and the timeline.

Free text and anything that identifies a person is encrypted (EncryptedField). Facts needed for
anonymised statistics (type of violence, region, dates, relationship) stay in clear.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qorgau.core.fields import EncryptedField


class Section(models.TextChoices):
    """Units of sharing: a referral or an emergency grant names the sections it opens."""

    GENERAL = "general", _("General")
    HEALTH = "health", _("Health")
    LEGAL = "legal", _("Legal")
    PSYCHOLOGICAL = "psychological", _("Psychological")
    SAFETY = "safety", _("Safety")


ALL_SECTIONS = frozenset(Section.values)


class Case(models.Model):
    class EntryPoint(models.TextChoices):
        CRISIS_CENTRE = "crisis_centre", _("Crisis centre")
        POLICE = "police", _("Police / 102")
        HEALTH = "health", _("Health facility")
        HOTLINE_111 = "hotline_111", _("Help line 111")
        HOTLINE_150 = "hotline_150", _("Help line 150")
        NGO = "ngo", _("NGO")
        SCHOOL = "school", _("School")
        SELF_REFERRAL = "self_referral", _("Self-referral (online)")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class ContactChannel(models.TextChoices):
        CALL = "call", _("Phone call")
        SMS = "sms", _("Text message")
        MESSENGER = "messenger", _("Messenger")
        IN_PERSON = "in_person", _("In person only")
        TRUSTED_PERSON = "trusted_person", _("Through a trusted person")
        NO_CONTACT = "no_contact", _("Do not contact her")

    class Origin(models.TextChoices):
        INTAKE = "intake", _("Opened at an intake")
        # The agency's own record of a woman it knew before it joined Qorgau (`people import`):
        # no consent, no incident, nobody's caseload; it is not a new report (docs/adr/0011).
        REGISTER = "register", _("Imported from the agency's earlier register")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("case number"), max_length=20, unique=True)
    holding_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="held_cases",
        verbose_name=_("holding agency"),
    )
    entry_point = models.CharField(_("entry point"), max_length=20, choices=EntryPoint.choices)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("caseworker"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    # Her preferences
    preferred_language = models.CharField(_("preferred language"), max_length=16, blank=True)
    contact_channel = models.CharField(
        _("safe way to contact her"),
        max_length=16,
        choices=ContactChannel.choices,
        default=ContactChannel.CALL,
    )
    contact_times = EncryptedField(_("safe times and instructions for contact"), max_length=500)
    female_staff = models.BooleanField(_("prefers female staff"), default=False)
    interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=50, blank=True)
    # The help she asks for, as service codes of the directory's catalogue (the needs assessment).
    needs = models.JSONField(_("help she needs"), default=list, blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.INTAKE)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["holding_agency", "status"])]

    def __str__(self):
        return self.number


class CaseCounter(models.Model):
    """Case numbers per year (QG-2026-000123), handed out under a row lock."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class Incident(models.Model):
    """One incident of one survivor. Its type comes from the GBVIMS questions, asked in order."""

    class GbvType(models.TextChoices):
        RAPE = "rape", _("Rape")
        SEXUAL_ASSAULT = "sexual_assault", _("Sexual assault")
        PHYSICAL_ASSAULT = "physical_assault", _("Physical assault")
        FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
        DENIAL = "denial", _("Denial of resources, opportunities or services")
        PSYCHOLOGICAL = "psychological", _("Psychological / emotional abuse")
        NON_GBV = "non_gbv", _("Not gender-based violence")

    class Place(models.TextChoices):
        HOME = "home", _("Her home")
        OTHER_HOME = "other_home", _("Another home")
        STREET = "street", _("Street or public place")
        WORKPLACE = "workplace", _("Workplace")
        SCHOOL = "school", _("School or college")
        ONLINE = "online", pgettext_lazy("where it happened", "Online")
        OTHER = "other", _("Other")
        UNKNOWN = "unknown", _("Not known")

    class Weapon(models.TextChoices):
        NONE = "none", _("None")
        FIREARM = "firearm", _("Firearm")
        KNIFE = "knife", _("Knife or blade")
        OBJECT = "object", _("Other object")
        UNKNOWN = "unknown", _("Not known")

    class Injuries(models.TextChoices):
        NONE = "none", _("None visible")
        MINOR = "minor", _("Minor")
        SERIOUS = "serious", _("Serious")
        LIFE_THREATENING = "life_threatening", _("Life-threatening")
        UNKNOWN = "unknown", _("Not known")

    class HarmfulPractice(models.TextChoices):
        NONE = "none", _("None")
        BRIDE_KIDNAPPING = "bride_kidnapping", _("Bride kidnapping")
        EARLY_MARRIAGE = "early_marriage", _("Early or child marriage")
        FGM = "fgm", _("Female genital mutilation/cutting")
        OTHER = "other", _("Other harmful practice")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="incidents")
    occurred_on = models.DateField(_("date of the incident"))
    occurred_at_time = models.TimeField(_("time of the incident"), null=True, blank=True)
    date_is_approximate = models.BooleanField(_("the date is approximate"), default=False)
    reported_on = models.DateField(_("first reported on"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    settlement = EncryptedField(_("settlement or address"), max_length=200)
    place = models.CharField(_("place"), max_length=16, choices=Place.choices, default=Place.UNKNOWN)
    children_present = models.BooleanField(_("children were present"), null=True, blank=True)
    weapon = models.CharField(_("weapon"), max_length=16, choices=Weapon.choices, default=Weapon.UNKNOWN)
    injuries = models.CharField(
        _("injuries"), max_length=20, choices=Injuries.choices, default=Injuries.UNKNOWN
    )
    # GBVIMS questions (asked in this order; the first "yes" decides the type)
    q_penetration = models.BooleanField(default=False)
    q_sexual_contact = models.BooleanField(default=False)
    q_physical_assault = models.BooleanField(default=False)
    q_forced_marriage = models.BooleanField(default=False)
    q_denial = models.BooleanField(default=False)
    q_psychological = models.BooleanField(default=False)
    # Facts that decide the case context
    money_or_goods_exchanged = models.BooleanField(
        _("money, goods or benefits were exchanged"), default=False
    )
    abduction = models.BooleanField(_("she was abducted"), default=False)
    harmful_practice = models.CharField(
        _("harmful traditional practice"),
        max_length=20,
        choices=HarmfulPractice.choices,
        default=HarmfulPractice.NONE,
    )
    survivor_age = models.PositiveSmallIntegerField(
        _("survivor's age at the incident"), null=True, blank=True
    )
    # Derived and stored for statistics
    gbv_type = models.CharField(pgettext_lazy("violence", "type"), max_length=20, choices=GbvType.choices)
    contexts = models.JSONField(_("case context"), default=list, blank=True)
    delay_band = models.CharField(_("reporting delay"), max_length=10)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        # Recent incidents (open care windows on every dashboard, statistics by period) without
        # reading every incident in the country (bench/explain.py).
        indexes = [models.Index(fields=["occurred_on"], name="incident_occurred_on")]

    def __str__(self):
        return f"{self.get_gbv_type_display()} {self.occurred_on}"


class IncidentPerpetrator(models.Model):
    class Relationship(models.TextChoices):
        CURRENT_PARTNER = "current_partner", _("Husband or current partner")
        FORMER_PARTNER = "former_partner", _("Former husband or partner")
        PARENT = "parent", _("Parent or step-parent")
        CHILD = "child", _("Son or daughter")
        SIBLING = "sibling", _("Brother or sister")
        IN_LAW = "in_law", _("In-law")
        OTHER_FAMILY = "other_family", _("Other family member")
        ACQUAINTANCE = "acquaintance", _("Acquaintance or neighbour")
        EMPLOYER = "employer", _("Employer or colleague")
        TEACHER = "teacher", _("Teacher or carer")
        STRANGER = "stranger", _("Stranger")
        UNKNOWN = "unknown", _("Not known")

    INTIMATE = frozenset({Relationship.CURRENT_PARTNER, Relationship.FORMER_PARTNER})

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="perpetrator_links")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="incident_links")
    relationship = models.CharField(_("relationship to her"), max_length=20, choices=Relationship.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "person"], name="incident_perpetrator_unique")
        ]

    def __str__(self):
        return self.relationship


class Note(models.Model):
    """A note in one section of the case; her own account is the first general note."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    section = models.CharField(_("section"), max_length=16, choices=Section.choices)
    is_account = models.BooleanField(_("her account"), default=False)
    body = EncryptedField(_("note"), max_length=20000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self):
        return f"{self.section} note {self.pk}"


class Consent(models.Model):
    """Her consent to one purpose for one receiving agency or type of agency."""

    class Purpose(models.TextChoices):
        REFERRAL = "referral", _("Referral for services")
        SHARE = "share", _("Sharing of note sections")
        STATISTICS = "statistics", _("Anonymised statistics")
        CONTACT = "contact", _("Contacting her")

    class Method(models.TextChoices):
        WRITTEN = "written", _("Written")
        VERBAL = "verbal", _("Verbal (recorded by staff)")

    class GivenBy(models.TextChoices):
        SURVIVOR = "survivor", _("The survivor herself")
        GUARDIAN = "guardian", _("Parent or guardian")
        BEST_INTEREST = "best_interest", _("Best-interest decision (no guardian consent)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    recipient_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving agency"),
    )
    recipient_kind = models.CharField(_("receiving type of agency"), max_length=32, blank=True)
    # With a type of agency: only those of her region, or (empty) any in Kazakhstan.
    recipient_region = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region of the receiving agencies"),
    )
    sections = models.JSONField(_("sections"), default=list, blank=True)
    method = models.CharField(_("how consent was given"), max_length=10, choices=Method.choices)
    given_by = models.CharField(
        _("given by"), max_length=16, choices=GivenBy.choices, default=GivenBy.SURVIVOR
    )
    guardian = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("guardian"),
    )
    best_interest_reason = EncryptedField(_("reason for the best-interest decision"), max_length=2000)
    given_on = models.DateField(_("given on"), default=timezone.localdate)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self):
        return f"{self.purpose} consent {self.pk}"

    def is_active(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.withdrawn_at is None and (self.expires_on is None or today <= self.expires_on)

    def covers(self, agency) -> bool:
        """Whether this consent names the agency, or its type (in the region it names, if any)."""
        if self.purpose == self.Purpose.STATISTICS:
            return True
        if self.recipient_agency_id:
            return self.recipient_agency_id == agency.pk
        if self.recipient_region_id and self.recipient_region_id != agency.region_id:
            return False
        return bool(self.recipient_kind) and self.recipient_kind == agency.kind


class CaseShare(models.Model):
    """Another agency's access to a case: through an accepted referral (checked against her
    consent at every read) or an emergency grant (a supervisor's recorded, reviewed exception)."""

    class Source(models.TextChoices):
        REFERRAL = "referral", _("Referral")
        EMERGENCY = "emergency", _("Emergency grant")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="case_shares")
    source = models.CharField(max_length=10, choices=Source.choices)
    sections = models.JSONField(default=list)
    referral_id = models.UUIDField(null=True, blank=True)
    reason = EncryptedField(_("reason"), max_length=2000)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = EncryptedField(_("review note"), max_length=2000)

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["agency", "revoked_at"])]

    def __str__(self):
        return f"{self.source} share {self.pk}"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


class CaseEvent(models.Model):
    """The case timeline: what happened, by whom, from which agency. No free text, no names.

    `section` limits who sees the entry: a note's section, or "holder" for sharing decisions that
    only the holding agency sees; empty means everyone with access to the case.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, null=True, related_name="+")
    section = models.CharField(max_length=16, blank=True)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self):
        return self.kind


class AccessRequest(models.Model):
    """Staff of another agency met a person already known here and ask for access.

    The requester never learns which agency or case; the holding agency's supervisors see the
    request and answer through a referral with her consent, or not at all.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        DECLINED = "declined", _("Declined")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requesting_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    reason = EncryptedField(_("why access is needed"), max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"access request {self.pk}"


class IntakeDraft(models.Model):
    """An intake in progress (the wizard's answers so far), encrypted, owned by one user."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    data = EncryptedField(kind="json")
    step = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"intake draft {self.pk}"


class CaseClosure(models.Model):
    """A request to close a case, decided by a supervisor. Kept after reopening: history stays."""

    class Reason(models.TextChoices):
        NEEDS_MET = "needs_met", _("Her needs are met")
        SURVIVOR_CHOICE = "survivor_choice", _("Her own choice")
        MOVED = "moved", _("She moved away")
        LOST_CONTACT = "lost_contact", _("Contact was lost")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")  # decisions before comments were asked for
        RETURNED = "returned", _("Returned with comments")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closures")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = EncryptedField(_("note"), max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # What the supervisor asks to change when the closure is returned (shown to the caseworker).
    decision_comment = EncryptedField(_("supervisor's comments"), max_length=2000)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"closure {self.pk}"


class CaseOutcome(models.Model):
    """A grave outcome recorded on the case: her death. Statistics check the risk levels against
    it (was the level given before enough?). A record, not an update: a mistake is corrected by
    the same service with a new record, and both stay in the history."""

    class Kind(models.TextChoices):
        KILLED = "killed", _("She was killed")
        DIED_OTHER = "died_other", _("She died of another cause")
        DIED_UNKNOWN = "died_unknown", _("She died; the cause is not known")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("outcome"), max_length=16, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("case outcome")
        verbose_name_plural = _("case outcomes")

    def __str__(self):
        return f"{self.kind} {self.occurred_on}"


class CyberSubtype(models.Model):
    """A kind of technology-facilitated violence (reference data, kk/ru/en, seeded by migration).

    GBVIMS has no "cyber" type: the act decides it. `gbvims_question` names the GBVIMS question a
    subtype answers "yes" (all of them psychological/emotional abuse unless a question asked
    earlier already says more), so recording a subtype also classifies the incident."""

    code = models.CharField(max_length=32, primary_key=True)
    name_en = models.CharField(max_length=120)
    name_kk = models.CharField(max_length=120)
    name_ru = models.CharField(max_length=120)
    gbvims_question = models.CharField(max_length=32, default="q_psychological")
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("kind of cyber-violence")
        verbose_name_plural = _("kinds of cyber-violence")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        language = (get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name_en


class IncidentCyber(models.Model):
    """The cyber-violence of one incident: its kinds (the platforms and accounts are rows of
    OnlineAccount). Kept beside the incident so its edits carry their own version."""

    incident = models.OneToOneField(
        Incident, on_delete=models.CASCADE, primary_key=True, related_name="cyber"
    )
    subtypes = models.JSONField(_("kinds of cyber-violence"), default=list, blank=True)  # CyberSubtype codes
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"cyber {self.incident_id}"


class OnlineAccount(models.Model):
    """A platform account involved in an incident: the handle or URL is encrypted; a perpetrator's
    account is part of his identity (legal section), hers and others' are general."""

    class Platform(models.TextChoices):
        INSTAGRAM = "instagram", "Instagram"
        WHATSAPP = "whatsapp", "WhatsApp"
        TELEGRAM = "telegram", "Telegram"
        TIKTOK = "tiktok", "TikTok"
        FACEBOOK = "facebook", "Facebook"
        VK = "vk", "VK"
        YOUTUBE = "youtube", "YouTube"
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone calls or SMS")
        WEBSITE = "website", _("Website")
        OTHER = "other", _("Other")

    class Owner(models.TextChoices):
        SURVIVOR = "survivor", _("Hers")
        PERPETRATOR = "perpetrator", _("The perpetrator's")
        FAKE = "fake", _("A fake account in her name")
        THIRD_PARTY = "third_party", _("Someone else's")
        UNKNOWN = "unknown", _("Not known")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="online_accounts")
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    handle = EncryptedField(_("handle or URL"), max_length=500)
    owner = models.CharField(_("whose account"), max_length=16, choices=Owner.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.platform} account {self.pk}"
