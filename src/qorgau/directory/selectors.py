"""Reads of the directory. Every output is built field by field from an allow-list, so a shelter's
address cannot slip into a page or a response by accident: it is added only where the policy
allows, and that read is recorded in the audit chain."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from qorgau.accounts.models import Agency
from qorgau.core.audit import audit_record
from qorgau.core.phones import PhoneError, format_phone
from qorgau.directory.models import AgencyProfile, AgencyService, CapacityUpdate, ServiceType
from qorgau.directory.policies import (
    can_edit_profile,
    can_manage_catalogue,
    can_search_directory,
    can_see_confidential_address,
    can_update_capacity,
)


@dataclass
class Entry:
    """One agency as the directory shows it."""

    agency_id: int
    name: str
    kind: str
    kind_label: str
    region_code: str
    region: str
    phone: str
    open_24_7: bool
    hours: str
    languages: list[str]
    accessible: bool
    accessibility_note: str
    accepts_women: bool
    accepts_children: bool
    boys_max_age: int | None
    accepts_disabilities: bool
    services: list[ServiceType]
    address: str = ""  # empty when confidential and not for this reader
    address_confidential: bool = False
    reports_capacity: bool = False
    beds_total: int | None = None
    beds_free: int | None = None
    capacity_updated_at: datetime | None = None
    capacity_stale: bool = False


def display_phone(e164: str) -> str:
    try:
        return format_phone(e164) if e164 else ""
    except PhoneError:
        return e164


def _entry(profile: AgencyProfile, *, with_capacity: bool, with_confidential_address: bool) -> Entry:
    agency = profile.agency
    entry = Entry(
        agency_id=agency.pk,
        name=agency.name,
        kind=agency.kind,
        kind_label=str(agency.get_kind_display()),
        region_code=agency.region_id,
        region=agency.region.name,
        phone=display_phone(profile.public_phone),
        open_24_7=profile.open_24_7,
        hours=profile.hours,
        languages=profile.language_labels(),
        accessible=profile.accessible,
        accessibility_note=profile.accessibility_note,
        accepts_women=profile.accepts_women,
        accepts_children=profile.accepts_children,
        boys_max_age=profile.boys_max_age if profile.accepts_children else None,
        accepts_disabilities=profile.accepts_disabilities,
        services=[link.service for link in agency.offered_services.all() if link.service.is_active],
        address_confidential=profile.address_confidential,
    )
    if not profile.address_confidential or with_confidential_address:
        entry.address = profile.address or ""
    if with_capacity and profile.reports_capacity:
        entry.reports_capacity = True
        entry.beds_total, entry.beds_free = profile.beds_total, profile.beds_free
        entry.capacity_updated_at = profile.capacity_updated_at
        entry.capacity_stale = profile.capacity_stale
    return entry


def _profiles() -> QuerySet[AgencyProfile]:
    services = AgencyService.objects.select_related("service").order_by("service__sort")
    return (
        AgencyProfile.objects.filter(agency__is_active=True)
        .select_related("agency", "agency__region")
        .prefetch_related(Prefetch("agency__offered_services", queryset=services))
        .order_by("agency__region__sort", "agency__name_en")
    )


def _filtered(
    *,
    region: str | None = None,
    service: str | None = None,
    accepts_children: bool = False,
    accessible: bool = False,
    accepts_disabilities: bool = False,
    free_beds: bool = False,
) -> QuerySet[AgencyProfile]:
    qs = _profiles()
    if region:
        qs = qs.filter(agency__region_id=region)
    if service:
        qs = qs.filter(
            agency__offered_services__service_id=service, agency__offered_services__service__is_active=True
        )
    if accepts_children:
        qs = qs.filter(accepts_children=True)
    if accessible:
        qs = qs.filter(accessible=True)
    if accepts_disabilities:
        qs = qs.filter(accepts_disabilities=True)
    if free_beds:
        qs = qs.filter(beds_free__gt=0).order_by("-beds_free", "agency__name_en")
    return qs


def service_types(*, include_inactive: bool = False) -> QuerySet[ServiceType]:
    """The catalogue: public knowledge, read by the portal, the directory and referrals."""
    qs = ServiceType.objects.all()
    return qs if include_inactive else qs.filter(is_active=True)


def catalogue_for_admin(*, actor) -> QuerySet[ServiceType]:
    if not can_manage_catalogue(actor):
        raise PermissionDenied
    return service_types(include_inactive=True)


def directory_search(*, actor, **filters) -> list[Entry]:
    """Staff search: capacity figures included; confidential addresses never in a result list."""
    if not can_search_directory(actor):
        raise PermissionDenied
    return [_entry(p, with_capacity=True, with_confidential_address=False) for p in _filtered(**filters)]


def directory_entry(*, actor, agency_id: int) -> Entry:
    """One agency's page. A case role sees a shelter's address, and that look is recorded."""
    if not can_search_directory(actor):
        raise PermissionDenied
    profile = _profiles().filter(agency_id=agency_id).first()
    if profile is None:
        raise Http404  # missing is a 404, as everywhere
    reveal = profile.address_confidential and can_see_confidential_address(actor)
    if reveal:
        audit_record(actor=actor, action="agency.address_view", obj=profile.agency)
    return _entry(profile, with_capacity=True, with_confidential_address=reveal)


def public_directory(*, region: str | None = None, service: str | None = None) -> list[Entry]:
    """For the public portal: contact facts only — no bed figures, no confidential address."""
    return [
        _entry(p, with_capacity=False, with_confidential_address=False)
        for p in _filtered(region=region, service=service)
    ]


def profile_for_edit(*, actor, agency: Agency) -> AgencyProfile:
    """The agency's own profile (a fresh, unsaved one the first time)."""
    if not can_edit_profile(actor, agency):
        raise PermissionDenied
    profile = AgencyProfile.objects.filter(agency=agency).first()
    if profile is None:
        profile = AgencyProfile(agency=agency)
    return profile


def offered_service_codes(agency: Agency) -> list[str]:
    return list(AgencyService.objects.filter(agency=agency).values_list("service_id", flat=True))


def capacity_of(*, actor, agency: Agency) -> tuple[AgencyProfile | None, QuerySet[CapacityUpdate]]:
    """The current figures and the recent history, for the staff who keep them."""
    if not can_update_capacity(actor, agency):
        raise PermissionDenied
    profile = AgencyProfile.objects.filter(agency=agency).select_related("agency").first()
    history = CapacityUpdate.objects.filter(agency=agency).select_related("by").order_by("-at")[:20]
    return profile, history


# --- Agency pickers ------------------------------------------------------------------------------
# Who a case can be sent to, shared with or given a task: never the platform operator, an akimat,
# the National Commission or an international body: they do not take cases.
NON_CASE_KINDS = frozenset(
    {
        Agency.Kind.OPERATOR,
        Agency.Kind.NATIONAL_COMMISSION,
        Agency.Kind.REGIONAL_AKIMAT,
        Agency.Kind.INTERNATIONAL,
    }
)
CASE_KINDS = tuple(k for k in Agency.Kind.values if k not in NON_CASE_KINDS)


def agencies_taking_cases() -> QuerySet[Agency]:
    """Every active agency that takes cases: the set a picker validates against."""
    return Agency.objects.filter(is_active=True, kind__in=CASE_KINDS).select_related("region")


def _provides(service: ServiceType) -> Q:
    """An agency provides a service when its directory profile lists it; an agency that lists
    nothing in the directory is judged by its type (the catalogue's provider types)."""
    lists_it = Exists(AgencyService.objects.filter(agency=OuterRef("pk"), service=service))
    lists_any = Exists(AgencyService.objects.filter(agency=OuterRef("pk")))
    return Q(lists_it) | (Q(kind__in=service.provider_kinds) & ~Q(lists_any))


def agency_provides(agency: Agency, service: ServiceType) -> bool:
    return agencies_taking_cases().filter(_provides(service), pk=agency.pk).exists()


def agency_choices(
    *, service: ServiceType | None = None, kinds=None, region_id: str | None = None, exclude_ids=()
) -> list[Agency]:
    """A picker's agencies: only those that take cases (and provide the service, or are of one
    of the kinds), her region first, then by name in the reader's language."""
    qs = agencies_taking_cases().exclude(pk__in=[i for i in exclude_ids if i])
    if service is not None:
        qs = qs.filter(_provides(service))
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    agencies = list(qs)
    agencies.sort(key=lambda a: (a.region_id != region_id, a.name.casefold(), a.pk))
    return agencies
