"""PDF basics shared by every document Qorgau prints (reportlab).

The DejaVu fonts are vendored (core/fonts, from npm) because reportlab's built-in fonts have no
Cyrillic, let alone the Kazakh letters Ә Ғ Қ Ң Ө Ұ Ү Һ І.
"""

from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


@cache
def register_fonts() -> tuple[str, str]:
    """Register the fonts once per process; returns (regular, bold) font names."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD


def staff_document(
    *, title: str, header: str, lang: str, story_for, pagesize=None, margins_mm: float = 16
) -> bytes:
    """An A4 staff document (case summary, conference agenda or minutes): `header` (the
    confidentiality notice) and "page n" are printed on every page. `story_for(styles)` returns
    the flowables; `styles` holds "title", "h2", "body", "small" and "cell" paragraph styles in
    the vendored fonts. No creation time is written into the file (`invariant`)."""
    from io import BytesIO

    from django.utils.translation import gettext as _
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    regular, bold = register_fonts()
    pagesize = pagesize or A4
    styles = {
        "title": ParagraphStyle("title", fontName=bold, fontSize=15, leading=19, spaceAfter=4),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=12, leading=15, spaceBefore=8, spaceAfter=3),
        "body": ParagraphStyle("body", fontName=regular, fontSize=10, leading=13, spaceAfter=2),
        "small": ParagraphStyle("small", fontName=regular, fontSize=8.5, leading=11, textColor=colors.grey),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=9, leading=11.5),
        "cell_bold": ParagraphStyle("cell_bold", fontName=bold, fontSize=9, leading=11.5),
    }
    page_label = _("Page %(n)s")

    def decorate(canvas, doc):
        canvas.saveState()
        width, height = pagesize
        canvas.setFont(bold, 8.5)
        canvas.setFillColor(colors.HexColor("#8a1c1c"))
        canvas.drawString(margins_mm * mm, height - 9 * mm, header)
        canvas.setFont(regular, 8.5)
        canvas.setFillColor(colors.grey)
        canvas.drawRightString(width - margins_mm * mm, 9 * mm, page_label % {"n": doc.page})
        canvas.restoreState()

    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=margins_mm * mm,
        rightMargin=margins_mm * mm,
        topMargin=(margins_mm + 2) * mm,
        bottomMargin=(margins_mm + 2) * mm,
        title=title,
        author="",
        subject="",
        creator="Qorgau",
        lang=lang,
        invariant=True,
    )
    doc.build(story_for(styles), onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
