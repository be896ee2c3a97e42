"""The public check of a letter: /verify/<code>, without a language prefix (the QR code printed on
the letter must work whatever language the reader prefers; Accept-Language decides)."""

from django.urls import path, re_path

from qorgau.campaigns import public

app_name = "verify"

urlpatterns = [
    path("", public.verify_form, name="form"),
    re_path(r"^(?P<code>[^/]+)/?$", public.verify, name="letter"),
]
