"""Reads of contact requests: only the actor's regional inbox; opening one is recorded."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from qorgau.core.audit import audit_record
from qorgau.portal.models import ContactRequest
from qorgau.portal.policies import can_use_inbox, can_view_request

RECENTLY_TAKEN_DAYS = 14


def inbox(*, actor) -> QuerySet[ContactRequest]:
    """Waiting requests of the region, oldest first, then those taken in the last two weeks.

    The list shows no identifying content (and so decrypts nothing); opening one is audited.
    """
    if not can_use_inbox(actor):
        raise PermissionDenied
    since = timezone.now() - timedelta(days=RECENTLY_TAKEN_DAYS)
    return (
        ContactRequest.objects.filter(region_id=actor.agency.region_id)
        .filter(Q(status=ContactRequest.Status.NEW) | Q(taken_at__gte=since))
        .select_related("taken_by", "taken_agency")
        .defer("alias", "contact", "message")
        .order_by("status", "created_at")  # "new" sorts before "taken"
    )


def inbox_counts(*, actor) -> dict | None:
    """For the dashboard panel: waiting and overdue requests of the actor's region."""
    if not can_use_inbox(actor):
        return None
    waiting = ContactRequest.objects.filter(region_id=actor.agency.region_id, status=ContactRequest.Status.NEW)
    limit = timezone.now() - timedelta(hours=settings.QORGAU_CONTACT_ESCALATE_HOURS)
    return {"waiting": waiting.count(), "overdue": waiting.filter(created_at__lt=limit).count()}


def request_get(*, actor, request_id) -> ContactRequest:
    item = ContactRequest.objects.select_related("region", "taken_by", "taken_agency").filter(pk=request_id).first()
    if item is None or not can_view_request(actor, item):
        raise PermissionDenied
    audit_record(actor=actor, action="contact_request.view", obj=item)
    return item
