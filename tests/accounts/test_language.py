"""Three languages, chosen by the user and remembered."""

import pytest
from django.urls import reverse

from qorgau.accounts.roles import Role

HOME = reverse("core:home")


@pytest.fixture
def worker(make_user):
    return make_user(Role.CASEWORKER, language="ru")


def test_signed_in_pages_use_the_users_language(client, login_client, worker):
    login_client(worker)
    page = client.get(HOME).content.decode()
    assert '<html lang="ru">' in page
    assert "Выйти" in page  # "Sign out" in Russian


def test_switch_to_kazakh_is_remembered_on_the_account(client, login_client, worker):
    login_client(worker)
    response = client.post(reverse("accounts:set_language"), {"language": "kk", "next": HOME})
    assert response["Location"] == HOME
    worker.refresh_from_db()
    assert worker.language == "kk"
    page = client.get(HOME).content.decode()
    assert '<html lang="kk">' in page
    assert "Шығу" in page  # "Sign out" in Kazakh


def test_unknown_language_falls_back_without_error(client, login_client, worker, settings):
    login_client(worker)
    response = client.post(reverse("accounts:set_language"), {"language": "xx", "next": HOME})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.language == settings.LANGUAGE_CODE


def test_anonymous_language_choice_lasts_for_the_browser_session_only(client):
    response = client.post(
        reverse("accounts:set_language"), {"language": "en", "next": reverse("accounts:login")}
    )
    cookie = response.cookies["qorgau_language"]
    assert cookie.value == "en"
    assert not cookie["max-age"] and not cookie["expires"]  # no persistent cookie
    assert '<html lang="en">' in client.get(reverse("accounts:login")).content.decode()


def test_accept_language_is_honoured_before_sign_in(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="ru">' in page


def test_unknown_accept_language_falls_back_to_kazakh(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="xx-YY").content.decode()
    assert '<html lang="kk">' in page


def test_redirect_after_language_switch_stays_on_this_site(client):
    response = client.post(
        reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == HOME
