"""The open-data page, inside i18n_patterns: /kk/open-data/, /ru/open-data/, /en/open-data/."""

from django.urls import path

from qorgau.stats import views

app_name = "open_data"

urlpatterns = [
    path("", views.open_data, name="index"),
    path("<int:year>/", views.open_data, name="year"),
    path("<int:year>.csv", views.open_data_csv, name="csv"),
]
