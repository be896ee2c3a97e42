"""The service catalogue, the directory search, agency profiles and bed capacity."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.core.models import AuditEvent
from qorgau.directory import selectors, services
from qorgau.directory.catalogue import CatalogueError, parse
from qorgau.directory.models import AgencyProfile, AgencyService, CapacityUpdate, ServiceType

SECRET_ADDRESS = "Secret street 7, flat 3"
K = Agency.Kind


@pytest.fixture
def shelter(make_agency):
    agency = make_agency(kind=K.SHELTER, region="71", name="Test Shelter")
    profile = AgencyProfile(
        agency=agency,
        public_phone="+77000000111",
        open_24_7=True,
        address=SECRET_ADDRESS,
        address_confidential=True,
        accepts_children=True,
        boys_max_age=12,
        languages=["kk", "ru"],
    )
    profile.save()
    AgencyService.objects.create(agency=agency, service_id="shelter")
    return agency


@pytest.fixture
def centre(make_agency):
    agency = make_agency(kind=K.CRISIS_CENTRE, region="71", name="Test Centre")
    AgencyProfile(agency=agency, hours="Mon-Fri 9-18", address="Open avenue 1").save()
    AgencyService.objects.create(agency=agency, service_id="psychological")
    return agency


def test_catalogue_is_loaded_by_the_migration_with_every_required_service(db):
    codes = set(ServiceType.objects.values_list("code", flat=True))
    assert codes >= {
        "shelter",
        "medical",
        "forensic",
        "police_report",
        "protective_order",
        "legal_aid",
        "psychological",
        "social_benefits",
        "housing",
        "child_protection",
        "employment",
        "reproductive_health",
        "interpreter",
        "accompaniment",
        "perpetrator_programme",
    }
    medical, legal = ServiceType.objects.get(code="medical"), ServiceType.objects.get(code="legal_aid")
    assert medical.urgent_deadline_hours == 2 and legal.deadline_hours == 72
    assert ServiceType.objects.get(code="shelter").urgent_deadline_hours == 4
    for service in ServiceType.objects.all():
        assert service.name_kk and service.name_ru and service.description_en
        assert "general" in service.shares_sections


def test_reload_restores_the_file_and_is_audited(db):
    ServiceType.objects.filter(code="shelter").update(deadline_hours=999)
    call_command("services", "load")
    assert ServiceType.objects.get(code="shelter").deadline_hours == 24
    assert AuditEvent.objects.filter(action="service_type.load").exists()


@pytest.mark.parametrize(
    "text,problem",
    [
        ("services: []", "non-empty"),
        ("services: [{code: 'Bad Code'}]", "code"),
        ("services: [unclosed", "YAML"),
    ],
)
def test_a_broken_catalogue_file_is_refused_whole(text, problem):
    with pytest.raises(CatalogueError, match=problem):
        parse(text)


def test_the_load_command_refuses_a_bad_file_and_changes_nothing(db, tmp_path):
    bad = tmp_path / "services.yaml"
    good = (ServiceType.objects.get(code="shelter").deadline_hours, ServiceType.objects.count())
    bad.write_text(
        "services:\n  - code: shelter\n    deadline_hours: 2\n    urgent_deadline_hours: 5\n"
        "    shares_sections: [general]\n    provider_kinds: [shelter]\n"
        "    name: {kk: a, ru: b, en: c}\n    description: {kk: a, ru: b, en: c}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="urgent_deadline_hours"):
        call_command("services", "load", "--file", str(bad))
    assert (ServiceType.objects.get(code="shelter").deadline_hours, ServiceType.objects.count()) == good


def test_address_is_encrypted_in_the_database(shelter):
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM directory_agencyprofile WHERE agency_id = %s", [shelter.pk])
        stored = cursor.fetchone()[0]
    assert "Secret" not in stored
    assert AgencyProfile.objects.get(pk=shelter.pk).address == SECRET_ADDRESS


def test_search_finds_free_beds_in_a_region_accepting_children(
    client, login_client, make_user, shelter, centre, make_agency
):
    far = make_agency(kind=K.SHELTER, region="75", name="Far Shelter")
    AgencyProfile(agency=far, open_24_7=True, accepts_children=True, beds_total=5, beds_free=5).save()
    staff = make_user(Role.SHELTER_STAFF, agency=shelter)
    services.capacity_update(actor=staff, agency=shelter, beds_total=10, beds_free=3)
    worker = make_user(Role.CASEWORKER)
    login_client(worker)
    page = client.get(
        reverse("directory:search"), {"region": "71", "free_beds": "on", "accepts_children": "on"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Test Shelter" in html and "3 free beds of 10" in html
    assert "Far Shelter" not in html  # another region
    assert "Test Centre" not in html  # reports no free beds
    assert SECRET_ADDRESS not in html  # never in a result list, even for case roles


def test_search_with_bad_filters_is_a_field_error_not_a_crash(client, login_client, make_user):
    login_client(make_user(Role.CASEWORKER))
    page = client.get(reverse("directory:search"), {"region": "99", "service": "nonsense", "case": "x"})
    assert page.status_code == 400
    errors = page.context["form"].errors
    assert {"region", "service", "case"} <= set(errors)


def test_a_search_result_starts_a_referral_in_one_step(client, login_client, make_user, shelter):
    worker = make_user(Role.CASEWORKER, agency=shelter)
    login_client(worker)
    case_id = "8a6e0804-2bd0-4672-b79a-d97027e7c7c4"
    query = {"region": "71", "service": "shelter", "case": case_id}
    html = client.get(reverse("directory:search"), query).content.decode()
    assert f"/referrals/new/?agency={shelter.pk}&amp;service=shelter&amp;case={case_id}" in html


def test_confidential_address_only_for_case_roles_and_the_look_is_audited(
    client, login_client, make_user, shelter
):
    url = reverse("directory:agency", args=[shelter.pk])
    worker = make_user(Role.CASEWORKER)
    login_client(worker)
    assert SECRET_ADDRESS in client.get(url).content.decode()
    event = AuditEvent.objects.get(action="agency.address_view")
    assert event.actor_id == worker.pk and event.object_id == str(shelter.pk)

    client.logout()
    admin = make_user(Role.AGENCY_ADMIN, agency=shelter)
    login_client(admin)
    assert client.get(url).status_code == 403  # admins do not search the directory at all
    with pytest.raises(PermissionDenied):
        selectors.directory_entry(actor=admin, agency_id=shelter.pk)


def test_public_directory_never_carries_a_shelter_address(shelter, centre):
    entries = selectors.public_directory(region="71")
    by_name = {e.name: e for e in entries}
    assert by_name["Test Shelter"].address == "" and by_name["Test Shelter"].beds_free is None
    assert by_name["Test Centre"].address == "Open avenue 1"  # a public address is public


def test_shelter_address_stays_confidential_whatever_the_admin_posts(
    client, login_client, make_user, shelter
):
    admin = make_user(Role.AGENCY_ADMIN, agency=shelter)
    login_client(admin)
    url = reverse("directory:profile_edit")
    form = client.get(url).context["form"]
    data = {
        "public_phone": "8 700 000 01 12",
        "open_24_7": "on",
        "hours": "",
        "address": "New secret 9",
        "languages": ["kk"],
        "accepts_women": "on",
        "services": ["shelter", "psychological"],
        "version": form.initial["version"],
    }  # address_confidential left out, as if unticked
    response = client.post(url, data)
    assert response.status_code == 302
    profile = AgencyProfile.objects.get(pk=shelter.pk)
    assert profile.address_confidential and profile.address == "New secret 9"
    assert profile.public_phone == "+77000000112"
    assert set(selectors.offered_service_codes(shelter)) == {"shelter", "psychological"}
    assert AuditEvent.objects.filter(action="agency_profile.update", actor_id=admin.pk).exists()


def test_profile_bad_input_names_the_field_and_saves_nothing(client, login_client, make_user, centre):
    admin = make_user(Role.AGENCY_ADMIN, agency=centre)
    login_client(admin)
    url = reverse("directory:profile_edit")
    version = client.get(url).context["form"].initial["version"]
    before = AgencyProfile.objects.get(pk=centre.pk)
    response = client.post(
        url,
        {
            "public_phone": "call me",
            "hours": "",
            "address": "x" * 301,
            "accepts_children": "on",
            "boys_max_age": "40",
            "services": ["nonsense"],
            "version": version,
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"address", "services"} <= set(errors)
    after = AgencyProfile.objects.get(pk=centre.pk)
    assert (after.hours, after.version) == (before.hours, before.version)


def test_profile_service_reports_each_bad_field(make_user, centre):
    admin = make_user(Role.AGENCY_ADMIN, agency=centre)
    with pytest.raises(ValidationError) as err:
        services.profile_update(
            actor=admin,
            agency=centre,
            version=0,
            services=[],
            public_phone="call me",
            hours="",
            open_24_7=False,
            accepts_children=True,
            boys_max_age=40,
        )
    assert {"public_phone", "hours", "boys_max_age"} <= set(err.value.message_dict)


def test_concurrent_profile_edits_are_detected(make_user, centre):
    from qorgau.core.errors import Conflict

    admin = make_user(Role.AGENCY_ADMIN, agency=centre)
    services.profile_update(actor=admin, agency=centre, version=0, services=[], hours="9-18")
    with pytest.raises(Conflict):
        services.profile_update(actor=admin, agency=centre, version=0, services=[], hours="10-19")
    assert AgencyProfile.objects.get(pk=centre.pk).hours == "9-18"


def test_only_own_agency_admin_edits_the_profile(make_user, centre, make_agency):
    other_admin = make_user(Role.AGENCY_ADMIN, agency=make_agency())
    with pytest.raises(PermissionDenied):
        services.profile_update(actor=other_admin, agency=centre, version=0, services=[], hours="x")


def test_capacity_update_keeps_history_and_is_audited(make_user, shelter):
    staff = make_user(Role.SHELTER_STAFF, agency=shelter)
    sup = make_user(Role.SUPERVISOR, agency=shelter)
    services.capacity_update(actor=staff, agency=shelter, beds_total=12, beds_free=4)
    services.capacity_update(actor=sup, agency=shelter, beds_free=2)  # total stays
    profile = AgencyProfile.objects.get(pk=shelter.pk)
    assert (profile.beds_total, profile.beds_free) == (12, 2)
    assert [(u.by_id, u.beds_free) for u in CapacityUpdate.objects.order_by("at")] == [
        (staff.pk, 4),
        (sup.pk, 2),
    ]
    assert AuditEvent.objects.filter(action="capacity.update").count() == 2


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"beds_free": 3}, "beds_total"),  # no total known yet
        ({"beds_total": 5, "beds_free": 6}, "beds_free"),
        ({"beds_total": 5000, "beds_free": 1}, "beds_total"),
        ({"beds_total": 5, "beds_free": -1}, "beds_free"),
    ],
)
def test_capacity_bad_figures_are_refused(make_user, shelter, kwargs, field):
    staff = make_user(Role.SHELTER_STAFF, agency=shelter)
    with pytest.raises(ValidationError) as err:
        services.capacity_update(actor=staff, agency=shelter, **kwargs)
    assert field in err.value.message_dict
    assert not CapacityUpdate.objects.exists()


def test_capacity_only_by_that_shelters_staff_and_supervisors(make_user, shelter, centre, make_agency):
    other_shelter_staff = make_user(Role.SHELTER_STAFF, agency=make_agency(kind=K.SHELTER))
    caseworker = make_user(Role.CASEWORKER, agency=shelter)
    police_sup = make_user(Role.SUPERVISOR, agency=make_agency(kind=K.POLICE))
    for actor, agency in (
        (other_shelter_staff, shelter),
        (caseworker, shelter),
        (police_sup, police_sup.agency),
    ):
        with pytest.raises(PermissionDenied):
            services.capacity_update(actor=actor, agency=agency, beds_total=3, beds_free=1)


def test_stale_figures_are_marked_after_24_hours(client, login_client, make_user, shelter, settings):
    staff = make_user(Role.SHELTER_STAFF, agency=shelter)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.capacity_update(actor=staff, agency=shelter, beds_total=10, beds_free=3)
    worker = make_user(Role.CASEWORKER)
    url = reverse("directory:search") + "?region=71&service=shelter"

    def page_after(hours):
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            login_client(worker)  # the session itself would have expired
            return client.get(url).content.decode()

    assert "Out of date" not in page_after(23)
    assert "Out of date" in page_after(25)
    settings.QORGAU_CAPACITY_STALE_HOURS = 48  # the threshold is configuration
    assert "Out of date" not in page_after(25)


def test_dashboard_panel_updates_capacity_without_javascript(client, login_client, make_user, shelter):
    staff = make_user(Role.SHELTER_STAFF, agency=shelter)
    login_client(staff)
    assert "Free beds" in client.get(reverse("core:home")).content.decode()
    response = client.post(
        reverse("directory:capacity"), {"beds_free": "2", "beds_total": "8", "back": "dashboard"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert AgencyProfile.objects.get(pk=shelter.pk).beds_free == 2
    bad = client.post(reverse("directory:capacity"), {"beds_free": "9"})
    assert bad.status_code == 400 and "There cannot be more free beds" in bad.content.decode()
    assert AgencyProfile.objects.get(pk=shelter.pk).beds_free == 2


def test_htmx_capacity_update_returns_the_card(client, login_client, make_user, shelter):
    staff = make_user(Role.SHELTER_STAFF, agency=shelter)
    login_client(staff)
    response = client.post(
        reverse("directory:capacity"), {"beds_free": "1", "beds_total": "4"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="capacity-card"' in html and "<html" not in html


def test_capacity_page_refuses_other_agencies(client, login_client, make_user, centre):
    login_client(make_user(Role.SHELTER_STAFF, agency=centre))  # a crisis centre has beds: allowed
    assert client.get(reverse("directory:capacity")).status_code == 200
    client.logout()
    login_client(make_user(Role.CASEWORKER, agency=centre))
    assert client.get(reverse("directory:capacity")).status_code == 403


def test_system_admin_edits_the_catalogue_with_checks(client, login_client, make_user, make_agency):
    sysadmin = make_user(Role.SYSTEM_ADMIN, agency=make_agency(kind=K.OPERATOR))
    login_client(sysadmin)
    url = reverse("directory:catalogue_edit", args=["legal_aid"])
    data = client.get(url).context["form"].initial
    post = {k: v for k, v in data.items() if v is not None}
    post.update(deadline_hours=48, urgent_deadline_hours=96, is_active="on")
    bad = client.post(url, post)
    assert bad.status_code == 400 and "urgent_deadline_hours" in bad.context["form"].errors
    assert ServiceType.objects.get(code="legal_aid").deadline_hours == 72
    post.update(urgent_deadline_hours=12)
    assert client.post(url, post).status_code == 302
    assert ServiceType.objects.get(code="legal_aid").deadline_hours == 48
    client.logout()
    login_client(make_user(Role.CASEWORKER))
    assert client.get(url).status_code == 403
