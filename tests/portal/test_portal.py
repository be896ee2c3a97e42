"""The public portal: pages in three languages, no cookies, no leaks; contact requests and the inbox."""

import re
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.core.models import AuditEvent
from qorgau.directory.models import AgencyProfile, AgencyService
from qorgau.portal import services
from qorgau.portal.models import ContactRequest

K = Agency.Kind
SECRET_ADDRESS = "Quiet courtyard 12"
PUBLIC_PAGES = [
    "home",
    "find_help",
    "services",
    "rights",
    "safety_plan",
    "self_check",
    "contact",
    "contact_sent",
]
VALID = {
    "alias": "Aru",
    "region": "71",
    "help_needed": ["talk", "safe_place"],
    "channel": "sms",
    "contact": "+7 700 000 01 23",
    "safe_time": "morning",
    "message": "Only after ten, please",
}


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(f"portal:{name}", kwargs=kwargs)


@pytest.fixture
def visitor():
    return Client(HTTP_ACCEPT_LANGUAGE="ru", REMOTE_ADDR="10.9.9.9")


@pytest.fixture
def shelter(make_agency):
    agency = make_agency(kind=K.SHELTER, region="71", name="Portal Shelter")
    AgencyProfile(
        agency=agency,
        public_phone="+77000000150",
        open_24_7=True,
        address=SECRET_ADDRESS,
        address_confidential=True,
        beds_total=9,
        beds_free=4,
    ).save()
    AgencyService.objects.create(agency=agency, service_id="shelter")
    return agency


def test_root_sends_visitors_to_the_portal_in_their_language(db):
    assert Client(HTTP_ACCEPT_LANGUAGE="ru").get("/")["Location"] == "/ru/"
    assert Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").get("/")["Location"] == "/en/"
    assert Client().get("/")["Location"] == "/kk/"  # no preference: Kazakh
    assert Client(HTTP_ACCEPT_LANGUAGE="de").get("/")["Location"] == "/kk/"


def test_root_sends_signed_in_staff_to_the_dashboard(client, login_client, make_user):
    login_client(make_user(Role.CASEWORKER))
    assert client.get("/")["Location"] == reverse("core:home")


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_open_without_sign_in_and_set_no_cookie(db, name, lang):
    c = Client()
    response = c.get(url(name, lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert response["Cache-Control"] == "no-store"
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).lower()
    for word in ("violence", "насилие", "насилия", "зорлық", "abuse"):
        assert word not in title, f"{name}/{lang}: title is not neutral: {title}"
    cookies = set(response.cookies)
    assert cookies == ({"csrftoken"} if name == "contact" else set()), f"{name} set {cookies}"
    for cookie in response.cookies.values():
        assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie only
    assert "htmx" not in html and "app.css" not in html  # the portal's own light assets only
    assert 'id="quick-exit"' in html and reverse("accounts:login") in html


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_portal_page_leads_to_the_open_figures_under_a_neutral_title(db, lang):
    """The national figures are public: the portal's footer links them, and the page's title (what
    a browser history shows) names no violence, like every portal page."""
    html = Client().get(url("home", lang)).content.decode()
    assert f'href="/{lang}/open-data/"' in html
    page = Client().get(f"/{lang}/open-data/")
    assert page.status_code == 200
    title = re.search(r"<title>(.*?)</title>", page.content.decode(), re.S).group(1).lower()
    for word in ("violence", "насилие", "насилия", "зорлық", "abuse"):
        assert word not in title, f"open data/{lang}: title is not neutral: {title}"


def test_help_lines_are_tap_to_call(client, db):
    html = client.get(url("home")).content.decode()
    for number in ("111", "150", "102"):
        assert f'href="tel:{number}"' in html


def test_rights_page_takes_durations_and_articles_from_configuration(client, db, settings):
    settings.QORGAU_PROTECTIVE_ORDER_DAYS = 45
    settings.QORGAU_PROTECTIVE_ORDER_BREACH_ARTICLE = "999"
    html = client.get(url("rights")).content.decode()
    assert "for 45 days" in html and "article 999" in html and "not legal advice" in html


def test_services_page_explains_every_active_service(client, db):
    html = client.get(url("services", "kk")).content.decode()
    assert "Қорғау нұсқамасы" in html and "Баспана" in html


def test_find_help_shows_public_facts_but_never_a_shelter_address(client, shelter, make_agency):
    centre = make_agency(kind=K.CRISIS_CENTRE, region="71", name="Open Centre")
    AgencyProfile(agency=centre, hours="9-18", address="Main square 1").save()
    html = client.get(url("find_help"), {"region": "71"}).content.decode()
    assert "Portal Shelter" in html and "+7 700 000 0150" in html and "Kept secret" in html
    assert "Main square 1" in html
    assert SECRET_ADDRESS not in html
    assert "free bed" not in html  # bed figures are for staff only
    bad = client.get(url("find_help"), {"region": "99"})
    assert bad.status_code == 400 and "region" in bad.context["form"].errors


def test_no_public_page_or_api_response_carries_a_shelter_address(client, shelter, api_client, make_user, db):
    """Walk every public page in every language, the error pages and every API list answer."""
    seen = []
    for lang in ("kk", "ru", "en"):
        for name in PUBLIC_PAGES:
            seen.append(client.get(url(name, lang)))
        seen.append(client.get(url("find_help", lang), {"region": "71"}))
        seen.append(client.get(url("find_help", lang), {"region": "71", "service": "shelter"}))
        seen.append(client.get(f"/{lang}/no-such-page/"))
    seen.append(client.get("/api/v1/schema/"))
    for role in (Role.CASEWORKER, Role.SHELTER_STAFF, Role.POLICE_OFFICER):
        c = api_client(make_user(role))
        seen += [
            c.get("/api/v1/directory/"),
            c.get("/api/v1/directory/?region=71&service=shelter"),
            c.get("/api/v1/agencies/"),
            c.get("/api/v1/services/"),
        ]
    for response in seen:
        assert SECRET_ADDRESS not in response.content.decode(), response.request["PATH_INFO"]


def test_contact_request_is_stored_encrypted_and_confirmed_calmly(
    visitor, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(url("contact", "ru"), VALID)
    assert response.status_code == 302 and response["Location"] == url("contact_sent", "ru")
    page = visitor.get(response["Location"]).content.decode()
    assert "Aru" not in page and "0123" not in page  # nothing she typed is echoed
    item = ContactRequest.objects.get()
    assert item.region_id == "71" and item.contact == "+77000000123" and item.language == "ru"
    assert item.help_needed == ["talk", "safe_place"] and item.status == "new"
    with connection.cursor() as cursor:
        cursor.execute("SELECT alias, contact, message FROM portal_contactrequest")
        stored = " ".join(cursor.fetchone())
    assert "Aru" not in stored and "0123" not in stored and "ten" not in stored
    assert AuditEvent.objects.filter(action="contact_request.create", object_id=str(item.pk)).exists()


def test_the_inbox_staff_are_notified_without_content(
    visitor, make_agency, make_user, django_capture_on_commit_callbacks
):
    centre = make_agency(kind=K.CRISIS_CENTRE, region="71")
    worker = make_user(Role.CASEWORKER, agency=centre)
    worker.email = "worker@demo.qorgau.invalid"
    worker.save()
    elsewhere = make_user(Role.CASEWORKER, agency=make_agency(kind=K.CRISIS_CENTRE, region="75"))
    elsewhere.email = "far@demo.qorgau.invalid"
    elsewhere.save()
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(url("contact"), VALID)
    assert [m.to for m in mail.outbox] == [["worker@demo.qorgau.invalid"]]
    assert "Aru" not in mail.outbox[0].body and "0123" not in mail.outbox[0].body


def test_a_failing_notification_never_loses_the_request(visitor, db, django_capture_on_commit_callbacks):
    broken = mock.patch("qorgau.portal.tasks.notify_new_contact_request", side_effect=ConnectionError("down"))
    with broken, django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(url("contact"), VALID)
    assert response.status_code == 302
    assert ContactRequest.objects.count() == 1


@pytest.mark.parametrize(
    "change,field",
    [
        ({"contact": "not a phone"}, "contact"),
        ({"channel": "email", "contact": "nobody@"}, "contact"),
        ({"contact": ""}, "contact"),
        ({"alias": "x" * 61}, "alias"),
        ({"message": "x" * 1001}, "message"),
        ({"contact": "7" * 300}, "contact"),
        ({"region": "99"}, "region"),
        ({"help_needed": []}, "help_needed"),
        ({"help_needed": ["teleport"]}, "help_needed"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(visitor, db, change, field):
    response = visitor.post(url("contact"), {**VALID, **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ContactRequest.objects.exists()


def test_bad_input_messages_are_translated(db):
    c = Client(REMOTE_ADDR="10.1.1.1")
    response = c.post(url("contact", "ru"), {**VALID, "contact": "not a phone"})
    assert "Это недействительный номер телефона." in response.content.decode()


def test_honeypot_is_refused_calmly_and_nothing_is_stored(visitor, db):
    response = visitor.post(url("contact"), {**VALID, "website": "http://spam.example"})
    assert response.status_code == 400
    assert "We could not accept this request" in response.content.decode()
    assert 'href="tel:111"' in response.content.decode()
    assert not ContactRequest.objects.exists()


def test_a_flood_from_one_address_is_refused_calmly(db, settings):
    settings.QORGAU_CONTACT_RATE_LIMIT = 3
    flood = Client(REMOTE_ADDR="10.6.6.6")
    statuses = [flood.post(url("contact"), VALID).status_code for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert ContactRequest.objects.count() == 3
    refused = flood.post(url("contact"), VALID)
    assert "Too many requests" in refused.content.decode() and 'href="tel:102"' in refused.content.decode()
    # Someone else is not affected by that address's flood.
    assert Client(REMOTE_ADDR="10.7.7.7").post(url("contact"), VALID).status_code == 302


def test_the_limit_resets_after_the_window(db, settings):
    settings.QORGAU_CONTACT_RATE_LIMIT = 1
    c = Client(REMOTE_ADDR="10.8.8.8")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert c.post(url("contact"), VALID).status_code == 302
        assert c.post(url("contact"), VALID).status_code == 429
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        assert c.post(url("contact"), VALID).status_code == 302


def test_rejected_attempts_do_not_count_towards_the_limit(db, settings):
    """She mistypes her number five times: the sixth, correct request is still accepted."""
    settings.QORGAU_CONTACT_RATE_LIMIT = 2
    c = Client(REMOTE_ADDR="10.8.8.9")
    for _ in range(5):
        assert c.post(url("contact"), {**VALID, "contact": "not a phone"}).status_code == 400
    assert c.post(url("contact"), VALID).status_code == 302
    assert c.post(url("contact"), VALID).status_code == 302
    assert c.post(url("contact"), VALID).status_code == 429
    assert ContactRequest.objects.count() == 2


def test_every_error_shows_in_one_round(visitor, db):
    response = visitor.post(
        url("contact"), {**VALID, "contact": "not a phone", "help_needed": [], "region": ""}
    )
    errors = response.context["form"].errors
    assert {"contact", "help_needed", "region"} <= set(errors), errors
    assert not ContactRequest.objects.exists()


@pytest.fixture
def database_cache(settings, db):
    """The production default: Django's database cache (whose incr resets a key's timeout)."""
    from django.core.cache import caches
    from django.core.management import call_command

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "qorgau_cache_test"}
    }
    call_command("createcachetable", verbosity=0)
    yield
    caches["default"].clear()


@pytest.mark.parametrize("cache_kind", ["locmem", "database"])
def test_the_window_is_exact_whatever_the_cache(db, settings, request, cache_kind):
    if cache_kind == "database":
        request.getfixturevalue("database_cache")
    settings.QORGAU_CONTACT_RATE_LIMIT = 2
    settings.QORGAU_CONTACT_RATE_WINDOW_MINUTES = 60
    c = Client(REMOTE_ADDR="10.8.8.10")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert c.post(url("contact"), VALID).status_code == 302
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        assert c.post(url("contact"), VALID).status_code == 302
    for minutes in (8, 30, 59):  # well past the database cache's 5-minute default timeout
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert c.post(url("contact"), VALID).status_code == 429, f"{minutes} min"
    with time_machine.travel(start + timedelta(minutes=60, seconds=1), tick=False):
        assert c.post(url("contact"), VALID).status_code == 302  # the first has left the window


# --- The staff inbox --------------------------------------------------------------------------


@pytest.fixture
def request_71(db):
    region = __import__("qorgau.core.models", fromlist=["Region"]).Region.objects.get(code="71")
    return services.contact_request_submit(
        region=region, help_needed=["talk"], channel="call", contact="87000000145", alias="Dina"
    )


def test_inbox_shows_the_regions_requests_to_crisis_and_family_centres(
    client, login_client, make_user, make_agency, request_71
):
    inbox = reverse("contact_requests:inbox")
    for kind in (K.CRISIS_CENTRE, K.FAMILY_SUPPORT_CENTRE):
        c = Client()
        login_client(make_user(Role.CASEWORKER, agency=make_agency(kind=kind, region="71")), c)
        assert reverse("contact_requests:detail", args=[request_71.pk]) in c.get(inbox).content.decode()
    other_region = Client()
    login_client(
        make_user(Role.CASEWORKER, agency=make_agency(kind=K.CRISIS_CENTRE, region="75")), other_region
    )
    assert str(request_71.pk) not in other_region.get(inbox).content.decode()
    assert (
        other_region.get(reverse("contact_requests:detail", args=[request_71.pk])).status_code == 404
    )  # as for a random id: nothing says the request exists
    police = Client()
    login_client(make_user(Role.POLICE_OFFICER, agency=make_agency(kind=K.POLICE, region="71")), police)
    assert "does not receive them" in police.get(inbox).content.decode()
    assert police.get(reverse("contact_requests:detail", args=[request_71.pk])).status_code == 404


def test_inbox_list_shows_no_identifying_content_and_detail_is_audited(
    client, login_client, make_user, make_agency, request_71
):
    worker = make_user(Role.CASEWORKER, agency=make_agency(kind=K.CRISIS_CENTRE, region="71"))
    login_client(worker)
    listing = client.get(reverse("contact_requests:inbox")).content.decode()
    assert "Dina" not in listing and "0145" not in listing
    detail = client.get(reverse("contact_requests:detail", args=[request_71.pk])).content.decode()
    assert "Dina" in detail and "+77000000145" in detail
    assert AuditEvent.objects.filter(action="contact_request.view", actor_id=worker.pk).exists()


def test_take_marks_it_taken_once_and_is_audited(client, login_client, make_user, make_agency, request_71):
    centre = make_agency(kind=K.CRISIS_CENTRE, region="71")
    worker = make_user(Role.CASEWORKER, agency=centre)
    login_client(worker)
    take = reverse("contact_requests:take", args=[request_71.pk])
    assert client.post(take).status_code == 302
    request_71.refresh_from_db()
    assert (request_71.status, request_71.taken_by, request_71.taken_agency) == ("taken", worker, centre)
    assert AuditEvent.objects.filter(action="contact_request.take", actor_id=worker.pk).count() == 1
    colleague = Client()
    login_client(make_user(Role.CASEWORKER, agency=centre), colleague)
    again = colleague.post(take, follow=True)
    assert "already taken" in again.content.decode()
    request_71.refresh_from_db()
    assert request_71.taken_by == worker


def test_take_leads_to_the_case_intake_filled_from_the_request(
    client, login_client, make_user, make_agency, request_71
):
    login_client(make_user(Role.CASEWORKER, agency=make_agency(kind=K.CRISIS_CENTRE, region="71")))
    response = client.post(reverse("contact_requests:take", args=[request_71.pk]))
    assert response["Location"] == f"{reverse('cases:intake')}?contact_request={request_71.pk}"
    form = client.get(response["Location"]).context["form"]
    assert form.initial["entry_point"] == "self_referral" and form.initial["region"] == "71"
    assert form.initial["given_name"] == request_71.alias


def test_dashboard_panel_counts_waiting_and_overdue(client, login_client, make_user, make_agency, request_71):
    login_client(make_user(Role.CASEWORKER, agency=make_agency(kind=K.CRISIS_CENTRE, region="71")))
    assert "1 request from your region is waiting." in client.get(reverse("core:home")).content.decode()
    ContactRequest.objects.filter(pk=request_71.pk).update(created_at=timezone.now() - timedelta(hours=30))
    assert "1 overdue" in client.get(reverse("core:home")).content.decode()


def test_overdue_requests_are_escalated_once_to_supervisors(make_user, make_agency, request_71):
    from qorgau.portal.tasks import escalate_contact_requests

    sup = make_user(Role.SUPERVISOR, agency=make_agency(kind=K.CRISIS_CENTRE, region="71"))
    sup.email = "sup@demo.qorgau.invalid"
    sup.save()
    assert escalate_contact_requests.call_local() == 0  # not late yet
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        assert escalate_contact_requests.call_local() == 1
        assert escalate_contact_requests.call_local() == 0  # only once
    request_71.refresh_from_db()
    assert request_71.escalated_at is not None
    assert mail.outbox[-1].to == ["sup@demo.qorgau.invalid"] and "Dina" not in mail.outbox[-1].body
    assert AuditEvent.objects.filter(action="contact_request.escalate").count() == 1


def test_taken_requests_lose_their_identifying_content_after_the_retention(
    make_user, make_agency, request_71
):
    worker = make_user(Role.CASEWORKER, agency=make_agency(kind=K.CRISIS_CENTRE, region="71"))
    services.contact_request_take(actor=worker, item=request_71)
    assert services.contact_requests_purge() == 0
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        assert services.contact_requests_purge() == 1
    item = ContactRequest.objects.get(pk=request_71.pk)
    assert item.alias is None and item.contact is None and item.purged_at is not None
    assert item.help_needed == ["talk"]  # the bare facts stay


def test_a_lost_csrf_cookie_gets_a_calm_page_and_a_way_back(db):
    strict = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.2.2.2")
    response = strict.post(url("contact", "kk"), VALID)
    html = response.content.decode()
    assert response.status_code == 403 and '<html lang="kk">' in html
    assert url("contact", "kk") in html and 'href="tel:111"' in html
    assert not ContactRequest.objects.exists()
    staff_form = strict.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert staff_form.status_code == 403 and 'id="quick-exit"' not in staff_form.content.decode()
