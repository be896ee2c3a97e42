from django.urls import include, path

urlpatterns = [
    path("", include("qorgau.core.urls")),
    path("accounts/", include("qorgau.accounts.urls")),
    path("api/v1/", include(("qorgau.api.urls", "api"))),
]

handler400 = "qorgau.core.views.bad_request"
handler403 = "qorgau.core.views.forbidden"
handler404 = "qorgau.core.views.not_found"
handler500 = "qorgau.core.views.server_error"
