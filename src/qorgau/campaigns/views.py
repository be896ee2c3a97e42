"""Staff pages: campaigns, events, reports, letters and the campaign dashboard. Thin views."""

import uuid
from tempfile import SpooledTemporaryFile

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qorgau.campaigns import exports, policies, selectors, services
from qorgau.campaigns.forms import (
    CampaignForm,
    EventFilterForm,
    EventForm,
    LetterIssueForm,
    PartnerFormSet,
    ReportForm,
    RevokeForm,
    SpeakerFormSet,
    StatusForm,
)
from qorgau.campaigns.letters import file_name, letter_pdf, write_zip
from qorgau.campaigns.models import Event
from qorgau.core.errors import Conflict
from qorgau.core.forms import apply_errors

Status = Event.Status


def dashboard_panel(request):
    """The home page's panel: what waits for the user in campaigns."""
    user = request.user
    if not policies.can_use_campaigns(user):
        return None
    context = {"template": "campaigns/panel.html", "to_review": len(selectors.review_queue(actor=user))}
    if policies.can_organise(user):
        mine = selectors.events_for(actor=user, mine=True)
        context.update(
            drafts=mine.filter(status=Status.DRAFT).count(),
            upcoming=mine.filter(status=Status.APPROVED, starts_at__gte=timezone.now()).count(),
            to_report=mine.filter(status=Status.HELD).count(),
        )
    return context


# --- Campaigns ---------------------------------------------------------------------------------------


def campaign_list(request):
    campaigns = selectors.campaigns_for(actor=request.user).prefetch_related("coordinators")
    context = {
        "campaigns": campaigns,
        "queue": selectors.review_queue(actor=request.user),
        "can_manage": policies.can_manage_campaigns(request.user),
        "can_dashboard": policies.can_view_dashboard(request.user),
    }
    return render(request, "campaigns/campaign_list.html", context)


def campaign_edit(request, campaign_id=None):
    if not policies.can_manage_campaigns(request.user):
        raise PermissionDenied
    campaign = selectors.campaign_get(actor=request.user, campaign_id=campaign_id) if campaign_id else None
    form = CampaignForm(
        request.POST or None, instance=campaign, coordinator_choices=selectors.coordinator_choices()
    )
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in CampaignForm.Meta.fields}
        try:
            if campaign is None:
                campaign = services.campaign_create(
                    actor=request.user, coordinators=form.cleaned_data["coordinators"], **data
                )
            else:
                services.campaign_update(
                    actor=request.user,
                    campaign=campaign,
                    version=form.cleaned_data.get("version"),
                    coordinators=form.cleaned_data["coordinators"],
                    **data,
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect("campaigns:campaign_list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign}, status=status
    )


@require_POST
def campaign_copy(request, campaign_id):
    campaign = selectors.campaign_get(actor=request.user, campaign_id=campaign_id)
    try:
        copy = services.campaign_copy_next_year(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("campaigns:campaign_list")
    messages.success(request, _("Next year's edition was created. Check its dates and names."))
    return redirect("campaigns:campaign_edit", campaign_id=copy.pk)


def campaign_dashboard(request, campaign_id):
    campaign = selectors.campaign_get(actor=request.user, campaign_id=campaign_id)
    data = selectors.dashboard(actor=request.user, campaign=campaign)
    charts = {
        key: {"labels": [str(label) for label, _n in data[key]], "values": [n for _label, n in data[key]]}
        for key in ("by_region", "by_day", "by_kind", "by_group")
    }
    return render(request, "campaigns/dashboard.html", {**data, "charts": charts})


def campaign_dashboard_xlsx(request, campaign_id):
    campaign = selectors.campaign_get(actor=request.user, campaign_id=campaign_id)
    data = selectors.dashboard_for_export(actor=request.user, campaign=campaign)
    response = HttpResponse(
        exports.dashboard_xlsx(data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{campaign.code}-dashboard.xlsx"'
    return response


# --- Events ------------------------------------------------------------------------------------------


def event_list(request):
    if not policies.can_use_campaigns(request.user):
        raise PermissionDenied
    campaigns = selectors.campaigns_for(actor=request.user)
    filters = EventFilterForm(request.GET or None, campaigns=campaigns)
    criteria = {}
    if filters.is_valid():
        data = filters.cleaned_data
        criteria = {
            "campaign": data.get("campaign"),
            "status": data.get("status") or "",
            "region": data["region"].pk if data.get("region") else "",
        }
    events = selectors.events_for(actor=request.user, **criteria)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "can_organise": policies.can_organise(request.user),
        "queue": selectors.review_queue(actor=request.user),
    }
    return render(request, "campaigns/event_list.html", context)


def _people_initial(event):
    partners = [{"name": p.name, "kind": p.kind} for p in event.partners.all()]
    speakers = [
        {
            "name": s.name,
            "affiliation": s.affiliation,
            "report_title": s.report_title,
            "show_publicly": s.show_publicly,
        }
        for s in event.speakers.all()
    ]
    return partners, speakers


def event_edit(request, event_id=None):
    user = request.user
    event = selectors.event_get(actor=user, event_id=event_id) if event_id else None
    if not (policies.can_edit_event(user, event) if event else policies.can_organise(user)):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    if event is None:
        initial = {
            "region": user.agency.region_id,
            "campaign": request.GET.get("campaign"),
            "is_public": True,
        }
        partners_initial = speakers_initial = None
    else:
        initial = {f: getattr(event, f) for f in services.EVENT_FIELDS}
        initial.update(region=event.region_id, version=event.version, campaign=event.campaign_id)
        partners_initial, speakers_initial = _people_initial(event)
    form = EventForm(
        data,
        initial=initial,
        campaigns=selectors.campaigns_open_for_events(actor=user),
        keep_campaign=event is not None and event.status != Event.Status.DRAFT,
    )
    partners = PartnerFormSet(data, prefix="partners", initial=partners_initial)
    speakers = SpeakerFormSet(data, prefix="speakers", initial=speakers_initial)
    if data is not None and all([form.is_valid(), partners.is_valid(), speakers.is_valid()]):
        fields = {f: form.cleaned_data[f] for f in services.EVENT_FIELDS}
        people = {"partners": partners.cleaned_data, "speakers": speakers.cleaned_data}
        try:
            if event is None:
                event = services.event_create(
                    actor=user, campaign=form.cleaned_data["campaign"], **people, **fields
                )
            else:
                event = services.event_update(
                    actor=user,
                    event=event,
                    version=form.cleaned_data.get("version"),
                    campaign=form.cleaned_data.get("campaign"),
                    **people,
                    **fields,
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("The event was saved as a draft. Submit it for approval when it is ready.")
            )
            return redirect("campaigns:event_detail", event_id=event.pk)
    context = {"form": form, "partners": partners, "speakers": speakers, "event": event}
    return render(request, "campaigns/event_form.html", context, status=400 if data is not None else 200)


# Buttons for the moves a person may make: (target status, who, label, needs a note field)
def _moves(user, event) -> list[dict]:
    labels = {
        Status.SUBMITTED: _("Submit for approval"),
        Status.APPROVED: _("Approve"),
        Status.HELD: _("Mark as held"),
        Status.CANCELLED: _("Cancel the event"),
    }
    organiser = policies.is_organiser_of(user, event)
    moves = []
    for to in (Status.SUBMITTED, Status.APPROVED, Status.DRAFT, Status.HELD, Status.CANCELLED):
        if not policies.can_move(user, event, to):
            continue
        if to == Status.HELD and event.starts_at > timezone.now():
            continue
        if to == Status.DRAFT:
            label = _("Withdraw to draft") if organiser else _("Return to the organiser")
        else:
            label = labels[to]
        note = to == Status.CANCELLED or (to == Status.DRAFT and not organiser)
        moves.append({"to": to, "label": label, "note": note, "danger": to == Status.CANCELLED})
    return moves


def _event_context(request, event, status_form=None) -> dict:
    user = request.user
    report, participants, photos = None, [], []
    if policies.can_view_report(user, event):
        report, participants = selectors.report_of(actor=user, event=event)
        photos = selectors.photos_of(actor=user, event=event)
    return {
        "event": event,
        "moves": _moves(user, event),
        "status_form": status_form,
        "can_edit": policies.can_edit_event(user, event),
        "can_report": policies.can_file_report(user, event),
        "can_letters": policies.can_view_letters(user, event),
        "report": report,
        "participants": participants,
        "photos": photos,
    }


def event_detail(request, event_id):
    event = selectors.event_get(actor=request.user, event_id=event_id)
    return render(request, "campaigns/event_detail.html", _event_context(request, event))


@require_POST
def event_status(request, event_id):
    event = selectors.event_get(actor=request.user, event_id=event_id)
    form = StatusForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.event_transition(
                actor=request.user,
                event=event,
                to=form.cleaned_data["to"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
            status = 409
        else:
            messages.success(
                request,
                _("The event is now “%(status)s”.") % {"status": Status(form.cleaned_data["to"]).label},
            )
            return redirect("campaigns:event_detail", event_id=event.pk)
    event = selectors.event_get(actor=request.user, event_id=event_id)
    return render(request, "campaigns/event_detail.html", _event_context(request, event, form), status=status)


def event_report(request, event_id):
    user = request.user
    event = selectors.event_get(actor=user, event_id=event_id)
    if not policies.can_file_report(user, event):
        raise PermissionDenied
    report, _participants = selectors.report_of(actor=user, event=event)
    initial = {}
    if report is not None:
        initial = {
            "participants_total": report.participants_total,
            "key_messages": report.key_messages,
            "recommendations": report.recommendations,
            "media_links": "\n".join(report.media_links),
            **{f"group_{p.group}": p.count for p in report.participants.all()},
        }
    limit_mb = settings.QORGAU_PHOTO_MAX_BYTES // (1024 * 1024)
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial, photo_limit_mb=limit_mb)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_file(
                actor=user,
                event=event,
                participants_total=form.cleaned_data["participants_total"],
                participants=form.participants(),
                key_messages=form.cleaned_data["key_messages"],
                recommendations=form.cleaned_data["recommendations"],
                media_links=form.links(),
                photos=form.cleaned_data["photos"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The report was filed. Thank you."))
            return redirect("campaigns:event_detail", event_id=event.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "campaigns/report_form.html", {"form": form, "event": event}, status=status)


def photo(request, photo_id):
    photo = selectors.photo_get(actor=request.user, photo_id=photo_id)
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


# --- Letters -------------------------------------------------------------------------------------------


def event_letters(request, event_id):
    user = request.user
    event = selectors.event_get(actor=user, event_id=event_id)
    letters = selectors.letters_of_event(actor=user, event=event)
    can_issue = policies.can_issue_letters(user, event)
    form = LetterIssueForm(request.POST or None, event=event) if can_issue else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                issued = services.letters_issue(
                    actor=user,
                    event=event,
                    language=form.cleaned_data["language"],
                    recipients=form.cleaned_data["chosen"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Letters issued: %(n)s.") % {"n": len(issued)})
                return redirect(f"{request.path}?batch={issued[0].batch}")
    batch = request.GET.get("batch", "")
    context = {
        "event": event,
        "letters": letters,
        "form": form,
        "batch": batch if _is_uuid(batch) and letters.filter(batch=batch).exists() else "",
        "revoke_form": RevokeForm(),
    }
    return render(request, "campaigns/letters.html", context, status=400 if request.method == "POST" else 200)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, TypeError):
        return False
    return True


def letter_download(request, letter_id):
    letter = selectors.letter_for_download(actor=request.user, letter_id=letter_id)
    if letter.is_revoked:
        return render(
            request,
            "core/error.html",
            {"status": 410, "message": _("This letter was revoked and cannot be printed.")},
            status=410,
        )
    return FileResponse(
        iter([letter_pdf(letter)]),
        as_attachment=True,
        filename=file_name(letter),
        content_type="application/pdf",
    )


def letters_zip(request, event_id):
    event = selectors.event_get(actor=request.user, event_id=event_id)
    batch = request.GET.get("batch") or None
    if batch is not None and not _is_uuid(batch):
        batch = None
    letters = selectors.letters_for_download(actor=request.user, event=event, batch=batch)
    buffer = SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    write_zip(letters, buffer)
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename=f"letters-{event.pk}.zip", content_type="application/zip"
    )


@require_POST
def letter_revoke(request, letter_id):
    letter = selectors.letter_get(actor=request.user, letter_id=letter_id)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.letter_revoke(actor=request.user, letter=letter, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Letter %(number)s was revoked.") % {"number": letter.number})
    else:
        messages.error(request, _("Say why the letter is revoked."))
    return redirect("campaigns:event_letters", event_id=letter.event_id)
