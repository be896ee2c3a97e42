"""Routing of the REST API under /api/v1/. Views live with their apps (`<app>/api.py`)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from qorgau.accounts.api import AgencyList, MeView
from qorgau.api.errors import json_not_found
from qorgau.campaigns import api as campaigns_api
from qorgau.core.api import RegionList

docs_access = {"permission_classes": [AllowAny], "authentication_classes": []}

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(**docs_access), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", **docs_access), name="docs"),
    path("me/", MeView.as_view(), name="me"),
    path("regions/", RegionList.as_view(), name="regions"),
    path("agencies/", AgencyList.as_view(), name="agencies"),
    path("campaigns/", campaigns_api.CampaignList.as_view(), name="campaigns"),
    path("campaigns/<int:campaign_id>/", campaigns_api.CampaignDetail.as_view(), name="campaign"),
    path(
        "campaigns/<int:campaign_id>/copy-next-year/",
        campaigns_api.CampaignCopy.as_view(),
        name="campaign_copy",
    ),
    path(
        "campaigns/<int:campaign_id>/dashboard/",
        campaigns_api.CampaignDashboard.as_view(),
        name="campaign_dashboard",
    ),
    path("events/", campaigns_api.EventList.as_view(), name="events"),
    path("events/<int:event_id>/", campaigns_api.EventDetail.as_view(), name="event"),
    path("events/<int:event_id>/status/", campaigns_api.EventStatus.as_view(), name="event_status"),
    path("events/<int:event_id>/report/", campaigns_api.EventReportView.as_view(), name="event_report"),
    path("events/<int:event_id>/photos/", campaigns_api.EventPhotos.as_view(), name="event_photos"),
    path("letters/", campaigns_api.LetterList.as_view(), name="letters"),
    path("letters/<uuid:letter_id>/", campaigns_api.LetterDetail.as_view(), name="letter"),
    path("letters/<uuid:letter_id>/pdf/", campaigns_api.LetterPdf.as_view(), name="letter_pdf"),
    path("letters/<uuid:letter_id>/revoke/", campaigns_api.LetterRevoke.as_view(), name="letter_revoke"),
]

# Unknown API paths answer in the API's error format rather than with an HTML page.
urlpatterns.append(re_path(r"^.*$", json_not_found))
