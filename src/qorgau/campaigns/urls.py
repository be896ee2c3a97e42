from django.urls import path

from qorgau.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_edit, name="campaign_create"),
    path("<int:campaign_id>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:campaign_id>/copy/", views.campaign_copy, name="campaign_copy"),
    path("<int:campaign_id>/dashboard/", views.campaign_dashboard, name="campaign_dashboard"),
    path("<int:campaign_id>/dashboard.xlsx", views.campaign_dashboard_xlsx, name="campaign_dashboard_xlsx"),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_edit, name="event_create"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:event_id>/status/", views.event_status, name="event_status"),
    path("events/<int:event_id>/report/", views.event_report, name="event_report"),
    path("events/<int:event_id>/letters/", views.event_letters, name="event_letters"),
    path("events/<int:event_id>/letters.zip", views.letters_zip, name="letters_zip"),
    path("photos/<uuid:photo_id>/", views.photo, name="photo"),
    path("letters/<uuid:letter_id>.pdf", views.letter_download, name="letter_pdf"),
    path("letters/<uuid:letter_id>/revoke/", views.letter_revoke, name="letter_revoke"),
]
