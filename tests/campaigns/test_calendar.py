"""The public calendar (/kk|ru|en/calendar/) and its iCalendar feed: approved public events only,
never drafts, closed events, contacts or speakers who did not agree to be named."""

import pytest
from django.test import Client
from icalendar import Calendar
from tests.campaigns.conftest import at

from qorgau.campaigns import services
from qorgau.campaigns.models import Event

S = Event.Status
SPEAKERS = [
    {"name": "Әсемгүл Жандосқызы Нұрланова", "report_title": "Safe families", "show_publicly": True},
    {"name": "Hidden Survivor Speaker", "report_title": "My story", "show_publicly": False},
]


@pytest.fixture
def events(world, make_event):
    return {
        "approved": make_event(status=S.APPROVED, title="Approved round table", speakers=SPEAKERS),
        "held": make_event(status=S.HELD, title="Held flash mob", kind="flash_mob", region_id="75"),
        "draft": make_event(title="Secret draft"),
        "submitted": make_event(status=S.SUBMITTED, title="Waiting for approval"),
        "cancelled": make_event(status=S.CANCELLED, title="Cancelled lecture"),
        "closed": make_event(status=S.APPROVED, title="Closed police training", is_public=False),
        "later": make_event(
            status=S.APPROVED,
            title="December seminar",
            kind="seminar",
            starts_at=at(8, 10, 12),
            ends_at=at(8, 12, 12),
        ),
    }


def page(path, lang="en", **params):
    response = Client(HTTP_ACCEPT_LANGUAGE=lang).get(path, params)
    return response, response.content.decode()


def test_only_approved_public_events_are_listed(events):
    response, html = page("/en/calendar/", date_from="2026-10-01")
    assert response.status_code == 200
    for shown in ("Approved round table", "Held flash mob", "December seminar"):
        assert shown in html
    for hidden in ("Secret draft", "Waiting for approval", "Cancelled lecture", "Closed police training"):
        assert hidden not in html


def test_no_contacts_or_unconsented_speakers_are_public(events):
    approved = events["approved"]
    for path in ("/en/calendar/", f"/en/calendar/{approved.pk}/", "/en/calendar/feed.ics"):
        _response, html = page(path, date_from="2026-10-01") if path == "/en/calendar/" else page(path)
        assert "contact@example.invalid" not in html and "Contact Person" not in html
        assert "+7 700 000 11 22" not in html and "77000001122" not in html
        assert "Hidden Survivor Speaker" not in html and "My story" not in html
        assert "Test organiser" not in html and "Test national" not in html  # no staff names
    _response, html = page(f"/en/calendar/{approved.pk}/")
    assert "Әсемгүл Жандосқызы Нұрланова" in html and "Safe families" in html


@pytest.mark.parametrize("which", ["draft", "submitted", "cancelled", "closed"])
def test_unpublished_events_have_no_public_page(events, which):
    response, _html = page(f"/en/calendar/{events[which].pk}/")
    assert response.status_code == 404


def test_filters_by_region_type_and_dates(events):
    _r, html = page("/en/calendar/", region="75", date_from="2026-10-01")
    assert "Held flash mob" in html and "Approved round table" not in html
    _r, html = page("/en/calendar/", kind="seminar")
    assert "December seminar" in html and "Approved round table" not in html
    _r, html = page("/en/calendar/", date_from="2026-12-01", date_to="2026-12-31")
    assert "December seminar" in html and "Approved round table" not in html


def test_bad_filters_are_explained_not_a_500(events):
    response, html = page("/en/calendar/", date_from="someday", region="99", kind="rave")
    assert response.status_code == 200
    assert "Enter a valid date" in html and "Select a valid choice" in html
    response, html = page("/en/calendar/", date_from="2026-12-10", date_to="2026-12-01")
    assert "The end date cannot be before the start date" in html
    assert page("/en/calendar/", page="999")[0].status_code == 200


def test_calendar_speaks_kazakh_and_russian(events):
    _r, html = page("/kk/calendar/", lang="en")  # the address decides, not the browser
    assert '<html lang="kk">' in html and "Алдын алу іс-шараларының күнтізбесі" in html
    assert "Дөңгелек үстел" in html  # the type of the event, in Kazakh
    _r, html = page("/ru/calendar/")
    assert '<html lang="ru">' in html and "Календарь профилактических мероприятий" in html
    assert 'href="/kk/calendar/"' in html  # the same page in the other languages


def test_public_pages_need_no_sign_in_and_the_staff_pages_do(events):
    assert page("/kk/calendar/")[0].status_code == 200
    assert page(f"/kk/calendar/{events['approved'].pk}/")[0].status_code == 200
    response = Client().get(f"/campaigns/events/{events['approved'].pk}/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_ical_feed_parses_and_holds_the_public_events(events):
    response, _html = page("/en/calendar/feed.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    items = {str(c["uid"]): c for c in cal.walk("VEVENT")}
    approved = events["approved"]
    assert set(items) == {f"event-{events[k].pk}@qorgau" for k in ("approved", "held", "later")}
    item = items[f"event-{approved.pk}@qorgau"]
    assert str(item["summary"]) == "Approved round table"
    assert item.decoded("dtstart") == approved.starts_at and item.decoded("dtend") == approved.ends_at
    assert "Demo street 1, hall 2" in str(item["location"])
    assert str(item["url"]).endswith(f"/en/calendar/{approved.pk}/")


def test_ical_feed_follows_the_filters_and_the_language(events):
    response, _html = page("/kk/calendar/feed.ics", region="75")
    cal = Calendar.from_ical(response.content)
    summaries = [str(c["summary"]) for c in cal.walk("VEVENT")]
    assert summaries == ["Held flash mob"]
    assert "Флешмоб" in str(cal.walk("VEVENT")[0]["categories"].to_ical().decode())


def test_an_event_approved_later_appears(world, events):
    submitted = events["submitted"]
    assert "Waiting for approval" not in page("/en/calendar/")[1]
    services.event_transition(actor=world["regional"], event=submitted, to=S.APPROVED)
    assert "Waiting for approval" in page("/en/calendar/")[1]


def test_the_header_language_switch_moves_to_the_same_page_in_that_language(db):
    response = Client().post("/accounts/language/", {"language": "ru", "next": "/kk/calendar/?region=75"})
    assert response.status_code == 302 and response["Location"] == "/ru/calendar/?region=75"
    response = Client().post("/accounts/language/", {"language": "en", "next": "/verify/ABC"})
    assert response["Location"] == "/verify/ABC"  # pages without a language prefix stay as they are
