"""Public pages: the events calendar (/kk/calendar/, with an iCalendar feed) and the check of a
letter of gratitude (/verify/<code>). They show approved public events and a letter's issuer,
recipient and date, and nothing else: no contacts, notes, reports, photos or staff names."""

from datetime import UTC, timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from qorgau.campaigns import selectors
from qorgau.campaigns.forms import CalendarFilterForm, VerifyForm
from qorgau.campaigns.models import Event
from qorgau.campaigns.services import normalise_code
from qorgau.core.views_public import public_view
from qorgau.portal import ratelimit


def _filters(request) -> tuple[CalendarFilterForm, dict]:
    form = CalendarFilterForm(request.GET or None)
    return form, form.filters() if request.GET else {}


@public_view
@require_GET
def calendar(request):
    form, filters = _filters(request)
    events = selectors.public_events(**filters)
    if not filters.get("date_from") and not filters.get("date_to"):
        # By default: what is coming, and what happens today.
        events = events.filter(
            ends_at__gte=timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        )
    page = Paginator(events, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "campaigns/public/calendar.html", context)


@public_view
@require_GET
def calendar_event(request, event_id):
    event = selectors.public_event_get(event_id)
    return render(request, "campaigns/public/event.html", {"event": event})


def _location(event: Event) -> str:
    parts = [event.venue, event.region.name]
    return ", ".join(p for p in parts if p) or _("Online")


@public_view
@require_GET
def calendar_feed(request):
    """The same events as the calendar (filters by region and type apply), as iCalendar."""
    _form, filters = _filters(request)
    filters.pop("date_from", None), filters.pop("date_to", None)
    since = timezone.now() - timedelta(days=366)
    events = selectors.public_events(**filters).filter(ends_at__gte=since)[:2000]

    cal = Calendar()
    cal.add("prodid", "-//Qorgau//Prevention events//")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Qorgau: prevention events"))
    base = settings.QORGAU_SITE_URL.rstrip("/")
    stamp = timezone.now().astimezone(UTC)
    for event in events:
        item = CalendarEvent()
        item.add("uid", f"event-{event.pk}@qorgau")
        item.add("dtstamp", stamp)
        item.add("dtstart", event.starts_at.astimezone(UTC))
        item.add("dtend", event.ends_at.astimezone(UTC))
        item.add("summary", event.title)
        item.add("location", _location(event))
        item.add("categories", [str(Event.Kind(event.kind).label)])
        item.add("status", "CONFIRMED")
        item.add("url", base + reverse("calendar:event", args=[event.pk]))
        description = [
            str(Event.Kind(event.kind).label),
            _("Organiser: %(name)s") % {"name": event.organiser.name},
        ]
        if event.online_url:
            description.append(_("Online: %(url)s") % {"url": event.online_url})
        if event.description:
            description.append(event.description)
        item.add("description", "\n".join(description))
        cal.add_component(item)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="qorgau-events.ics"'
    response["Cache-Control"] = "public, max-age=900"  # public data only: no one's session in it
    return response


# --- Verification of letters --------------------------------------------------------------------------


def _miss_limit(request) -> tuple:
    # Unknown codes only, under a digest of the address: the cache never holds visitors' addresses.
    return (request, "verify-miss", settings.QORGAU_VERIFY_MISSES, settings.QORGAU_VERIFY_WINDOW_MINUTES * 60)


def _throttled(request) -> bool:
    return ratelimit.is_limited(*_miss_limit(request))


def _count_miss(request) -> None:
    ratelimit.count(*_miss_limit(request))


def _verify_response(request, context: dict, status: int = 200):
    response = render(
        request, "campaigns/public/verify.html", {"form": VerifyForm(), **context}, status=status
    )
    response["X-Robots-Tag"] = "noindex, nofollow"  # recipients' names stay out of search engines
    return response


@public_view
@require_GET
def verify_form(request):
    """A page to type the code printed on a letter; sends the visitor to /verify/<code>."""
    if "code" in request.GET:
        code = normalise_code(request.GET["code"])
        if code:
            return redirect("verify:letter", code=code)
        return _verify_response(request, {"form": VerifyForm(request.GET)}, status=400)
    return _verify_response(request, {"state": "ask"})


@public_view
@require_GET
def verify(request, code):
    if _throttled(request):
        minutes = settings.QORGAU_VERIFY_WINDOW_MINUTES
        return _verify_response(request, {"state": "throttled", "minutes": minutes}, status=429)
    normalised = normalise_code(code)
    if normalised and normalised != code:
        return redirect("verify:letter", code=normalised)
    letter = selectors.letter_by_code(code)
    if letter is None:
        _count_miss(request)
        return _verify_response(request, {"state": "unknown", "code": code}, status=404)
    state = "revoked" if letter.is_revoked else "genuine"
    return _verify_response(request, {"state": state, "letter": letter})
