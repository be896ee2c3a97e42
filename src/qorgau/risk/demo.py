"""Demo risk work on the demo cases: assessments at every level (some with a history, some due,
some overdue, some never assessed), safety plans, and risk conferences in every region — one held
with open and late actions, one coming, and referrals waiting for the coordinator. Everything goes
through the services (policy, timeline, audit); dates are then moved into the past, as the case
builder does. All text is invented."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from qorgau.core.demo import DEMO_REGIONS, demo_random
from qorgau.risk import services
from qorgau.risk.levels import RiskLevel
from qorgau.risk.loader import get_instrument
from qorgau.risk.models import Assessment, Conference, ConferenceAction, ConferenceReferral
from qorgau.risk.safety_plan import SafetyPlan as PlanDocument
from qorgau.risk.safety_plan import TrustedContact

# (instrument, yes answers, not known, judgement level, days ago) — oldest first; the last is current.
HISTORIES = [
    [("checklist-24", 4, 1, None, 50)],  # standard, due in 10 days
    [("checklist-24", 6, 0, None, 75)],  # standard, overdue
    [("checklist-24", 8, 0, None, 60), ("checklist-24", 11, 2, None, 12)],  # medium, due in 18 days
    [("checklist-24", 12, 0, None, 34)],  # medium, overdue
    [
        ("checklist-24", 9, 0, None, 40),
        ("checklist-24", 12, 1, None, 20),
        ("checklist-24", 15, 0, None, 5),
    ],  # high
    [("danger-screen-11", 3, 0, None, 10)],  # high danger by a deciding question, overdue
    [("checklist-24", 14, 3, RiskLevel.EXTREME, 1)],  # extreme by judgement, due in 2 days
    [("checklist-24", 10, 7, None, 6)],  # medium with too many not known
    [("danger-weighted-20", 18, 0, None, 4)],  # extreme by the weighted instrument, overdue
    [("checklist-24", 16, 0, None, 2)],  # high, fresh
]
REASONS = [
    "Демо: на прошлой неделе он купил охотничье ружьё и сказал «это для тебя» (вымышлено).",
    "Демо: ол өлтіремін деген қоқан-лоқысын әпкесіне телефонмен қайталады (ойдан құрастырылған).",
]


def _answers(instrument_id: str, yes: int, unknown: int) -> dict:
    items = get_instrument(instrument_id).items
    return {i.id: "yes" if n < yes else "unknown" if n < yes + unknown else "no" for n, i in enumerate(items)}


def _plan(rnd, n: int) -> PlanDocument:
    return PlanDocument(
        safe_places=("Апасының үйі (көрші аудан)", "Дағдарыс орталығы — тәулік бойы"),
        trusted_contacts=(
            TrustedContact("Гүлнар (құрбысы)", f"+7700000{60 + n % 30:02d}{n % 100:02d}", "код сөзін біледі"),
        ),
        code_word=rnd.choice(["Қызғалдақ", "Жұлдыз", "Ромашка"]),
        bag_items=("identity_card", "birth_certificates", "medicines"),
        emergency_bag=("Ұлының ингаляторы",),
        children=("Үлкен ұлы 102-ге қоңырау шалуды біледі",),
        digital_safety=("Телефондағы геолокация өшірілді", "Жаңа SIM-карта"),
        digital_steps=("secure_accounts", "check_spyware", "safe_device"),
        getting_help=("111 — тәулік бойы, тегін", "102 — полиция"),
    )


def _assess(case, actor, history, now):
    made = []
    for instrument_id, yes, unknown, judgement, days_ago in history:
        reason = REASONS[len(made) % 2] if judgement else ""
        assessment = services.assessment_create(
            actor=actor,
            case=case,
            instrument_id=instrument_id,
            answers=_answers(instrument_id, yes, unknown),
            judgement_level=judgement,
            judgement_reason=reason,
        )
        Assessment.objects.filter(pk=assessment.pk).update(
            assessed_at=now - timedelta(days=days_ago, hours=2)
        )
        made.append(assessment)
    return made[-1]


def _conferences(slug, users, agencies, referrals, now) -> int:
    """One held conference with follow-up, one coming; the rest of the region's referrals wait."""
    coordinator = users[f"marac.{slug}"]
    participants = [agencies[f"{k}.{slug}"] for k in ("police", "hospital", "cc", "social", "psych")]
    held = services.conference_create(
        actor=coordinator,
        scheduled_for=now + timedelta(days=1),
        place="Әкімдік, 4-бөлме",
        agencies=participants,
    )
    coming = services.conference_create(
        actor=coordinator,
        scheduled_for=now + timedelta(days=5, hours=3),
        place="Әкімдік, 4-бөлме",
        agencies=participants,
    )
    for referral in referrals[:2]:
        referral = services.agenda_add(actor=coordinator, conference=held, referral_id=referral.pk)
        advocate = (
            referral.referred_by
            if referral.referred_by.has_role("caseworker", "supervisor")
            else users[f"policesup.{slug}"]
        )  # a police-held case: the police supervisor speaks for her
        services.survivor_view_record(
            actor=advocate,
            referral=referral,
            expected_version=referral.version,
            text="Демо: она хочет, чтобы он не подходил к школе детей, и боится выходных (вымышлено).",
        )
        for user, text in (
            (
                users[f"police.{slug}"],
                "Демо: с мая два вызова на квартиру; срок защитного предписания истёк (вымышлено).",
            ),
            (users[f"health.{slug}"], "Демо: маусымда білегінің жарақаты емделді (ойдан құрастырылған)."),
        ):
            services.contribution_add(actor=user, referral=referral, body=text)
        referral.refresh_from_db()
        services.minutes_save(
            actor=coordinator,
            referral=referral,
            expected_version=referral.version,
            text="Демо: договорились о еженедельных визитах полиции, месте в приюте по её просьбе и судебно-медицинской записи (вымышлено).",
        )
        for owner, description, due, done in (
            (
                agencies[f"police.{slug}"],
                "Еженедельный визит по адресу; проверка защитного предписания",
                7,
                False,
            ),
            (agencies[f"hospital.{slug}"], "Жарақаттарды прокурор үшін сот-медициналық тіркеу", 2, True),
            (agencies[f"social.{slug}"], "Место в детском саду для младшего ребёнка", 20, False),
        ):
            action = services.action_add(
                actor=coordinator,
                referral=referral,
                description=description,
                owner_agency=owner,
                due_on=timezone.localdate(now) + timedelta(days=due),
            )
            if done:
                services.action_update(
                    actor=coordinator,
                    referral_id=action.referral_id,
                    action_id=action.pk,
                    status="done",
                    expected_version=1,
                )
    if len(referrals) > 2:
        services.agenda_add(actor=coordinator, conference=coming, referral_id=referrals[2].pk)
    # The held conference took place two weeks ago; its police action is now late.
    Conference.objects.filter(pk=held.pk).update(scheduled_for=now - timedelta(days=14))
    services.conference_mark_held(actor=coordinator, conference=held)
    ConferenceAction.objects.filter(
        referral__conference=held, owner_agency=agencies[f"police.{slug}"]
    ).update(due_on=timezone.localdate(now) - timedelta(days=4))
    ConferenceReferral.objects.filter(conference=held).update(listed_at=now - timedelta(days=16))
    return 2


@transaction.atomic
def build(out, world: dict) -> dict:
    cases = world.get("cases") or []
    users, agencies = world["users"], world["agencies"]
    if not cases or Assessment.objects.filter(case__in=cases).exists():
        out.write("already built")
        return {}
    rnd = demo_random("risk")
    now = timezone.now()
    assessed = plans = referred = 0
    for region in DEMO_REGIONS.values():
        slug = region["slug"]
        region_cases = [c for c in cases if c.holding_agency.region_id == _region_code(slug)]
        referrals = []
        for n, case in enumerate(region_cases):
            case.refresh_from_db()
            if case.status == "closed" or n % 7 == 6:
                continue  # never assessed: the dashboard and the case page ask for it
            actor = case.assigned_to
            current = _assess(case, actor, HISTORIES[n % len(HISTORIES)], now)
            assessed += 1
            if n % 3 == 0:
                services.safety_plan_save(actor=actor, case=case, expected_version=0, plan=_plan(rnd, n))
                plans += 1
            if current.level >= RiskLevel.HIGH and actor.has_role(
                "caseworker", "police_officer", "supervisor"
            ):
                # Referred three weeks ago, hours after the assessment that brought it (now overdue).
                Assessment.objects.filter(case=case).update(assessed_at=F("assessed_at") - timedelta(days=21))
                referral = services.conference_refer(actor=actor, case=case, basis="consent")
                current.refresh_from_db()
                ConferenceReferral.objects.filter(pk=referral.pk).update(
                    referred_at=current.assessed_at + timedelta(hours=3)
                )
                referral.refresh_from_db()
                referrals.append(referral)
                referred += 1
        _conferences(slug, users, agencies, referrals, now)
    out.write(f"{assessed} assessed cases, {plans} safety plans, {referred} conference referrals")
    return {}


def _region_code(slug: str) -> str:
    return next(code for code, region in DEMO_REGIONS.items() if region["slug"] == slug)
