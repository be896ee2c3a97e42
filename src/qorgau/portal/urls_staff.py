"""The staff inbox of contact requests (signed-in pages, no language prefix)."""

from django.urls import path

from qorgau.portal import views

app_name = "contact_requests"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<uuid:request_id>/", views.request_detail, name="detail"),
    path("<uuid:request_id>/take/", views.request_take, name="take"),
]
