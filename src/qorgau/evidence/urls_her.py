"""Her own upload page, mounted inside i18n_patterns (/kk/u/<token>/): a short, neutral address."""

from django.urls import path

from qorgau.evidence import views_her

app_name = "her_upload"

urlpatterns = [
    path("u/<str:token>/", views_her.her_upload, name="upload"),
]
