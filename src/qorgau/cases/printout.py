"""The printable case summary (PDF, kk/ru/en): what the reader may see of one case, on A4 paper
with a confidentiality notice on every page.

It is built only from the `CaseDetail` the selector made (already limited by the policy) and from
the parts other apps add through `extensions.register_summary_part` (the risk level, for
instance), so the paper never shows more than the screen. `selectors.case_summary_print` reads the
case and records the export in the audit chain.
"""

from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Table, TableStyle

from qorgau.accounts.models import Agency
from qorgau.cases.models import Section
from qorgau.core.i18n import LANGUAGE_NAMES
from qorgau.core.pdf import staff_document

NOTES_PER_SECTION = 20


def _date(value, fmt="SHORT_DATE_FORMAT") -> str:
    if not value:
        return "—"
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return formats.date_format(value, fmt)


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _facts(rows, styles) -> Table:
    data = [
        [_p(label, styles["cell_bold"]), _p(value if value not in (None, "") else "—", styles["cell"])]
        for label, value in rows
    ]
    table = Table(data, colWidths=[45 * mm, None], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _grid(header, rows, styles, widths=None) -> Table:
    data = [[_p(h, styles["cell_bold"]) for h in header]]
    data += [[_p(c if c not in (None, "") else "—", styles["cell"]) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
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


def _section_label(code: str) -> str:
    return str(dict(Section.choices).get(code, code))


def _via(access) -> str:
    if access.is_holder:
        return _("Held by your agency")
    if "emergency" in access.via:
        return _("Emergency access")
    return _("Referred to your agency")


def _consent_status(consent) -> str:
    if consent.withdrawn_at:
        return f"{_('withdrawn')} {_date(consent.withdrawn_at)}"
    return _("in force") if consent.is_active() else _("expired")


def case_summary_pdf(*, detail, parts, lang: str, printed_by) -> bytes:
    """The summary in `lang`. `parts` are (heading, [(label, value)]) pairs from other apps."""
    with translation.override(lang):
        case, access = detail.case, detail.access
        now = timezone.localtime()
        header = _(
            "CONFIDENTIAL — personal data of a person at risk. Do not copy or pass on. "
            "Printed by %(who)s, %(agency)s, %(when)s."
        ) % {
            "who": printed_by.display_name,
            "agency": printed_by.agency.name if printed_by.agency else "—",
            "when": _date(now, "SHORT_DATETIME_FORMAT"),
        }
        title = _("Case summary %(number)s") % {"number": case.number}

        def story(styles):
            out = [_p(title, styles["title"])]
            out.append(
                _p(
                    _(
                        "Only what your agency may see of this case is printed. Keep this paper "
                        "locked away and destroy it when it is no longer needed."
                    ),
                    styles["small"],
                )
            )
            out.append(
                _facts(
                    [
                        (_("Status"), case.get_status_display()),
                        (_("Priority"), case.get_priority_display()),
                        (_("Opened"), _date(case.opened_at)),
                        (_("Holding agency"), case.holding_agency.name),
                        (_("Caseworker"), case.assigned_to.display_name if case.assigned_to else "—"),
                        (_("Access"), _via(access)),
                    ],
                    styles,
                )
            )
            if detail.survivor:
                p = detail.survivor
                out.append(_p(_("Her details"), styles["h2"]))
                rows = [(pgettext("person", "Name"), p.name), (_("Age"), p.age if p.age is not None else "—")]
                if p.birth_date:
                    rows.append((_("Date of birth"), _date(p.birth_date)))
                elif p.birth_year:
                    rows.append((_("Year of birth"), p.birth_year))
                if p.iin is not None:
                    rows.append((_("IIN"), p.iin))
                if p.phones is not None:
                    rows.append((_("Phone"), ", ".join(p.phones)))
                    rows.append((_("Address"), p.address))
                contact = case.get_contact_channel_display()
                if detail.contact_times:
                    contact = f"{contact} — {detail.contact_times}"
                rows.append((_("Safe contact"), contact))
                if case.preferred_language:
                    rows.append(
                        (
                            _("Preferred language"),
                            str(LANGUAGE_NAMES.get(case.preferred_language, case.preferred_language)),
                        )
                    )
                out.append(_facts(rows, styles))
            if detail.people:
                out.append(_p(_("Other people"), styles["h2"]))
                out.append(
                    _grid(
                        [_("Role"), pgettext("person", "Name"), _("Year of birth"), _("IIN")],
                        [[v.role_label, v.name, v.birth_year or "", v.iin or ""] for v in detail.people],
                        styles,
                    )
                )
            if access.sections:
                out.append(_p(_("Incidents"), styles["h2"]))
                if not detail.incidents:
                    out.append(
                        _p(
                            _("No incident recorded.")
                            if access.sees(Section.GENERAL)
                            else _("Incidents are not shared with your agency."),
                            styles["body"],
                        )
                    )
                for iv in detail.incidents:
                    i = iv.incident
                    perpetrators = "; ".join(
                        f"{rel} — {p.name}" if p and p.name else rel for rel, p in iv.perpetrators
                    )
                    out.append(
                        KeepTogether(
                            [
                                _p(
                                    f"{i.get_gbv_type_display()} — {_date(i.occurred_on)}",
                                    styles["cell_bold"],
                                ),
                                _facts(
                                    [
                                        (_("Region"), i.region.name),
                                        (_("Place"), i.get_place_display()),
                                        (_("Weapon"), i.get_weapon_display()),
                                        (_("Injuries"), i.get_injuries_display()),
                                        (_("Perpetrator"), perpetrators),
                                        (_("Context"), ", ".join(str(c) for c in iv.contexts)),
                                    ],
                                    styles,
                                ),
                            ]
                        )
                    )
            for heading, rows in parts:
                out.append(_p(heading, styles["h2"]))
                out.append(_facts(rows, styles))
            if detail.consents is not None:
                out.append(_p(_("Consent"), styles["h2"]))
                kinds = dict(Agency.Kind.choices)
                out.append(
                    _grid(
                        [_("Purpose"), _("Receiving"), _("Sections"), _("Given"), _("Status")],
                        [
                            [
                                c.get_purpose_display(),
                                c.recipient_agency.name
                                if c.recipient_agency
                                else (
                                    f"{_('every')} {kinds.get(c.recipient_kind, c.recipient_kind)}"
                                    if c.recipient_kind
                                    else ""
                                ),
                                ", ".join(_section_label(s) for s in c.sections),
                                _date(c.given_on),
                                _consent_status(c),
                            ]
                            for c in detail.consents
                        ],
                        styles,
                    )
                    if detail.consents
                    else _p(_("No consent recorded: nothing is shared outside your agency."), styles["body"])
                )
            if detail.notes:
                out.append(_p(_("Notes"), styles["h2"]))
                for section, notes in detail.notes.items():
                    out.append(_p(_section_label(section), styles["cell_bold"]))
                    if not notes:
                        out.append(_p(_("No notes in this section."), styles["small"]))
                    for note in notes[-NOTES_PER_SECTION:]:
                        who = f"{_date(note.created_at, 'SHORT_DATETIME_FORMAT')} · {note.author.display_name} ({note.agency.name})"
                        if note.is_account:
                            who = f"{_('Her account')} · {who}"
                        out.append(_p(who, styles["small"]))
                        out.append(_p(note.body, styles["body"]))
            return out

        return staff_document(title=title, header=header, lang=lang, story_for=story)
