"""The service catalogue and the directory of who offers what, where, and with how many free beds."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.accounts.models import Agency
from qorgau.core.fields import EncryptedField
from qorgau.core.i18n import LANGUAGE_CODES, LocalizedNameMixin, pick

# The case-note sections a referral may carry (issue #4 uses them to share only what is needed).
SECTIONS = ("general", "health", "legal", "psychological", "safety")

# Agencies whose address is never shown outside the case roles, and that report beds.
CONFIDENTIAL_ADDRESS_KINDS = frozenset({Agency.Kind.SHELTER})
CAPACITY_KINDS = frozenset({Agency.Kind.SHELTER, Agency.Kind.CRISIS_CENTRE})


class ServiceType(LocalizedNameMixin, models.Model):
    """One kind of help in the catalogue (src/qorgau/directory/data/services.yaml)."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=120)
    name_ru = models.CharField(_("name (Russian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_kk = models.TextField(_("what happens (Kazakh)"), max_length=2000)
    description_ru = models.TextField(_("what happens (Russian)"), max_length=2000)
    description_en = models.TextField(_("what happens (English)"), max_length=2000)
    shares_sections = models.JSONField(_("case-note sections a referral shares"), default=list)
    deadline_hours = models.PositiveIntegerField(_("referral deadline (hours)"))
    urgent_deadline_hours = models.PositiveIntegerField(_("urgent referral deadline (hours)"))
    provider_kinds = models.JSONField(_("agency types that provide it"), default=list)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("service type")
        verbose_name_plural = _("service types")

    def __str__(self):
        return self.name

    @property
    def description(self) -> str:
        return pick({code: getattr(self, f"description_{code}") for code in LANGUAGE_CODES})


class AgencyProfile(models.Model):
    """What the public and other agencies may know about an agency, kept by its own admin.

    The address is encrypted at rest: for a shelter it is where women in hiding sleep, and a
    database dump must not reveal it. Whether it may be shown publicly is `address_confidential`,
    always on for shelters.
    """

    class Language(models.TextChoices):
        KK = "kk", _("Kazakh")
        RU = "ru", _("Russian")
        EN = "en", _("English")
        SIGN = "sign", _("Sign language")

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, primary_key=True, related_name="profile")
    public_phone = models.CharField(_("public phone"), max_length=20, blank=True)
    open_24_7 = models.BooleanField(_("open 24 hours, 7 days"), default=False)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    address = EncryptedField(_("address"), max_length=300)
    address_confidential = models.BooleanField(_("address is confidential"), default=False)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    accessible = models.BooleanField(_("step-free access for wheelchairs"), default=False)
    accessibility_note = models.CharField(_("accessibility notes"), max_length=300, blank=True)
    accepts_women = models.BooleanField(_("accepts women"), default=True)
    accepts_children = models.BooleanField(_("accepts children"), default=False)
    boys_max_age = models.PositiveSmallIntegerField(_("boys accepted up to age"), null=True, blank=True)
    accepts_disabilities = models.BooleanField(_("accepts people with disabilities"), default=False)
    # Current capacity; the history is in CapacityUpdate.
    beds_total = models.PositiveSmallIntegerField(_("beds in total"), null=True, blank=True)
    beds_free = models.PositiveSmallIntegerField(_("free beds"), null=True, blank=True)
    capacity_updated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agency profile")
        verbose_name_plural = _("agency profiles")

    def __str__(self):
        return str(self.agency_id)

    @property
    def reports_capacity(self) -> bool:
        return self.agency.kind in CAPACITY_KINDS

    @property
    def capacity_stale(self) -> bool:
        """A figure older than QORGAU_CAPACITY_STALE_HOURS is shown, but marked as possibly wrong."""
        if self.capacity_updated_at is None:
            return True
        limit = timedelta(hours=settings.QORGAU_CAPACITY_STALE_HOURS)
        return timezone.now() - self.capacity_updated_at > limit

    def language_labels(self) -> list[str]:
        return [str(self.Language(code).label) for code in self.languages if code in self.Language.values]


class AgencyService(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="offered_services")
    service = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="providers")

    class Meta:
        ordering = ["service__sort"]
        constraints = [models.UniqueConstraint(fields=["agency", "service"], name="agency_service_unique")]

    def __str__(self):
        return f"{self.agency_id}:{self.service_id}"


class CapacityUpdate(models.Model):
    """Every change of the bed figures: who, when, what — for trends and accountability."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="capacity_updates")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    beds_total = models.PositiveSmallIntegerField()
    beds_free = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.agency_id} {self.beds_free}/{self.beds_total} @ {self.at:%Y-%m-%d %H:%M}"
