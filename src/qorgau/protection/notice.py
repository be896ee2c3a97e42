"""The printable notice of a protective order (PDF, kk/ru/en) handed to the man it binds when it is
served: order number, issuing unit and its duty phone, dates, conditions, and what a breach means.

It names him (it is addressed to him) and never the protected person: no name, no address, no
contact of hers — he knows whom the order protects, and a paper that travels must not tell anyone
else where she lives (docs/adr/0008-legal-protection.md). The free-text conditions are printed as
the officer wrote them: the order form asks not to put an address there.

Built with the project's PDF path (`core.pdf.staff_document`, the vendored DejaVu fonts), so the
Kazakh letters survive text extraction."""

from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from qorgau.core.pdf import staff_document


def _date(value) -> str:
    if not value:
        return "—"
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text if text not in (None, "") else "—")).replace("\n", "<br/>"), style)


def order_notice_pdf(*, order, person_name: str, duty_phone: str, lang: str) -> bytes:
    """`order` is the ProtectiveOrder; `person_name` the man it binds; `duty_phone` the issuing
    unit's line in display form ("" if none)."""
    from qorgau.protection.models import Condition

    with translation.override(lang):
        title = _("Protective order No. %(number)s") % {"number": order.number}
        header = _("Protective order — notice to the person it binds")
        labels = dict(Condition.choices)
        conditions = []
        for code in order.conditions:
            label = str(labels.get(code, code))
            if code == Condition.NO_APPROACH and order.approach_metres:
                label = _("%(label)s: %(metres)s m") % {"label": label, "metres": order.approach_metres}
            conditions.append(label)

        def story(styles):
            facts = [
                (_("Order number"), order.number),
                (_("Issuing unit"), f"{order.issuing_unit} ({order.issuing_agency.name})"),
                (_("Duty phone of the unit"), duty_phone or "—"),
                (_("It binds"), person_name or "—"),
                (_("Issued at"), _date(order.issued_at)),
                (_("In force from"), _date(order.starts_at)),
                (_("In force until"), _date(order.expires_at)),
                (_("Served at"), _date(order.served_at)),
            ]
            table = Table(
                [[_p(k, styles["cell_bold"]), _p(v, styles["cell"])] for k, v in facts],
                colWidths=[55 * mm, None],
                hAlign="LEFT",
            )
            table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
            out = [
                _p(title, styles["title"]),
                table,
                _p(_("While the order is in force you must"), styles["h2"]),
            ]
            for line in conditions or [_("keep to the conditions below")]:
                out.append(_p(f"• {line}", styles["body"]))
            if order.conditions_text:
                out.append(_p(_("Further conditions"), styles["h2"]))
                out.append(_p(order.conditions_text, styles["body"]))
            out.append(_p(_("What a breach means"), styles["h2"]))
            out.append(
                _p(
                    _(
                        "Breaching a protective order is an administrative offence under article "
                        "%(article)s of the Code of Administrative Offences. The police record every "
                        "breach, and a breach is taken into account in any criminal case against you. "
                        "Contact with the protected person, even at her request, is a breach while "
                        "the order is in force."
                    )
                    % {"article": settings.QORGAU_PROTECTIVE_ORDER_BREACH_ARTICLE},
                    styles["body"],
                )
            )
            out.append(
                _p(
                    _(
                        "Questions about this order go to the issuing unit (duty phone above), never "
                        "to the protected person."
                    ),
                    styles["body"],
                )
            )
            out.append(_p(_("Received (signature, date):"), styles["h2"]))
            out.append(_p("_______________________________", styles["body"]))
            return out

        return staff_document(title=title, header=header, lang=lang, story_for=story)


def order_notice_print(*, actor, case_id, order_id, lang: str) -> bytes:
    """The notice of an issued order, for those who see whom it binds (the legal section). The read
    is audited as an export of the case (`case.export`) and of the order
    (`protective_order.export`); a draft has no notice (404)."""
    from django.core.exceptions import ValidationError
    from django.http import Http404

    from qorgau.core.audit import audit_record
    from qorgau.protection import policies, selectors
    from qorgau.protection.models import ProtectiveOrder
    from qorgau.protection.scene import _display_phone

    case, access = selectors.protection_case(actor, case_id, "export")
    if not policies.sees_bound_person(access):
        raise Http404
    try:
        order = (
            ProtectiveOrder.objects.select_related("issuing_agency", "person")
            .filter(case=case, issued_at__isnull=False)
            .get(pk=order_id)
        )
    except (ProtectiveOrder.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    audit_record(
        actor=actor,
        action="protective_order.export",
        obj=order,
        case_id=case.pk,
        purpose="export",
        detail={"document": "notice", "lang": lang},
    )
    return order_notice_pdf(
        order=order,
        person_name=order.person.full_name or "",
        duty_phone=_display_phone(order.issuing_agency.duty_phone),
        lang=lang,
    )
