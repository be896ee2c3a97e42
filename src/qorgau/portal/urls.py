"""Public pages, mounted inside i18n_patterns: /kk/..., /ru/..., /en/..."""

from django.urls import path

from qorgau.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.find_help, name="find_help"),
    path("services/", views.service_list, name="services"),
    path("rights/", views.rights, name="rights"),
    path("safety-plan/", views.safety_plan, name="safety_plan"),
    path("self-check/", views.self_check, name="self_check"),
    path("contact/", views.contact, name="contact"),
    path("contact/sent/", views.contact_sent, name="contact_sent"),
]
