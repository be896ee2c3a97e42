"""Demo campaigns: "16 Days" 2025 (held and reported, with letters), its 2026 edition (starting
25 November 2026: approved events on the public calendar, some awaiting approval) and a year-round
fathers' programme for 2026. Every name is invented. Idempotent: a campaign that exists is left alone.

Dates are fixed, not relative to today, so every run builds the same world. Reported events are in
the past of 24 November 2026 only: an event cannot be reported before it took place.
"""

import uuid
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from qorgau.accounts.demo import _staff
from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.campaigns.models import (
    Campaign,
    Event,
    EventReport,
    Letter,
    ParticipantCount,
    Partner,
    Speaker,
)
from qorgau.campaigns.policies import can_organise
from qorgau.campaigns.services import CODE_ALPHABET, CODE_LENGTH
from qorgau.core.demo import demo_random

K, S = Event.Kind, Event.Status
R = Letter.RecipientRole

# Agencies in two more regions, so the campaign reaches five (accounts.demo covers 71, 75, 35).
EXTRA_AGENCIES = {
    "ngo.shymkent": (
        Agency.Kind.NGO,
        "79",
        "«Болашақ әйелдері» қоғамдық бірлестігі (Шымкент, демо)",
        "Общественное объединение «Женщины будущего» (Шымкент, демо)",
        "Women of the Future Association (Shymkent, demo)",
    ),
    "akimat.pavlodar": (
        Agency.Kind.REGIONAL_AKIMAT,
        "55",
        "Павлодар облысының әкімдігі (демо)",
        "Акимат Павлодарской области (демо)",
        "Pavlodar Region Akimat (demo)",
    ),
}

# username, agency key, roles, first name, last name (invented)
EXTRA_STAFF = [
    ("ngo.shymkent", "ngo.shymkent", [Role.CASEWORKER], "Aruzhan", "Demo-Sarsenova"),
    ("akimat.pavlodar", "akimat.pavlodar", [Role.CAMPAIGN_COORDINATOR], "Yerlan", "Demo-Mukhanov"),
]

CAMPAIGNS = [
    {
        "code": "16D-2025",
        "name_kk": "Гендерлік зорлық-зомбылыққа қарсы белсенді әрекеттің 16 күні – 2025",
        "name_ru": "16 дней активных действий против гендерного насилия – 2025",
        "name_en": "16 Days of Activism against Gender-Based Violence 2025",
        "starts_on": date(2025, 11, 25),
        "ends_on": date(2025, 12, 10),
    },
    {
        "code": "16D-2026",
        "previous": "16D-2025",
        "name_kk": "Гендерлік зорлық-зомбылыққа қарсы белсенді әрекеттің 16 күні – 2026",
        "name_ru": "16 дней активных действий против гендерного насилия – 2026",
        "name_en": "16 Days of Activism against Gender-Based Violence 2026",
        "starts_on": date(2026, 11, 25),
        "ends_on": date(2026, 12, 10),
    },
    {
        "code": "FATHERS-2026",
        "name_kk": "Әкелер зорлық-зомбылықтың алдын алуда – 2026",
        "name_ru": "Отцы в профилактике насилия – 2026",
        "name_en": "Fathers in Violence Prevention 2026",
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31),
    },
]

# Invented people (speakers, moderators, participants). Never real persons.
PEOPLE = [
    ("Әсемгүл Жандосқызы Нұрланова", "Құқық қорғаушы, «Сенім» қоғамдық бірлестігі (демо)"),
    ("Ержан Қайратұлы Оспанбеков", "Полиция подполковнигі, ювеналдық полиция бөлімі (демо)"),
    ("Светлана Викторовна Демченко", "Психолог кризисного центра (демо)"),
    ("Мөлдір Асқарқызы Жұмабекова", "Медицина ғылымдарының кандидаты (демо)"),
    ("Нұржан Ғаниұлы Әбілқасымов", "Адвокат, заң көмегі орталығы (демо)"),
    ("Ләззат Серікқызы Мұхамедиярова", "Мектеп психологы (демо)"),
    ("Анна Сергеевна Ковалёва", "Журналист, региональное издание (демо)"),
    ("Өркен Талғатұлы Иманғалиев", "«Әкелер кеңесі» жетекшісі (демо)"),
]
MODERATORS = ["Гаухар Нұрланқызы Ысқақова", "Тимур Ерболұлы Сейітқали"]
PARTICIPANTS = ["Айжан Болатқызы Теміртасова", "Жандос Маратұлы Бекенов", "Дина Руслановна Ахметжанова"]

# One dict per event. day/hour/hours: when it starts and how long it lasts; speakers and moderator
# are indexes into PEOPLE and MODERATORS; report: (participants in total, {group: participants}).
EVENTS = [
    # --- 16D-2025 ----------------------------------------------------------------------------------
    dict(
        campaign="16D-2025",
        organiser="commission",
        region="71",
        kind=K.ROUND_TABLE,
        title="Зорлық-зомбылыққа нөлдік төзімділік: мемлекет пен қоғам бірге",
        day=date(2025, 11, 25),
        hour=10,
        hours=3,
        venue="Астана, Достық көшесі 5, конференц-зал (демо)",
        status=S.REPORTED,
        groups=["civil_servants", "civil_society", "media"],
        languages=["kk", "ru"],
        partners=[
            ("Әйелдер қауіпсіздігі жөніндегі халықаралық серіктестік", "international"),
            ("Астана әкімдігі", "state"),
        ],
        speakers=[0, 1, 4],
        moderator=0,
        report=(120, {"women": 80, "men": 40, "civil_servants": 45, "media": 12}),
    ),
    dict(
        campaign="16D-2025",
        organiser="akimat.almaty",
        region="75",
        kind=K.FLASH_MOB,
        title="Флешмоб «Молчание – не защита»",
        day=date(2025, 11, 29),
        hour=12,
        hours=2,
        venue="Алматы, площадь перед ТРЦ (демо)",
        status=S.REPORTED,
        groups=["youth", "general_public"],
        languages=["kk", "ru"],
        partners=[("Молодёжный ресурсный центр (демо)", "state")],
        report=(300, {"youth": 220, "women": 170, "men": 130}),
    ),
    dict(
        campaign="16D-2025",
        organiser="cc.karaganda",
        region="35",
        kind=K.SEMINAR,
        title="Семинар для школьных психологов: ранние признаки насилия в семье",
        day=date(2025, 12, 2),
        hour=14,
        hours=3,
        venue="Караганда, ул. Ерубаева 10, ауд. 3 (демо)",
        status=S.REPORTED,
        groups=["professionals"],
        languages=["ru"],
        partners=[("Управление образования (демо)", "state")],
        speakers=[2, 5],
        moderator=1,
        report=(45, {"professionals": 45, "women": 39}),
    ),
    dict(
        campaign="16D-2025",
        organiser="ngo.shymkent",
        region="79",
        kind=K.SPORTS_EVENT,
        title="«Зорлықсыз өмір» жүгіру марафоны",
        day=date(2025, 12, 6),
        hour=9,
        hours=3,
        venue="Шымкент, Тәуелсіздік саябағы (демо)",
        status=S.REPORTED,
        groups=["youth", "fathers", "general_public"],
        languages=["kk"],
        partners=[("Қалалық спорт басқармасы (демо)", "state")],
        report=(410, {"youth": 260, "fathers": 70}),
    ),
    dict(
        campaign="16D-2025",
        organiser="akimat.pavlodar",
        region="55",
        kind=K.EXHIBITION,
        title="Выставка плакатов «16 дней против насилия»",
        day=date(2025, 11, 25),
        hour=10,
        hours=8,
        venue="Павлодар, областная библиотека (демо)",
        status=S.REPORTED,
        groups=["general_public"],
        languages=["kk", "ru"],
        report=(650, {"general_public": 650}),
    ),
    dict(
        campaign="16D-2025",
        organiser="ngo.astana",
        region="71",
        kind=K.TRAINING,
        title="Полиция қызметкерлеріне арналған тренинг: алғашқы байланыс",
        day=date(2025, 12, 4),
        hour=10,
        hours=6,
        venue="Астана, полиция академиясы, 210 ауд. (демо)",
        status=S.REPORTED,
        public=False,
        groups=["professionals"],
        languages=["kk", "ru"],
        partners=[("Астана полиция департаменті", "state")],
        speakers=[1, 2],
        report=(28, {"professionals": 28, "men": 19, "women": 9}),
    ),
    # --- 16D-2026 ----------------------------------------------------------------------------------
    dict(
        campaign="16D-2026",
        organiser="commission",
        region="71",
        kind=K.ROUND_TABLE,
        title="Әйелдер мен балалардың қауіпсіздігі: бір терезе қағидаты",
        day=date(2026, 11, 25),
        hour=10,
        hours=3,
        venue="Астана, Достық көшесі 5, конференц-зал (демо)",
        online="https://meet.example.invalid/16d-2026",
        status=S.APPROVED,
        report=(140, {"women": 90, "men": 50, "civil_servants": 60, "media": 15}),
        groups=["civil_servants", "civil_society", "media"],
        languages=["kk", "ru", "en"],
        partners=[
            ("Әйелдер қауіпсіздігі жөніндегі халықаралық серіктестік", "international"),
            ("«Сенім» қоғамдық бірлестігі", "ngo"),
        ],
        speakers=[0, 3, 4],
        moderator=0,
    ),
    dict(
        campaign="16D-2026",
        organiser="akimat.almaty",
        region="75",
        kind=K.FLASH_MOB,
        title="Флешмоб «Молчание – не защита» – 2026",
        day=date(2026, 11, 28),
        hour=12,
        hours=2,
        venue="Алматы, площадь перед ТРЦ (демо)",
        status=S.APPROVED,
        report=(260, {"youth": 200, "women": 150, "men": 110}),
        groups=["youth", "general_public"],
        languages=["kk", "ru"],
        partners=[("Молодёжный ресурсный центр (демо)", "state")],
    ),
    dict(
        campaign="16D-2026",
        organiser="ngo.almaty",
        region="75",
        kind=K.TRAINING,
        title="Тренинг для участковых инспекторов: защитное предписание",
        day=date(2026, 11, 30),
        hour=10,
        hours=6,
        venue="Алматы, ул. Толе би 100, каб. 4 (демо)",
        status=S.APPROVED,
        public=False,
        groups=["professionals"],
        languages=["ru"],
        partners=[("Департамент полиции г. Алматы (демо)", "state")],
        speakers=[2],
    ),
    dict(
        campaign="16D-2026",
        organiser="cc.karaganda",
        region="35",
        kind=K.SEMINAR,
        title="Мектеп психологтарына арналған семинар: ерте белгілер",
        day=date(2026, 12, 2),
        hour=14,
        hours=3,
        venue="Қарағанды, Ерубаев көшесі 10, 3 ауд. (демо)",
        status=S.APPROVED,
        report=(45, {"professionals": 45, "women": 38, "men": 7}),
        groups=["professionals"],
        languages=["kk", "ru"],
        speakers=[5],
        moderator=1,
    ),
    dict(
        campaign="16D-2026",
        organiser="school.karaganda",
        region="35",
        kind=K.LECTURE,
        title="Әкелер мектебі: балаға қамқор әке",
        day=date(2026, 12, 5),
        hour=11,
        hours=2,
        venue="Қарағанды, №12 мектеп-гимназия, акт залы (демо)",
        status=S.SUBMITTED,
        groups=["fathers", "parents"],
        languages=["kk"],
        speakers=[7],
    ),
    dict(
        campaign="16D-2026",
        organiser="ngo.shymkent",
        region="79",
        kind=K.SPORTS_EVENT,
        title="«Зорлықсыз өмір» жүгіру марафоны – 2026",
        day=date(2026, 12, 6),
        hour=9,
        hours=3,
        venue="Шымкент, Тәуелсіздік саябағы (демо)",
        status=S.APPROVED,
        report=(180, {"youth": 90, "fathers": 40, "men": 120, "women": 60}),
        groups=["youth", "fathers", "general_public"],
        languages=["kk", "ru"],
        partners=[("Қалалық спорт басқармасы (демо)", "state")],
    ),
    dict(
        campaign="16D-2026",
        organiser="akimat.pavlodar",
        region="55",
        kind=K.EXHIBITION,
        title="Выставка плакатов «16 дней против насилия» – 2026",
        day=date(2026, 11, 25),
        hour=10,
        hours=8,
        venue="Павлодар, областная библиотека (демо)",
        status=S.APPROVED,
        report=(140, {"women": 90, "men": 50, "civil_servants": 60, "media": 15}),
        groups=["general_public"],
        languages=["kk", "ru"],
    ),
    dict(
        campaign="16D-2026",
        organiser="ngo.astana",
        region="71",
        kind=K.MEDIA_ACTION,
        title="#ҮндеМе: әлеуметтік желілердегі онлайн-марафон",
        day=date(2026, 11, 27),
        hour=18,
        hours=2,
        venue="",
        online="https://video.example.invalid/undeme",
        status=S.SUBMITTED,
        groups=["youth", "media"],
        languages=["kk", "ru"],
        speakers=[6],
    ),
    dict(
        campaign="16D-2026",
        organiser="police.astana",
        region="71",
        kind=K.LECTURE,
        title="Құқықтық мәдениет күні: оқушылармен кездесу",
        day=date(2026, 12, 8),
        hour=15,
        hours=1,
        venue="Астана, №45 мектеп (демо)",
        status=S.DRAFT,
        groups=["children"],
        languages=["kk"],
        speakers=[1],
    ),
    # --- FATHERS-2026 ------------------------------------------------------------------------------
    dict(
        campaign="FATHERS-2026",
        organiser="school.karaganda",
        region="35",
        kind=K.TRAINING,
        title="Әкелер клубы: ашуды басқару тренингі",
        day=date(2026, 3, 14),
        hour=10,
        hours=4,
        venue="Қарағанды, №12 мектеп-гимназия (демо)",
        status=S.REPORTED,
        groups=["fathers"],
        languages=["kk", "ru"],
        partners=[("«Әкелер кеңесі» (демо)", "ngo")],
        speakers=[7],
        report=(36, {"fathers": 36, "men": 36}),
    ),
    dict(
        campaign="FATHERS-2026",
        organiser="ngo.almaty",
        region="75",
        kind=K.CONFERENCE,
        title="Конференция «Ответственное отцовство»",
        day=date(2026, 6, 20),
        hour=10,
        hours=6,
        venue="Алматы, Дом дружбы (демо)",
        status=S.REPORTED,
        groups=["fathers", "professionals", "civil_society"],
        languages=["ru", "kk"],
        partners=[("Международное партнёрство за безопасность женщин", "international")],
        speakers=[7, 2, 4],
        moderator=1,
        report=(150, {"fathers": 90, "men": 100, "women": 50, "professionals": 30}),
    ),
    dict(
        campaign="FATHERS-2026",
        organiser="ngo.shymkent",
        region="79",
        kind=K.ROUND_TABLE,
        title="Әке және бала: отбасындағы зорлықсыз тәрбие",
        day=date(2026, 10, 10),
        hour=15,
        hours=2,
        venue="Шымкент, қалалық кітапхана (демо)",
        status=S.REPORTED,
        groups=["fathers", "parents"],
        languages=["kk"],
        speakers=[7, 5],
        moderator=0,
        report=(40, {"fathers": 31, "parents": 40}),
    ),
    dict(
        campaign="FATHERS-2026",
        organiser="fsc.astana",
        region="71",
        kind=K.LECTURE,
        title="Әкелер мектебі: желтоқсан кездесуі",
        day=date(2026, 12, 12),
        hour=11,
        hours=2,
        venue="Астана, отбасын қолдау орталығы (демо)",
        status=S.APPROVED,
        groups=["fathers"],
        languages=["kk", "ru"],
        speakers=[7],
    ),
]

KEY_MESSAGES = (
    "Зорлық-зомбылыққа нөлдік төзімділік – ортақ жауапкершілік. Көмек сұраудың жолдары: 111, 102, "
    "дағдарыс орталықтары. / Нулевая терпимость к насилию – общая ответственность."
)


def _code(rng) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _at(day: date, hour: int):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def _agencies(world) -> dict:
    agencies = dict(world["agencies"])
    for key, (kind, region, kk, ru, en) in EXTRA_AGENCIES.items():
        agencies[key], _ = Agency.objects.get_or_create(
            region_id=region, name_en=en, defaults={"kind": kind, "name_kk": kk, "name_ru": ru}
        )
    return agencies


def _approver(users, region: str, creator):
    """The regional coordinator where there is one, else the national coordinator; never the
    person who registered the event (four eyes, as policies.can_review requires)."""
    regional = {
        "71": "akimat.astana",
        "75": "akimat.almaty",
        "35": "akimat.karaganda",
        "55": "akimat.pavlodar",
    }
    user = users.get(regional.get(region, ""))
    return user if user is not None and user != creator else users["coordinator"]


def _creator(users, agency):
    """A staff member of the organising agency (every demo agency that organises has one)."""
    return next(u for u in users.values() if u.agency_id == agency.pk and can_organise(u))


def _letters(campaign, event, recipients, issued_by, rng, revoke_first=False) -> int:
    issued_at = event.ends_at + timedelta(days=1)
    seq = campaign.letter_seq
    for index, (name, role, language) in enumerate(recipients):
        seq += 1
        issuer = campaign.issuer
        letter = Letter.objects.create(
            code=_code(rng),
            campaign=campaign,
            event=event,
            seq=seq,
            number=f"{campaign.code}/{seq:05d}",
            batch=uuid.UUID(int=event.pk),  # one batch per event, the same on every run
            recipient_name=name,
            recipient_role=role,
            language=language,
            issuer_name=getattr(issuer, f"name_{language}"),
            signatory_name=campaign.signatory(language)[0],
            signatory_title=campaign.signatory(language)[1],
            campaign_name=getattr(campaign, f"name_{language}"),
            event_title=event.title,
            issued_by=issued_by,
            issued_at=issued_at,
        )
        if revoke_first and index == 0:
            letter.revoked_at, letter.revoked_by = issued_at + timedelta(days=3), issued_by
            letter.revoke_reason = "Қате жазылған есім (демо) / Ошибка в имени (демо)"
            letter.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    campaign.letter_seq = seq
    campaign.save(update_fields=["letter_seq"])
    return len(recipients)


def _event(spec: dict, campaign, agencies, users, index: int):
    """Create one event (and its report); returns it with the people to thank if it was reported."""
    organiser = agencies[spec["organiser"]]
    creator = _creator(users, organiser)
    starts = _at(spec["day"], spec["hour"])
    moderator = spec.get("moderator")
    status = spec["status"]
    if status == S.APPROVED and spec.get("report"):
        # The current edition: an event that has already taken place when the demo is built is
        # reported (with letters); one still ahead stays approved, as it would be in real life.
        ended = starts + timedelta(hours=spec["hours"])
        status = S.REPORTED if ended + timedelta(days=1) <= timezone.now() else S.APPROVED
    event = Event.objects.create(
        campaign=campaign,
        kind=spec["kind"],
        title=spec["title"],
        starts_at=starts,
        ends_at=starts + timedelta(hours=spec["hours"]),
        region_id=spec["region"],
        venue=spec["venue"],
        online_url=spec.get("online", ""),
        organiser=organiser,
        moderator=MODERATORS[moderator] if moderator is not None else "",
        target_groups=spec["groups"],
        languages=spec["languages"],
        is_public=spec.get("public", True),
        contact_name="Контактное лицо (демо)",
        contact_phone=f"+7700000{100 + index:04d}",
        contact_email=f"events{index}@demo.qorgau.invalid",
        status=status,
        created_by=creator,
    )
    Partner.objects.bulk_create([Partner(event=event, name=n, kind=k) for n, k in spec.get("partners", [])])
    speakers = spec.get("speakers", [])
    Speaker.objects.bulk_create(
        [
            Speaker(
                event=event,
                name=PEOPLE[i][0],
                affiliation=PEOPLE[i][1],
                report_title=f"Баяндама / Доклад {n + 1} (демо)",
                show_publicly=n != 1,  # the second speaker did not agree to be named publicly
            )
            for n, i in enumerate(speakers)
        ]
    )
    if status != S.DRAFT:
        event.submitted_by, event.submitted_at = creator, starts - timedelta(days=14)
    if status in (S.APPROVED, S.HELD, S.REPORTED):
        event.approved_by = _approver(users, spec["region"], creator)
        event.approved_at = starts - timedelta(days=10)
    event.save()
    if not spec.get("report") or status != S.REPORTED:
        return event, []
    total, counts = spec["report"]
    report = EventReport.objects.create(
        event=event,
        participants_total=total,
        key_messages=KEY_MESSAGES,
        recommendations="Іс-шараны жыл сайын өткізу. / Проводить ежегодно.",
        media_links=["https://news.example.invalid/qorgau-demo"],
        filed_by=creator,
        filed_at=event.ends_at + timedelta(days=1),
    )
    ParticipantCount.objects.bulk_create(
        [ParticipantCount(report=report, group=g, count=c) for g, c in counts.items()]
    )
    recipients = [(organiser.name_kk, R.ORGANISER, "kk")]
    recipients += [(PEOPLE[i][0], R.SPEAKER, "kk" if n % 2 == 0 else "ru") for n, i in enumerate(speakers)]
    if moderator is not None:
        recipients.append((MODERATORS[moderator], R.MODERATOR, "kk"))
    if spec["campaign"] == "16D-2025" and spec["organiser"] == "commission":
        recipients += [(name, R.PARTICIPANT, "ru") for name in PARTICIPANTS]
    return event, recipients


@transaction.atomic
def build(out, world: dict) -> dict:
    agencies, users = _agencies(world), dict(world["users"])
    for username, key, roles, first, last in EXTRA_STAFF:
        users[username] = _staff(username, agencies[key], roles, first, last)
    coordinator = users["coordinator"]
    rng = demo_random("campaigns")
    campaigns, made = {}, []
    for spec in CAMPAIGNS:
        spec = dict(spec)
        previous = campaigns.get(spec.pop("previous", None))
        campaign, created = Campaign.objects.get_or_create(
            code=spec["code"],
            defaults={
                **spec,
                "issuer": agencies["commission"],
                "created_by": coordinator,
                "previous": previous,
            },
        )
        campaigns[campaign.code] = campaign
        if created:
            campaign.coordinators.set(
                [coordinator, users["akimat.astana"], users["akimat.almaty"], users["akimat.karaganda"]]
            )
            made.append(campaign.code)

    events = letters = 0
    for spec in EVENTS:
        if spec["campaign"] in made:
            event, recipients = _event(spec, campaigns[spec["campaign"]], agencies, users, events)
            events += 1
            if recipients:
                issued_by = _approver(users, spec["region"], event.created_by)
                revoke_first = spec["organiser"] == "akimat.almaty"  # one revoked letter to verify
                letters += _letters(event.campaign, event, recipients, issued_by, rng, revoke_first)
    sample = Letter.objects.filter(revoked_at__isnull=True).order_by("issued_at", "seq").first()
    hint = f", check one at /verify/{sample.code}" if sample else ""
    out.write(f"campaigns: {len(made)}, events: {events}, letters: {letters}{hint}")
    return {"campaigns": campaigns, "users": users}
