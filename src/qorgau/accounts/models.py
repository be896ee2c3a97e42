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


def validate_duty_phone(value: str) -> None:
    """A duty phone must be a number phonenumbers accepts, stored in E.164 (the form cleans it)."""
    from django.core.exceptions import ValidationError

    from qorgau.core.phones import PhoneError, normalize_phone

    try:
        valid = normalize_phone(value) == value
    except PhoneError:
        valid = False
    if not valid:
        raise ValidationError(
            _("Enter the duty phone as a full number, e.g. +7 700 000 01 01."), code="invalid"
        )


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
    # The unit's 24-hour line, shown to an officer at the scene next to an order it issued.
    duty_phone = models.CharField(
        _("duty phone"),
        max_length=20,
        blank=True,
        validators=[validate_duty_phone],
        help_text=_("The 24-hour line of the unit, shown to police at the scene with its orders."),
    )
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


class Invitation(models.Model):
    """A single-use link by which new staff (or staff after a reset) set their own password and
    enrol their own second factor. Whoever creates the account never holds a credential of it.
    Only the SHA-256 of the token is stored; the token travels once, by e-mail to the person."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"invitation:{self.user_id}"


class RoleGrant(models.Model):
    """A case role asked for by an administrator, given only when a supervisor of the agency (a
    second person holding a case role, neither the requester nor the grantee) approves."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(status="pending"),
                name="role_grant_one_pending",
            )
        ]

    def __str__(self):
        return f"{self.user_id}:{self.role}:{self.status}"


class AccountChange(models.Model):
    """One line of an agency's security view: every account and role change of its staff. Changes
    made by a system administrator are break-glass and stay listed until a supervisor reviews them."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Account created")
        INVITED = "invited", _("Invitation sent")
        INVITATION_ACCEPTED = "invitation_accepted", _("Own password set from the invitation")
        ROLE_REQUESTED = "role_requested", _("Role requested")
        ROLE_GRANTED = "role_granted", _("Role given")
        ROLE_REFUSED = "role_refused", _("Role refused")
        ROLE_REMOVED = "role_removed", _("Role removed")
        UPDATED = "updated", _("Account details changed")
        DEACTIVATED = "deactivated", _("Account deactivated")
        ACTIVATED = "activated", _("Account activated")
        CREDENTIALS_RESET = "credentials_reset", _("Sign-in reset")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    break_glass = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["agency", "-at"], name="account_change_agency_at")]

    def __str__(self):
        return f"{self.user_id}:{self.kind}"
