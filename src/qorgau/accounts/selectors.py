"""Reads of accounts data, limited to what the actor may see."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet

from qorgau.accounts.models import AccountChange, Agency, ApiToken, RoleGrant, User, UserRole
from qorgau.accounts.policies import can_manage_agencies, can_manage_staff_of, can_view_security


def agencies_for_admin(*, actor) -> QuerySet[Agency]:
    if not can_manage_agencies(actor):
        raise PermissionDenied
    return Agency.objects.select_related("region").order_by("region__sort", "name_en")


def agency_get_for_admin(*, actor, agency_id: int) -> Agency:
    agency = Agency.objects.select_related("region").filter(pk=agency_id).first()
    if agency is None or not can_manage_staff_of(actor, agency):
        raise PermissionDenied
    return agency


def staff_of_agency(*, actor, agency: Agency) -> QuerySet[User]:
    if not can_manage_staff_of(actor, agency):
        raise PermissionDenied
    return (
        User.objects.filter(agency=agency)
        .prefetch_related(Prefetch("role_links", queryset=UserRole.objects.order_by("role")))
        .order_by("username")
    )


def staff_user_for_admin(*, actor, user_id: int) -> User:
    user = User.objects.select_related("agency").filter(pk=user_id).first()
    if user is None or not can_manage_staff_of(actor, user.agency):
        raise PermissionDenied
    return user


def tokens_of(*, actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor).order_by("-created")


def staff_choices(*, agency: Agency | None = None, roles=None) -> QuerySet[User]:
    """Active staff to pick from in a form (a responsible person, the case's caseworker): names
    and agencies only, which every signed-in colleague may see."""
    qs = User.objects.filter(is_active=True)
    if agency is not None:
        qs = qs.filter(agency=agency)
    if roles is not None:
        qs = qs.filter(role_links__role__in=list(roles)).distinct()
    return qs


@dataclass(frozen=True)
class SecurityView:
    agency: Agency
    pending: list  # RoleGrant rows waiting for a supervisor
    break_glass: list  # AccountChange rows by system admins not yet reviewed
    changes: list  # every account and role change, newest first


def security_view(*, actor, limit: int = 200) -> SecurityView:
    """The agency's account security for its supervisors: requests to approve, break-glass changes
    to review, and every account and role change."""
    agency = actor.agency if getattr(actor, "agency_id", None) else None
    if not can_view_security(actor, agency):
        raise PermissionDenied
    changes = AccountChange.objects.filter(agency=agency).select_related("user", "actor", "reviewed_by")
    pending = (
        RoleGrant.objects.filter(user__agency=agency, status=RoleGrant.Status.PENDING)
        .select_related("user", "requested_by")
        .order_by("requested_at")
    )
    return SecurityView(
        agency=agency,
        pending=list(pending),
        break_glass=list(changes.filter(break_glass=True, reviewed_at__isnull=True)),
        changes=list(changes[:limit]),
    )
