"""Steps shared by browser tests."""

import re

from playwright.sync_api import expect
from tests.helpers import PASSWORD, totp_now


def sign_in(page, user):
    page.goto("/accounts/sign-in/")
    page.locator("[name=username]").fill(user.username)
    page.locator("[name=password]").fill(PASSWORD)
    page.locator("main form button.primary").click()
    page.locator("[name=code]").fill(totp_now(user))
    page.locator("main form button.primary").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15000)
    return context, context.new_page()
