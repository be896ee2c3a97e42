from django.urls import path

from qorgau.evidence import views

app_name = "evidence"

urlpatterns = [
    path("signing-key.pem", views.signing_key, name="signing_key"),
    path("<uuid:case_id>/", views.locker, name="case"),
    path("<uuid:case_id>/files/", views.upload, name="upload"),
    path("<uuid:case_id>/links/", views.add_url, name="add_url"),
    path("<uuid:case_id>/messages/", views.add_message, name="add_message"),
    path("<uuid:case_id>/export/", views.export, name="export"),
    path("<uuid:case_id>/upload-links/", views.upload_link_create, name="upload_link_create"),
    path(
        "<uuid:case_id>/upload-links/<uuid:upload_link_id>/revoke/",
        views.upload_link_revoke,
        name="upload_link_revoke",
    ),
    path("<uuid:case_id>/takedowns/", views.takedown_add, name="takedown_add"),
    path("<uuid:case_id>/takedowns/<uuid:takedown_id>/", views.takedown_update, name="takedown_update"),
    path("<uuid:case_id>/items/<uuid:evidence_id>/", views.item, name="item"),
    path("<uuid:case_id>/items/<uuid:evidence_id>/original/", views.download, name="download"),
    path("<uuid:case_id>/items/<uuid:evidence_id>/preview/", views.preview, name="preview"),
]
