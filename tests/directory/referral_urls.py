"""A URL configuration with a stand-in `referrals:create` (issue #4 builds the real one)."""

from django.http import HttpResponse
from django.urls import include, path

from qorgau.urls import urlpatterns as real

referral_patterns = ([path("new/", lambda request: HttpResponse("ok"), name="create")], "referrals")
urlpatterns = [*real, path("referrals/", include(referral_patterns))]
