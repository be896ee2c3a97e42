"""Downloads of a statistics page as CSV, XLSX or PDF, in the language asked for.

Every download is made from a `Release` and calls `release.verify()` (the attacker audit) before
a single byte is written: a pattern that fails gives an error, never a file. Suppressed cells are
written as a mark, never as 0 or blank. Text that a spreadsheet would read as a formula (= + - @,
tab, carriage return at the start) is written as text.
"""

import csv
import io
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from qorgau.core.pdf import register_fonts
from qorgau.stats.release import Release

SUPPRESSED = object()
MARK = "x"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    title: str
    columns: list[str]
    rows: list[list]  # each value: int, float (a share 0..1 or a mean), str, None (no figure), SUPPRESSED


def safe_text(value: str) -> str:
    """A cell of text that no spreadsheet evaluates."""
    return "'" + value if value.startswith(FORMULA_START) else value


def footnote(release: Release, made_at=None) -> list[str]:
    made_at = made_at or timezone.localtime()
    return [
        _(
            "Counted: only incidents whose survivor consented to anonymised statistics (consent in force "
            "on the day the figures were rebuilt); an incident recorded by several agencies counts once."
        ),
        _(
            "“%(mark)s”: suppressed — fewer than %(k)s, or hidden so that such a count cannot be worked out from "
            "the other figures; every suppressed figure could be at least %(p)s higher or lower. It does not mean 0."
        )
        % {"mark": MARK, "k": release.rules.k, "p": release.rules.p},
        _("No agency and no person can be identified; the region is the finest place shown."),
        _("Made on %(date)s by Qorgau.") % {"date": made_at.strftime("%d.%m.%Y %H:%M")},
    ]


def _shown(value):
    if value is SUPPRESSED:
        return MARK
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, str):
        return safe_text(value)
    return value


def to_csv(release: Release, sheets: list[Sheet]) -> bytes:
    release.verify()
    out = io.StringIO()
    writer = csv.writer(out)
    for sheet in sheets:
        writer.writerow([safe_text(sheet.title)])
        writer.writerow([safe_text(c) for c in sheet.columns])
        for row in sheet.rows:
            writer.writerow([_shown(v) for v in row])
        writer.writerow([])
    for line in footnote(release):
        writer.writerow([safe_text(line)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the mark makes Excel read UTF-8


def to_xlsx(release: Release, sheets: list[Sheet]) -> bytes:
    release.verify()
    book = Workbook()
    book.remove(book.active)
    for number, sheet in enumerate(sheets, start=1):
        title = "".join("-" if ch in "[]:*?/\\" else ch for ch in f"{number} {sheet.title}")
        page = book.create_sheet(title[:31])  # Excel's limit and forbidden characters
        page.append([sheet.title])
        page["A1"].font = Font(bold=True)
        page.append(sheet.columns)
        for cell in page[2]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            page.append([_shown(v) for v in row])
            for cell in page[page.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # typed text stays text, never a formula
        page.append([])
        for line in footnote(release):
            page.append([line])
            page.cell(page.max_row, 1).data_type = "s"
        page.column_dimensions["A"].width = 44
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf_value(value) -> str:
    shown = _shown(value)
    if isinstance(value, float):
        return f"{value:.1%}" if 0 <= value <= 1 else f"{value:.1f}"
    return str(shown)


def to_pdf(release: Release, sheets: list[Sheet], title: str) -> bytes:
    release.verify()
    regular, bold = register_fonts()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=landscape(A4), title=title, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm
    )
    heading = ParagraphStyle("h", fontName=bold, fontSize=14, leading=18, spaceAfter=6)
    subheading = ParagraphStyle("s", fontName=bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4)
    body = ParagraphStyle("b", fontName=regular, fontSize=8, leading=10)
    story = [Paragraph(title, heading)]
    for sheet in sheets:
        story.append(Paragraph(sheet.title, subheading))
        data = [[Paragraph(c, body) for c in sheet.columns]]
        data += [[Paragraph(_pdf_value(v), body) for v in row] for row in sheet.rows]
        table = PdfTable(data, repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), regular),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    story.append(Spacer(1, 6 * mm))
    for line in footnote(release):
        story.append(Paragraph(line, body))
    document.build(story)
    return out.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def render(release: Release, sheets: list[Sheet], fmt: str, title: str) -> bytes:
    if fmt == "csv":
        return to_csv(release, sheets)
    if fmt == "xlsx":
        return to_xlsx(release, sheets)
    return to_pdf(release, sheets, title)


def _v(row):
    return SUPPRESSED if row.value is None else row.value


def incident_sheets(data) -> list[Sheet]:
    count, before = _("Incidents"), _("Previous period")
    sheets = []
    pieces = ([data.by_region] if data.by_region else []) + [data.trend, *data.breakdowns, data.contexts]
    for piece in pieces:
        columns = [piece.head, count] + ([before] if piece.code != "month" else [])
        rows = []
        for row in [*piece.rows, *([piece.total] if piece.total else [])]:
            line = [row.label, _v(row)]
            if piece.code != "month":
                line.append(SUPPRESSED if row.previous is None else row.previous)
            rows.append(line)
        sheets.append(Sheet(piece.title, columns, rows))
    return sheets


def pathway_sheets(sections) -> list[Sheet]:
    sheets = []
    for section in sections:
        rows = []
        for row in section.rows:
            line = [row.label, _v(row)]
            if section.code == "referrals":
                line += [row.extra["answered"], row.extra["late"], row.extra["median"], row.extra["p90"]]
            elif section.code == "assessments":
                due = row.extra["due"]
                line += [SUPPRESSED if due is None else due, row.extra["on_time"]]
            elif section.code == "wellbeing":
                line += [row.extra["safety"], row.extra["wellbeing"]]
            elif len(section.columns) > 1:
                line.append(row.share)
            rows.append(line)
        sheets.append(Sheet(section.title, [section.head, *section.columns], rows))
    return sheets


def calibration_sheets(data) -> list[Sheet]:
    columns = [
        _("Level"),
        _("Assessments"),
        _("Followed by an outcome"),
        _("Share"),
        _("From (95%)"),
        _("To (95%)"),
    ]
    sheets = []
    for title, rows in [*data.by_version, *data.by_region]:
        lines = []
        for row in rows:
            followed = row.extra["followed"]
            lines.append(
                [
                    row.label,
                    _v(row),
                    SUPPRESSED if followed is None else followed,
                    row.share,
                    row.low,
                    row.high,
                ]
            )
        sheets.append(Sheet(title, columns, lines))
    return sheets


def file_name(page: str, fmt: str) -> str:
    return f"qorgau-{page}-{timezone.localdate():%Y%m%d}.{fmt}"


def settings_summary() -> dict:
    return {"k": settings.QORGAU_STATS_K, "p": settings.QORGAU_STATS_PROTECTION}
