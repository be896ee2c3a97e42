"""A realistic synthetic caseload: cases at crisis centres, police, family support centres and NGOs
of the three demo regions, over the past year. Every name is invented (surnames are built from
invented roots), every IIN is generated with the reference algorithm, every phone is in the
+7 700 000 xx xx range."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from qorgau.cases.models import Case, CaseEvent, Section
from qorgau.cases.services import case_open, emergency_grant, note_add
from qorgau.core.demo import DEMO_REGIONS, demo_random
from qorgau.core.iin import make_iin
from qorgau.core.models import Region

GIVEN_KK = [
    "Айгүл",
    "Әсел",
    "Ақбота",
    "Гүлнар",
    "Дана",
    "Жанар",
    "Мадина",
    "Назерке",
    "Сәуле",
    "Томирис",
    "Ұлжан",
    "Айжан",
    "Балнұр",
    "Меруерт",
    "Динара",
]
GIVEN_RU = ["Анна", "Ольга", "Светлана", "Татьяна", "Алина", "Наталья", "Ирина", "Юлия"]
GIVEN_MALE = ["Ерлан", "Қайрат", "Бауыржан", "Серік", "Асқар", "Дмитрий", "Сергей", "Нұрлан"]
# Invented roots (not real family names) with Kazakh-Russian endings.
ROOTS = [
    "Көкжиек",
    "Тұмарбек",
    "Ақсайбай",
    "Шұғылбек",
    "Белесбай",
    "Құралай",
    "Жайсаңбек",
    "Тоғызбай",
    "Сырғақбай",
    "Өрнекбай",
    "Қарлығаш",
    "Сазанбай",
]
PATRONYMIC_KK = ["Ерланқызы", "Серікқызы", "Асқарқызы", "Нұрланқызы"]

# (weight, type-deciding answers, perpetrator relationship)
SCENARIOS = [
    (30, {"q_physical_assault": True, "q_psychological": True}, "current_partner"),
    (12, {"q_psychological": True}, "current_partner"),
    (8, {"q_physical_assault": True}, "former_partner"),
    (8, {"q_denial": True}, "current_partner"),
    (6, {"q_penetration": True}, "acquaintance"),
    (5, {"q_sexual_contact": True}, "stranger"),
    (5, {"q_physical_assault": True}, "in_law"),
    (4, {"q_forced_marriage": True}, "other_family"),
    (3, {"q_penetration": True}, "current_partner"),
]
# (demo user who opens the case, entry point); the case is held by that user's agency.
HOLDERS = [
    ("caseworker", "crisis_centre"),
    ("caseworker", "hotline_111"),
    ("police", "police"),
    ("fsc", "crisis_centre"),
    ("ngo", "ngo"),
    ("health", "health"),
]
CASES_PER_REGION = 22


def _survivor(rnd, index: int) -> dict:
    adult = rnd.random() > 0.12
    age = rnd.randint(19, 58) if adult else rnd.randint(13, 17)
    birth = date(timezone.localdate().year - age, rnd.randint(1, 12), rnd.randint(1, 28))
    root = rnd.choice(ROOTS)
    given = rnd.choice(GIVEN_KK if rnd.random() < 0.8 else GIVEN_RU)
    iin = None
    for serial in range(9000 + index * 7, 9000 + index * 7 + 7):  # a serial range unlikely to be issued
        iin = make_iin(birth, "F", serial)
        if iin:
            break
    return {
        "family_name": f"{root}ова",
        "given_name": given,
        "patronymic": rnd.choice(PATRONYMIC_KK),
        "other_names": [],
        "sex": "F",
        "birth_date": birth if rnd.random() < 0.7 else None,
        "birth_year": birth.year,
        "iin": iin if rnd.random() < 0.75 else "",
        "phones": [f"+7700000{index:04d}"] if rnd.random() < 0.85 else [],
        "address": "",
        "region": None,
        "disability": "none" if rnd.random() < 0.9 else "physical",
        "citizenship": "KZ",
    }


def _answers(chosen: dict) -> dict:
    base = {
        k: False
        for k in (
            "q_penetration",
            "q_sexual_contact",
            "q_physical_assault",
            "q_forced_marriage",
            "q_denial",
            "q_psychological",
        )
    }
    return {**base, **chosen}


@transaction.atomic
def build(out, world: dict) -> dict:
    users, agencies = world["users"], world["agencies"]
    demo_agency_ids = [a.pk for a in agencies.values()]
    if Case.objects.filter(holding_agency_id__in=demo_agency_ids).exists():
        out.write("already built")
        return {}
    rnd = demo_random("cases")
    today = timezone.localdate()
    made: list = []
    weights = [s[0] for s in SCENARIOS]
    for region_code, region in DEMO_REGIONS.items():
        slug = region["slug"]
        region_obj = Region.objects.get(code=region_code)
        for n in range(CASES_PER_REGION):
            index = len(made) + 1
            user_prefix, entry_point = HOLDERS[n % len(HOLDERS)]
            actor = users[f"{user_prefix}.{slug}"]
            _weight, answers, relationship = rnd.choices(SCENARIOS, weights=weights)[0]
            # A few recent sexual-violence cases keep care windows open in the demo.
            days_ago = rnd.randint(1, 2) if (n == 4 and answers.get("q_penetration")) else rnd.randint(0, 360)
            if n in (4, 9):
                answers, relationship, days_ago = {"q_penetration": True}, "acquaintance", 1 + n % 2
            occurred = today - timedelta(days=days_ago + rnd.choice([0, 0, 1, 2, 5, 20, 40]))
            opened = today - timedelta(days=days_ago)
            survivor = _survivor(rnd, index)
            child = survivor["birth_year"] > today.year - 18
            consent_common: dict = {
                "method": rnd.choice(["written", "verbal"]),
                "given_by": "guardian" if child else "survivor",
                "guardian_name": "Гүлжан (анасы)" if child else "",
            }
            consents = []
            if rnd.random() < 0.9:
                consents.append({**consent_common, "purpose": "statistics"})
            for kind in rnd.sample(
                ["police", "psychological", "legal_aid", "health", "shelter"], k=rnd.randint(0, 3)
            ):
                consents.append({**consent_common, "purpose": "referral", "recipient_kind": kind})
                consents.append(
                    {
                        **consent_common,
                        "purpose": "share",
                        "recipient_kind": kind,
                        "sections": ["general", "legal" if kind in ("police", "legal_aid") else "health"],
                    }
                )
            case, _warnings = case_open(
                actor=actor,
                survivor=survivor,
                case_fields={
                    "entry_point": entry_point,
                    "priority": rnd.choice(["normal", "normal", "high", "urgent"]),
                    "contact_channel": rnd.choice(["call", "sms", "in_person"]),
                    "contact_times": rnd.choice(["", "10:00–12:00", "Тек жұмыс уақытында"]),
                    "preferred_language": rnd.choice(["kk", "ru"]),
                    "female_staff": rnd.random() < 0.4,
                },
                incident={
                    "occurred_on": min(occurred, opened),
                    "occurred_at_time": None,
                    "date_is_approximate": False,
                    "reported_on": opened,
                    "region": region_obj,
                    "settlement": "",
                    "place": "home",
                    "money_or_goods_exchanged": False,
                    "abduction": False,
                    "harmful_practice": "early_marriage"
                    if answers.get("q_forced_marriage") and child
                    else "none",
                    "children_present": rnd.random() < 0.5,
                    "weapon": rnd.choice(["none", "none", "knife", "object"]),
                    "injuries": rnd.choice(["none", "minor", "minor", "serious"]),
                    **_answers(answers),
                },
                perpetrator=(
                    relationship,
                    {
                        "family_name": f"{rnd.choice(ROOTS)}ов",
                        "given_name": rnd.choice(GIVEN_MALE),
                        "sex": "M",
                    },
                ),
                account="Синтетикалық жазба: оқиға туралы оның өз сөзі (ойдан құрастырылған).",
                consents=consents,
                assigned_to=actor,
            )
            if n % 5 == 0:
                note_add(
                    actor=actor,
                    case=case,
                    section=Section.SAFETY,
                    body="Қауіпсіздік жоспары талқыланды (синтетикалық жазба).",
                )
            status = (
                "closed"
                if days_ago > 200 and rnd.random() < 0.5
                else rnd.choice(["open", "active", "active"])
            )
            opened_at = timezone.now() - timedelta(days=days_ago, hours=rnd.randint(0, 8))
            Case.objects.filter(pk=case.pk).update(
                opened_at=opened_at,
                status=status,
                closed_at=opened_at + timedelta(days=60) if status == "closed" else None,
            )
            CaseEvent.objects.filter(case=case).update(at=opened_at)
            made.append(case)
        # One emergency grant per region, from the crisis centre to the police.
        first_cc = next(c for c in made if c.holding_agency_id == agencies[f"cc.{slug}"].pk)
        emergency_grant(
            actor=users[f"supervisor.{slug}"],
            case=first_cc,
            agency=agencies[f"police.{slug}"],
            sections=["general", "legal", "safety"],
            hours=72,
            reason="Демо: она сообщила об угрозах убийством; полиции дело нужно сегодня ночью (вымышлено).",
        )
    out.write(f"{len(made)} cases")
    return {"cases": made}
