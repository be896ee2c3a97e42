from django.urls import path

from qorgau.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("pathway/", views.pathway, name="pathway"),
    path("risk-outcomes/", views.calibration, name="calibration"),
    path("download/<slug:page>/", views.download, name="download"),  # incidents, pathway, calibration
]
