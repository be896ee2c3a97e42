"""Her own upload page (/kk/u/<token>/, no account): from her own phone she sends files straight
into her case's locker through the same streamed, sniffed, encrypted path as staff uploads.

Nothing is left in her browser: no cookie (no session, no CSRF cookie: the secret token in the
address is the capability, so a forged form from another site would need the token anyway), no
cache (`no-store`), no referrer, no file name echoed back, a neutral title and a quick exit. The
page says nothing about the case. A closed link (expired, revoked, used up) or an unknown token
gets the same plain answer and nothing is read or stored. Attempts are limited per link and per
address (qorgau.portal.ratelimit) and every attempt through a known link is audited on the case.
"""

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt

from qorgau.core.views_public import public_view
from qorgau.evidence import services
from qorgau.evidence.models import UploadLink
from qorgau.evidence.upload import EvidenceUploadHandler, limit_bytes
from qorgau.portal import ratelimit

ADDRESS_SCOPE = "her-upload"
LINK_SCOPE = "her-upload-link"


def _page(request, template: str, context: dict | None = None, status: int = 200):
    context = {
        "lang_links": [
            {
                "code": code,
                "label": label,
                "url": translate_url(request.path, code),
                "current": code == get_language(),
            }
            for code, label in settings.LANGUAGES
        ],
        "quick_exit_url": settings.QORGAU_QUICK_EXIT_URL,
        **(context or {}),
    }
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store, max-age=0"
    response["Referrer-Policy"] = "no-referrer"  # the token must not leave in a Referer header
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _window() -> int:
    return settings.QORGAU_EVIDENCE_UPLOAD_LINK_WINDOW_MINUTES * 60


def _address_limit(request) -> tuple:
    return (request, ADDRESS_SCOPE, settings.QORGAU_EVIDENCE_UPLOAD_LINK_PER_ADDRESS, _window())


def _link_limit(link: UploadLink) -> tuple:
    return (
        ratelimit.thing_key(LINK_SCOPE, str(link.pk)),
        settings.QORGAU_EVIDENCE_UPLOAD_LINK_PER_LINK,
        _window(),
    )


def _closed(request):
    return _page(request, "evidence/her/closed.html", status=410)


def _busy(request):
    return _page(request, "evidence/her/busy.html", status=429)


def _form(request, link: UploadLink, *, error: str = "", sent: bool = False, status: int = 200):
    context = {
        "files_left": link.files_left,
        "error": error,
        "sent": sent,
        "largest_mb": limit_bytes(None) // (1024 * 1024),
    }
    return _page(request, "evidence/her/upload.html", context, status=status)


@public_view
@csrf_exempt  # no cookie on her phone: the token in the address is the capability (see above)
def her_upload(request, token):
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    link = services.upload_link_find(token)
    if link is None:
        # An unknown token: counted per address, so guessing is slow; the answer is the same
        # as for a closed link.
        if ratelimit.is_limited(*_address_limit(request)):
            return _busy(request)
        ratelimit.count(*_address_limit(request))
        return _closed(request)
    state = link.state()
    if request.method == "GET":
        sent = request.GET.get("sent") == "1"
        if state == UploadLink.State.ACTIVE or (sent and state == UploadLink.State.USED_UP):
            return _form(request, link, sent=sent)
        return _closed(request)
    # POST: limits and the link's state are checked before a byte of the body is read.
    if ratelimit.is_limited(*_address_limit(request)) or ratelimit.key_limited(*_link_limit(link)):
        services.upload_link_refused(link=link, reason="rate_limited")
        return _busy(request)
    ratelimit.count(*_address_limit(request))
    ratelimit.count_key(*_link_limit(link))
    if state != UploadLink.State.ACTIVE:
        services.upload_link_refused(link=link, reason=state)
        return _closed(request)
    handler = EvidenceUploadHandler(request)
    request.upload_handlers = [handler]
    staged = request.FILES.get("file")
    if handler.error or staged is None:
        handler.discard()
        code = handler.error or "missing"
        services.upload_link_refused(link=link, reason=code)
        return _form(request, link, error=services.upload_error_message(code), status=400)
    item = services.upload_link_file_add(link_id=link.pk, staged=staged)
    if item is None:
        return _closed(request)
    # Post/redirect/get: a reload cannot send it twice; the next page names no file.
    response = redirect(f"{request.path}?sent=1")
    response.status_code = 303
    response["Cache-Control"] = "no-store, max-age=0"
    response["Referrer-Policy"] = "no-referrer"
    return response


her_upload.streams_upload = True  # the hostile-bytes check leaves its body to the streaming handler
