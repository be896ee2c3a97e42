"""Links to pages that other issues build (referrals, case intake): shown only once they exist.

A deployment without the referrals or cases app must still render the directory and the inbox,
so a missing URL name means "no link", never an error page.
"""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse


def optional_url(name: str, **query) -> str:
    """The URL with its query string, or "" when `name` cannot be reversed (yet)."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return ""
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


def refer_url(*, agency_id: int, service: str, case=None) -> str:
    return optional_url("referrals:create", agency=agency_id, service=service, case=case)
