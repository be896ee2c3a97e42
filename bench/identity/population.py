"""A synthetic cross-script population with known truth, for the identity benchmark.

Households share a surname root, a father's name (so the children's patronymic), a phone, a
region; some have twins (same birth date, consecutive IIN serials). Each person is typed by agency
A in one script; about 70% of them again by agency B in another script — Kazakh Cyrillic,
Russian Cyrillic (soft signs, Russian endings), passport Latin or 2021 Latin — with typos,
swapped name order, missing fields, transposed IIN digits and a swapped day and month. B also
holds relatives of people in A who are not themselves in A: the pairs that must not be linked.
Names are invented from common Kazakh and Russian first names and surname roots; frequencies
follow a Zipf curve, as real names do.
"""

from __future__ import annotations

import contextlib
import random
from datetime import date, timedelta

from qorgau.core.iin import make_iin
from qorgau.core.names import to_kazakh_latin

FEMALE = [
    "Айгүл",
    "Айгерім",
    "Әсел",
    "Гүлназ",
    "Дана",
    "Жанар",
    "Динара",
    "Меруерт",
    "Назерке",
    "Салтанат",
    "Ақмарал",
    "Аружан",
    "Жансая",
    "Томирис",
    "Балнұр",
    "Гүлмира",
    "Сәуле",
    "Индира",
    "Мадина",
    "Камила",
    "Ұлжан",
    "Айжан",
    "Ботагөз",
    "Гаухар",
    "Мөлдір",
    "Нұргүл",
    "Перизат",
    "Раушан",
    "Шолпан",
    "Әйгерім",
    "Мария",
    "Анна",
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Юлия",
]
MALE = [
    "Ерлан",
    "Қайрат",
    "Нұрлан",
    "Асхат",
    "Бауыржан",
    "Серік",
    "Ержан",
    "Дәурен",
    "Арман",
    "Айдос",
    "Бекзат",
    "Дархан",
    "Ерболат",
    "Жандос",
    "Марат",
    "Нұрсұлтан",
    "Талғат",
    "Ғалым",
    "Санжар",
    "Әділ",
    "Ербол",
    "Мұрат",
    "Жасұлан",
    "Ислам",
    "Иван",
    "Сергей",
    "Алексей",
    "Андрей",
]
ROOTS = [
    "Жандос",
    "Сейіт",
    "Омар",
    "Тұрсын",
    "Әбіл",
    "Қасым",
    "Нұрмағанбет",
    "Сәрсенбай",
    "Ахмет",
    "Байжан",
    "Тоқтар",
    "Есім",
    "Қожахмет",
    "Мұхамед",
    "Әлімжан",
    "Жұмабай",
    "Сұлтан",
    "Темір",
    "Оспан",
    "Исабек",
    "Құрман",
    "Ділдабек",
    "Өтеген",
    "Бекмұхамед",
    "Шәкен",
    "Серікбай",
    "Әбдірахман",
    "Қали",
    "Мәмбет",
    "Рахым",
    "Ибрагим",
    "Төлеген",
    "Жақсылық",
    "Бекет",
    "Ерғали",
    "Нұрбек",
    "Қуаныш",
    "Сыздық",
    "Дүйсен",
    "Әміржан",
    "Болат",
    "Қанат",
    "Смағұл",
    "Жексен",
    "Ақан",
    "Баймұхан",
    "Тілеу",
    "Асқар",
    "Ғабит",
    "Кенже",
]

RUSSIAN = str.maketrans({"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "і": "и", "һ": "х",
                         "Ә": "А", "Ғ": "Г", "Қ": "К", "Ң": "Н", "Ө": "О", "Ұ": "У", "Ү": "У", "І": "И", "Һ": "Х"})  # fmt: skip
PASSPORT = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "і": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n", "ң": "n",
    "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f",
    "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip


def zipf(rng: random.Random, items: list, s: float = 1.0):
    weights = [1 / (i + 1) ** s for i in range(len(items))]
    return rng.choices(items, weights)[0]


def passport(text: str) -> str:
    out = []
    for i, ch in enumerate(text):
        low = ch.lower()
        latin = PASSPORT.get(low, low)
        if low == "е" and (i == 0 or text[i - 1].lower() in "аәеиоөұүуыіэюя"):
            latin = "ye"
        out.append(latin)
    return "".join(out).upper()


def russian(text: str, rng: random.Random) -> str:
    text = text.translate(RUSSIAN)
    if text.endswith("л") and rng.random() < 0.6:
        text += "ь"  # Айгүл -> Айгуль
    return text


def render(name: str, script: str, rng: random.Random) -> str:
    if not name:
        return ""
    if script == "ru":
        return russian(name, rng)
    if script == "passport":
        return passport(name)
    if script == "latin2021":
        return to_kazakh_latin(name)
    return name


def typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.35:
        return text[:i] + text[i + 1 :]
    if kind < 0.7:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice("аеиоунрлтсбдкмAEIOUNRLTSBDKM") + text[i + 1 :]


def _person(rng, *, sex, root, father, born, serial, phone, region):
    given = zipf(rng, FEMALE if sex == "F" else MALE, 0.9)
    surname = root + ("ова" if sex == "F" else "ов")
    patronymic = father + ("қызы" if sex == "F" else "ұлы")
    return {
        "given": given, "surname": surname, "patronymic": patronymic, "father": father,
        "born": born, "sex": sex, "iin": make_iin(born, sex, serial % 10000) or "", "phone": phone, "region": region,
    }  # fmt: skip


def households(rng: random.Random, n: int) -> list[list[dict]]:
    out = []
    serial = 1
    for h in range(n):
        root = zipf(rng, ROOTS, 0.8)
        father = zipf(rng, MALE, 0.9)
        grandfather = zipf(rng, MALE, 0.9)
        phone = f"7700{rng.randrange(10**7):07d}"
        region = str(
            rng.choice([10, 11, 15, 19, 23, 27, 31, 33, 35, 39, 43, 47, 55, 59, 61, 62, 63, 71, 75, 79])
        )
        mother_born = date(1955, 1, 1) + timedelta(days=rng.randrange(365 * 30))
        members = [
            _person(
                rng,
                sex="F",
                root=zipf(rng, ROOTS, 0.8),
                father=grandfather,
                born=mother_born,
                serial=serial,
                phone=phone,
                region=region,
            )
        ]
        serial += 1
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            born = mother_born + timedelta(days=rng.randrange(365 * 18, 365 * 35))
            born = min(born, date(2020, 12, 31))
            twins = rng.random() < 0.08
            for _t in range(2 if twins else 1):
                sex = "F" if rng.random() < 0.7 else "M"
                members.append(
                    _person(
                        rng,
                        sex=sex,
                        root=root,
                        father=father,
                        born=born,
                        serial=serial,
                        phone=phone,
                        region=region,
                    )
                )
                serial += 1
        out.append(members)
        del h
    return out


def typed(person: dict, script: str, rng: random.Random, *, noisy: bool) -> dict:
    given, surname, patronymic = person["given"], person["surname"], person["patronymic"]
    if script == "ru" and rng.random() < 0.7:
        patronymic = person["father"] + ("овна" if person["sex"] == "F" else "ович")
    given, surname, patronymic = (render(x, script, rng) for x in (given, surname, patronymic))
    born, iin, phone = person["born"], person["iin"], person["phone"]
    if noisy:
        if rng.random() < 0.08:
            given = typo(given, rng)
        if rng.random() < 0.08:
            surname = typo(surname, rng)
        if rng.random() < 0.15:
            surname = (
                surname[: -1 if person["sex"] == "M" else -2] if rng.random() < 0.5 else surname
            )  # ending
        if rng.random() < 0.3:
            patronymic = ""
        if rng.random() < 0.03:
            given, surname = surname, given
        if rng.random() < 0.35:
            iin = ""
        elif iin and rng.random() < 0.06:
            i = rng.randrange(11)
            iin = iin[:i] + iin[i + 1] + iin[i] + iin[i + 2 :]
        if rng.random() < 0.4:
            phone = ""
        roll = rng.random()
        if roll < 0.03 and born.day <= 12:
            born = date(born.year, born.day, born.month)
        elif roll < 0.06:
            text = born.strftime("%Y%m%d")
            i = rng.choice([3, 5, 7])
            candidate = text[:i] + str((int(text[i]) + 1) % 10) + text[i + 1 :]
            with contextlib.suppress(ValueError):
                born = date(int(candidate[:4]), int(candidate[4:6]), int(candidate[6:]))
        elif roll < 0.12:
            born = None
    return {
        "given_name": given, "surname": surname, "patronymic": patronymic,
        "birth_date": born.isoformat() if born else "", "sex": person["sex"] if rng.random() > 0.1 else "",
        "iin": iin, "phone": phone, "region_code": person["region"] if rng.random() > 0.2 else "",
    }  # fmt: skip


def population(seed: int, households_count: int = 2000) -> tuple[list[dict], list[dict], set]:
    """Files A and B as lists of rows (the CSV contract's columns) and the true pairs."""
    rng = random.Random(seed)
    a_rows, b_rows, truth = [], [], set()
    scripts = ["kk", "ru", "passport", "latin2021"]
    n = 0
    for members in households(rng, households_count):
        for person in members:
            n += 1
            in_a, in_b = rng.random() < 0.8, rng.random() < 0.7
            if not (in_a or in_b):
                in_a = True
            script_a = rng.choice(["kk", "ru"])
            script_b = rng.choice([s for s in scripts if s != script_a])
            if in_a:
                a_rows.append({"record_id": f"a{n}", **typed(person, script_a, rng, noisy=False)})
            if in_b:
                b_rows.append({"record_id": f"b{n}", **typed(person, script_b, rng, noisy=True)})
            if in_a and in_b:
                truth.add((f"a{n}", f"b{n}"))
    rng.shuffle(b_rows)
    return a_rows, b_rows, truth
