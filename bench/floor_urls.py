"""Qorgau's URLs plus /bench/floor/<case id>/ (bench/settings_floor.py only)."""

from bench.floor import floor
from django.urls import path

from qorgau import urls as qorgau_urls

urlpatterns = [path("bench/floor/<uuid:case_id>/", floor, name="bench_floor"), *qorgau_urls.urlpatterns]
handler400 = qorgau_urls.handler400
handler403 = qorgau_urls.handler403
handler404 = qorgau_urls.handler404
handler500 = qorgau_urls.handler500
