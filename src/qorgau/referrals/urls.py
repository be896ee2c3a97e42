from django.urls import path

from qorgau.referrals import views

app_name = "referrals"

urlpatterns = [
    path("referrals/", views.referral_list, name="list"),
    path("referrals/new/", views.referral_create, name="create"),
    path("referrals/<uuid:referral_id>/", views.referral_detail, name="detail"),
    path("referrals/<uuid:referral_id>/act/", views.referral_act, name="act"),
    path("cases/<uuid:case_id>/services/", views.service_log, name="service_log"),
    path("cases/<uuid:case_id>/plan/actions/", views.plan_action_add, name="plan_action_add"),
    path(
        "cases/<uuid:case_id>/plan/actions/<uuid:action_id>/",
        views.plan_action_status,
        name="plan_action_status",
    ),
    path("cases/<uuid:case_id>/plan/submit/", views.plan_submit, name="plan_submit"),
    path("cases/<uuid:case_id>/plan/return/", views.plan_return, name="plan_return"),
    path("cases/<uuid:case_id>/wellbeing/", views.wellbeing_record, name="wellbeing"),
    path("cases/<uuid:case_id>/closure/", views.closure_request, name="closure_request"),
    path("cases/<uuid:case_id>/closure/<uuid:closure_id>/", views.closure_decide, name="closure_decide"),
    path("cases/<uuid:case_id>/reopen/", views.case_reopen, name="reopen"),
]
