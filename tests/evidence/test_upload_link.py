"""Her own upload link: a caseworker gives it, she sends files from her phone with no account,
through the same streamed, sniffed, encrypted path; closed links answer plainly and store
nothing; limits per link and per address; nothing stays in her browser; every attempt audited."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from tests.evidence.conftest import jpeg_with_gps, stored_files, upload_file

from qorgau.core.models import AuditEvent
from qorgau.evidence import services
from qorgau.evidence.models import EvidenceItem, UploadLink

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n" + b"x" * 3000


def her_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)  # her phone: no session, no token


def give_link(worker, case, max_files=1, section="legal"):
    return services.upload_link_create(actor=worker, case=case, section=section, max_files=max_files)


def send(client, token, name="photo.jpg", data=None, content_type="image/jpeg", lang="en"):
    return client.post(f"/{lang}/u/{token}/", {"file": upload_file(name, data, content_type)})


def test_a_caseworker_gets_the_link_once_as_address_and_qr_and_only_its_hash_is_kept(
    worker, case, login_client
):
    response = login_client(worker).post(
        f"/evidence/{case.pk}/upload-links/", {"section": "legal", "max_files": "3"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    token = re.search(r"/u/([A-Za-z0-9_-]{40,})/", page).group(1)
    assert "data:image/svg+xml" in page  # the QR code
    assert response["Cache-Control"] == "no-store"
    link = UploadLink.objects.get()
    assert link.max_files == 3 and link.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert link.expires_at - link.created_at == timedelta(hours=24)
    assert token not in str(UploadLink.objects.values().get())  # the token itself is nowhere in the row
    assert AuditEvent.objects.filter(action="evidence.upload_link_create", case_id=case.pk).exists()
    # The locker page lists the link but never shows its address again.
    locker = login_client(worker).get(f"/evidence/{case.pk}/").content.decode()
    assert token not in locker and "1 / 3" not in locker and "0 / 3" in locker


def test_too_many_files_for_a_link_is_refused_clearly(worker, case, login_client, settings):
    settings.QORGAU_EVIDENCE_UPLOAD_LINK_MAX_FILES = 5
    response = login_client(worker).post(
        f"/evidence/{case.pk}/upload-links/", {"section": "legal", "max_files": "6"}, follow=True
    )
    assert "less than or equal to 5" in response.content.decode()
    assert not UploadLink.objects.exists()


def test_she_sends_a_photo_from_her_phone_into_her_case(worker, case, media):
    link, token = give_link(worker, case, max_files=2)
    client = her_client()
    page = client.get(f"/en/u/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<title>Files</title>" in html and case.number not in html
    assert 'autocomplete="off"' in html and 'id="quick-exit"' in html
    assert page["Cache-Control"].startswith("no-store") and page["Referrer-Policy"] == "no-referrer"
    data = jpeg_with_gps()
    response = send(client, token, name="his-threats-Secret.jpg", data=data)
    assert response.status_code == 303 and response["Location"].endswith("?sent=1")
    assert not response.cookies and not page.cookies  # nothing is left in her browser
    item = EvidenceItem.objects.get()
    assert item.case_id == case.pk and item.section == "legal" and item.upload_link_id == link.pk
    assert item.sha256 == hashlib.sha256(data).hexdigest() and item.content_type == "image/jpeg"
    (stored,) = stored_files(media)
    assert data[:200] not in stored.read_bytes()  # encrypted like every other item
    thanks = client.get(response["Location"]).content.decode()
    assert "Received. Thank you." in thanks and "his-threats-Secret" not in thanks
    event = AuditEvent.objects.get(action="evidence.add", case_id=case.pk)
    assert event.actor_id is None and event.actor_username == services.UPLOAD_LINK_ACTOR
    assert event.detail["upload_link"] == str(link.pk) and event.agency_id == worker.agency_id
    link.refresh_from_db()
    assert link.files_received == 1


def test_a_used_up_link_answers_plainly_and_stores_nothing(worker, case, media):
    _link, token = give_link(worker, case, max_files=1)
    client = her_client()
    assert send(client, token).status_code == 303
    again = send(client, token, data=jpeg_with_gps() + b"second")
    assert again.status_code == 410
    assert "This page no longer works" in again.content.decode()
    assert EvidenceItem.objects.count() == 1 and len(stored_files(media)) == 1
    assert client.get(f"/en/u/{token}/").status_code == 410
    refused = AuditEvent.objects.get(action="evidence.upload_link_refused")
    assert refused.detail["reason"] == "used_up" and refused.case_id == case.pk


def test_an_expired_link_answers_plainly_in_her_language_and_stores_nothing(worker, case, media):
    link, token = give_link(worker, case)
    UploadLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = send(her_client(), token, lang="kk")
    assert response.status_code == 410
    page = response.content.decode()
    assert "Бұл бет енді жұмыс істемейді" in page and case.number not in page
    assert not EvidenceItem.objects.exists() and stored_files(media) == []
    assert her_client().get(f"/ru/u/{token}/").status_code == 410


def test_a_revoked_link_answers_plainly_and_stores_nothing(worker, case, login_client, media):
    link, token = give_link(worker, case, max_files=3)
    response = login_client(worker).post(f"/evidence/{case.pk}/upload-links/{link.pk}/revoke/")
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at and link.revoked_by == worker
    assert send(her_client(), token).status_code == 410
    assert not EvidenceItem.objects.exists() and stored_files(media) == []
    assert AuditEvent.objects.filter(action="evidence.upload_link_revoke", case_id=case.pk).exists()


def test_an_unknown_token_gets_the_same_plain_answer(db):
    response = her_client().get("/en/u/" + "A" * 43 + "/")
    assert response.status_code == 410 and "This page no longer works" in response.content.decode()
    assert her_client().post("/en/u/short/", {}).status_code == 410


@pytest.mark.parametrize(
    "name,data,content_type",
    [
        ("photo.jpg", b"MZ\x90\x00\x03" + b"\x00" * 3000, "image/jpeg"),  # a program named as a photo
        ("scan.pdf", b"<html><script>alert(1)</script></html>" * 50, "application/pdf"),
    ],
)
def test_a_disguised_file_through_her_link_is_refused_and_nothing_is_stored(
    worker, case, media, name, data, content_type
):
    link, token = give_link(worker, case)
    response = send(her_client(), token, name=name, data=data, content_type=content_type)
    assert response.status_code == 400
    page = response.content.decode()
    assert "This type of file is not accepted" in page and name not in page
    assert not EvidenceItem.objects.exists() and stored_files(media) == []
    link.refresh_from_db()
    assert link.files_received == 0  # a refused file does not use up her link
    assert AuditEvent.objects.get(action="evidence.upload_link_refused").detail["reason"] == "type"


def test_a_pdf_through_her_link_is_kept(worker, case):
    _link, token = give_link(worker, case)
    assert (
        send(her_client(), token, name="order.pdf", data=PDF, content_type="application/pdf").status_code
        == 303
    )
    assert EvidenceItem.objects.get().content_type == "application/pdf"


def test_attempts_are_limited_per_link(worker, case, settings, media):
    settings.QORGAU_EVIDENCE_UPLOAD_LINK_PER_LINK = 2
    _link, token = give_link(worker, case, max_files=5)
    for n in range(2):
        client = Client(REMOTE_ADDR=f"10.0.0.{n + 1}")  # different addresses: the link's own limit
        assert send(client, token, data=jpeg_with_gps() + bytes([n])).status_code == 303
    busy = send(Client(REMOTE_ADDR="10.0.0.9"), token, data=jpeg_with_gps() + b"three")
    assert busy.status_code == 429 and "Too many attempts" in busy.content.decode()
    assert EvidenceItem.objects.count() == 2 and len(stored_files(media)) == 2
    assert AuditEvent.objects.get(action="evidence.upload_link_refused").detail["reason"] == "rate_limited"


def test_attempts_are_limited_per_address(worker, case, settings):
    settings.QORGAU_EVIDENCE_UPLOAD_LINK_PER_ADDRESS = 3
    _link, token = give_link(worker, case, max_files=5)
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _n in range(3):  # guessing tokens counts too
        assert client.get("/en/u/" + "B" * 43 + "/").status_code == 410
    assert client.get("/en/u/" + "C" * 43 + "/").status_code == 429
    assert send(client, token).status_code == 429
    assert not EvidenceItem.objects.exists()
    assert send(Client(REMOTE_ADDR="10.0.0.8"), token).status_code == 303  # another address is not held back


def test_her_items_show_as_hers_in_the_chain_of_custody(worker, case, login_client):
    _link, token = give_link(worker, case)
    send(her_client(), token)
    item = EvidenceItem.objects.get()
    page = login_client(worker).get(f"/evidence/{case.pk}/items/{item.pk}/").content.decode()
    assert "she, through her upload link" in page


def test_only_staff_who_see_the_section_can_give_or_close_a_link(
    worker, case, make_user, login_client, make_agency
):
    from qorgau.accounts.models import Agency
    from qorgau.accounts.roles import Role

    stranger = make_user(Role.CASEWORKER, agency=make_agency(Agency.Kind.CRISIS_CENTRE))
    link, _token = give_link(worker, case)
    assert (
        login_client(stranger)
        .post(f"/evidence/{case.pk}/upload-links/", {"section": "legal", "max_files": "1"})
        .status_code
        == 404
    )
    assert (
        login_client(stranger).post(f"/evidence/{case.pk}/upload-links/{link.pk}/revoke/").status_code == 404
    )
    link.refresh_from_db()
    assert link.revoked_at is None and UploadLink.objects.count() == 1
