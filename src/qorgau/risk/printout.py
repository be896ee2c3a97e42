"""The risk conference on paper (PDF, kk/ru/en): the agenda to hand out before it and the minutes
after it. Built only from the `ConferenceDetail` and `AgendaItemView`s the selectors made, so a
participant's paper shows exactly what the conference page shows them: case numbers, levels and
criteria, never her name, contacts or case file."""

from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Table, TableStyle

from qorgau.core.pdf import staff_document


def _date(value, fmt="SHORT_DATE_FORMAT") -> str:
    if not value:
        return "—"
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return formats.date_format(value, fmt)


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text if text not in (None, "") else "—")).replace("\n", "<br/>"), style)


def _table(header, rows, styles, widths=None) -> Table:
    data = [[_p(h, styles["cell_bold"]) for h in header]] + [[_p(c, styles["cell"]) for c in r] for r in rows]
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


def _criteria(view) -> str:
    return ", ".join(f"{c.label} ({c.count})" if c.count else c.label for c in view.criteria)


def _level(level) -> str:
    return str(level.label) if level else "—"


def conference_pdf(*, detail, items, document: str, lang: str, printed_by) -> bytes:
    """`document` is "agenda" or "minutes"; `items` are the AgendaItemViews to print (for the
    minutes, with their contributions and actions)."""
    with translation.override(lang):
        conference = detail.conference
        when = _date(conference.scheduled_for, "SHORT_DATETIME_FORMAT")
        title = (
            _("Risk conference agenda — %(date)s")
            if document == "agenda"
            else _("Risk conference minutes — %(date)s")
        ) % {"date": when}
        header = _(
            "CONFIDENTIAL — for the participants of this risk conference only. Do not copy or pass on. "
            "Printed by %(who)s, %(when)s."
        ) % {"who": printed_by.display_name, "when": _date(timezone.localtime(), "SHORT_DATETIME_FORMAT")}

        def story(styles):
            out = [_p(title, styles["title"])]
            facts = [
                [_p(_("Region"), styles["cell_bold"]), _p(conference.region.name, styles["cell"])],
                [_p(pgettext("venue", "Place"), styles["cell_bold"]), _p(conference.place, styles["cell"])],
                [_p(_("Status"), styles["cell_bold"]), _p(conference.get_status_display(), styles["cell"])],
                [
                    _p(_("Participating agencies"), styles["cell_bold"]),
                    _p("; ".join(a.name for a in detail.agencies), styles["cell"]),
                ],
            ]
            table = Table(facts, colWidths=[45 * mm, None], hAlign="LEFT")
            table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
            out.append(table)
            out.append(_p(_("Agenda"), styles["h2"]))
            if not items:
                out.append(_p(_("No case on the agenda yet."), styles["body"]))
            elif document == "agenda":
                out.append(
                    _table(
                        ["№", _("Case"), _("Level"), _("Criteria"), _("Referred by")],
                        [
                            [
                                n,
                                v.number,
                                _level(v.level),
                                _criteria(v),
                                f"{v.referring_agency}, {_date(v.referred_at)}",
                            ]
                            for n, v in enumerate(items, start=1)
                        ],
                        styles,
                        widths=[10 * mm, 32 * mm, 22 * mm, None, 45 * mm],
                    )
                )
            else:
                for n, v in enumerate(items, start=1):
                    block = [
                        _p(f"{n}. {_('Case')} {v.number} — {_level(v.level)}", styles["h2"]),
                        _p(f"{_('Referral criteria')}: {_criteria(v) or '—'}", styles["body"]),
                        _p(_("Her view"), styles["cell_bold"]),
                        _p(v.survivor_view or _("Not recorded."), styles["body"]),
                        _p(_("Minutes"), styles["cell_bold"]),
                        _p(v.minutes or _("No minutes yet."), styles["body"]),
                    ]
                    out.append(KeepTogether(block))
                    if v.contributions:
                        out.append(_p(_("What the agencies know"), styles["cell_bold"]))
                        for c in v.contributions:
                            out.append(
                                _p(
                                    f"{c.agency.name} · {_date(c.created_at, 'SHORT_DATETIME_FORMAT')}",
                                    styles["small"],
                                )
                            )
                            out.append(_p(c.body, styles["body"]))
                    out.append(_p(_("Action plan"), styles["cell_bold"]))
                    if v.actions:
                        out.append(
                            _table(
                                [_("Action"), _("Owner agency"), _("Due"), _("Status")],
                                [
                                    [
                                        a.description,
                                        a.owner_agency.name,
                                        _date(a.due_on),
                                        a.get_status_display(),
                                    ]
                                    for a, _may in v.actions
                                ],
                                styles,
                                widths=[None, 50 * mm, 22 * mm, 25 * mm],
                            )
                        )
                    else:
                        out.append(_p(_("No action agreed yet."), styles["body"]))
            return out

        return staff_document(title=title, header=header, lang=lang, story_for=story)
