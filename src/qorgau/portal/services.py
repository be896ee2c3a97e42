"""Writes of contact requests. A visitor's request is stored first and alone in its transaction:
nothing that happens after it (notifications, a broker that is down) can lose it."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.core.audit import audit_record
from qorgau.core.models import Region
from qorgau.core.phones import PhoneError, normalize_phone
from qorgau.portal.models import ContactRequest
from qorgau.portal.policies import can_take_request

log = logging.getLogger(__name__)


def contact_clean(channel: str, contact: str) -> str:
    """Her phone (normalised) or e-mail address; the form checks it too, so every error shows at once."""
    contact = " ".join((contact or "").split())
    if not contact:
        raise ValidationError({"contact": _("Tell us where to reach you.")})
    if channel == ContactRequest.Channel.EMAIL:
        try:
            validate_email(contact)
        except ValidationError:
            raise ValidationError({"contact": _("This is not a valid e-mail address.")}) from None
        return contact
    try:
        return normalize_phone(contact)
    except PhoneError as exc:
        raise ValidationError({"contact": exc.message}) from None


def _enqueue_notification(request_id) -> None:
    """After commit; a failure here is logged and never reaches the visitor: her request is stored."""
    try:
        from qorgau.portal.tasks import notify_new_contact_request

        notify_new_contact_request(str(request_id))
    except Exception:  # any failure: the request is stored and the inbox shows it regardless
        log.exception("contact request %s stored, but the notification could not be queued", request_id)


@transaction.atomic
def contact_request_submit(
    *,
    region: Region,
    help_needed: list[str],
    channel: str,
    contact: str,
    safe_time: str = ContactRequest.SafeTime.ANY,
    may_leave_message: bool = False,
    alias: str = "",
    message: str = "",
    language: str = "kk",
) -> ContactRequest:
    """A visitor's request for contact (no actor: she is not signed in)."""
    item = ContactRequest(
        region=region,
        help_needed=[h for h in ContactRequest.Help.values if h in set(help_needed)],
        channel=channel,
        contact=contact_clean(channel, contact),
        safe_time=safe_time,
        may_leave_message=may_leave_message,
        alias=" ".join((alias or "").split()),
        message=(message or "").strip(),
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
    )
    if not item.help_needed:
        raise ValidationError({"help_needed": _("Choose at least one kind of help.")})
    item.full_clean()
    item.save(force_insert=True)
    audit_record(actor=None, action="contact_request.create", obj=item, detail={"region": region.code})
    transaction.on_commit(lambda: _enqueue_notification(item.pk))
    return item


@transaction.atomic
def contact_request_take(*, actor, item: ContactRequest) -> ContactRequest:
    """The worker takes the request: from now on it is hers/his to turn into a case."""
    locked = ContactRequest.objects.select_for_update().get(pk=item.pk)
    if locked.status != ContactRequest.Status.NEW:
        raise ValidationError(_("Someone else has already taken this request."))
    if not can_take_request(actor, locked):
        raise PermissionDenied
    locked.status = ContactRequest.Status.TAKEN
    locked.taken_at, locked.taken_by, locked.taken_agency = timezone.now(), actor, actor.agency
    locked.save(update_fields=["status", "taken_at", "taken_by", "taken_agency"])
    audit_record(actor=actor, action="contact_request.take", obj=locked)
    return locked


@transaction.atomic
def contact_requests_escalate() -> list[ContactRequest]:
    """Mark requests nobody took in time (they go to the top of the inbox and supervisors are told).

    Returns the requests escalated now; each is escalated once.
    """
    limit = timezone.now() - timedelta(hours=settings.QORGAU_CONTACT_ESCALATE_HOURS)
    due = list(
        ContactRequest.objects.select_for_update()
        .filter(status=ContactRequest.Status.NEW, escalated_at__isnull=True, created_at__lt=limit)
        .defer("alias", "contact", "message")
    )
    now = timezone.now()
    for item in due:
        item.escalated_at = now
        item.save(update_fields=["escalated_at"])
        audit_record(
            actor=None, action="contact_request.escalate", obj=item, detail={"region": item.region_id}
        )
    return due


@transaction.atomic
def contact_requests_purge() -> int:
    """Erase name, contact and message of requests taken more than N days ago: the case has them."""
    limit = timezone.now() - timedelta(days=settings.QORGAU_CONTACT_PURGE_DAYS)
    due = ContactRequest.objects.filter(
        status=ContactRequest.Status.TAKEN, taken_at__lt=limit, purged_at__isnull=True
    )
    count = due.update(alias=None, contact=None, message=None, purged_at=timezone.now())
    if count:
        audit_record(actor=None, action="contact_request.purge", detail={"count": count})
    return count
