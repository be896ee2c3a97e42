"""Background jobs of the portal. Messages to staff never carry anything the visitor wrote."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from qorgau.accounts.models import User
from qorgau.accounts.roles import CASE_ROLES, Role
from qorgau.portal import services
from qorgau.portal.models import ContactRequest
from qorgau.portal.policies import INBOX_AGENCY_KINDS


def _staff_of_region(region_id, roles) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            agency__region_id=region_id,
            agency__kind__in=INBOX_AGENCY_KINDS,
            agency__is_active=True,
            role_links__role__in=roles,
        )
        .exclude(email="")
        .distinct()
    )


def _mail(users, subject_text: str, body_text: str) -> int:
    link = settings.QORGAU_SITE_URL.rstrip("/") + reverse("contact_requests:inbox")
    messages = []
    for user in users:
        with override(user.language):
            messages.append((_(subject_text), _(body_text) + "\n\n" + link, None, [user.email]))
    return send_mass_mail(messages, fail_silently=True)


# Marked for translation here (gettext_noop), translated per recipient in _mail.
NEW_SUBJECT = gettext_noop("Qorgau: a new contact request is waiting")
NEW_BODY = gettext_noop(
    "A new request for contact has arrived in your region's inbox. Open Qorgau to see it."
)
LATE_SUBJECT = gettext_noop("Qorgau: contact requests are waiting too long")
LATE_BODY = gettext_noop(
    "Some requests for contact in your region have not been taken in time. Open Qorgau to see them."
)


@db_task(retries=3, retry_delay=60)
def notify_new_contact_request(request_id: str) -> int:
    item = ContactRequest.objects.filter(pk=request_id).only("region_id", "status").first()
    if item is None or item.status != ContactRequest.Status.NEW:
        return 0
    return _mail(_staff_of_region(item.region_id, CASE_ROLES), NEW_SUBJECT, NEW_BODY)


@db_periodic_task(crontab(minute="*/15"))
def escalate_contact_requests() -> int:
    escalated = services.contact_requests_escalate()
    sent = 0
    for region_id in sorted({item.region_id for item in escalated}):
        sent += _mail(_staff_of_region(region_id, [Role.SUPERVISOR]), LATE_SUBJECT, LATE_BODY)
    return sent


@db_periodic_task(crontab(hour="3", minute="20"))
def purge_contact_requests() -> int:
    return services.contact_requests_purge()
