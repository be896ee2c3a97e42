"""Walk the demo world as every role, in Kazakh and Russian, and list English words on screen.

Run by tests/test_rendered_language.py in a subprocess against a throwaway demo database
(QORGAU_ENV=demo, QORGAU_VAR_DIR=<tmp>): `python tests/language_scan.py OUT.json`.

From each role's dashboard it follows the site's own links (GET only, HTML only), at most a few
addresses per URL pattern, and collects what a person reads: text nodes and the attributes that
are spoken or shown (title, aria-label, placeholder, alt, button values). Words in Latin script
are findings unless they are a name stored as entered, a code, an address, or a term that is
the same in every language (SMS, PDF, WhatsApp...).
"""

import json
import re
import sys
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import django

django.setup()

from django.test import Client  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from qorgau.accounts.models import User  # noqa: E402

# Terms written in Latin script in Kazakh and Russian text too.
SAME_IN_EVERY_LANGUAGE = {
    "qorgau",
    "sms",
    "pdf",
    "csv",
    "xlsx",
    "zip",
    "qr",
    "api",
    "totp",
    "whatsapp",
    "telegram",
    "instagram",
    "facebook",
    "tiktok",
    "youtube",
    "vk",
    "gbvims",
    "marac",
    "http",
    "https",
    "www",
    "ics",
    "openapi",
    "swagger",
    "e-mail",
    "email",
    "url",
    "wi-fi",
    "android",
    "iphone",
    "google",
    "apple",
    "microsoft",
    "id",
    "excel",
    "icalendar",
    "jpeg",
    "png",
    "webp",
    "sim",
    "gps",
    "ok",
    "it",
}
SPOKEN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
PER_PATTERN = 2  # addresses visited per URL pattern (case pages are alike)
PER_USER = 60  # pages per user and language
SKIP_PATHS = ("/api/", "/static/", "/media/", "/accounts/sign-out", "/accounts/logout", "/verify/")
SKIP_SUFFIXES = (".pdf", ".zip", ".csv", ".xlsx", ".ics", "/print/", "/download/", "/export/")
# Addresses, e-mail, usernames (caseworker.astana), case numbers, anything with a digit.
CODE_LIKE = re.compile(r"\S*(?:://|@|\d|[A-Za-z][._/=?&#][A-Za-z])\S*")
LATIN_WORD = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z'’-]+")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """Text a person reads. Skipped: scripts, styles, code, and elements marked as another
    language (`lang="en"` on "English" in the language switch)."""

    def __init__(self, lang: str):
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.text: list[str] = []
        self.links: list[str] = []
        self._stack: list[tuple[str, bool]] = []

    @property
    def _skip(self) -> bool:
        return any(skip for _tag, skip in self._stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in VOID:
            foreign = bool(attrs.get("lang")) and attrs["lang"] != self.lang
            self._stack.append((tag, tag in ("script", "style", "code", "pre") or foreign))
        if self._skip:
            return
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in SPOKEN_ATTRIBUTES:
            if attrs.get(name):
                self.text.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.text.append(attrs["value"])

    def handle_endtag(self, tag):
        for i in range(len(self._stack) - 1, -1, -1):  # tolerate unclosed <p>, <li>...
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def stored_names() -> set[str]:
    """Words of names stored as entered (people in cases, staff, recipients): not translatable."""
    from qorgau.people.models import Person

    words: set[str] = set()
    for person in Person.objects.all():
        for part in (person.family_name, person.given_name, person.patronymic, *(person.other_names or [])):
            words.update(w.lower() for w in LATIN_WORD.findall(part or ""))
    for user in User.objects.all():
        words.update(
            w.lower() for w in LATIN_WORD.findall(f"{user.first_name} {user.last_name} {user.username}")
        )
    from qorgau.portal.models import ContactRequest

    for item in ContactRequest.objects.all():  # the name she asked to be called by
        words.update(w.lower() for w in LATIN_WORD.findall(item.alias or ""))
    return words


def english_words(texts: list[str], names: set[str]) -> list[str]:
    """Each finding with the phrase it stands in, so whoever fixes it can find it."""
    found = []
    for text in texts:
        text = " ".join(CODE_LIKE.sub(" ", text).split())
        for word in LATIN_WORD.findall(text):
            word = word.rstrip("-'’")
            if word.lower() not in SAME_IN_EVERY_LANGUAGE and word.lower() not in names:
                found.append(f"{word} «{text[:80]}»")
                break
    return found


def sign_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = (
        TOTPDevice.objects.filter(user=user, confirmed=True).first().persistent_id
    )
    session.save()
    return client


def one_user_per_role() -> list[User]:
    chosen: dict = {}
    for user in User.objects.filter(is_active=True).order_by("username"):
        key = tuple(sorted(user.roles))
        if key and key not in chosen:
            chosen[key] = user
    return list(chosen.values())


def walk(user: User, lang: str, names: set[str]) -> dict:
    user.language = lang
    user.save(update_fields=["language"])
    client = sign_in(user)
    queue, seen, per_pattern, findings = ["/dashboard/"], set(), defaultdict(int), {}
    while queue and len(seen) < PER_USER:
        path = queue.pop(0)
        if path in seen:
            continue
        try:
            match = resolve(path)
        except Resolver404:
            continue
        pattern = match.route or match.url_name or path
        if per_pattern[pattern] >= PER_PATTERN:
            continue
        per_pattern[pattern] += 1
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = Page(lang)
        page.feed(response.content.decode())
        words = english_words(page.text, names)
        if words:
            findings[path] = sorted(set(words))[:10]
        for href in page.links:
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.query:
                continue
            if parts.path.startswith(SKIP_PATHS) or parts.path.endswith(SKIP_SUFFIXES):
                continue
            if re.match(r"^/(kk|ru|en)/", parts.path) and not parts.path.startswith(f"/{lang}/"):
                continue  # the language switch of the portal
            queue.append(parts.path)
    return {"pages": len(seen), "findings": findings}


def main(out_path: str) -> None:
    from django.conf import settings
    from django.test.utils import override_settings

    # Pages only: static files are not collected for this throwaway world.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, ALLOWED_HOSTS=["testserver"]):
        _scan(out_path)


def _scan(out_path: str) -> None:
    names = stored_names()
    report = {}
    for user in one_user_per_role():
        for lang in ("kk", "ru"):
            report[f"{user.username}/{lang}"] = walk(user, lang, names)
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(report, out, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
