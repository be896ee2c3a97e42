"""PDFs keep Kazakh letters intact (checked by extracting the text with pdftotext)."""

import shutil
import subprocess
from io import BytesIO

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from qorgau.core.pdf import register_fonts

KAZAKH = "Әсел Қайратқызы Ұлытау өңірі — ғ ң ө ү һ і"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed")
def test_kazakh_letters_survive_in_pdf_text():
    regular, _bold = register_fonts()
    buffer = BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont(regular, 12)
    page.drawString(72, 760, KAZAKH)
    page.save()
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=buffer.getvalue(), capture_output=True, check=True
    ).stdout.decode()
    assert KAZAKH in text
