"""Prevention campaigns ("16 Days" and year-round work), their events, reports and letters of gratitude.

Nothing here concerns survivors: these are public events and the people who speak at them.
Organisers' contact details are kept for coordinators only and never shown publicly.
"""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qorgau.core.i18n import LocalizedNameMixin, pick
from qorgau.core.phones import PhoneError, format_phone


class TargetGroup(models.TextChoices):
    """Whom an event is for, and how its participants are counted (groups may overlap)."""

    GENERAL_PUBLIC = "general_public", _("General public")
    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    FATHERS = "fathers", _("Fathers")
    PARENTS = "parents", _("Parents")
    CHILDREN = "children", _("Children and schoolchildren")
    YOUTH = "youth", _("Young people and students")
    OLDER_PEOPLE = "older_people", _("Older people")
    DISABILITY = "disability", _("People with disabilities")
    PROFESSIONALS = "professionals", _("Specialists (police, health, education, social work)")
    CIVIL_SERVANTS = "civil_servants", _("Civil servants")
    CIVIL_SOCIETY = "civil_society", _("NGOs and civil society")
    MEDIA = "media", _("Journalists and bloggers")


class EventLanguage(models.TextChoices):
    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")
    SIGN = "sign", _("Sign language")


class Campaign(LocalizedNameMixin, models.Model):
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9-]{1,19}$",
                _("Use 2 to 20 capital Latin letters, digits and hyphens, e.g. 16D-2026."),
            )
        ],
        help_text=_("Short code that starts every letter number, e.g. 16D-2026."),
    )
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_campaigns",
        verbose_name=_("coordinators"),
    )
    # Letters go out in the name of this agency (normally the National Commission).
    issuer = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing agency")
    )
    # The signature block of letters; blank fields fall back to settings (QORGAU_LETTER_SIGNATORY_*).
    signatory_name_kk = models.CharField(_("signatory's name (Kazakh)"), max_length=150, blank=True)
    signatory_name_ru = models.CharField(_("signatory's name (Russian)"), max_length=150, blank=True)
    signatory_name_en = models.CharField(_("signatory's name (English)"), max_length=150, blank=True)
    signatory_title_kk = models.CharField(_("signatory's title (Kazakh)"), max_length=300, blank=True)
    signatory_title_ru = models.CharField(_("signatory's title (Russian)"), max_length=300, blank=True)
    signatory_title_en = models.CharField(_("signatory's title (English)"), max_length=300, blank=True)
    # The edition this one was copied from; one-to-one, so a campaign has at most one next edition.
    previous = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_edition"
    )
    letter_seq = models.PositiveIntegerField(default=0)  # the last letter number given out
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on", "code"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.name

    def signatory(self, lang: str) -> tuple[str, str]:
        """(name, title) for a letter in `lang`: the campaign's own, else the configured default."""
        name = pick({c: getattr(self, f"signatory_name_{c}") for c in ("kk", "ru", "en")}, lang)
        title = pick({c: getattr(self, f"signatory_title_{c}") for c in ("kk", "ru", "en")}, lang)
        return (
            name or pick(settings.QORGAU_LETTER_SIGNATORY_NAME, lang),
            title or pick(settings.QORGAU_LETTER_SIGNATORY_TITLE, lang),
        )


class Event(models.Model):
    class Kind(models.TextChoices):
        ROUND_TABLE = "round_table", _("Round table")
        CONFERENCE = "conference", _("Conference")
        SEMINAR = "seminar", _("Seminar")
        TRAINING = "training", _("Training")
        LECTURE = "lecture", _("Lecture")
        FLASH_MOB = "flash_mob", _("Flash mob")
        MEDIA_ACTION = "media_action", _("Media action")
        SPORTS_EVENT = "sports_event", _("Sports event")
        EXHIBITION = "exhibition", _("Exhibition")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved")
        HELD = "held", _("Held")
        REPORTED = "reported", _("Reported")
        CANCELLED = "cancelled", _("Cancelled")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="events", verbose_name=_("campaign")
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    organiser = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="campaign_events",
        verbose_name=_("organiser"),
    )
    moderator = models.CharField(_("moderator"), max_length=200, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list)
    languages = models.JSONField(_("languages"), default=list)
    is_public = models.BooleanField(_("show on the public calendar"), default=True)
    # For coordinators only: never on public pages or in the iCalendar feed.
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    status_note = models.TextField(
        pgettext_lazy("remark", "note"), max_length=1000, blank=True
    )  # why returned or cancelled
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["campaign", "status"]),
            models.Index(fields=["organiser", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def contact_phone_display(self) -> str:
        try:
            return format_phone(self.contact_phone) if self.contact_phone else ""
        except PhoneError:
            return self.contact_phone

    @property
    def target_group_labels(self) -> list[str]:
        return [TargetGroup(g).label for g in self.target_groups if g in TargetGroup.values]

    @property
    def language_labels(self) -> list[str]:
        return [EventLanguage(c).label for c in self.languages if c in EventLanguage.values]


class Partner(models.Model):
    class Kind(models.TextChoices):
        STATE = "state", _("State body")
        NGO = "ngo", _("NGO")
        INTERNATIONAL = "international", _("International organisation")
        BUSINESS = "business", _("Business")
        OTHER = "other", _("Other")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("organisation"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class Speaker(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("speaker's name"), max_length=200)
    affiliation = models.CharField(_("position and organisation"), max_length=200, blank=True)
    report_title = models.CharField(_("title of the report"), max_length=300, blank=True)
    # A speaker may be a survivor telling her story: her name is public only when she agreed.
    show_publicly = models.BooleanField(_("name may be shown publicly"), default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class EventReport(models.Model):
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="report")
    participants_total = models.PositiveIntegerField(_("participants in total"))
    key_messages = models.TextField(_("key messages"), max_length=4000)
    recommendations = models.TextField(_("recommendations"), max_length=4000, blank=True)
    media_links = models.JSONField(_("media links"), default=list, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()

    def __str__(self):
        return f"report {self.event_id}"


class ParticipantCount(models.Model):
    report = models.ForeignKey(EventReport, on_delete=models.CASCADE, related_name="participants")
    group = models.CharField(max_length=32, choices=TargetGroup.choices)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "group"], name="participant_group_once")]

    def __str__(self):
        return f"{self.group}: {self.count}"


def _photo_path(instance, filename):
    return f"campaigns/photos/{instance.pk}.{instance.extension}"  # never the uploader's file name


class ReportPhoto(models.Model):
    """A photo of a held event, re-encoded on upload (no metadata such as GPS survives).

    Served only to signed-in staff who may read the event's report: faces of participants are
    never published by Qorgau, because their consent to publication is not recorded here.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=_photo_path, max_length=200)
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return str(self.pk)

    @property
    def extension(self) -> str:
        return "png" if self.content_type == "image/png" else "jpg"


class Letter(models.Model):
    """A letter of gratitude. The PDF is drawn from this record on demand, so it never changes.

    `number` is for people (16D-2026/00042, sequential per campaign); `code` is for verification
    (random, 16 characters from a 30-letter alphabet: about 78 bits, so guessing one is hopeless).
    """

    class RecipientRole(models.TextChoices):
        SPEAKER = "speaker", _("Speaker")
        MODERATOR = "moderator", _("Moderator")
        ORGANISER = "organiser", _("Organiser")
        PARTNER = "partner", _("Partner")
        PARTICIPANT = "participant", _("Active participant")

    class Language(models.TextChoices):
        KAZAKH = "kk", _("Kazakh")
        RUSSIAN = "ru", _("Russian")
        ENGLISH = "en", _("English")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="letters")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="letters")
    seq = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=32, unique=True)
    batch = models.UUIDField(db_index=True)
    recipient_name = models.CharField(_("recipient"), max_length=200)
    recipient_role = models.CharField(_("thanked for"), max_length=16, choices=RecipientRole.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    # What the letter says, fixed at issue: later edits to the campaign do not change it.
    issuer_name = models.CharField(max_length=200)
    signatory_name = models.CharField(max_length=150)
    signatory_title = models.CharField(max_length=300)
    campaign_name = models.CharField(max_length=200)
    event_title = models.CharField(max_length=200)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["campaign", "seq"]
        constraints = [models.UniqueConstraint(fields=["campaign", "seq"], name="letter_seq_per_campaign")]

    def __str__(self):
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def code_display(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
