"""Agencies and their staff. Staff sign in with a password and a mandatory one-time code."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from qorgau.accounts.roles import CASE_ROLES, Role
from qorgau.core.i18n import LocalizedNameMixin


class Agency(LocalizedNameMixin, models.Model):
    class Kind(models.TextChoices):
        CRISIS_CENTRE = "crisis_centre", _("Crisis centre")
        FAMILY_SUPPORT_CENTRE = "family_support_centre", _("Family support centre")
        POLICE = "police", _("Police")
        PROSECUTOR = "prosecutor", _("Prosecutor's office")
        HEALTH = "health", _("Health facility")
        LEGAL_AID = "legal_aid", _("Legal aid")
        PSYCHOLOGICAL = "psychological", _("Psychological service")
        SHELTER = "shelter", _("Shelter")
        SOCIAL_SERVICES = "social_services", _("Social services")
        EDUCATION = "education", _("Education")
        NGO = "ngo", _("Non-governmental organisation")
        INTERNATIONAL = "international", _("International organisation")
        NATIONAL_COMMISSION = "national_commission", _("National Commission")
        REGIONAL_AKIMAT = "regional_akimat", _("Regional akimat")
        OPERATOR = "operator", _("Platform operator")

    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region__sort", "name_en"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(fields=["region", "name_en"], name="agency_unique_name_in_region")
        ]

    def __str__(self):
        return self.name


class User(AbstractUser):
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="staff", null=True, verbose_name=_("agency")
    )
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="kk")
    # Raising it invalidates every session of the user ("sign out everywhere").
    session_generation = models.PositiveIntegerField(default=0)
    must_change_password = models.BooleanField(default=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("staff user")
        verbose_name_plural = _("staff users")

    def _get_session_auth_hash(self, secret=None):
        return salted_hmac(
            "qorgau.accounts.User.session",
            f"{self.password}|{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.role_links.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def works_on_cases(self) -> bool:
        return bool(self.roles & CASE_ROLES) and self.is_active

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in sorted(self.roles)]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_links")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]

    def __str__(self):
        return f"{self.user_id}:{self.role}"


class ApiToken(AbstractAuthToken):
    """A personal API token (stored as a digest; the secret is shown once)."""

    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["-created"]
