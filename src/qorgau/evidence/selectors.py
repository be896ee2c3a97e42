"""Every read of the evidence locker, through the case's one door: the case policy decides, the
section decides the item, and every read is an audit event naming the item and the case, so the
item's chain of custody is its audit events (who, when, why, from which agency)."""

import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404

from qorgau.accounts.models import Agency, User
from qorgau.cases.models import Case
from qorgau.cases.policies import CaseAccess
from qorgau.cases.selectors import case_get
from qorgau.core.audit import audit_record
from qorgau.core.models import AuditEvent
from qorgau.evidence import policies, storage
from qorgau.evidence.models import EvidenceExport, EvidenceItem, TakedownRequest, UploadLink

OBJECT_TYPE = "evidence.evidenceitem"
PREVIEW_MAX_SIDE = 1600
PREVIEWABLE = {"image/jpeg", "image/png", "image/gif", "image/webp"}


@dataclass
class ItemView:
    item: EvidenceItem
    added_by: str
    agency: str

    @property
    def id(self) -> uuid.UUID:
        return self.item.pk

    @property
    def previewable(self) -> bool:
        return self.item.content_type in PREVIEWABLE


@dataclass
class CustodyEvent:
    at: object
    action: str
    who: str
    agency: str
    purpose: str

    @property
    def action_label(self) -> str:
        from qorgau.evidence.texts import CUSTODY_ACTIONS

        return str(CUSTODY_ACTIONS.get(self.action, self.action))

    @property
    def purpose_label(self) -> str:
        from qorgau.evidence.forms import PURPOSES

        return str(dict(PURPOSES).get(self.purpose, ""))


def _load_item(case: Case, item_id) -> EvidenceItem:
    try:
        return EvidenceItem.objects.select_related("added_by", "agency").get(pk=item_id, case_id=case.pk)
    except (EvidenceItem.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def _view(item: EvidenceItem) -> ItemView:
    if item.upload_link_id:
        from django.utils.translation import gettext as _

        who = _("she sent it (upload link from %(name)s)") % {"name": item.added_by.username}
        return ItemView(item, who, item.agency.name)
    return ItemView(item, item.added_by.username, item.agency.name)


def evidence_list(*, actor: User, case_id) -> tuple[Case, CaseAccess, list[ItemView]]:
    """The items of the sections the actor sees (the case read is audited as "case.evidence")."""
    case, access = case_get(actor=actor, case_id=case_id, purpose="evidence")
    items = EvidenceItem.objects.filter(case_id=case.pk, section__in=sorted(access.sections)).select_related(
        "added_by", "agency"
    )
    return case, access, [_view(i) for i in items]


def items_in_case(*, case: Case, access: CaseAccess) -> list[ItemView]:
    """For the case page section: the case read was already audited by the case page."""
    items = EvidenceItem.objects.filter(case_id=case.pk, section__in=sorted(access.sections)).select_related(
        "added_by", "agency"
    )
    return [_view(i) for i in items]


def evidence_get(*, actor: User, case_id, item_id, purpose: str = "view", action: str = "view") -> ItemView:
    """One item if the actor sees its section (audited "evidence.<action>"), else the same 404."""
    case, access = case_get(actor=actor, case_id=case_id, purpose="evidence")
    item = _load_item(case, item_id)
    if not policies.can_see_item(access, item.section):
        audit_record(actor=actor, action="evidence.view_denied", obj=item, case_id=case.pk, purpose=purpose)
        raise Http404
    audit_record(actor=actor, action=f"evidence.{action}", obj=item, case_id=case.pk, purpose=purpose)
    return _view(item)


def _key(item: EvidenceItem) -> bytes:
    return storage.item_key(item)


def evidence_open(*, actor: User, case_id, item_id, purpose: str) -> tuple[ItemView, Iterator[bytes]]:
    """The original bytes, streamed chunk by chunk (audited "evidence.download" with its purpose).
    The first chunk is opened before anything is sent, so a damaged file is an error, not a
    half-sent download."""
    view = evidence_get(actor=actor, case_id=case_id, item_id=item_id, purpose=purpose, action="download")
    if view.item.kind != EvidenceItem.Kind.FILE:
        raise Http404
    chunks = storage.read_chunks(view.item.pk, _key(view.item))
    first = next(chunks)

    def stream():
        yield first
        yield from chunks

    return view, stream()


def evidence_preview(*, actor: User, case_id, item_id) -> bytes:
    """An image for the screen without its EXIF (location, device, time): re-encoded as PNG,
    at most PREVIEW_MAX_SIDE pixels a side. The original keeps its bytes and hash."""
    from PIL import Image, ImageOps

    view = evidence_get(actor=actor, case_id=case_id, item_id=item_id, purpose="view", action="preview")
    if not view.previewable:
        raise Http404
    data = b"".join(storage.read_chunks(view.item.pk, _key(view.item)))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)  # keep how it looks, lose the metadata
            image.thumbnail((PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE))
            clean = Image.new(image.mode if image.mode in ("RGB", "RGBA", "L") else "RGBA", image.size)
            clean.paste(image.convert(clean.mode))
            out = io.BytesIO()
            clean.save(out, format="PNG")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise Http404 from None
    return out.getvalue()


def custody(*, actor: User, case_id, item_id) -> tuple[ItemView, list[CustodyEvent]]:
    """The item's chain of custody: every event on it, oldest first (this read is one of them)."""
    view = evidence_get(actor=actor, case_id=case_id, item_id=item_id, purpose="custody")
    return view, custody_events(view.item)


def _who(username: str) -> str:
    from django.utils.translation import gettext as _

    from qorgau.evidence.services import UPLOAD_LINK_ACTOR

    return _("she, through her upload link") if username == UPLOAD_LINK_ACTOR else username


def custody_events(item: EvidenceItem) -> list[CustodyEvent]:
    events = list(
        AuditEvent.objects.filter(
            case_id=item.case_id, object_type=OBJECT_TYPE, object_id=str(item.pk)
        ).order_by("seq")
    )
    agencies = {a.pk: a.name for a in Agency.objects.filter(pk__in={e.agency_id for e in events})}
    return [
        CustodyEvent(
            at=e.at,
            action=e.action.removeprefix("evidence."),
            who=_who(e.actor_username),
            agency=agencies.get(e.agency_id, ""),
            purpose=e.purpose,
        )
        for e in events
    ]


def exports_of_case(*, case: Case) -> list[EvidenceExport]:
    return list(EvidenceExport.objects.filter(case_id=case.pk).select_related("exported_by"))


def upload_links_of_case(*, case: Case, access: CaseAccess) -> list[UploadLink]:
    """Her upload links on the sections the reader sees (the case read is audited by the caller)."""
    return list(
        UploadLink.objects.filter(case_id=case.pk, section__in=sorted(access.sections)).select_related(
            "created_by"
        )
    )


def takedowns_of_case(*, case: Case, access: CaseAccess) -> list[TakedownRequest]:
    """Requests to platforms about items in the sections the reader sees (audited by the caller)."""
    return list(
        TakedownRequest.objects.filter(
            case_id=case.pk, item__section__in=sorted(access.sections)
        ).select_related("item")
    )


def takedown_list(*, actor: User, case_id) -> tuple[Case, CaseAccess, list[TakedownRequest]]:
    case, access = case_get(actor=actor, case_id=case_id, purpose="evidence")
    return case, access, takedowns_of_case(case=case, access=access)
