"""The public calendar, inside i18n_patterns: /kk/calendar/, /ru/calendar/, /en/calendar/."""

from django.urls import path

from qorgau.campaigns import public

app_name = "calendar"

urlpatterns = [
    path("", public.calendar, name="list"),
    path("feed.ics", public.calendar_feed, name="feed"),
    path("<int:event_id>/", public.calendar_event, name="event"),
]
