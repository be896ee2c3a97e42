"""Demo pathway: referrals from the crisis centres in every state (some overdue), services given,
case plans waiting for approval, her ratings over time, a closure waiting for a supervisor.
Made through the real services, so shares, timelines and audit events are what they would be."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from qorgau.cases import services as case_services
from qorgau.cases.models import Case
from qorgau.core.demo import DEMO_REGIONS
from qorgau.directory.models import ServiceType
from qorgau.referrals import services
from qorgau.referrals.models import CasePlan, Referral

# (service, receiving agency slug, receiving user prefix, steps to take, overdue?)
PLAN = [
    ("police_report", "police", "police", [], True),
    ("psychological", "psych", "psychologist", ["accept"], False),
    ("legal_aid", "legal", "lawyer", ["accept", "start"], True),
    ("medical", "hospital", "health", ["accept", "complete"], False),
    ("shelter", "shelter", "shelter", ["decline"], False),
    ("police_report", "police", "police", ["withdraw"], False),
    ("psychological", "psych", "psychologist", ["accept", "not_attended"], False),
    ("legal_aid", "legal", "lawyer", [], False),
]
KIND_OF = {
    "police": "police",
    "psych": "psychological",
    "legal": "legal_aid",
    "hospital": "health",
    "shelter": "shelter",
}


@transaction.atomic
def build(out, world: dict) -> dict:
    if Referral.objects.exists():
        out.write("already built")
        return {}
    users, agencies = world["users"], world["agencies"]
    catalogue = ServiceType.objects.in_bulk()
    today = timezone.localdate()
    made = 0
    for region in DEMO_REGIONS.values():
        slug = region["slug"]
        worker = users[f"caseworker.{slug}"]
        cases = list(
            Case.objects.filter(holding_agency=agencies[f"cc.{slug}"])
            .exclude(status="closed")
            .order_by("opened_at")
        )
        for index, (code, agency_slug, user_prefix, steps, overdue) in enumerate(PLAN):
            case = cases[index % len(cases)]
            to_agency = agencies[f"{agency_slug}.{slug}"]
            kind = KIND_OF[agency_slug]
            for purpose, extra in (
                ("referral", {}),
                ("share", {"sections": catalogue[code].shares_sections}),
            ):
                case_services.consent_record(
                    actor=worker,
                    case=case,
                    data={
                        "purpose": purpose,
                        "recipient_kind": kind,
                        "method": "written",
                        "given_by": given.given_by if (given := case.consents.first()) else "survivor",
                        "guardian_name": "Гүлжан (анасы)",
                        **extra,
                    },
                )
            referral = services.referral_send(
                actor=worker,
                case=case,
                service=catalogue[code],
                to_agency=to_agency,
                note="Синтетикалық жолдама (ойдан құрастырылған).",
            )
            receiver = users[f"{user_prefix}.{slug}"]
            for step in steps:
                actor = worker if step == "withdraw" else receiver
                services.referral_step(
                    actor=actor,
                    referral_id=referral.pk,
                    expected_version=referral.version,
                    action=step,
                    reason="Демо: сегодня нет свободных мест / она переехала (вымышлено)."
                    if step in ("decline", "withdraw")
                    else "",
                    outcome="Демо: осмотрена, выдана справка (вымышлено)." if step == "complete" else "",
                )
                referral.refresh_from_db()
            if "start" in steps:
                services.service_log(
                    actor=receiver,
                    case=case,
                    service=catalogue[code],
                    delivered_on=today,
                    note="Демо: бірінші кеңес өтті (ойдан құрастырылған).",
                    referral_id=referral.pk,
                )
            if overdue:
                Referral.objects.filter(pk=referral.pk).update(
                    due_at=timezone.now() - timedelta(hours=6), sent_at=timezone.now() - timedelta(days=2)
                )
            made += 1
        # A plan waiting for approval, her ratings over time, and a closure request.
        first = cases[0]
        services.plan_action_add(
            actor=worker,
            case=first,
            goal="Қауіпсіз тұрғын үй / Safe housing",
            action="Apply for social housing with the akimat (demo)",
            agency=agencies[f"social.{slug}"],
            person=None,
            due_on=today + timedelta(days=21),
            expected_version=0,
        )
        services.plan_action_add(
            actor=worker,
            case=first,
            goal="Заң көмегі / Legal help",
            action="Prepare the protective-order request (demo)",
            agency=agencies[f"legal.{slug}"],
            expected_version=2,
            person=users[f"lawyer.{slug}"],
            due_on=today + timedelta(days=7),
        )
        services.plan_submit(
            actor=worker,
            case=first,
            expected_version=CasePlan.objects.get(case=first).version,
            next_follow_up=today + timedelta(days=14),
        )
        for moment, days_ago, safety, wellbeing in (("intake", 95, 2, 3), ("three_months", 5, 6, 5)):
            services.wellbeing_record(
                actor=worker,
                case=first,
                moment=moment,
                safety=safety,
                wellbeing=wellbeing,
                rated_on=today - timedelta(days=days_ago),
                scale_max=10,
            )
        quiet = cases[-1]
        if not quiet.referrals.filter(status__in=list(Referral.OPEN)).exists():
            case_services.case_close_request(actor=worker, case=quiet, reason="needs_met")
    out.write(f"{made} referrals")
    return {}
