"""The one door: what campaigns declares (tests/doors.py). Campaigns hold no survivor data:
events, partners, speakers and reports are published or staff records, read through
campaigns.selectors with campaigns.policies; what is listed here are reads of an object's own
parts after the selector decided that the actor may see the object."""

_PARTS = (
    "an event's partners and speakers, read after campaigns.selectors decided the actor may see the event"
)

ALLOWED = {
    "qorgau/campaigns/api.py::Campaign.objects": "the campaign a new event belongs to (a serializer "
    "field's choices); campaigns.services.event_create checks that the actor may add to it",
    "qorgau/campaigns/api.py::report.participants.all": "the participant counts of a report the selector returned",
    "qorgau/campaigns/views.py::report.participants.all": "the participant counts of a report the selector returned",
    "qorgau/campaigns/forms.py::event.speakers.all": _PARTS,
    "qorgau/campaigns/forms.py::event.partners.all": _PARTS,
    "qorgau/campaigns/views.py::event.speakers.all": _PARTS,
    "qorgau/campaigns/views.py::event.partners.all": _PARTS,
    "qorgau/campaigns/templates/campaigns/event_detail.html::event.partners.all": _PARTS,
    "qorgau/campaigns/templates/campaigns/event_detail.html::event.speakers.all": _PARTS,
    "qorgau/campaigns/templates/campaigns/public/event.html::event.partners.all": "a published event's "
    "partners on the public calendar (campaigns.selectors.public_events: approved events only)",
    "qorgau/campaigns/templates/campaigns/public/event.html::event.speakers.all": "a published event's "
    "speakers on the public calendar; the template shows only those who agreed to be named",
    "qorgau/campaigns/forms.py::self.instance.coordinators.all": "a campaign's coordinators, shown in "
    "the form of a campaign the actor edits (campaigns.policies)",
    "qorgau/campaigns/templates/campaigns/campaign_list.html::campaign.coordinators.all": "coordinators "
    "of the campaigns campaigns.selectors.campaigns_for returned (prefetched there)",
    "qorgau/campaigns/templates/campaigns/public/calendar.html::page.paginator.count": "the number of "
    "published events found on the public calendar",
}

_CAMPAIGNS = (
    "prevention campaigns hold no survivor data; who may see and change each of these is tested "
    "role by role in tests/campaigns/test_who_may.py — to be folded into the matrix with a builder"
)
EXEMPT = {
    name: _CAMPAIGNS
    for name in [
        "campaigns:campaign_list",
        "campaigns:campaign_create",
        "campaigns:campaign_edit",
        "campaigns:campaign_copy",
        "campaigns:campaign_dashboard",
        "campaigns:campaign_dashboard_xlsx",
        "campaigns:event_list",
        "campaigns:event_create",
        "campaigns:event_detail",
        "campaigns:event_edit",
        "campaigns:event_status",
        "campaigns:event_report",
        "campaigns:event_letters",
        "campaigns:letters_zip",
        "campaigns:photo",
        "campaigns:letter_pdf",
        "campaigns:letter_revoke",
        "verify:form",
        "verify:letter",
        "calendar:list",
        "calendar:feed",
        "calendar:event",
        "api:campaigns",
        "api:campaign",
        "api:campaign_copy",
        "api:campaign_dashboard",
        "api:events",
        "api:event",
        "api:event_status",
        "api:event_report",
        "api:event_photos",
        "api:letters",
        "api:letter",
        "api:letter_pdf",
        "api:letter_revoke",
    ]
}
