"""What one synthetic case holds, drawn from a seeded random generator (same seed, same case).

All people are invented: names from small lists of invented family-name roots and common given
names, IINs from core.iin.make_iin, phones in +7 700 000 xx xx.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from qorgau.core.iin import make_iin

GIVEN_F = ["Айгүл", "Дана", "Мадина", "Гүлнар", "Сәуле", "Жанар", "Асель", "Алина", "Анна", "Ольга", "Dina"]
GIVEN_M = ["Ерлан", "Нұрлан", "Асқар", "Дмитрий", "Бауыржан", "Тимур", "Серік", "Marat"]
ROOTS = ["Көкжиек", "Тұмарбек", "Ақсайбай", "Шұғылбек", "Белесбай", "Құралай", "Жайсаңбек", "Тоғызбай"]
ROOTS += ["Сарыжазық", "Теректі", "Қоңырбай", "Ырысбек", "Жұлдызбай", "Ортабай", "Бірлесов", "Дөңгелек"]
PATRONYMIC_F = ["Қайратқызы", "Ерланқызы", "Сергеевна", "Маратовна", ""]
SETTLEMENTS = ["ауыл, 3-көше", "қала орталығы", "шағын аудан 5", "посёлок Лесной", "district 4"]
ACCOUNT = [
    "Ол үйде ұрды, балалар көрді.",
    "Муж угрожал ножом, забрал телефон и деньги.",
    "He locked her in the flat for two days.",
]
NOTE = [
    "Қоңырау шалдық, жағдайы тұрақты.",
    "Договорились о встрече в кризисном центре во вторник.",
    "She asked for help with documents for the children.",
]
SERVICES = [  # (service code, agency kind that gives it)
    ("medical", "health"),
    ("legal_aid", "legal_aid"),
    ("psychological", "psychological"),
    ("shelter", "shelter"),
    ("protective_order", "police"),
]
# Every state a referral can end in, with the steps that lead there (referrals.machine).
REFERRAL_PATHS = {
    "sent": [],
    "accepted": ["accept"],
    "declined": ["decline"],
    "in_progress": ["accept", "start"],
    "completed": ["accept", "start", "complete"],
    "not_attended": ["accept", "not_attended"],
    "withdrawn": ["withdraw"],
}
REFERRAL_WEIGHTS = {  # closed ones dominate: most referrals of past years are finished
    "sent": 4,
    "accepted": 4,
    "declined": 6,
    "in_progress": 6,
    "completed": 60,
    "not_attended": 10,
    "withdrawn": 10,
}
INSTRUMENTS = ["danger-screen-11", "checklist-24", "danger-weighted-20"]


@dataclass
class ReferralSpec:
    service: str
    to_kind: str
    final: str
    note: str
    at: datetime


@dataclass
class CaseSpec:
    index: int
    region: str
    opened_at: datetime
    survivor: dict
    case_fields: dict
    incident: dict
    perpetrator: tuple[str, dict]
    account: str
    referral_kinds: list[str]
    statistics: bool
    referrals: list[ReferralSpec] = field(default_factory=list)
    assessment: tuple[str, int] | None = None  # instrument, how many "yes" answers
    safety_plan: dict | None = None
    notes: list[tuple[str, str, datetime]] = field(default_factory=list)
    views: int = 0


def _iin(rng: random.Random, birth: date, sex: str) -> str:
    while True:
        iin = make_iin(birth, sex, rng.randrange(10000))
        if iin:
            return iin


def _phone(rng: random.Random) -> str:
    return f"+7700000{rng.randrange(10000):04d}"


def case_spec(seed: int, index: int, regions: list[str], start: datetime, days: int) -> CaseSpec:
    """The case number `index` of the data set `seed`; opened within `days` after `start`."""
    rng = random.Random(seed * 1_000_003 + index)
    region = regions[index % len(regions)]
    opened_at = start + timedelta(days=rng.randrange(days), seconds=rng.randrange(86400))
    opened_day = opened_at.date()
    birth = date(1960 + rng.randrange(45), 1 + rng.randrange(12), 1 + rng.randrange(28))
    root = rng.choice(ROOTS)
    survivor = {
        "family_name": f"{root}ова",
        "given_name": rng.choice(GIVEN_F),
        "patronymic": rng.choice(PATRONYMIC_F),
        "other_names": [],
        "sex": "F",
        "birth_date": birth,
        "birth_year": None,
        "iin": _iin(rng, birth, "F") if rng.random() < 0.85 else "",
        "phones": [_phone(rng)] if rng.random() < 0.9 else [],
        "address": rng.choice(SETTLEMENTS) if rng.random() < 0.6 else "",
        "region": region,
        "disability": rng.choice(["none", "none", "none", "physical", "unknown"]),
        "citizenship": "KZ",
    }
    occurred = opened_day - timedelta(days=rng.randrange(30))
    kind = rng.random()
    incident = {
        "occurred_on": occurred,
        "occurred_at_time": time(rng.randrange(24), 0) if rng.random() < 0.5 else None,
        "date_is_approximate": rng.random() < 0.1,
        "reported_on": opened_day,
        "region": region,
        "settlement": rng.choice(SETTLEMENTS),
        "place": rng.choice(["home", "home", "home", "other_home", "street", "online"]),
        "money_or_goods_exchanged": False,
        "abduction": False,
        "harmful_practice": "bride_kidnapping" if kind > 0.995 else "none",
        "children_present": rng.choice([True, False, None]),
        "weapon": rng.choice(["none", "none", "knife", "object", "unknown"]),
        "injuries": rng.choice(["none", "minor", "minor", "serious", "unknown"]),
        "q_penetration": kind < 0.05,
        "q_sexual_contact": 0.05 <= kind < 0.08,
        "q_physical_assault": 0.08 <= kind < 0.7,
        "q_forced_marriage": False,
        "q_denial": 0.7 <= kind < 0.75,
        "q_psychological": kind >= 0.6,
    }
    perp_birth = date(1955 + rng.randrange(45), 1 + rng.randrange(12), 1 + rng.randrange(28))
    perpetrator = (
        rng.choice(["current_partner", "current_partner", "former_partner", "in_law", "parent"]),
        {
            "family_name": f"{root}ов",
            "given_name": rng.choice(GIVEN_M),
            "sex": "M",
            "iin": _iin(rng, perp_birth, "M") if rng.random() < 0.4 else "",
        },
    )
    wanted = rng.sample(SERVICES, k=rng.choice([0, 1, 1, 2, 2, 3]))
    spec = CaseSpec(
        index=index,
        region=region,
        opened_at=opened_at,
        survivor=survivor,
        case_fields={
            "entry_point": rng.choice(["crisis_centre", "police", "health", "hotline_150", "ngo"]),
            "priority": rng.choice(["normal", "normal", "high", "urgent", "low"]),
            "preferred_language": rng.choice(["kk", "ru", ""]),
            "contact_channel": rng.choice(["call", "sms", "in_person"]),
            "contact_times": "10:00-12:00" if rng.random() < 0.5 else "",
            "female_staff": rng.random() < 0.3,
            "interpreter": False,
            "interpreter_language": "",
            "needs": sorted(code for code, _kind in wanted),
        },
        incident=incident,
        perpetrator=perpetrator,
        account=rng.choice(ACCOUNT),
        referral_kinds=sorted({kind for _code, kind in wanted}),
        statistics=rng.random() < 0.8,
    )
    states, weights = zip(*REFERRAL_WEIGHTS.items(), strict=True)
    for n, (code, agency_kind) in enumerate(wanted):
        spec.referrals.append(
            ReferralSpec(
                service=code,
                to_kind=agency_kind,
                final=rng.choices(states, weights)[0],
                note=rng.choice(NOTE) if rng.random() < 0.5 else "",
                at=opened_at + timedelta(hours=1 + n),
            )
        )
    if rng.random() < 0.7:
        spec.assessment = (rng.choice(INSTRUMENTS), rng.randrange(12))
    if rng.random() < 0.4:
        spec.safety_plan = {
            "safe_places": ["апасының үйі"],
            "code_word": "көктем",
            "emergency_bag": ["құжаттар", "дәрі"],
        }
    for n in range(rng.choice([0, 1, 1, 2, 3])):
        section = rng.choice(["general", "general", "psychological", "legal", "safety"])
        spec.notes.append((section, rng.choice(NOTE), opened_at + timedelta(days=1 + n)))
    spec.views = rng.choice([1, 2, 3, 4])
    return spec
