"""Routing of the REST API under /api/v1/. Views live with their apps (`<app>/api.py`)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from qorgau.accounts.api import AgencyList, MeView
from qorgau.api.errors import json_not_found
from qorgau.cases import api as cases_api
from qorgau.referrals import api as referrals_api
from qorgau.core.api import RegionList
from qorgau.directory.api import CapacityUpdateView, DirectorySearch, ServiceTypeList

docs_access = {"permission_classes": [AllowAny], "authentication_classes": []}

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(**docs_access), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", **docs_access), name="docs"),
    path("me/", MeView.as_view(), name="me"),
    path("regions/", RegionList.as_view(), name="regions"),
    path("agencies/", AgencyList.as_view(), name="agencies"),
    path("cases/", cases_api.CaseListCreate.as_view(), name="cases"),
    path("cases/search/", cases_api.CaseSearch.as_view(), name="case_search"),
    path("cases/<uuid:case_id>/", cases_api.CaseDetail.as_view(), name="case"),
    path("cases/<uuid:case_id>/notes/", cases_api.CaseNotes.as_view(), name="case_notes"),
    path("cases/<uuid:case_id>/consents/", cases_api.CaseConsents.as_view(), name="case_consents"),
    path("cases/<uuid:case_id>/consents/<uuid:consent_id>/withdraw/", cases_api.ConsentWithdraw.as_view(),
         name="case_consent_withdraw"),
    path("cases/<uuid:case_id>/people/", cases_api.CasePeople.as_view(), name="case_people"),
    path("cases/<uuid:case_id>/people/<uuid:person_id>/", cases_api.CasePerson.as_view(), name="case_person"),
    path("cases/<uuid:case_id>/incidents/", cases_api.CaseIncidents.as_view(), name="case_incidents"),
    path("cases/<uuid:case_id>/emergency-grants/", cases_api.CaseEmergencyGrants.as_view(), name="case_emergency"),
    path("cases/<uuid:case_id>/timeline/", cases_api.CaseTimeline.as_view(), name="case_timeline"),
    path("cases/<uuid:case_id>/access-log/", cases_api.CaseAccessLog.as_view(), name="case_access_log"),
    path("people/identity-check/", cases_api.IdentityCheck.as_view(), name="identity_check"),
    path("referrals/", referrals_api.ReferralListCreate.as_view(), name="referrals"),
    path("referrals/<uuid:referral_id>/", referrals_api.ReferralDetail.as_view(), name="referral"),
    path("referrals/<uuid:referral_id>/actions/", referrals_api.ReferralAction.as_view(), name="referral_action"),
    path("cases/<uuid:case_id>/services/", referrals_api.CaseServices.as_view(), name="case_services"),
    path("cases/<uuid:case_id>/plan/", referrals_api.CasePlanView.as_view(), name="case_plan"),
    path("cases/<uuid:case_id>/plan/decision/", referrals_api.CasePlanDecision.as_view(), name="case_plan_decision"),
    path("cases/<uuid:case_id>/wellbeing/", referrals_api.CaseWellbeing.as_view(), name="case_wellbeing"),
    path("cases/<uuid:case_id>/closure/", referrals_api.CaseClosureView.as_view(), name="case_closure"),
    path("cases/<uuid:case_id>/closure/<uuid:closure_id>/decision/", referrals_api.CaseClosureDecision.as_view(),
         name="case_closure_decision"),
    path("cases/<uuid:case_id>/reopen/", referrals_api.CaseReopen.as_view(), name="case_reopen"),
    path("services/", ServiceTypeList.as_view(), name="services"),
    path("directory/", DirectorySearch.as_view(), name="directory"),
    path("directory/<int:agency_id>/capacity/", CapacityUpdateView.as_view(), name="capacity"),
]

# Unknown API paths answer in the API's error format rather than with an HTML page.
urlpatterns.append(re_path(r"^.*$", json_not_found))
