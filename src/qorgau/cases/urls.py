from django.urls import path

from qorgau.cases import views
from qorgau.people import views as people_views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.intake_step, name="intake"),
    path("intake/<uuid:draft_id>/<int:step>/", views.intake_step, name="intake_step"),
    path("intake/check-identity/", people_views.candidates, name="identity_check"),
    path("access-requests/new/", views.access_request_create, name="access_request_create"),
    path(
        "access-requests/<uuid:request_id>/answer/", views.access_request_answer, name="access_request_answer"
    ),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/edit/", views.case_edit, name="edit"),
    path("<uuid:case_id>/notes/", views.note_add, name="note_add"),
    path("<uuid:case_id>/consents/", views.consent_record, name="consent_record"),
    path(
        "<uuid:case_id>/consents/<uuid:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"
    ),
    path("<uuid:case_id>/people/new/", views.person_add, name="person_add"),
    path("<uuid:case_id>/people/<uuid:person_id>/", views.person_edit, name="person_edit"),
    path("<uuid:case_id>/incidents/new/", views.incident_add, name="incident_add"),
    path("<uuid:case_id>/incidents/<uuid:incident_id>/online/", views.incident_cyber, name="incident_cyber"),
    path("<uuid:case_id>/emergency/", views.emergency_grant, name="emergency_grant"),
    path("<uuid:case_id>/emergency/<uuid:share_id>/revoke/", views.emergency_revoke, name="emergency_revoke"),
    path("<uuid:case_id>/emergency/<uuid:share_id>/review/", views.emergency_review, name="emergency_review"),
    path("<uuid:case_id>/access-log/", views.access_log, name="access_log"),
    path("<uuid:case_id>/summary.pdf", views.case_summary_pdf, name="summary_pdf"),
    path("<uuid:case_id>/consents/form/", views.consent_form, name="consent_form"),
    path("<uuid:case_id>/emergency/form/", views.emergency_form, name="emergency_form"),
]
