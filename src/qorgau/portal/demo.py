"""Demo contact requests: waiting, overdue and taken ones in the demo regions (invented people)."""

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from qorgau.portal.models import ContactRequest

# key, region, hours ago, help, channel, contact, safe time, alias, message, taken by
REQUESTS = [
    (
        "a1",
        "71",
        2,
        ["talk", "safe_place"],
        "sms",
        "+77000000301",
        "evening",
        "Aru",
        "Text first, please.",
        None,
    ),
    ("a2", "71", 30, ["legal", "children"], "call", "+77000000302", "morning", "", "", None),  # overdue
    ("b1", "75", 5, ["medical"], "messenger", "+77000000303", "any", "Zhibek", "", None),
    (
        "c1",
        "35",
        50,
        ["police"],
        "email",
        "demo.visitor@example.invalid",
        "afternoon",
        "Demo",
        "",
        "caseworker.karaganda",
    ),
]


@transaction.atomic
def build(out, world: dict) -> dict:
    users = world["users"]
    now = timezone.now()
    made = 0
    for key, region, hours, help_needed, channel, contact, safe_time, alias, message, taker in REQUESTS:
        pk = uuid.uuid5(uuid.NAMESPACE_URL, f"qorgau-demo:contact-request:{key}")
        if ContactRequest.objects.filter(pk=pk).exists():
            continue
        item = ContactRequest(
            id=pk,
            created_at=now - timedelta(hours=hours),
            region_id=region,
            help_needed=help_needed,
            channel=channel,
            contact=contact,
            safe_time=safe_time,
            alias=alias,
            message=message,
            language="ru",
        )
        if taker:
            user = users[taker]
            item.status, item.taken_by, item.taken_agency = ContactRequest.Status.TAKEN, user, user.agency
            item.taken_at = now - timedelta(hours=hours - 1)
        item.save(force_insert=True)
        made += 1
    out.write(f"contact requests: {made} new")
    return {}
