"""The demo world's agencies and staff: every agency type in three regions, one sign-in per role."""

import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgau.accounts.models import Agency, User, UserRole
from qorgau.accounts.roles import Role
from qorgau.core.demo import DEMO_PASSWORD, DEMO_REGIONS

K = Agency.Kind
# kind, slug, kk, ru, en name patterns ({kk}/{ru}/{en}: the region's short name)
AGENCY_PATTERNS = [
    (K.CRISIS_CENTRE, "cc", "{kk} дағдарыс орталығы", "Кризисный центр «{ru}»", "{en} Crisis Centre"),
    (
        K.FAMILY_SUPPORT_CENTRE,
        "fsc",
        "{kk} отбасын қолдау орталығы",
        "Центр поддержки семьи «{ru}»",
        "{en} Family Support Centre",
    ),
    (K.POLICE, "police", "{kk} полиция департаменті", "Департамент полиции «{ru}»", "{en} Police Department"),
    (K.PROSECUTOR, "prosecutor", "{kk} прокуратурасы", "Прокуратура «{ru}»", "{en} Prosecutor's Office"),
    (
        K.HEALTH,
        "hospital",
        "{kk} көпбейінді ауруханасы",
        "Многопрофильная больница «{ru}»",
        "{en} General Hospital",
    ),
    (
        K.LEGAL_AID,
        "legal",
        "{kk} заң көмегі орталығы",
        "Центр юридической помощи «{ru}»",
        "{en} Legal Aid Centre",
    ),
    (
        K.PSYCHOLOGICAL,
        "psych",
        "{kk} психологиялық көмек қызметі",
        "Служба психологической помощи «{ru}»",
        "{en} Psychological Service",
    ),
    (K.SHELTER, "shelter", "{kk} баспанасы", "Приют «{ru}»", "{en} Shelter"),
    (
        K.SOCIAL_SERVICES,
        "social",
        "{kk} әлеуметтік қызметтер басқармасы",
        "Управление социальных услуг «{ru}»",
        "{en} Social Services",
    ),
    (
        K.EDUCATION,
        "school",
        "{kk} №12 мектеп-гимназиясы",
        "Школа-гимназия №12 «{ru}»",
        "{en} School-Gymnasium No. 12",
    ),
    (
        K.NGO,
        "ngo",
        "«Сенім» қоғамдық бірлестігі ({kk})",
        "Общественное объединение «Сенім» ({ru})",
        "Senim Public Association ({en})",
    ),
    (K.REGIONAL_AKIMAT, "akimat", "{kk} әкімдігі", "Акимат «{ru}»", "{en} Akimat"),
]
NATIONAL = [
    (
        K.NATIONAL_COMMISSION,
        "commission",
        "Әйелдер істері жөніндегі ұлттық комиссия (демо)",
        "Национальная комиссия по делам женщин (демо)",
        "National Commission for Women's Affairs (demo)",
    ),
    (
        K.INTERNATIONAL,
        "intl",
        "Әйелдер қауіпсіздігі жөніндегі халықаралық серіктестік",
        "Международное партнёрство за безопасность женщин",
        "International Partnership for Women's Safety",
    ),
    (
        K.OPERATOR,
        "operator",
        "Qorgau платформасының операторы",
        "Оператор платформы Qorgau",
        "Qorgau Platform Operator",
    ),
]

# username suffix, agency slug, roles, first name, last name — staff names are invented.
REGIONAL_STAFF = [
    ("caseworker", "cc", [Role.CASEWORKER], "Ayana", "Demo-Serikova"),
    ("supervisor", "cc", [Role.SUPERVISOR], "Gulnar", "Demo-Amanova"),
    ("admin", "cc", [Role.AGENCY_ADMIN], "Timur", "Demo-Bekov"),
    ("ccpsych", "cc", [Role.PSYCHOLOGIST], "Dana", "Demo-Nurlanova"),
    ("fsc", "fsc", [Role.CASEWORKER], "Saule", "Demo-Karimova"),
    ("police", "police", [Role.POLICE_OFFICER], "Arman", "Demo-Tulegenov"),
    ("policesup", "police", [Role.SUPERVISOR], "Marat", "Demo-Ospanov"),
    ("prosecutor", "prosecutor", [Role.PROSECUTOR], "Aliya", "Demo-Zhumabaeva"),
    ("health", "hospital", [Role.HEALTH_WORKER], "Madina", "Demo-Ermekova"),
    ("lawyer", "legal", [Role.LAWYER], "Erlan", "Demo-Sadykov"),
    ("psychologist", "psych", [Role.PSYCHOLOGIST], "Asel", "Demo-Baimukhanova"),
    ("psychsup", "psych", [Role.SUPERVISOR], "Nurlan", "Demo-Abenov"),
    ("shelter", "shelter", [Role.SHELTER_STAFF], "Zhanar", "Demo-Kenzhebaeva"),
    ("social", "social", [Role.CASEWORKER], "Botagoz", "Demo-Ismailova"),
    ("school", "school", [Role.CASEWORKER], "Kamila", "Demo-Omarova"),
    ("ngo", "ngo", [Role.CASEWORKER], "Laura", "Demo-Sultanova"),
    ("akimat", "akimat", [Role.CAMPAIGN_COORDINATOR], "Daniyar", "Demo-Zhaksylykov"),
    ("marac", "cc", [Role.CONFERENCE_COORDINATOR], "Aizhan", "Demo-Mukanova"),
]
NATIONAL_STAFF = [
    ("analyst", "commission", [Role.ANALYST], "Aigerim", "Demo-Tokhtarova"),
    ("coordinator", "commission", [Role.CAMPAIGN_COORDINATOR], "Raushan", "Demo-Iskakova"),
    ("sysadmin", "operator", [Role.SYSTEM_ADMIN], "Bolat", "Demo-Kassymov"),
]


def demo_totp_key(username: str) -> str:
    """A fixed secret per demo user (hex), so `qorgau demo-otp` and browser tests know the code."""
    return hmac.new(b"qorgau-demo-totp", username.encode(), hashlib.sha1).hexdigest()


def demo_duty_phone(n: int) -> str:
    """A synthetic duty phone in the demo range +7 700 000 9x xx (n-th demo agency)."""
    return f"+77000009{n % 1000:03d}"


def _agency(kind, region_code, kk, ru, en, n: int = 0) -> Agency:
    agency, _ = Agency.objects.get_or_create(
        region_id=region_code,
        name_en=en,
        defaults={"kind": kind, "name_kk": kk, "name_ru": ru, "duty_phone": demo_duty_phone(n)},
    )
    return agency


def _staff(username, agency, roles, first, last) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "agency": agency,
            "first_name": first,
            "last_name": last,
            "language": "ru",
            "must_change_password": False,
            "email": f"{username}@demo.qorgau.invalid",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
        TOTPDevice.objects.create(user=user, name="demo", key=demo_totp_key(username), confirmed=True)
    return user


@transaction.atomic
def build(out, world: dict) -> dict:
    agencies: dict[str, Agency] = {}
    for code, region in DEMO_REGIONS.items():
        for kind, slug, kk, ru, en in AGENCY_PATTERNS:
            agencies[f"{slug}.{region['slug']}"] = _agency(
                kind, code, kk.format(**region), ru.format(**region), en.format(**region), len(agencies) + 1
            )
    for kind, slug, kk, ru, en in NATIONAL:
        agencies[slug] = _agency(kind, "71", kk, ru, en, len(agencies) + 1)
    users = {}
    for region in DEMO_REGIONS.values():
        for suffix, slug, roles, first, last in REGIONAL_STAFF:
            username = f"{suffix}.{region['slug']}"
            users[username] = _staff(username, agencies[f"{slug}.{region['slug']}"], roles, first, last)
    for username, slug, roles, first, last in NATIONAL_STAFF:
        users[username] = _staff(username, agencies[slug], roles, first, last)
    out.write(f"agencies: {len(agencies)}, staff: {len(users)}")
    return {"agencies": agencies, "users": users}


def assert_demo_allowed():
    if settings.PRODUCTION:
        raise SystemExit("Refused: demo data and demo codes exist only when QORGAU_ENV is demo or test.")
