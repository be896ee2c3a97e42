"""Every write to agencies and staff accounts: checked by policy, recorded in the audit chain."""

from datetime import timedelta

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgau.accounts.models import Agency, ApiToken, User, UserRole
from qorgau.accounts.policies import assignable_roles, can_edit_user, can_manage_agencies, can_manage_staff_of
from qorgau.core.audit import audit_record

AGENCY_FIELDS = ("kind", "region", "name_kk", "name_ru", "name_en", "is_active")


@transaction.atomic
def agency_create(*, actor, kind: str, region, name_kk: str, name_ru: str, name_en: str) -> Agency:
    if not can_manage_agencies(actor):
        raise PermissionDenied
    agency = Agency(kind=kind, region=region, name_kk=name_kk, name_ru=name_ru, name_en=name_en)
    agency.full_clean()
    agency.save()
    audit_record(actor=actor, action="agency.create", obj=agency)
    return agency


@transaction.atomic
def agency_update(*, actor, agency: Agency, **changes) -> Agency:
    if not can_manage_agencies(actor):
        raise PermissionDenied
    unknown = set(changes) - set(AGENCY_FIELDS)
    if unknown:
        raise ValueError(f"not agency fields: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(agency, field, value)
    agency.full_clean()
    agency.save()
    audit_record(actor=actor, action="agency.update", obj=agency, detail={"fields": sorted(changes)})
    return agency


def _check_roles(actor, agency, roles) -> list[str]:
    roles = sorted(set(roles))
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role.")})
    allowed = set(assignable_roles(actor, agency))
    if not set(roles) <= allowed:
        raise ValidationError({"roles": _("You may not give these roles.")})
    return roles


@transaction.atomic
def user_create(
    *,
    actor,
    agency: Agency,
    username: str,
    password: str,
    roles: list[str],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    language: str = "kk",
) -> User:
    """Create a staff account with a temporary password; MFA and a new password come at first sign-in."""
    if not can_manage_staff_of(actor, agency):
        raise PermissionDenied
    roles = _check_roles(actor, agency, roles)
    user = User(
        username=username.strip(),
        agency=agency,
        first_name=first_name,
        last_name=last_name,
        email=email,
        language=language,
        must_change_password=True,
    )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ValidationError({"username": _("This username is already taken.")}) from exc
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
    audit_record(actor=actor, action="user.create", obj=user, detail={"roles": roles})
    return user


@transaction.atomic
def user_update(
    *, actor, user: User, roles: list[str], first_name: str, last_name: str, email: str, is_active: bool
) -> User:
    if not can_edit_user(actor, user):
        raise PermissionDenied
    roles = _check_roles(actor, user.agency, roles)
    user.first_name, user.last_name, user.email, user.is_active = first_name, last_name, email, is_active
    user.full_clean(exclude=["password"])
    if not is_active:
        user.session_generation += 1  # a deactivated account is signed out at once
    user.save()
    UserRole.objects.filter(user=user).exclude(role__in=roles).delete()
    existing = set(UserRole.objects.filter(user=user).values_list("role", flat=True))
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles if r not in existing])
    user.__dict__.pop("roles", None)
    audit_record(actor=actor, action="user.update", obj=user, detail={"roles": roles, "active": is_active})
    return user


@transaction.atomic
def user_reset_credentials(*, actor, user: User, password: str) -> User:
    """For a lost phone or password: a new temporary password, MFA enrolment starts again."""
    if not can_edit_user(actor, user):
        raise PermissionDenied
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.must_change_password = True
    user.session_generation += 1
    user.save()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    audit_record(actor=actor, action="user.reset_credentials", obj=user)
    return user


@transaction.atomic
def password_change(*, user: User, new_password: str) -> User:
    """The form has checked the old password; this validates the new one and signs out elsewhere."""
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    user.set_password(new_password)
    user.must_change_password = False
    user.session_generation += 1
    user.save()
    audit_record(actor=user, action="account.password_change", obj=user)
    return user


@transaction.atomic
def sign_out_everywhere(*, actor: User) -> None:
    """Every session of the user, on every device, ends at its next request."""
    User.objects.filter(pk=actor.pk).update(session_generation=actor.session_generation + 1)
    actor.session_generation += 1
    audit_record(actor=actor, action="account.sign_out_everywhere", obj=actor)


def language_set(*, user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


@transaction.atomic
def token_create(*, actor: User, name: str, days: int = 90) -> tuple[ApiToken, str]:
    """A personal API token. Returns the secret, which is shown once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": _("Give the token a name of at most 100 characters.")})
    if not 1 <= days <= 365:
        raise ValidationError({"days": _("A token lives between 1 and 365 days.")})
    if not actor.is_active:
        raise PermissionDenied
    token, secret = ApiToken.objects.create(user=actor, expiry=timedelta(days=days), name=name)
    audit_record(
        actor=actor, action="token.create", object_type="accounts.apitoken", object_id=token.token_key
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User, token_key: str) -> bool:
    deleted, _ = ApiToken.objects.filter(user=actor, token_key=token_key).delete()
    if deleted:
        audit_record(actor=actor, action="token.revoke", object_type="accounts.apitoken", object_id=token_key)
    return bool(deleted)
