"""In-app notifications and the e-mail that carries nothing but "sign in"."""

import pytest
from django.core import mail

from qorgau.accounts.roles import Role
from qorgau.notifications.models import Notification
from qorgau.notifications.services import notify


def test_notify_is_idempotent_per_key(make_user, django_capture_on_commit_callbacks):
    user = make_user(Role.CASEWORKER)
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(users=[user, user], kind="generic", url="/cases/", dedupe_key="overdue:1")
        second = notify(users=[user], kind="generic", url="/cases/", dedupe_key="overdue:1")
    assert len(first) == 1 and second == [] and Notification.objects.count() == 1


def test_email_says_only_sign_in(make_user, django_capture_on_commit_callbacks, settings):
    user = make_user(Role.CASEWORKER, language="ru")
    user.email = "worker@example.invalid"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[user], kind="generic", url="/cases/abc/", params={"number": "QG-2026-000001"})
    [message] = mail.outbox
    assert message.to == ["worker@example.invalid"]
    assert "QG-2026" not in message.body and "/cases/" not in message.body
    assert "Qorgau" in message.subject and settings.QORGAU_SITE_URL + "/notifications/" in message.body
    assert Notification.objects.get().emailed_at is not None


def test_inactive_users_and_users_without_email(make_user, django_capture_on_commit_callbacks):
    inactive = make_user(Role.CASEWORKER)
    inactive.is_active = False
    inactive.save()
    quiet = make_user(Role.CASEWORKER)
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(users=[inactive, quiet], kind="generic")
    assert [n.user for n in created] == [quiet] and mail.outbox == []


def test_inbox_open_and_mark_read(client, login_client, make_user):
    user = make_user(Role.CASEWORKER)
    other = make_user(Role.CASEWORKER)
    [mine] = notify(users=[user], kind="generic", url="/cases/")
    [theirs] = notify(users=[other], kind="generic", url="/cases/")
    login_client(user)
    page = client.get("/notifications/").content.decode()
    assert "You have something new" in page
    assert 'class="count"' in client.get("/dashboard/").content.decode()
    response = client.post(f"/notifications/{mine.pk}/open/")
    assert response["Location"] == "/cases/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    client.post(f"/notifications/{theirs.pk}/open/")  # someone else's: nothing happens
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notification_link_never_leaves_the_site(client, login_client, make_user):
    user = make_user(Role.CASEWORKER)
    [item] = notify(users=[user], kind="generic", url="https://evil.example/")
    login_client(user)
    assert client.post(f"/notifications/{item.pk}/open/")["Location"] == "/notifications/"


@pytest.mark.parametrize(
    "lang,expected",
    [("kk", "03.12.2026"), ("ru", "03.12.2026"), ("en", "03.12.2026")],
)
def test_dates_in_notifications_read_in_the_readers_format(make_user, lang, expected):
    from django.utils import translation

    from qorgau.notifications.models import Notification
    from qorgau.notifications.texts import render_text

    user = make_user(Role.CASEWORKER)
    item = Notification.objects.create(
        user=user, kind="risk_conference_action", params={"number": "QG-2026-000001", "date": "2026-12-03"}
    )
    with translation.override(lang):
        text = render_text(item)
    assert expected in text and "2026-12-03" not in text, text
