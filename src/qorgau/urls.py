from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

urlpatterns = [
    path("", include("qorgau.core.urls")),
    path("accounts/", include("qorgau.accounts.urls")),
    path("cases/", include("qorgau.cases.urls")),
    path("risk/", include("qorgau.risk.urls")),
    path("protection/", include("qorgau.protection.urls")),
    path("notifications/", include("qorgau.notifications.urls")),
    path("", include("qorgau.referrals.urls")),
    path("directory/", include("qorgau.directory.urls")),
    path("contact-requests/", include("qorgau.portal.urls_staff")),
    path("campaigns/", include("qorgau.campaigns.urls")),
    path("verify/", include("qorgau.campaigns.urls_verify")),
    path("stats/", include("qorgau.stats.urls")),
    path("people/", include("qorgau.people.urls")),
    path("evidence/", include("qorgau.evidence.urls")),
    path("api/v1/", include(("qorgau.api.urls", "api"))),
]

# Public pages carry the language in the address (/kk/..., /ru/..., /en/...): a visitor's choice
# needs no cookie, and a link can be shared in the right language.
urlpatterns += i18n_patterns(
    path("", include("qorgau.portal.urls")),
    path("calendar/", include("qorgau.campaigns.urls_calendar")),
    path("open-data/", include("qorgau.stats.urls_public")),
    path("", include("qorgau.evidence.urls_her")),
    prefix_default_language=True,
)

handler400 = "qorgau.core.views.bad_request"
handler403 = "qorgau.core.views.forbidden"
handler404 = "qorgau.core.views.not_found"
handler500 = "qorgau.core.views.server_error"
