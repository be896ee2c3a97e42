from django.urls import path

from qorgau.people import views

app_name = "people"

urlpatterns = [
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/decide/", views.pair_decide, name="pair_decide"),
    path("duplicates/<uuid:decision_id>/undo/", views.pair_undo, name="pair_undo"),
]
