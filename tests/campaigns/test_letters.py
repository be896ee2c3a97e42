"""Letters of gratitude: issuing, numbering, PDF text (pdftotext), ZIP batches, revoking, and the
public check at /verify/<code>."""

import re
import shutil
import subprocess
import zipfile
from io import BytesIO

import pytest
import segno
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from PIL import Image

from qorgau.campaigns import services
from qorgau.campaigns.letters import letter_pdf
from qorgau.campaigns.models import Event, Letter
from qorgau.core.models import AuditEvent

S = Event.Status
R = Letter.RecipientRole
KAZAKH_NAME = "Әсемгүл Жандосқызы Нұрланова"  # invented
needs_pdftotext = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is missing"
)


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode()


@pytest.fixture
def held(world, make_event):
    return make_event(
        status=S.HELD,
        speakers=[
            {"name": KAZAKH_NAME, "report_title": "Қауіпсіз отбасы"},
            {"name": "Ержан Қайратұлы Оспанбеков", "report_title": "Police"},
        ],
        partners=[{"name": "Demo Foundation", "kind": "ngo"}],
    )


def issue(world, event, people, language="kk", actor=None):
    return services.letters_issue(
        actor=actor or world["national"], event=event, language=language, recipients=people
    )


def test_letters_are_numbered_in_the_campaign_and_carry_random_codes(world, held):
    first = issue(world, held, [(KAZAKH_NAME, R.SPEAKER), ("Demo Foundation", R.PARTNER)])
    second = issue(world, held, [("Айжан Болатқызы Теміртасова", R.PARTICIPANT)], language="ru")
    numbers = [letter.number for letter in [*first, *second]]
    assert numbers == ["16D-2026/00001", "16D-2026/00002", "16D-2026/00003"]
    codes = [letter.code for letter in [*first, *second]]
    assert len(set(codes)) == 3
    assert all(re.fullmatch(r"[A-HJ-NP-Z2-9]{16}", code) for code in codes)
    assert first[0].batch == first[1].batch != second[0].batch
    event = AuditEvent.objects.get(action="letter.issue", detail__count=2)
    assert KAZAKH_NAME not in str(event.detail)  # the audit trail holds no names


@needs_pdftotext
def test_pdf_keeps_the_kazakh_name_and_says_where_to_check_it(world, held, settings):
    settings.QORGAU_SITE_URL = "https://qorgau.example.kz"
    (letter,) = issue(world, held, [(KAZAKH_NAME, R.SPEAKER)])
    text = pdf_text(letter_pdf(letter))
    assert KAZAKH_NAME in text
    assert "АЛҒЫС ХАТ" in text  # "letter of gratitude" in Kazakh, whatever the printer's language
    assert "баяндама" in text.lower()
    assert "16D-2026/00001" in text
    assert f"https://qorgau.example.kz/verify/{letter.code}" in text
    assert "Ж. Демо-Сейітова" in text  # the configured signatory


@needs_pdftotext
def test_russian_letter_and_the_campaigns_own_signature(world, held):
    campaign = world["campaign"]
    campaign.signatory_name_ru, campaign.signatory_title_ru = "А. Б. Демонстрационная", "Председатель (демо)"
    campaign.save()
    (letter,) = issue(world, held, [("Анна Сергеевна Ковалёва", R.PARTICIPANT)], language="ru")
    text = pdf_text(letter_pdf(letter))
    assert "БЛАГОДАРСТВЕННОЕ ПИСЬМО" in text and "Анна Сергеевна Ковалёва" in text
    assert "А. Б. Демонстрационная" in text and "Председатель (демо)" in text


def test_the_pdf_is_the_same_every_time(world, held):
    (letter,) = issue(world, held, [(KAZAKH_NAME, R.SPEAKER)])
    assert letter_pdf(letter) == letter_pdf(Letter.objects.get(pk=letter.pk))


def test_no_signatory_no_letters(world, held, settings):
    settings.QORGAU_LETTER_SIGNATORY_NAME = {"kk": "", "ru": "", "en": ""}
    with pytest.raises(ValidationError) as exc:
        issue(world, held, [(KAZAKH_NAME, R.SPEAKER)])
    assert "language" in exc.value.message_dict  # "No signatory is set for letters in this language"
    assert not Letter.objects.exists()


@pytest.mark.parametrize(
    ("people", "language", "field"),
    [
        ([], "kk", "recipients"),
        ([("   ", R.SPEAKER)], "kk", "recipients"),
        ([("x" * 201, R.SPEAKER)], "kk", "recipients"),
        ([(KAZAKH_NAME, "hero")], "kk", "recipients"),
        ([("Speaker 123", R.SPEAKER)], "kk", "recipients"),
        ([("https://spam.example", R.PARTNER)], "kk", "recipients"),
        ([("speaker@example.invalid", R.SPEAKER)], "kk", "recipients"),
        ([("-", R.SPEAKER)], "kk", "recipients"),
        ([(KAZAKH_NAME, R.SPEAKER)], "de", "language"),
    ],
)
def test_bad_letter_requests_are_refused(world, held, people, language, field):
    with pytest.raises(ValidationError) as exc:
        issue(world, held, people, language=language)
    assert field in exc.value.message_dict
    assert not Letter.objects.exists()
    world["campaign"].refresh_from_db()
    assert world["campaign"].letter_seq == 0


def test_names_in_any_script_and_organisations_with_numbers_are_accepted(world, held):
    names = [
        ("Ә.Б. Сәтбаева", R.SPEAKER),
        ("O'Brien-Nurlanova", R.MODERATOR),
        ("«Жас Өркен» бірлестігі", R.PARTNER),
        ("№5 мектеп", R.PARTNER),
    ]
    assert len(issue(world, held, names)) == 4


def test_who_may_issue_letters(world, make_event, held):
    approved = make_event(status=S.APPROVED)
    with pytest.raises(PermissionDenied):  # not before the event was held
        issue(world, approved, [(KAZAKH_NAME, R.SPEAKER)])
    for who in ("organiser", "regional_almaty", "analyst", "sysadmin"):
        with pytest.raises(PermissionDenied):
            issue(world, held, [(KAZAKH_NAME, R.SPEAKER)], actor=world[who])
    assert issue(world, held, [(KAZAKH_NAME, R.SPEAKER)], actor=world["regional"])
    assert Letter.objects.count() == 1


def test_coordinator_issues_a_batch_from_the_page_and_downloads_one_zip(world, client, login_client, held):
    login_client(world["regional"])
    url = reverse("campaigns:event_letters", args=[held.pk])
    page = client.get(url).content.decode()
    assert KAZAKH_NAME in page and "Demo Foundation" in page
    speaker = held.speakers.get(name=KAZAKH_NAME)
    response = client.post(
        url,
        {
            "language": "kk",
            "recipients": [f"speaker:{speaker.pk}", f"organiser:{held.organiser_id}"],
            "others": "Айжан Болатқызы Теміртасова\n\nЖандос Маратұлы Бекенов\n",
        },
    )
    assert response.status_code == 302
    letters = list(Letter.objects.order_by("seq"))
    assert [(x.recipient_name, x.recipient_role) for x in letters] == [
        (held.organiser.name, R.ORGANISER),
        (KAZAKH_NAME, R.SPEAKER),
        ("Айжан Болатқызы Теміртасова", R.PARTICIPANT),
        ("Жандос Маратұлы Бекенов", R.PARTICIPANT),
    ]
    batch_page = client.get(response["Location"]).content.decode()
    assert "Download them as one ZIP" in batch_page
    zipped = client.get(reverse("campaigns:letters_zip", args=[held.pk]), {"batch": str(letters[0].batch)})
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    with zipfile.ZipFile(BytesIO(b"".join(zipped.streaming_content))) as archive:
        names = archive.namelist()
        assert len(names) == 4 and all(n.endswith(".pdf") for n in names)
        assert any(KAZAKH_NAME.replace(" ", "_") in n for n in names)
        assert all(archive.read(n).startswith(b"%PDF") for n in names)
    assert AuditEvent.objects.filter(action="letter.download").count() == 1


def test_letter_form_needs_a_recipient(world, client, login_client, held):
    login_client(world["national"])
    response = client.post(
        reverse("campaigns:event_letters", args=[held.pk]), {"language": "kk", "others": "  \n"}
    )
    assert (
        response.status_code == 400 and "Choose or type at least one recipient" in response.content.decode()
    )
    assert not Letter.objects.exists()


def test_organiser_sees_and_prints_but_does_not_issue(world, client, login_client, held):
    (letter,) = issue(world, held, [(KAZAKH_NAME, R.SPEAKER)])
    login_client(world["organiser"])
    url = reverse("campaigns:event_letters", args=[held.pk])
    page = client.get(url).content.decode()
    assert letter.number in page and "Issue the letters" not in page
    assert client.post(url, {"language": "kk", "others": "Someone"}).status_code == 403
    pdf = client.get(reverse("campaigns:letter_pdf", args=[letter.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    login_client(world["almaty_organiser"])
    assert client.get(reverse("campaigns:letter_pdf", args=[letter.pk])).status_code == 404


def test_revoking_a_letter(world, client, login_client, held):
    letters = issue(world, held, [(KAZAKH_NAME, R.SPEAKER), ("Second Person", R.PARTICIPANT)])
    login_client(world["national"])
    url = reverse("campaigns:letter_revoke", args=[letters[0].pk])
    client.post(url, {"reason": ""})
    letters[0].refresh_from_db()
    assert not letters[0].is_revoked
    assert client.post(url, {"reason": "Name misspelt"}).status_code == 302
    letters[0].refresh_from_db()
    assert letters[0].is_revoked and letters[0].revoke_reason == "Name misspelt"
    assert client.get(reverse("campaigns:letter_pdf", args=[letters[0].pk])).status_code == 410
    zipped = client.get(reverse("campaigns:letters_zip", args=[held.pk]))
    with zipfile.ZipFile(BytesIO(b"".join(zipped.streaming_content))) as archive:
        assert len(archive.namelist()) == 1  # only the valid letter
    with pytest.raises(ValidationError):
        services.letter_revoke(actor=world["national"], letter=letters[0], reason="again")


# --- The public check ----------------------------------------------------------------------------------


def check(code, lang="en", client=None):
    response = (client or Client(HTTP_ACCEPT_LANGUAGE=lang)).get(f"/verify/{code}")
    return response, response.content.decode()


def test_a_genuine_letter_shows_issuer_recipient_and_date_and_nothing_else(world, held):
    (letter,) = issue(world, held, [(KAZAKH_NAME, R.SPEAKER)])
    issue(world, held, [("Another Recipient", R.PARTICIPANT)])
    response, html = check(letter.code)
    assert response.status_code == 200 and response["X-Robots-Tag"].startswith("noindex")
    assert "This letter of gratitude is genuine" in html
    assert KAZAKH_NAME in html and "Commission" in html and "24.11.2026" in html and letter.number in html
    for secret in (
        "Another Recipient",  # other letters
        held.title,  # the event
        "Demo street",  # its venue
        "contact@example.invalid",
        "Test national",  # who issued it in the system
        "Қауіпсіз отбасы",
    ):
        assert secret not in html


def test_an_unknown_code_says_so_plainly(world, held):
    issue(world, held, [(KAZAKH_NAME, R.SPEAKER)])
    response, html = check("ABCDEFGHJKLMNPQR")
    assert response.status_code == 404
    assert "No letter has this code" in html and KAZAKH_NAME not in html


def test_a_revoked_letter_says_it_was_revoked(world, held):
    (letter,) = issue(world, held, [(KAZAKH_NAME, R.SPEAKER)])
    services.letter_revoke(actor=world["national"], letter=letter, reason="Issued by mistake")
    response, html = check(letter.code)
    assert response.status_code == 200
    assert "This letter was revoked" in html and "no longer valid" in html and "genuine" not in html
    assert KAZAKH_NAME not in html and "Issued by mistake" not in html


def test_codes_typed_by_hand_are_forgiven(world, held):
    (letter,) = issue(world, held, [(KAZAKH_NAME, R.SPEAKER)])
    response, _html = check(letter.code_display.lower())
    assert response.status_code == 302 and response["Location"] == f"/verify/{letter.code}"
    response = Client().get("/verify/", {"code": f" {letter.code_display} "})
    assert response["Location"] == f"/verify/{letter.code}"
    assert Client().get("/verify/", {"code": " - "}).status_code == 400
    assert check("---")[0].status_code == 404


def test_the_check_follows_accept_language(world, held):
    (letter,) = issue(world, held, [(KAZAKH_NAME, R.SPEAKER)])
    _r, html = check(letter.code, lang="kk")
    assert '<html lang="kk">' in html and "Бұл алғыс хат шынайы" in html
    _r, html = check(letter.code, lang="ru")
    assert '<html lang="ru">' in html and "Это благодарственное письмо подлинное" in html


def test_guessing_codes_is_cut_off(world, held, settings):
    settings.QORGAU_VERIFY_MISSES = 3
    (letter,) = issue(world, held, [(KAZAKH_NAME, R.SPEAKER)])
    guesser = Client(REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="en")
    neighbour = Client(REMOTE_ADDR="203.0.113.8", HTTP_ACCEPT_LANGUAGE="en")
    for n in range(3):
        assert check(f"AAAAAAAAAAAAAAA{n + 2}", client=guesser)[0].status_code == 404
    response, html = check(letter.code, client=guesser)  # even a real code: the address must wait
    assert response.status_code == 429 and "Too many" in html and KAZAKH_NAME not in html
    assert check(letter.code, client=neighbour)[0].status_code == 200
    # The count is kept under a digest: the shared cache never holds a visitor's address.
    assert cache.get("qorgau:verify-miss:203.0.113.7") is None


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) is missing")
def test_the_printed_qr_code_is_the_verification_address(world, held, settings, tmp_path):
    """Rasterise the PDF and read every QR module back: it must be segno's code for the address."""
    settings.QORGAU_SITE_URL = "https://qorgau.example.kz"
    (letter,) = issue(world, held, [(KAZAKH_NAME, R.SPEAKER)])
    (tmp_path / "letter.pdf").write_bytes(letter_pdf(letter))
    subprocess.run(
        ["pdftoppm", "-gray", "-png", "-r", "144", "-singlefile", tmp_path / "letter.pdf", tmp_path / "page"],
        check=True,
    )
    image = Image.open(tmp_path / "page.png").convert("L")
    matrix = segno.make(f"https://qorgau.example.kz/verify/{letter.code}", error="m", micro=False).matrix
    scale = 2  # pixels per point at 144 dpi
    left, bottom, size = 72, 60, 84  # where letters.py draws the code, in points from the bottom left
    module = size / len(matrix)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            x = (left + (col + 0.5) * module) * scale
            y = image.height - (bottom + size - (row + 0.5) * module) * scale
            assert (image.getpixel((int(x), int(y))) < 128) == bool(dark), (row, col)


def test_an_agency_is_thanked_under_its_name_in_the_letters_language(world, client, login_client, held):
    agency = held.organiser
    agency.name_kk, agency.name_ru = "«Сенім» қоғамдық бірлестігі", "Общественное объединение «Сеним»"
    agency.save()
    login_client(world["national"])  # reads the page in English
    client.post(
        reverse("campaigns:event_letters", args=[held.pk]),
        {"language": "ru", "recipients": [f"organiser:{agency.pk}"]},
    )
    assert Letter.objects.get().recipient_name == "Общественное объединение «Сеним»"
