"""A caseworker completes the intake wizard in a real browser, in Russian and in Kazakh."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect
from tests.browser.steps import sign_in
from tests.helpers import SURVIVOR_IIN

from qorgau.accounts.roles import Role
from qorgau.cases.models import Case


def t(lang: str, text: str) -> str:
    with translation.override(lang):
        return _(text)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_intake_wizard_in_the_users_language(page, make_user, lang):
    worker = make_user(Role.CASEWORKER, username=f"worker.{lang}", language=lang)
    sign_in(page, worker)
    page.goto("/cases/new/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "New case"))
    expect(page.locator("[aria-current=step]")).to_have_text(t(lang, "1. Who she is"))

    # Screen 1: who she is. The IIN typed here is checked against known people as she speaks.
    page.locator("[name=entry_point]").select_option("crisis_centre")
    page.locator("[name=given_name]").fill("Айгүл")
    page.locator("[name=family_name]").fill("Жандосова")
    page.locator("[name=birth_date]").fill("1990-01-01")
    page.locator("[name=iin]").fill("900101400405")  # a typing mistake first
    page.locator("[name=phone]").fill("8 700 000 01 01")
    page.locator("[name=region]").select_option("71")
    page.locator("[name=contact_channel]").select_option("sms")
    page.locator("form.intake-form button[type=submit]").click()
    expect(page.locator(".errorlist")).to_contain_text(
        t(lang, "This IIN is not valid: check the digits for a typing mistake.")
    )
    page.locator("[name=iin]").fill(SURVIVOR_IIN)
    page.locator("form.intake-form button[type=submit]").click()

    # Screen 2: what happened. The questions are asked in order; after a "yes" the rest hide.
    expect(page.locator("[aria-current=step]")).to_have_text(t(lang, "2. What happened"))
    page.locator("[name=occurred_on]").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    page.locator("[name=occurred_at_time]").fill("22:15")
    page.locator("#id_region").select_option("71")
    page.locator("[name=q_penetration][value=yes]").check()
    expect(page.locator("[name=q_physical_assault][value=yes]")).to_be_hidden()
    page.locator("[name=perpetrator_relationship]").select_option("current_partner")
    page.locator("[name=account]").fill("Ол түнде келді. Синтетикалық мәтін.")
    page.locator("form.intake-form button[type=submit]").click()

    # Screen 3: what she agrees to — with the care windows counting down after sexual violence.
    expect(page.locator("[aria-current=step]")).to_have_text(t(lang, "3. What she agrees to"))
    expect(page.get_by_role("heading", name=t(lang, "Time-critical care"))).to_be_visible()
    expect(page.locator("[data-countdown-left]").first).to_contain_text(re.compile(r"\d"))
    page.locator("[name=statistics]").check()
    page.locator("[name=referral_kinds][value=health]").check()
    page.locator("[name=share_sections][value=health]").check()
    page.locator("[name=method]").select_option("verbal")
    page.locator("form.intake-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/cases/[0-9a-f-]{36}/$"))
    case = Case.objects.get(holding_agency=worker.agency)
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
    expect(page.locator(".messages")).to_contain_text(case.number)
    assert case.incidents.get().gbv_type == "rape"
    assert sorted(case.consents.values_list("purpose", flat=True)) == ["referral", "share", "statistics"]
