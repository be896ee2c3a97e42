"""The campaign dashboard as an XLSX workbook (openpyxl): one sheet per table, numbers as numbers."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


def _sheet(book, title: str, headers: list[str], rows) -> None:
    sheet = book.create_sheet(title[:31])  # Excel's limit for sheet names
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([value if isinstance(value, int) else str(value) for value in row])
        for cell in sheet[sheet.max_row]:
            # Text typed by organisers (partner names) is kept as text: "=..." must never become a formula.
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.column_dimensions["A"].width = 48


def dashboard_xlsx(data: dict) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = _("Summary")[:31]
    campaign = data["campaign"]
    rows = [
        (_("Campaign"), campaign.name),
        (_("Period"), f"{campaign.starts_on:%d.%m.%Y} – {campaign.ends_on:%d.%m.%Y}"),
        (_("Region"), data["region"].name if data["region"] else _("All regions")),
        (_("Events"), data["events_total"]),
        (_("Events reported"), data["events_reported"]),
        (_("Awaiting approval"), data["events_pending"]),
        (_("Regions covered"), data["regions_covered"]),
        (_("Participants reached"), data["participants_total"]),
        (_("Partner organisations"), data["partners_total"]),
    ]
    for row in rows:
        summary.append([str(row[0]), row[1]])
        summary.cell(summary.max_row, 2).data_type = "s" if isinstance(row[1], str) else "n"
    summary.column_dimensions["A"].width = 32
    summary.column_dimensions["B"].width = 60

    count = _("Events")
    _sheet(book, _("By region"), [_("Region"), count], data["by_region"])
    _sheet(
        book, _("By month") if data["by_day_is_monthly"] else _("By day"), [_("Date"), count], data["by_day"]
    )
    _sheet(book, _("By type"), [_("Type"), count], data["by_kind"])
    _sheet(book, _("Participants"), [_("Group"), _("Participants")], data["by_group"])
    _sheet(book, _("Partners"), [_("Partner organisation"), _("Kind"), count], data["partners"])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
