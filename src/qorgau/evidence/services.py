"""Every write to the evidence locker: policy, validation, the row, the case timeline, the audit
event, in one transaction. A file arrives already sealed in staging (upload.EvidenceUploadHandler);
it is moved into place only when its row is written, and removed whenever the write is refused."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import User
from qorgau.cases.models import Case, CaseEvent, Section
from qorgau.core.audit import audit_record
from qorgau.evidence import policies, storage
from qorgau.evidence.models import EvidenceItem, TakedownRequest, UploadLink
from qorgau.evidence.upload import StagedFile

# How her link appears in the audit chain and the chain of custody (she has no account).
UPLOAD_LINK_ACTOR = "her-upload-link"


def upload_error_message(code: str) -> str:
    messages = {
        "too_large": _("The file is larger than allowed for its type."),
        "type": _("This type of file is not accepted, or its contents do not match its name."),
        "several": _("Send one file at a time."),
        "interrupted": _("The upload was interrupted. Nothing was stored."),
        "missing": _("Choose a file."),
    }
    return messages[code]


def _check_section(actor, case, section: str) -> None:
    if section not in Section.values:
        raise ValidationError({"section": _("Choose a section from the list.")})
    if not policies.can_add_evidence(actor, case, section):
        raise PermissionDenied


def _check_captured(captured_at, field: str = "captured_at"):
    if captured_at and captured_at > timezone.now():
        raise ValidationError({field: _("This time is in the future.")})


def _event(case: Case, actor, item: EvidenceItem) -> None:
    CaseEvent.objects.create(
        case=case,
        kind="evidence_added",
        actor=actor,
        agency_id=actor.agency_id,
        section=item.section,
        params={"kind": item.kind},
    )


@transaction.atomic
def evidence_file_add(
    *,
    actor: User,
    case: Case,
    section: str,
    staged: StagedFile,
    description: str = "",
    captured_at=None,
) -> EvidenceItem:
    """Record a streamed, sealed file. On any refusal the staged ciphertext is removed."""
    try:
        _check_section(actor, case, section)
        _check_captured(captured_at)
        writer = staged.writer
        item = EvidenceItem(
            id=writer.item_id,
            case=case,
            section=section,
            kind=EvidenceItem.Kind.FILE,
            description=description,
            captured_at=captured_at,
            filename=staged.name[:255],
            content_type=staged.file_type.mime,
            file_kind=staged.file_type.kind,
            size=staged.size,
            sha256=staged.sha256,
            chunk_bytes=writer.chunk_bytes,
            chunk_count=writer.chunks,
            wrapped_key=storage.key_text(writer.key),
            added_by=actor,
            agency_id=actor.agency_id,
        )
        item.full_clean(exclude=["case", "added_by", "agency"])
        item.save(force_insert=True)
        _event(case, actor, item)
        audit_record(
            actor=actor,
            action="evidence.add",
            obj=item,
            case_id=case.pk,
            detail={"kind": "file", "type": item.content_type, "size": item.size, "sha256": item.sha256},
        )
        writer.commit()
    except BaseException:
        staged.writer.abort()
        raise
    return item


@transaction.atomic
def evidence_url_add(
    *, actor: User, case: Case, section: str, url: str, observed_at, observed_by: str, description: str = ""
) -> EvidenceItem:
    _check_section(actor, case, section)
    _check_captured(observed_at, "observed_at")
    if not observed_at:
        raise ValidationError({"observed_at": _("Say when the page was seen.")})
    item = EvidenceItem(
        case=case,
        section=section,
        kind=EvidenceItem.Kind.URL,
        url=url,
        captured_at=observed_at,
        observed_by=observed_by,
        description=description,
        added_by=actor,
        agency_id=actor.agency_id,
    )
    item.full_clean(exclude=["case", "added_by", "agency"])
    item.save(force_insert=True)
    _event(case, actor, item)
    audit_record(actor=actor, action="evidence.add", obj=item, case_id=case.pk, detail={"kind": "url"})
    return item


@transaction.atomic
def evidence_message_add(
    *,
    actor: User,
    case: Case,
    section: str,
    text: str,
    sender: str = "",
    captured_at=None,
    description: str = "",
) -> EvidenceItem:
    _check_section(actor, case, section)
    _check_captured(captured_at)
    if not text.strip():
        raise ValidationError({"message_text": _("Copy the message as she showed it.")})
    item = EvidenceItem(
        case=case,
        section=section,
        kind=EvidenceItem.Kind.MESSAGE,
        message_text=text,
        message_sender=sender,
        captured_at=captured_at,
        description=description,
        added_by=actor,
        agency_id=actor.agency_id,
    )
    item.full_clean(exclude=["case", "added_by", "agency"])
    item.save(force_insert=True)
    _event(case, actor, item)
    audit_record(actor=actor, action="evidence.add", obj=item, case_id=case.pk, detail={"kind": "message"})
    return item


# --- Her own upload link -------------------------------------------------------------------------


@dataclass(frozen=True)
class HerLink:
    """Who acts when she sends a file through her link: no account, so no user. The audit event
    names the link (`upload_link` in its detail) and the agency that gave it."""

    agency_id: int
    pk: None = None
    username: str = UPLOAD_LINK_ACTOR


def upload_link_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def upload_link_create(*, actor: User, case: Case, section: str, max_files: int) -> tuple[UploadLink, str]:
    """A new link for her; returns it with its token (shown once, never stored: only its hash)."""
    _check_section(actor, case, section)
    most = settings.QORGAU_EVIDENCE_UPLOAD_LINK_MAX_FILES
    if not isinstance(max_files, int) or not 1 <= max_files <= most:
        raise ValidationError({"max_files": _("Choose between 1 and %(most)s files.") % {"most": most}})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    link = UploadLink.objects.create(
        case=case,
        section=section,
        token_sha256=upload_link_token_hash(token),
        max_files=max_files,
        expires_at=now + timedelta(hours=settings.QORGAU_EVIDENCE_UPLOAD_LINK_HOURS),
        created_by=actor,
        agency_id=actor.agency_id,
        created_at=now,
    )
    audit_record(
        actor=actor,
        action="evidence.upload_link_create",
        obj=link,
        case_id=case.pk,
        detail={"section": section, "max_files": max_files, "expires_at": link.expires_at.isoformat()},
    )
    return link, token


def _link_of_case(case: Case, link_id) -> UploadLink:
    try:
        return UploadLink.objects.select_for_update().get(pk=link_id, case_id=case.pk)
    except (UploadLink.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


@transaction.atomic
def upload_link_revoke(*, actor: User, case: Case, link_id) -> UploadLink:
    link = _link_of_case(case, link_id)
    if not policies.can_add_evidence(actor, case, link.section):
        raise Http404
    if link.revoked_at is None:
        link.revoked_at, link.revoked_by = timezone.now(), actor
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(actor=actor, action="evidence.upload_link_revoke", obj=link, case_id=case.pk)
    return link


def upload_link_find(token: str) -> UploadLink | None:
    """The link a token opens, whatever its state (None for an unknown or malformed token)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    return UploadLink.objects.filter(token_sha256=upload_link_token_hash(token)).first()


def upload_link_refused(*, link: UploadLink, reason: str) -> None:
    """An attempt through her link that stored nothing (closed link, refused file): audited on
    the case, with the reason and never the file's name."""
    with transaction.atomic():
        audit_record(
            actor=HerLink(agency_id=link.agency_id),
            action="evidence.upload_link_refused",
            obj=link,
            case_id=link.case_id,
            detail={"reason": reason, "upload_link": str(link.pk)},
        )


@transaction.atomic
def upload_link_file_add(*, link_id, staged: StagedFile) -> EvidenceItem | None:
    """Record a file she sent through her link, if the link still takes one (checked again under
    the row lock: two files racing for the last place cannot both win). Returns None, and
    removes the staged ciphertext, when it does not."""
    try:
        link = UploadLink.objects.select_for_update().select_related("case").get(pk=link_id)
        if link.state() != UploadLink.State.ACTIVE:
            staged.writer.abort()
            upload_link_refused(link=link, reason=link.state())
            return None
        writer = staged.writer
        actor = HerLink(agency_id=link.agency_id)
        item = EvidenceItem(
            id=writer.item_id,
            case_id=link.case_id,
            section=link.section,
            kind=EvidenceItem.Kind.FILE,
            description="",
            filename=staged.name[:255],
            content_type=staged.file_type.mime,
            file_kind=staged.file_type.kind,
            size=staged.size,
            sha256=staged.sha256,
            chunk_bytes=writer.chunk_bytes,
            chunk_count=writer.chunks,
            wrapped_key=storage.key_text(writer.key),
            added_by_id=link.created_by_id,
            agency_id=link.agency_id,
            upload_link=link,
        )
        item.full_clean(exclude=["case", "added_by", "agency", "upload_link"])
        item.save(force_insert=True)
        link.files_received += 1
        link.save(update_fields=["files_received"])
        CaseEvent.objects.create(
            case_id=link.case_id,
            kind="evidence_added",
            actor=None,
            agency_id=link.agency_id,
            section=item.section,
            params={"kind": item.kind, "via": "upload_link"},
        )
        audit_record(
            actor=actor,
            action="evidence.add",
            obj=item,
            case_id=link.case_id,
            detail={
                "kind": "file",
                "type": item.content_type,
                "size": item.size,
                "sha256": item.sha256,
                "upload_link": str(link.pk),
            },
        )
        writer.commit()
    except BaseException:
        staged.writer.abort()
        raise
    return item


# --- Takedown and preservation requests to platforms ---------------------------------------------


def _takedown_check(*, platform: str, ask: str, status: str, sent_on, response_on) -> None:
    from qorgau.cases.models import OnlineAccount

    errors: dict[str, str] = {}
    today = timezone.localdate()
    if platform not in OnlineAccount.Platform.values:
        errors["platform"] = _("Choose a platform from the list.")
    if ask not in TakedownRequest.Ask.values:
        errors["ask"] = _("Choose what was asked from the list.")
    if status not in TakedownRequest.Status.values:
        errors["status"] = _("Choose a status from the list.")
    if not isinstance(sent_on, date):
        errors["sent_on"] = _("Give the date the request was sent.")
    elif sent_on > today:
        errors["sent_on"] = _("This date is in the future.")
    if response_on is not None:
        if not isinstance(response_on, date) or response_on > today:
            errors["response_on"] = _("This date is in the future.")
        elif isinstance(sent_on, date) and response_on < sent_on:
            errors["response_on"] = _("The response cannot come before the request was sent.")
        elif status == TakedownRequest.Status.SENT:
            errors["response_on"] = _("A request with a response is no longer only sent: choose its status.")
    if errors:
        raise ValidationError(errors)


def _item_of_case(actor, case: Case, item_id) -> EvidenceItem:
    try:
        item = EvidenceItem.objects.get(pk=item_id, case_id=case.pk)
    except (EvidenceItem.DoesNotExist, ValueError, TypeError, ValidationError):
        raise ValidationError({"item": _("Choose an item of this case's evidence.")}) from None
    if not policies.can_add_evidence(actor, case, item.section):
        raise ValidationError({"item": _("Choose an item of this case's evidence.")})
    return item


@transaction.atomic
def takedown_add(
    *,
    actor: User,
    case: Case,
    item_id,
    platform: str,
    ask: str,
    sent_on,
    reference: str = "",
    status: str = TakedownRequest.Status.SENT,
    response_on=None,
) -> TakedownRequest:
    item = _item_of_case(actor, case, item_id)
    _takedown_check(platform=platform, ask=ask, status=status, sent_on=sent_on, response_on=response_on)
    request = TakedownRequest(
        case=case,
        item=item,
        platform=platform,
        ask=ask,
        sent_on=sent_on,
        reference=(reference or "").strip(),
        status=status,
        response_on=response_on,
        created_by=actor,
        agency_id=actor.agency_id,
    )
    request.full_clean(exclude=["case", "item", "created_by", "agency"])
    request.save(force_insert=True)
    audit_record(
        actor=actor,
        action="evidence.takedown_add",
        obj=request,
        case_id=case.pk,
        detail={"item": str(item.pk), "platform": platform, "ask": ask, "status": status},
    )
    return request


@transaction.atomic
def takedown_update(
    *, actor: User, case: Case, takedown_id, status: str, response_on=None, reference: str | None = None
) -> TakedownRequest:
    try:
        request = (
            TakedownRequest.objects.select_for_update()
            .select_related("item")
            .get(pk=takedown_id, case_id=case.pk)
        )
    except (TakedownRequest.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if not policies.can_add_evidence(actor, case, request.item.section):
        raise Http404
    _takedown_check(
        platform=request.platform,
        ask=request.ask,
        status=status,
        sent_on=request.sent_on,
        response_on=response_on,
    )
    request.status, request.response_on = status, response_on
    if reference is not None:
        request.reference = reference.strip()
    request.updated_at = timezone.now()
    request.full_clean(exclude=["case", "item", "created_by", "agency"])
    request.save()
    audit_record(
        actor=actor,
        action="evidence.takedown_update",
        obj=request,
        case_id=case.pk,
        detail={"status": status, "response_on": response_on.isoformat() if response_on else None},
    )
    return request
