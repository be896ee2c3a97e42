"""Routing of the REST API under /api/v1/. Views live with their apps (`<app>/api.py`)."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from qorgau.accounts.api import AgencyList, MeView
from qorgau.api.errors import json_not_found
from qorgau.campaigns import api as campaigns_api
from qorgau.cases import api as cases_api
from qorgau.core.api import RegionList
from qorgau.directory.api import CapacityUpdateView, DirectorySearch, ServiceTypeList
from qorgau.evidence import api as evidence_api
from qorgau.referrals import api as referrals_api
from qorgau.risk import api as risk_api
from qorgau.stats import api as stats_api

docs_access = {"permission_classes": [AllowAny], "authentication_classes": []}

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(**docs_access), name="schema"),
    # Swagger UI styles its widgets inline; this page shows only the public schema, so inline styles
    # (never scripts) are allowed here and nowhere else.
    path(
        "docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema", **docs_access)
        ),
        name="docs",
    ),
    path("me/", MeView.as_view(), name="me"),
    path("regions/", RegionList.as_view(), name="regions"),
    path("agencies/", AgencyList.as_view(), name="agencies"),
    path("cases/", cases_api.CaseListCreate.as_view(), name="cases"),
    path("cases/search/", cases_api.CaseSearch.as_view(), name="case_search"),
    path("cases/<uuid:case_id>/", cases_api.CaseDetail.as_view(), name="case"),
    path("cases/<uuid:case_id>/notes/", cases_api.CaseNotes.as_view(), name="case_notes"),
    path("cases/<uuid:case_id>/consents/", cases_api.CaseConsents.as_view(), name="case_consents"),
    path(
        "cases/<uuid:case_id>/consents/<uuid:consent_id>/withdraw/",
        cases_api.ConsentWithdraw.as_view(),
        name="case_consent_withdraw",
    ),
    path("cases/<uuid:case_id>/people/", cases_api.CasePeople.as_view(), name="case_people"),
    path("cases/<uuid:case_id>/people/<uuid:person_id>/", cases_api.CasePerson.as_view(), name="case_person"),
    path("cases/<uuid:case_id>/incidents/", cases_api.CaseIncidents.as_view(), name="case_incidents"),
    path(
        "cases/<uuid:case_id>/incidents/<uuid:incident_id>/cyber/",
        cases_api.CaseIncidentCyber.as_view(),
        name="case_incident_cyber",
    ),
    path(
        "cases/<uuid:case_id>/emergency-grants/",
        cases_api.CaseEmergencyGrants.as_view(),
        name="case_emergency",
    ),
    path("cases/<uuid:case_id>/timeline/", cases_api.CaseTimeline.as_view(), name="case_timeline"),
    path("cases/<uuid:case_id>/outcomes/", cases_api.CaseOutcomes.as_view(), name="case_outcomes"),
    path("cases/<uuid:case_id>/access-log/", cases_api.CaseAccessLog.as_view(), name="case_access_log"),
    path("people/identity-check/", cases_api.IdentityCheck.as_view(), name="identity_check"),
    path("referrals/", referrals_api.ReferralListCreate.as_view(), name="referrals"),
    path("referrals/<uuid:referral_id>/", referrals_api.ReferralDetail.as_view(), name="referral"),
    path(
        "referrals/<uuid:referral_id>/actions/",
        referrals_api.ReferralAction.as_view(),
        name="referral_action",
    ),
    path("cases/<uuid:case_id>/services/", referrals_api.CaseServices.as_view(), name="case_services"),
    path("cases/<uuid:case_id>/plan/", referrals_api.CasePlanView.as_view(), name="case_plan"),
    path(
        "cases/<uuid:case_id>/plan/decision/",
        referrals_api.CasePlanDecision.as_view(),
        name="case_plan_decision",
    ),
    path("cases/<uuid:case_id>/wellbeing/", referrals_api.CaseWellbeing.as_view(), name="case_wellbeing"),
    path("cases/<uuid:case_id>/closure/", referrals_api.CaseClosureView.as_view(), name="case_closure"),
    path(
        "cases/<uuid:case_id>/closure/<uuid:closure_id>/decision/",
        referrals_api.CaseClosureDecision.as_view(),
        name="case_closure_decision",
    ),
    path("cases/<uuid:case_id>/reopen/", referrals_api.CaseReopen.as_view(), name="case_reopen"),
    path("cases/<uuid:case_id>/risk/", risk_api.CaseRisk.as_view(), name="case_risk"),
    path(
        "cases/<uuid:case_id>/risk/assessments/", risk_api.CaseAssessments.as_view(), name="case_assessments"
    ),
    path(
        "cases/<uuid:case_id>/risk/assessments/<uuid:assessment_id>/",
        risk_api.CaseAssessment.as_view(),
        name="case_assessment",
    ),
    path(
        "cases/<uuid:case_id>/risk/safety-plan/", risk_api.CaseSafetyPlan.as_view(), name="case_safety_plan"
    ),
    path(
        "cases/<uuid:case_id>/risk/safety-plan/print/",
        risk_api.CaseSafetyPlanPdf.as_view(),
        name="case_safety_plan_pdf",
    ),
    path(
        "cases/<uuid:case_id>/risk/conference-referral/",
        risk_api.CaseConferenceReferral.as_view(),
        name="case_conference_referral",
    ),
    path("risk/instruments/", risk_api.InstrumentList.as_view(), name="risk_instruments"),
    path(
        "risk/instruments/<slug:instrument_id>/", risk_api.InstrumentDetail.as_view(), name="risk_instrument"
    ),
    path("risk/conferences/", risk_api.Conferences.as_view(), name="risk_conferences"),
    path(
        "risk/conferences/<uuid:conference_id>/", risk_api.ConferenceDetail.as_view(), name="risk_conference"
    ),
    path(
        "risk/conferences/<uuid:conference_id>/agenda/",
        risk_api.ConferenceAgenda.as_view(),
        name="risk_conference_agenda",
    ),
    path("risk/agenda/<uuid:item_id>/", risk_api.AgendaItem.as_view(), name="risk_agenda_item"),
    path(
        "risk/agenda/<uuid:item_id>/contributions/",
        risk_api.AgendaContributions.as_view(),
        name="risk_agenda_contributions",
    ),
    path("risk/agenda/<uuid:item_id>/actions/", risk_api.AgendaActions.as_view(), name="risk_agenda_actions"),
    path(
        "risk/agenda/<uuid:item_id>/survivor-view/",
        risk_api.AgendaSurvivorView.as_view(),
        name="risk_agenda_survivor_view",
    ),
    path("risk/agenda/<uuid:item_id>/minutes/", risk_api.AgendaMinutes.as_view(), name="risk_agenda_minutes"),
    path(
        "risk/agenda/<uuid:item_id>/actions/<uuid:action_id>/",
        risk_api.AgendaAction.as_view(),
        name="risk_agenda_action",
    ),
    path("", include("qorgau.protection.api_urls")),  # its names join the api namespace
    path("services/", ServiceTypeList.as_view(), name="services"),
    path("directory/", DirectorySearch.as_view(), name="directory"),
    path("directory/<int:agency_id>/capacity/", CapacityUpdateView.as_view(), name="capacity"),
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
    path("cases/<uuid:case_id>/evidence/", evidence_api.CaseEvidence.as_view(), name="case_evidence"),
    path(
        "cases/<uuid:case_id>/evidence/takedowns/",
        evidence_api.CaseTakedowns.as_view(),
        name="case_evidence_takedowns",
    ),
    path(
        "cases/<uuid:case_id>/evidence/takedowns/<uuid:takedown_id>/",
        evidence_api.CaseTakedown.as_view(),
        name="case_evidence_takedown",
    ),
    path(
        "cases/<uuid:case_id>/evidence/export/",
        evidence_api.CaseEvidenceExport.as_view(),
        name="case_evidence_export",
    ),
    path(
        "cases/<uuid:case_id>/evidence/<uuid:evidence_id>/",
        evidence_api.CaseEvidenceItem.as_view(),
        name="case_evidence_item",
    ),
    path(
        "cases/<uuid:case_id>/evidence/<uuid:evidence_id>/original/",
        evidence_api.CaseEvidenceOriginal.as_view(),
        name="case_evidence_original",
    ),
    path("stats/incidents/", stats_api.IncidentStats.as_view(), name="stats_incidents"),
    path("stats/pathway/", stats_api.PathwayStats.as_view(), name="stats_pathway"),
    path("stats/risk-outcomes/", stats_api.CalibrationStats.as_view(), name="stats_calibration"),
]

# Unknown API paths answer in the API's error format rather than with an HTML page.
urlpatterns.append(re_path(r"^.*$", json_not_found))
