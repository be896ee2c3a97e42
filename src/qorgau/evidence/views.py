"""Locker screens: the case's evidence, adding files, links and messages, an item with its chain of
custody, the original (download), the EXIF-free preview, and the package for court. Thin views."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from qorgau.cases import selectors as case_selectors
from qorgau.core.forms import errors_text, form_action
from qorgau.core.views_public import public_view
from qorgau.evidence import package, policies, selectors, services
from qorgau.evidence.forms import (
    FileMetaForm,
    MessageForm,
    PurposeForm,
    TakedownForm,
    TakedownUpdateForm,
    UploadLinkForm,
    UrlForm,
)
from qorgau.evidence.upload import EvidenceUploadHandler


def _locker(request, case_id, status=200, **forms):
    case, access, items = selectors.evidence_list(actor=request.user, case_id=case_id)
    context = {
        "case": case,
        "items": items,
        "file_form": forms.get("file_form") or FileMetaForm(),
        "url_form": forms.get("url_form") or UrlForm(),
        "message_form": forms.get("message_form") or MessageForm(),
        "purpose_form": PurposeForm(),
        "can_export": policies.can_export(request.user, case),
        "exports": selectors.exports_of_case(case=case) if access.is_holder else [],
        "link_form": UploadLinkForm(),
        "upload_links": selectors.upload_links_of_case(case=case, access=access),
        "takedowns": selectors.takedowns_of_case(case=case, access=access),
        "takedown_form": TakedownForm(),
        "takedown_update_form": TakedownUpdateForm(),
        "link_hours": settings.QORGAU_EVIDENCE_UPLOAD_LINK_HOURS,
    }
    return render(request, "evidence/locker.html", context, status=status)


def locker(request, case_id):
    return _locker(request, case_id)


@csrf_exempt  # the streaming handler must be installed before the body is read; CSRF is checked below
def upload(request, case_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="evidence")
    handler = EvidenceUploadHandler(request)
    request.upload_handlers = [handler]
    return _upload(request, case, handler)


upload.streams_upload = True  # the hostile-bytes check leaves its body to the streaming handler


@csrf_protect
def _upload(request, case, handler):
    form = FileMetaForm(request.POST)
    staged = request.FILES.get("file")
    if handler.error or staged is None:
        handler.discard()
        form.is_valid()
        form.add_error(None, services.upload_error_message(handler.error or "missing"))
        return _locker(request, case.pk, status=400, file_form=form)
    if not form.is_valid():
        handler.discard()
        return _locker(request, case.pk, status=400, file_form=form)
    try:
        services.evidence_file_add(
            actor=request.user,
            case=case,
            section=form.cleaned_data["section"],
            staged=staged,
            description=form.cleaned_data.get("description", ""),
            captured_at=form.cleaned_data.get("captured_at"),
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _locker(request, case.pk, status=400, file_form=form)
    messages.success(request, _("The file was added to the evidence."))
    return redirect("evidence:case", case_id=case.pk)


@require_POST
def add_url(request, case_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="evidence")
    form_action(
        request,
        UrlForm(request.POST),
        lambda d: services.evidence_url_add(
            actor=request.user,
            case=case,
            section=d["section"],
            url=d["url"],
            observed_at=d["observed_at"],
            observed_by=d["observed_by"],
            description=d.get("description", ""),
        ),
        _("The link was added to the evidence."),
        _("The link was not added: %(errors)s"),
    )
    return redirect("evidence:case", case_id=case.pk)


@require_POST
def add_message(request, case_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="evidence")
    form_action(
        request,
        MessageForm(request.POST),
        lambda d: services.evidence_message_add(
            actor=request.user,
            case=case,
            section=d["section"],
            text=d["message_text"],
            sender=d.get("message_sender", ""),
            captured_at=d.get("captured_at"),
            description=d.get("description", ""),
        ),
        _("The message was added to the evidence."),
        _("The message was not added: %(errors)s"),
    )
    return redirect("evidence:case", case_id=case.pk)


def item(request, case_id, evidence_id):
    view, events = selectors.custody(actor=request.user, case_id=case_id, item_id=evidence_id)
    return render(
        request,
        "evidence/item.html",
        {"case_id": case_id, "v": view, "events": events, "purpose_form": PurposeForm()},
    )


def download(request, case_id, evidence_id):
    """The original, once the reader has said why (the reason is in the chain of custody)."""
    form = PurposeForm(request.GET if "purpose" in request.GET else None)
    if not form.is_valid():
        view = selectors.evidence_get(
            actor=request.user, case_id=case_id, item_id=evidence_id, purpose="original"
        )
        context = {"case_id": case_id, "v": view, "purpose_form": form}
        return render(request, "evidence/download.html", context, status=400 if form.is_bound else 200)
    view, chunks = selectors.evidence_open(
        actor=request.user, case_id=case_id, item_id=evidence_id, purpose=form.cleaned_data["purpose"]
    )
    response = StreamingHttpResponse(chunks, content_type=view.item.content_type)
    response["Content-Length"] = str(view.item.size)
    response["Content-Disposition"] = (
        f'attachment; filename="evidence-{view.item.pk}.{package.extension(view.item)}"'
    )
    response["X-Content-SHA256"] = view.item.sha256
    return response


def preview(request, case_id, evidence_id):
    data = selectors.evidence_preview(actor=request.user, case_id=case_id, item_id=evidence_id)
    return HttpResponse(data, content_type="image/png")


def export(request, case_id):
    """The package for court (POST with a purpose): originals, signed manifest, how to verify."""
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="evidence")
    if not policies.can_export(request.user, case):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("evidence:case", case_id=case.pk)
    form = PurposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("evidence:case", case_id=case.pk)
    try:
        result = package.evidence_export(actor=request.user, case=case, purpose=form.cleaned_data["purpose"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("evidence:case", case_id=case.pk)
    response = StreamingHttpResponse(result.stream, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="evidence-{case.number}-{result.export.pk}.zip"'
    return response


@public_view
def signing_key(request):
    """The platform's public key for evidence packages (PEM), at a fixed address."""
    return HttpResponse(package.public_key_pem(), content_type="application/x-pem-file")


# --- Her own upload link (the staff side; her page is views_her) --------------------------------


def her_link_url(request, token: str) -> str:
    """The address she opens, in the caseworker's current language (the page has a switch)."""
    from django.urls import reverse

    return request.build_absolute_uri(reverse("her_upload:upload", kwargs={"token": token}))


@require_POST
def upload_link_create(request, case_id):
    """A new link, shown once as an address and a QR code (the token is never stored)."""
    import segno

    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="evidence")
    form = UploadLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("evidence:case", case_id=case.pk)
    try:
        link, token = services.upload_link_create(
            actor=request.user,
            case=case,
            section=form.cleaned_data["section"],
            max_files=form.cleaned_data["max_files"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("evidence:case", case_id=case.pk)
    url = her_link_url(request, token)
    context = {
        "case": case,
        "link": link,
        "url": url,
        "qr": segno.make(url, error="m").svg_data_uri(scale=6, border=2),
    }
    response = render(request, "evidence/upload_link_created.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def upload_link_revoke(request, case_id, upload_link_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="evidence")
    services.upload_link_revoke(actor=request.user, case=case, link_id=upload_link_id)
    messages.success(request, _("The upload link was closed. It no longer accepts files."))
    return redirect("evidence:case", case_id=case.pk)


# --- Takedown and preservation requests ---------------------------------------------------------


@require_POST
def takedown_add(request, case_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="evidence")
    form_action(
        request,
        TakedownForm(request.POST),
        lambda d: services.takedown_add(
            actor=request.user,
            case=case,
            item_id=d["item"],
            platform=d["platform"],
            ask=d["ask"],
            sent_on=d["sent_on"],
            reference=d.get("reference", ""),
            status=d["status"],
            response_on=d.get("response_on"),
        ),
        _("The request to the platform was recorded."),
        _("The request to the platform was not recorded: %(errors)s"),
    )
    return redirect("evidence:case", case_id=case.pk)


@require_POST
def takedown_update(request, case_id, takedown_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="evidence")
    form_action(
        request,
        TakedownUpdateForm(request.POST),
        lambda d: services.takedown_update(
            actor=request.user,
            case=case,
            takedown_id=takedown_id,
            status=d["status"],
            response_on=d.get("response_on"),
            reference=d.get("reference") if "reference" in request.POST else None,
        ),
        _("The request's status was saved."),
        _("The request's status was not saved: %(errors)s"),
    )
    return redirect("evidence:case", case_id=case.pk)
