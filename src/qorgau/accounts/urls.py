from django.urls import path

from qorgau.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("sign-in/setup/", views.mfa_setup, name="mfa_setup"),
    path("sign-out/", views.sign_out, name="logout"),
    path("sign-out/everywhere/", views.sign_out_everywhere, name="logout_everywhere"),
    path("language/", views.set_language, name="set_language"),
    path("password/", views.password_change, name="password_change"),
    path("profile/", views.profile, name="profile"),
    path("profile/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<str:token_key>/revoke/", views.token_revoke, name="token_revoke"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/new/", views.agency_edit, name="agency_create"),
    path("agencies/<int:agency_id>/", views.agency_edit, name="agency_edit"),
    path("agencies/<int:agency_id>/staff/", views.staff_list, name="staff_list"),
    path("agencies/<int:agency_id>/staff/new/", views.staff_create, name="staff_create"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/<int:user_id>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:user_id>/reset/", views.staff_reset, name="staff_reset"),
    path("security/", views.security, name="security"),
    path("security/requests/<int:grant_id>/", views.role_grant_decide, name="role_grant_decide"),
    path(
        "security/changes/<int:change_id>/review/", views.account_change_review, name="account_change_review"
    ),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
