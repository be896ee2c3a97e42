"""Every write to the directory: checked by policy, recorded in the audit chain."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.accounts.models import Agency
from qorgau.core.audit import audit_record
from qorgau.core.errors import Conflict
from qorgau.core.phones import PhoneError, normalize_phone
from qorgau.directory.catalogue import DATA, load_services
from qorgau.directory.models import (
    CONFIDENTIAL_ADDRESS_KINDS,
    SECTIONS,
    AgencyProfile,
    AgencyService,
    CapacityUpdate,
    ServiceType,
)
from qorgau.directory.policies import can_edit_profile, can_manage_catalogue, can_update_capacity

MAX_BEDS = 2000
PROFILE_FIELDS = (
    "public_phone",
    "open_24_7",
    "hours",
    "address",
    "address_confidential",
    "languages",
    "accessible",
    "accessibility_note",
    "accepts_women",
    "accepts_children",
    "boys_max_age",
    "accepts_disabilities",
)
CATALOGUE_FIELDS = (
    "name_kk",
    "name_ru",
    "name_en",
    "description_kk",
    "description_ru",
    "description_en",
    "shares_sections",
    "deadline_hours",
    "urgent_deadline_hours",
    "provider_kinds",
    "sort",
    "is_active",
)


@transaction.atomic
def services_load(*, path: Path = DATA) -> int:
    """`qorgau services load`: the catalogue file wins over edits made on the screen."""
    count = load_services(ServiceType, path)
    audit_record(actor=None, action="service_type.load", detail={"count": count})
    return count


@transaction.atomic
def catalogue_update(*, actor, service: ServiceType, **changes) -> ServiceType:
    if not can_manage_catalogue(actor):
        raise PermissionDenied
    unknown = set(changes) - set(CATALOGUE_FIELDS)
    if unknown:
        raise ValueError(f"not catalogue fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(service, name, value)
    errors = {}
    if not set(service.shares_sections) <= set(SECTIONS) or "general" not in service.shares_sections:
        errors["shares_sections"] = _("Choose the sections the service needs; general is always shared.")
    if not service.provider_kinds or not set(service.provider_kinds) <= set(Agency.Kind.values):
        errors["provider_kinds"] = _("Choose at least one type of agency.")
    if (
        service.urgent_deadline_hours
        and service.deadline_hours
        and (service.urgent_deadline_hours > service.deadline_hours)
    ):
        errors["urgent_deadline_hours"] = _("The urgent deadline cannot be longer than the normal one.")
    if errors:
        raise ValidationError(errors)
    service.full_clean()
    service.save()
    audit_record(actor=actor, action="service_type.update", obj=service, detail={"fields": sorted(changes)})
    return service


def _clean_profile(profile: AgencyProfile) -> None:
    errors = {}
    if profile.public_phone:
        try:
            profile.public_phone = normalize_phone(profile.public_phone)
        except PhoneError as exc:
            errors["public_phone"] = exc.message
    if profile.agency.kind in CONFIDENTIAL_ADDRESS_KINDS:
        profile.address_confidential = True  # a shelter's address is never public, whatever is sent
    if not profile.accepts_children:
        profile.boys_max_age = None
    elif profile.boys_max_age is not None and not 0 <= profile.boys_max_age <= 18:
        errors["boys_max_age"] = _(
            "Give an age from 0 to 18, or leave it empty if boys of any age are accepted."
        )
    if not set(profile.languages) <= set(AgencyProfile.Language.values):
        errors["languages"] = _("Choose languages from the list.")
    if not (profile.open_24_7 or profile.hours.strip()):
        errors["hours"] = _("Give the opening hours, or mark the agency as open 24/7.")
    if errors:
        raise ValidationError(errors)
    profile.full_clean(exclude=["agency"])


@transaction.atomic
def profile_update(*, actor, agency: Agency, version: int, services: list[str], **changes) -> AgencyProfile:
    """The agency admin's edit of the public profile and the services offered.

    `version` is the one the form was built from: a later save by someone else is a Conflict.
    """
    if not can_edit_profile(actor, agency):
        raise PermissionDenied
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    profile = AgencyProfile.objects.select_for_update().filter(agency=agency).first()
    profile = profile or AgencyProfile(agency=agency)
    if profile.version != version:
        raise Conflict()
    for name, value in changes.items():
        setattr(profile, name, value)
    known = set(ServiceType.objects.filter(code__in=services, is_active=True).values_list("code", flat=True))
    if known != set(services):
        raise ValidationError({"services": _("Choose services from the list.")})
    _clean_profile(profile)
    profile.version += 1
    profile.save()
    AgencyService.objects.filter(agency=agency).exclude(service_id__in=known).delete()
    existing = set(AgencyService.objects.filter(agency=agency).values_list("service_id", flat=True))
    AgencyService.objects.bulk_create([AgencyService(agency=agency, service_id=c) for c in known - existing])
    audit_record(
        actor=actor,
        action="agency_profile.update",
        obj=agency,
        detail={"fields": sorted(changes), "services": sorted(known)},
    )
    return profile


@transaction.atomic
def capacity_update(
    *, actor, agency: Agency, beds_free: int, beds_total: int | None = None
) -> CapacityUpdate:
    """New bed figures, kept in the history. Without `beds_total` the current total stays."""
    if not can_update_capacity(actor, agency):
        raise PermissionDenied
    profile = AgencyProfile.objects.select_for_update().filter(agency=agency).first()
    profile = profile or AgencyProfile(
        agency=agency, address_confidential=agency.kind in CONFIDENTIAL_ADDRESS_KINDS
    )
    total = beds_total if beds_total is not None else profile.beds_total
    errors = {}
    if total is None:
        errors["beds_total"] = _("Give the number of beds in total first.")
    elif not 0 <= total <= MAX_BEDS:
        errors["beds_total"] = _("Give a number of beds from 0 to %(max)s.") % {"max": MAX_BEDS}
    if beds_free is None or beds_free < 0:
        errors["beds_free"] = _("Give the number of free beds (0 or more).")
    elif total is not None and beds_free > total:
        errors["beds_free"] = _("There cannot be more free beds than beds in total (%(total)s).") % {
            "total": total
        }
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    profile.beds_total, profile.beds_free, profile.capacity_updated_at = total, beds_free, now
    profile.save()
    update = CapacityUpdate.objects.create(
        agency=agency, at=now, by=actor, beds_total=total, beds_free=beds_free
    )
    audit_record(
        actor=actor,
        action="capacity.update",
        obj=agency,
        detail={"beds_total": total, "beds_free": beds_free},
    )
    return update
