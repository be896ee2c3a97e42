"""A URL configuration with a stand-in `referrals:create` (issue #4 builds the real one)."""

from django.http import HttpResponse
from django.urls import include, path

from qorgau.urls import urlpatterns as real

referral_patterns = ([path("new/", lambda request: HttpResponse("ok"), name="create")], "referrals")
intake_patterns = ([path("intake/", lambda request: HttpResponse("ok"), name="intake")], "cases")

urlpatterns = [*real, path("referrals/", include(referral_patterns)), path("cases/", include(intake_patterns))]
