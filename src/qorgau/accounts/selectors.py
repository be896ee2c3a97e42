"""Reads of accounts data, limited to what the actor may see."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet

from qorgau.accounts.models import Agency, ApiToken, User, UserRole
from qorgau.accounts.policies import can_manage_agencies, can_manage_staff_of


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
