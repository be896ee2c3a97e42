"""Reads of contact requests: only the actor's regional inbox; opening one is recorded."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
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
    waiting = ContactRequest.objects.filter(
        region_id=actor.agency.region_id, status=ContactRequest.Status.NEW
    )
    limit = timezone.now() - timedelta(hours=settings.QORGAU_CONTACT_ESCALATE_HOURS)
    return {"waiting": waiting.count(), "overdue": waiting.filter(created_at__lt=limit).count()}


def request_get(*, actor, request_id) -> ContactRequest:
    """One request of the actor's regional inbox. Anything else, missing, malformed or another
    region's, is the same 404; a refused read of a real request is audited."""
    try:
        item = ContactRequest.objects.select_related("region", "taken_by", "taken_agency").get(pk=request_id)
    except (ContactRequest.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if not can_view_request(actor, item):
        audit_record(actor=actor, action="contact_request.view_denied", obj=item)
        raise Http404
    audit_record(actor=actor, action="contact_request.view", obj=item)
    return item
