"""Drawing letters of gratitude as PDF (reportlab, DejaVu for Kazakh letters) and packing them as ZIP.

The PDF is drawn from the letter's record in the letter's own language, whatever the language of
the person printing it. The QR code (segno) carries the public verification address.
"""

import re
import zipfile
from io import BytesIO

import segno
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from qorgau.campaigns.models import Letter
from qorgau.core.pdf import register_fonts

BRAND = HexColor("#5b2a86")
INK = HexColor("#1d1d24")
MUTED = HexColor("#55566a")
WIDTH, HEIGHT = A4
MARGIN = 72
TEXT_WIDTH = WIDTH - 2 * MARGIN


def verification_url(letter: Letter) -> str:
    return f"{settings.QORGAU_SITE_URL.rstrip('/')}/verify/{letter.code}"


def _thanks(letter: Letter, event_date: str) -> str:
    args = {"event": letter.event_title, "date": event_date}
    role = Letter.RecipientRole
    texts = {
        role.SPEAKER: _("We sincerely thank you for your report at the event “%(event)s” (%(date)s)."),
        role.MODERATOR: _("We sincerely thank you for moderating the event “%(event)s” (%(date)s)."),
        role.ORGANISER: _("We sincerely thank you for organising the event “%(event)s” (%(date)s)."),
        role.PARTNER: _("We sincerely thank you for your partnership in the event “%(event)s” (%(date)s)."),
        role.PARTICIPANT: _(
            "We sincerely thank you for your active participation in the event “%(event)s” (%(date)s)."
        ),
    }
    return texts[letter.recipient_role] % args


def _centred(page, lines, font, size, y, leading, colour=INK) -> float:
    page.setFont(font, size)
    page.setFillColor(colour)
    for line in lines:
        page.drawCentredString(WIDTH / 2, y, line)
        y -= leading
    return y


def _qr(page, url: str, x: float, y: float, size: float) -> None:
    """The QR code as vector rectangles, one per run of dark modules. Drawn in module units (whole
    numbers) under a scaling transform: a smaller PDF, and faster to write."""
    matrix = segno.make(url, error="m", micro=False).matrix
    count = len(matrix)
    path = page.beginPath()
    for row_index, row in enumerate(matrix):
        bottom = count - row_index - 1
        start = None
        for col, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                path.rect(start, bottom, col - start, 1)
                start = None
    page.saveState()
    page.translate(x, y)
    page.scale(size / count, size / count)
    page.setFillColor(INK)
    page.drawPath(path, stroke=0, fill=1)
    page.restoreState()


def _draw(page, letter: Letter, regular: str, bold: str) -> None:
    event_date = timezone.localtime(letter.event.starts_at).strftime("%d.%m.%Y")
    issued = timezone.localtime(letter.issued_at).strftime("%d.%m.%Y")

    page.setStrokeColor(BRAND)
    page.setLineWidth(3)
    page.rect(28, 28, WIDTH - 56, HEIGHT - 56)
    page.setLineWidth(0.8)
    page.rect(36, 36, WIDTH - 72, HEIGHT - 72)

    y = _centred(
        page, simpleSplit(letter.issuer_name, bold, 12, TEXT_WIDTH), bold, 12, HEIGHT - 96, 16, MUTED
    )
    y = _centred(page, [_("Letter of gratitude").upper()], bold, 30, min(y - 50, HEIGHT - 190), 36, BRAND)
    y = _centred(page, simpleSplit(letter.recipient_name, bold, 20, TEXT_WIDTH), bold, 20, y - 40, 26)

    body = [_thanks(letter, event_date)]
    body.append(
        _("Your contribution to the campaign “%(campaign)s” helps protect women and children from violence.")
        % {"campaign": letter.campaign_name}
    )
    y -= 24
    for paragraph in body:
        y = _centred(page, simpleSplit(paragraph, regular, 13, TEXT_WIDTH), regular, 13, y, 19) - 10

    # The signature block: title on the left, name on the right, a line to sign on between.
    sign_y = 250
    page.setFillColor(INK)
    page.setFont(regular, 11)
    for i, line in enumerate(simpleSplit(letter.signatory_title, regular, 11, 230)):
        page.drawString(MARGIN, sign_y - i * 15, line)
    page.setFont(bold, 12)
    page.drawRightString(WIDTH - MARGIN, sign_y, letter.signatory_name)
    page.setStrokeColor(MUTED)
    page.setLineWidth(0.5)
    page.line(MARGIN + 250, sign_y - 4, WIDTH - MARGIN - 130, sign_y - 4)

    url = verification_url(letter)
    _qr(page, url, MARGIN, 60, 84)
    page.setFont(regular, 9)
    page.setFillColor(MUTED)
    lines = [
        _("No. %(number)s of %(date)s") % {"number": letter.number, "date": issued},
        _("Verification code: %(code)s") % {"code": letter.code_display},
        _("Check that this letter is genuine:"),
        url,
    ]
    for i, line in enumerate(lines):
        page.drawString(MARGIN + 96, 128 - i * 13, line)


def letter_pdf(letter: Letter) -> bytes:
    regular, bold = register_fonts()
    buffer = BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    with override(letter.language):
        page.setTitle(f"{_('Letter of gratitude')} {letter.number}")
        page.setAuthor(letter.issuer_name)
        _draw(page, letter, regular, bold)
    page.showPage()
    page.save()
    return buffer.getvalue()


def file_name(letter: Letter) -> str:
    """A readable, safe file name: the number and the recipient (letters of any script kept)."""
    raw = f"{letter.number}-{letter.recipient_name}"
    return re.sub(r"[^\w.-]+", "_", raw).strip("_")[:120] + ".pdf"


def write_zip(letters, fileobj) -> None:
    """Every letter as its own PDF in one ZIP. PDFs are compressed already: stored, not deflated."""
    seen = set()
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED) as archive:
        for letter in letters:
            name = file_name(letter)
            if name in seen:  # cannot happen with unique numbers, but a ZIP must not repeat names
                name = f"{letter.pk}.pdf"
            seen.add(name)
            archive.writestr(name, letter_pdf(letter))
