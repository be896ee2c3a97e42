from django.urls import path

from qorgau.core import views

app_name = "core"

urlpatterns = [
    path("", views.root, name="root"),
    path("dashboard/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]
