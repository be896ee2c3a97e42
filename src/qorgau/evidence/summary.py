"""The package's PDF summary for the court, in Kazakh and then Russian (one file, `summary.pdf`):
the items with their SHA-256, their chain of custody, and how to check the package with standard
tools. Drawn with the project's PDF basics (qorgau.core.pdf: DejaVu, so Kazakh letters stay
intact) from the manifest entries the export has just built, so it says nothing the manifest
does not. Its own SHA-256 is in manifest.json and SHA256SUMS."""

from xml.sax.saxutils import escape

from django.utils import formats, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Preformatted, Table, TableStyle

from qorgau.core.pdf import staff_document

LANGUAGES = ("kk", "ru")


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _when(value: str | None) -> str:
    moment = parse_datetime(value) if value else None
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT") if moment else "—"


def _table(rows, styles, widths) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]
        )
    )
    return table


def _kind(entry) -> str:
    from qorgau.evidence.models import EvidenceItem

    return str(dict(EvidenceItem.Kind.choices).get(entry["kind"], entry["kind"]))


def _part(manifest: dict, styles) -> list:
    from qorgau.evidence.texts import CUSTODY_ACTIONS

    cell, bold = styles["cell"], styles["cell_bold"]
    story = [
        _p(_("Evidence package for court"), styles["title"]),
        _p(
            _("Case %(case)s · package %(export)s")
            % {"case": manifest["case"], "export": manifest["export"]},
            styles["body"],
        ),
        _p(
            _("Exported %(when)s by %(who)s (%(agency)s).")
            % {
                "when": _when(manifest["exported_at"]),
                "who": manifest["exported_by"],
                "agency": manifest["exported_from"] or "—",
            },
            styles["body"],
        ),
        _p(_("Items"), styles["h2"]),
    ]
    rows = [[_p(h, bold) for h in ("№", _("Item"), _("Size (bytes)"), "SHA-256", _("Captured / uploaded"))]]
    for number, entry in enumerate(manifest["items"], start=1):
        digest = entry["sha256"]
        rows.append(
            [
                _p(number, cell),
                _p(f"{_kind(entry)}\n{entry['content_type']}\n{entry['path']}", cell),
                _p(entry["size"], cell),
                Paragraph(f"<font name='Courier' size='7'>{digest[:32]}<br/>{digest[32:]}</font>", cell),
                _p(f"{_when(entry['captured_at'])}\n{_when(entry['uploaded_at'])}", cell),
            ]
        )
    story.append(_table(rows, styles, [9 * mm, 50 * mm, 19 * mm, 52 * mm, 48 * mm]))
    story.append(_p(_("Chain of custody"), styles["h2"]))
    for number, entry in enumerate(manifest["items"], start=1):
        story.append(_p(_("Item %(n)s") % {"n": number}, styles["body"]))
        rows = [[_p(h, bold) for h in (_("When"), _("What"), _("Who"), _("Agency"))]]
        for event in entry["custody"]:
            action = str(CUSTODY_ACTIONS.get(event["event"], event["event"]))
            rows.append(
                [
                    _p(_when(event["at"]), cell),
                    _p(action, cell),
                    _p(event["who"], cell),
                    _p(event["agency"] or "—", cell),
                ]
            )
        story.append(_table(rows, styles, [32 * mm, 50 * mm, 45 * mm, 51 * mm]))
    story.append(_p(_("How to check this package"), styles["h2"]))
    story.append(
        _p(
            _(
                "Anyone can check the package without Qorgau. Unpack it and run the commands below: "
                "every line of the first must say OK, the second must say “Signature Verified "
                "Successfully”. Then compare signing-key.pem with the key published by the platform "
                "(SHA-256 of the public key: %(fingerprint)s)."
            )
            % {"fingerprint": manifest["signature"]["key_sha256"]},
            styles["body"],
        )
    )
    commands = (
        "sha256sum -c SHA256SUMS\n"
        "openssl pkeyutl -verify -pubin -inkey signing-key.pem -rawin \\\n"
        "    -in manifest.json -sigfile manifest.sig"
    )
    story.append(Preformatted(commands, styles["small"].clone("code", fontName="Courier", fontSize=8)))
    return story


def summary_pdf(manifest: dict) -> bytes:
    """One PDF: the Kazakh part, then the Russian part on a new page."""

    def story_for(styles):
        story = []
        for index, lang in enumerate(LANGUAGES):
            with translation.override(lang):
                if index:
                    story.append(PageBreak())
                story += _part(manifest, styles)
        return story

    with translation.override(LANGUAGES[0]):
        header = " / ".join(_confidential(lang) for lang in LANGUAGES)
        return staff_document(
            title=f"{manifest['case']} · {manifest['export']}",
            header=header,
            lang=LANGUAGES[0],
            story_for=story_for,
        )


def _confidential(lang: str) -> str:
    with translation.override(lang):
        return _("Confidential: evidence for court")
