"""Every write to agencies and staff accounts: checked by policy, recorded in the audit chain."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgau.accounts.models import AccountChange, Agency, ApiToken, Invitation, RoleGrant, User, UserRole
from qorgau.accounts.policies import (
    assignable_roles,
    can_decide_role_grant,
    can_edit_user,
    can_manage_agencies,
    can_manage_staff_of,
    can_review_change,
    can_view_security,
    is_break_glass,
)
from qorgau.accounts.roles import CASE_ROLES, Role
from qorgau.core.audit import audit_record

AGENCY_FIELDS = ("kind", "region", "name_kk", "name_ru", "name_en", "duty_phone", "is_active")


@transaction.atomic
def agency_create(
    *, actor, kind: str, region, name_kk: str, name_ru: str, name_en: str, duty_phone: str = ""
) -> Agency:
    if not can_manage_agencies(actor):
        raise PermissionDenied
    agency = Agency(
        kind=kind, region=region, name_kk=name_kk, name_ru=name_ru, name_en=name_en, duty_phone=duty_phone
    )
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


def _change(*, actor, user: User, kind: str, role: str = "") -> AccountChange:
    """A line of the agency's security view (and the audit chain has the event)."""
    return AccountChange.objects.create(
        agency_id=user.agency_id,
        user=user,
        actor=actor,
        kind=kind,
        role=role,
        break_glass=is_break_glass(actor),
    )


def _invite(*, actor, user: User) -> str:
    """A new single-use invitation (earlier unused ones end); e-mailed to the person. Returns the
    token, which is never stored and never shown to the one who created it."""
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
    secret = secrets.token_urlsafe(32)
    Invitation.objects.create(
        user=user,
        created_by=actor,
        token_hash=invitation_hash(secret),
        expires_at=now + timedelta(hours=settings.QORGAU_INVITATION_HOURS),
    )
    _change(actor=actor, user=user, kind=AccountChange.Kind.INVITED)
    url = f"{settings.QORGAU_SITE_URL}{reverse('accounts:invitation', args=[secret])}"
    with translation.override(user.language):
        EmailMessage(
            subject=_("Your Qorgau account"),
            body=_(
                "An account was prepared for you in Qorgau (user name %(username)s). Open this link "
                "within %(hours)d hours to choose your own password and set up your authenticator "
                "app: %(url)s\nIf you did not expect this, tell your agency's supervisor."
            )
            % {"username": user.username, "hours": settings.QORGAU_INVITATION_HOURS, "url": url},
            to=[user.email],
        ).send()
    return secret


def invitation_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _set_roles(*, actor, user: User, roles: list[str]) -> None:
    """Other roles take effect at once; case roles wait for a supervisor (RoleGrant)."""
    current = set(UserRole.objects.filter(user=user).values_list("role", flat=True))
    pending = set(
        RoleGrant.objects.filter(user=user, status=RoleGrant.Status.PENDING).values_list("role", flat=True)
    )
    wanted = set(roles)
    for role in sorted(current - wanted):
        UserRole.objects.filter(user=user, role=role).delete()
        _change(actor=actor, user=user, kind=AccountChange.Kind.ROLE_REMOVED, role=role)
    RoleGrant.objects.filter(
        user=user, status=RoleGrant.Status.PENDING, role__in=sorted(pending - wanted)
    ).update(status=RoleGrant.Status.WITHDRAWN, decided_by=actor, decided_at=timezone.now())
    for role in sorted(wanted - current):
        if role in CASE_ROLES:
            if role not in pending:
                RoleGrant.objects.create(user=user, role=role, requested_by=actor)
                _change(actor=actor, user=user, kind=AccountChange.Kind.ROLE_REQUESTED, role=role)
        else:
            UserRole.objects.create(user=user, role=role)
            _change(actor=actor, user=user, kind=AccountChange.Kind.ROLE_GRANTED, role=role)
    user.__dict__.pop("roles", None)


@transaction.atomic
def user_create(
    *,
    actor,
    agency: Agency,
    username: str,
    email: str,
    roles: list[str],
    first_name: str = "",
    last_name: str = "",
    language: str = "kk",
) -> User:
    """A staff account without any credential: the person receives a single-use invitation by
    e-mail to set a password and enrol a second factor. Case roles wait for a supervisor."""
    if not can_manage_staff_of(actor, agency):
        raise PermissionDenied
    roles = _check_roles(actor, agency, roles)
    if not (email or "").strip():
        raise ValidationError({"email": _("The invitation is sent to this address: give one.")})
    user = User(
        username=username.strip(),
        agency=agency,
        first_name=first_name,
        last_name=last_name,
        email=email.strip(),
        language=language,
        must_change_password=False,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ValidationError({"username": _("This username is already taken.")}) from exc
    _change(actor=actor, user=user, kind=AccountChange.Kind.CREATED)
    _set_roles(actor=actor, user=user, roles=roles)
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        detail={"roles": roles, "break_glass": is_break_glass(actor)},
    )
    _invite(actor=actor, user=user)
    return user


@transaction.atomic
def user_update(
    *, actor, user: User, roles: list[str], first_name: str, last_name: str, email: str, is_active: bool
) -> User:
    if not can_edit_user(actor, user):
        raise PermissionDenied
    roles = _check_roles(actor, user.agency, roles)
    before = (user.first_name, user.last_name, user.email, user.is_active)
    user.first_name, user.last_name, user.email, user.is_active = first_name, last_name, email, is_active
    user.full_clean(exclude=["password"])
    if not is_active:
        user.session_generation += 1  # a deactivated account is signed out at once
    user.save()
    if before[:3] != (first_name, last_name, email):
        _change(actor=actor, user=user, kind=AccountChange.Kind.UPDATED)
    if before[3] != is_active:
        kind = AccountChange.Kind.ACTIVATED if is_active else AccountChange.Kind.DEACTIVATED
        _change(actor=actor, user=user, kind=kind)
    _set_roles(actor=actor, user=user, roles=roles)
    audit_record(
        actor=actor,
        action="user.update",
        obj=user,
        detail={"roles": roles, "active": is_active, "break_glass": is_break_glass(actor)},
    )
    return user


@transaction.atomic
def user_reset_credentials(*, actor, user: User) -> User:
    """For a lost phone or password: every credential ends (password, authenticator, recovery
    codes, API tokens, sessions) and the person gets a new invitation. Whoever holds the new
    credentials is not known to be her until a supervisor says so: her case roles wait for approval
    again."""
    if not can_edit_user(actor, user):
        raise PermissionDenied
    user.set_unusable_password()
    user.must_change_password = False
    user.session_generation += 1
    user.save()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    case_roles = sorted(set(user.roles) & CASE_ROLES)
    UserRole.objects.filter(user=user, role__in=case_roles).delete()
    for role in case_roles:
        if not RoleGrant.objects.filter(user=user, role=role, status=RoleGrant.Status.PENDING).exists():
            RoleGrant.objects.create(user=user, role=role, requested_by=actor)
        _change(actor=actor, user=user, kind=AccountChange.Kind.ROLE_REQUESTED, role=role)
    user.__dict__.pop("roles", None)
    _change(actor=actor, user=user, kind=AccountChange.Kind.CREDENTIALS_RESET)
    audit_record(
        actor=actor, action="user.reset_credentials", obj=user, detail={"roles_suspended": case_roles}
    )
    _invite(actor=actor, user=user)
    return user


def invitation_user(*, token: str) -> User | None:
    """The person an open, unexpired invitation is for; None for anything else (one answer)."""
    invitation = (
        Invitation.objects.select_related("user")
        .filter(token_hash=invitation_hash(token or ""), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None or not invitation.user.is_active:
        return None
    return invitation.user


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """The person sets her own password; the second factor is enrolled next (accounts:mfa_setup).
    A used, expired or unknown link is refused the same way."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=invitation_hash(token or ""))
        .first()
    )
    if (
        invitation is None
        or invitation.used_at is not None
        or invitation.expires_at <= timezone.now()
        or not invitation.user.is_active
    ):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "This invitation link is no longer valid. Ask your administrator for a new one."
                )
            }
        )
    user = invitation.user
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    user.set_password(password)
    user.must_change_password = False
    user.session_generation += 1
    user.save()
    TOTPDevice.objects.filter(user=user).delete()  # the second factor is hers too, enrolled next
    StaticDevice.objects.filter(user=user).delete()
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    AccountChange.objects.create(
        agency_id=user.agency_id, user=user, actor=user, kind=AccountChange.Kind.INVITATION_ACCEPTED
    )
    audit_record(actor=user, action="account.invitation_accept", obj=user)
    return user


@transaction.atomic
def role_grant_decide(*, actor, grant_id: int, approve: bool) -> RoleGrant:
    grant = (
        RoleGrant.objects.select_for_update(of=("self",))
        .select_related("user__agency")
        .filter(pk=grant_id)
        .first()
    )
    if grant is None or not can_view_security(actor, actor.agency):
        raise PermissionDenied
    others = (
        User.objects.filter(agency_id=grant.user.agency_id, is_active=True, role_links__role=Role.SUPERVISOR)
        .exclude(pk__in=[grant.user_id, grant.requested_by_id])
        .exists()
    )
    if not can_decide_role_grant(actor, grant, agency_has_other_supervisor=others):
        raise PermissionDenied
    if grant.status != RoleGrant.Status.PENDING:
        raise ValidationError({NON_FIELD_ERRORS: _("This request was already decided.")})
    grant.status = RoleGrant.Status.APPROVED if approve else RoleGrant.Status.REFUSED
    grant.decided_by, grant.decided_at = actor, timezone.now()
    grant.save()
    if approve:
        UserRole.objects.get_or_create(user=grant.user, role=grant.role)
    kind = AccountChange.Kind.ROLE_GRANTED if approve else AccountChange.Kind.ROLE_REFUSED
    _change(actor=actor, user=grant.user, kind=kind, role=grant.role)
    audit_record(
        actor=actor,
        action="role_grant.approve" if approve else "role_grant.refuse",
        obj=grant.user,
        detail={"role": grant.role, "requested_by": grant.requested_by_id},
    )
    return grant


@transaction.atomic
def account_change_review(*, actor, change_id: int) -> AccountChange:
    """A supervisor has looked at a break-glass change (made by a system administrator)."""
    change = (
        AccountChange.objects.select_for_update(of=("self",))
        .select_related("agency")
        .filter(pk=change_id)
        .first()
    )
    if change is None or not change.break_glass or not can_review_change(actor, change):
        raise PermissionDenied
    if change.reviewed_at is None:
        change.reviewed_by, change.reviewed_at = actor, timezone.now()
        change.save(update_fields=["reviewed_by", "reviewed_at"])
        audit_record(
            actor=actor, action="account_change.review", obj=change.user, detail={"change": change.pk}
        )
    return change


def _tokens_revoke_all(user: User) -> int:
    """Personal API tokens end with the sessions: a password change or "sign out everywhere" is how
    someone takes an account back, and a token made by whoever held it must not outlive that
    (knox's own "log out all" deletes the tokens the same way)."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


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
    tokens = _tokens_revoke_all(user)
    audit_record(actor=user, action="account.password_change", obj=user, detail={"tokens_revoked": tokens})
    return user


@transaction.atomic
def sign_out_everywhere(*, actor: User) -> None:
    """Every session of the user, on every device, ends at its next request."""
    User.objects.filter(pk=actor.pk).update(session_generation=actor.session_generation + 1)
    actor.session_generation += 1
    tokens = _tokens_revoke_all(actor)
    audit_record(
        actor=actor, action="account.sign_out_everywhere", obj=actor, detail={"tokens_revoked": tokens}
    )


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
