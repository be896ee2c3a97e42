"""A person signs in with password and TOTP in a real browser, then switches to Kazakh."""

import re

from playwright.sync_api import expect
from tests.helpers import PASSWORD, totp_now

from qorgau.accounts.roles import Role


def test_sign_in_with_totp_and_switch_to_kazakh(page, make_user):
    user = make_user(Role.CASEWORKER, username="ayana", language="en")
    page.goto("/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/\?next=/dashboard/"))
    page.get_by_label("Username").fill("ayana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()
    page.get_by_label("Code from your authenticator app").fill(totp_now(user))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    page.get_by_role("button", name="Қазақша").click()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Қош келдіңіз")
    expect(page.get_by_role("button", name="Шығу")).to_be_visible()
    user.refresh_from_db()
    assert user.language == "kk"

    page.reload()  # remembered, not a one-off
    expect(page.locator("html")).to_have_attribute("lang", "kk")


def test_wrong_code_in_the_browser_shows_the_generic_message(page, make_user):
    user = make_user(Role.CASEWORKER, username="dana", language="en")
    page.goto("/accounts/sign-in/")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    wrong = "000000" if totp_now(user) != "000000" else "111111"
    page.get_by_label("Code from your authenticator app").fill(wrong)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Sign-in failed")
