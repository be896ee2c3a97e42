from django.urls import path

from qorgau.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("agencies/<int:agency_id>/", views.agency_detail, name="agency"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("capacity/", views.capacity, name="capacity"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<slug:code>/", views.catalogue_edit, name="catalogue_edit"),
]
