"""Kazakh and Russian are complete: every message translated, nothing fuzzy, placeholders intact,
and the catalogues hold every message the source code uses."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import qorgau

PACKAGE = Path(qorgau.__file__).parent
APPS = sorted(p.parent.name for p in PACKAGE.glob("*/locale"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def catalogue(app: str, lang: str) -> polib.POFile:
    return polib.pofile(str(PACKAGE / app / "locale" / lang / "LC_MESSAGES" / "django.po"))


def test_every_app_with_strings_has_a_catalogue():
    assert {"core", "accounts", "api"} <= set(APPS)


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_catalogue_is_complete(app, lang):
    po = catalogue(app, lang)
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{app}/{lang}: untranslated: {untranslated[:10]}"
    assert not fuzzy, f"{app}/{lang}: fuzzy: {fuzzy[:10]}"


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_placeholders_survive_translation(app, lang):
    for entry in catalogue(app, lang).translated_entries():
        expected = set(PLACEHOLDER.findall(entry.msgid))
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            assert set(PLACEHOLDER.findall(text)) == expected, f"{app}/{lang}: {entry.msgid!r} -> {text!r}"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext (xgettext) is not installed")
@pytest.mark.parametrize("app", APPS)
def test_catalogue_holds_every_message_of_the_source(app, tmp_path):
    copy = tmp_path / app
    shutil.copytree(PACKAGE / app, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "static"))
    (copy / "locale").mkdir()
    subprocess.run(
        # The console script, not `python -m`: the app's own selectors.py must not shadow the stdlib's.
        [
            str(Path(sys.executable).with_name("qorgau")),
            "makemessages",
            "-l",
            "kk",
            "--no-location",
            "-v",
            "0",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale/kk/LC_MESSAGES/django.po"))}
    committed = {(e.msgctxt, e.msgid) for e in catalogue(app, "kk") if not e.obsolete}
    missing = sorted(m for _, m in fresh - committed)
    assert not missing, f"{app}: run `make messages` and translate: {missing[:10]}"


@pytest.mark.parametrize(
    "lang,expected", [("kk", "25.11.2026 14:30"), ("ru", "25.11.2026 14:30"), ("en", "25.11.2026 14:30")]
)
def test_dates_are_day_first_with_a_24_hour_clock(lang, expected):
    from datetime import datetime

    from django.utils import formats, translation

    with translation.override(lang):
        assert formats.date_format(datetime(2026, 11, 25, 14, 30), "SHORT_DATETIME_FORMAT") == expected


def test_kazakh_numbers_use_a_decimal_comma_and_space_grouping():
    from django.utils import formats, translation

    with translation.override("kk"):
        assert formats.number_format(12345.6, 1, force_grouping=True) == "12\xa0345,6"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_one_english_message_means_one_thing(lang):
    """Django merges every app's catalogue into one: a message translated differently in two apps
    shows one app's words in the other (her name labelled as a thing's name). Where the meaning
    truly differs the source says so with a context (pgettext / `translate ... context`)."""
    seen: dict = {}
    supplement = PACKAGE / "locale" / lang / "LC_MESSAGES" / "django.po"
    catalogues = {app: catalogue(app, lang) for app in APPS}
    if supplement.exists():
        catalogues["django (supplement)"] = polib.pofile(str(supplement))
    for app, po in catalogues.items():
        for entry in po:
            if entry.obsolete:
                continue
            text = entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))
            seen.setdefault((entry.msgctxt, entry.msgid, entry.msgid_plural), {})[app] = text
    conflicts = {key[1]: apps for key, apps in seen.items() if len(set(map(str, apps.values()))) > 1}
    assert not conflicts, (
        f"{lang}: {len(conflicts)} messages translated differently: {list(conflicts.items())[:5]}"
    )


DJANGO = Path(__import__("django").__file__).parent


def _django_messages() -> set:
    found = set()
    for domain in ("conf", "contrib/auth", "contrib/humanize"):
        for entry in polib.pofile(str(DJANGO / domain / "locale/en/LC_MESSAGES/django.po")):
            found.add((entry.msgctxt, entry.msgid))
    return found


def test_kazakh_supplement_holds_only_djangos_own_messages_translated():
    """Django leaves a third of its Kazakh catalogue untranslated: ours fills what Qorgau's pages
    show. A msgid that Django does not use (a typo, an apostrophe changed upstream) would silently
    never apply, so each must be exactly Django's."""
    po = polib.pofile(str(PACKAGE / "locale/kk/LC_MESSAGES/django.po"))
    django_messages = _django_messages()
    unknown = [e.msgid for e in po if (e.msgctxt, e.msgid) not in django_messages]
    assert not unknown, f"not Django messages: {unknown}"
    assert not po.untranslated_entries() and not po.fuzzy_entries()
    for entry in po:
        if entry.msgid_plural:  # "an hour ago" / "%(count)s hours ago": Kazakh says both with the number
            allowed = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
            assert all(set(PLACEHOLDER.findall(t)) <= allowed for t in entry.msgstr_plural.values()), (
                entry.msgid
            )
        else:
            assert set(PLACEHOLDER.findall(entry.msgstr)) == set(PLACEHOLDER.findall(entry.msgid)), (
                entry.msgid
            )


@pytest.mark.parametrize(
    "message,kazakh",
    [
        ("Your password can’t be entirely numeric.", "Құпиясөз тек сандардан тұрмауы керек."),
        ("Enter the same password as before, for verification.", "Тексеру үшін"),
    ],
)
def test_djangos_messages_read_in_kazakh(message, kazakh):
    from django.utils import translation

    with translation.override("kk"):
        assert kazakh in translation.gettext(message)


def test_durations_read_in_kazakh():
    from datetime import timedelta

    from django.utils import timezone, translation
    from django.utils.timesince import timesince

    with translation.override("kk"):
        text = timesince(timezone.now() - timedelta(days=1, hours=6))
    assert text == "1\xa0күн, 6\xa0сағат", text
