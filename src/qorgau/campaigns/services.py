"""Every write to campaigns, events, reports and letters: policy checked, validated, audited."""

import re
import secrets
import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.campaigns import policies
from qorgau.campaigns.images import clean_photo
from qorgau.campaigns.models import (
    Campaign,
    Event,
    EventLanguage,
    EventReport,
    Letter,
    ParticipantCount,
    Partner,
    ReportPhoto,
    Speaker,
    TargetGroup,
)
from qorgau.core.audit import audit_record
from qorgau.core.errors import Conflict
from qorgau.core.i18n import pick
from qorgau.core.models import Region
from qorgau.core.phones import PhoneError, normalize_phone

Status = Event.Status

CAMPAIGN_FIELDS = (
    "code",
    "name_kk",
    "name_ru",
    "name_en",
    "starts_on",
    "ends_on",
    "signatory_name_kk",
    "signatory_name_ru",
    "signatory_name_en",
    "signatory_title_kk",
    "signatory_title_ru",
    "signatory_title_en",
)
EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "region",
    "venue",
    "online_url",
    "moderator",
    "target_groups",
    "languages",
    "is_public",
    "contact_name",
    "contact_phone",
    "contact_email",
)
MAX_PARTNERS, MAX_SPEAKERS, MAX_MEDIA_LINKS, MAX_PHOTOS = 30, 50, 10, 12
MAX_PARTICIPANTS = 1_000_000
MAX_LETTERS_PER_BATCH = 1000
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: nothing to misread on paper
CODE_LENGTH = 16  # 32**16 = 2**80 possible codes
_web_url = URLValidator(schemes=["http", "https"])

# A name in any script: letters with spaces, hyphens, apostrophes, full stops, commas, quotation
# marks and brackets ("А. Серікқызы", "O'Brien", «Жас Өркен» қоғамдық бірлестігі). Digits (and
# "№") only in a partner organisation's name (№5 мектеп). Never a link or an e-mail address.
_NAME_MARKS = " .,'’-–«»\"“”()"


def _recipient_name_looks_wrong(name: str, role: str) -> bool:
    allowed_digits = role == Letter.RecipientRole.PARTNER
    letters = sum(ch.isalpha() for ch in name)
    for ch in name:
        if ch.isalpha() or ch in _NAME_MARKS or (allowed_digits and (ch.isdigit() or ch == "№")):
            continue
        return True
    return letters < 2 or "://" in name or name.lower().startswith("www.")


# --- Campaigns ---------------------------------------------------------------------------------------


def _check_coordinators(coordinators) -> list:
    coordinators = list(coordinators or [])
    if any(not policies.is_coordinator(u) for u in coordinators):
        raise ValidationError(
            {"coordinators": _("Only active campaign coordinators can coordinate a campaign.")}
        )
    return coordinators


def _clean_campaign(campaign: Campaign) -> None:
    campaign.full_clean(exclude=["previous", "created_by", "issuer"])
    if campaign.ends_on < campaign.starts_on:
        raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})


@transaction.atomic
def campaign_create(*, actor, coordinators=(), **fields) -> Campaign:
    if not policies.can_manage_campaigns(actor):
        raise PermissionDenied
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError(f"not campaign fields: {sorted(unknown)}")
    campaign = Campaign(created_by=actor, issuer=actor.agency, **fields)
    _clean_campaign(campaign)
    coordinators = _check_coordinators(coordinators)
    campaign.save()
    campaign.coordinators.set(coordinators)
    audit_record(actor=actor, action="campaign.create", obj=campaign)
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, version: int | None = None, coordinators=None, **changes):
    if not policies.can_manage_campaigns(actor):
        raise PermissionDenied
    unknown = set(changes) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError(f"not campaign fields: {sorted(unknown)}")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if version is not None and version != campaign.version:
        raise Conflict
    for field, value in changes.items():
        setattr(campaign, field, value)
    _clean_campaign(campaign)
    if coordinators is not None:
        campaign.coordinators.set(_check_coordinators(coordinators))
    campaign.version += 1
    campaign.save()
    audit_record(actor=actor, action="campaign.update", obj=campaign, detail={"fields": sorted(changes)})
    return campaign


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _bump_year(text: str, old: int, new: int) -> str:
    return re.sub(rf"\b{old}\b", str(new), text) if text else text


@transaction.atomic
def campaign_copy_next_year(*, actor, campaign: Campaign) -> Campaign:
    """Next year's edition in one step: same names (with the year moved on), period, coordinators
    and signature block; no events. A campaign has at most one next edition."""
    if not policies.can_manage_campaigns(actor):
        raise PermissionDenied
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if Campaign.objects.filter(previous=campaign).exists():
        raise ValidationError({"previous": _("Next year's edition of this campaign already exists.")})
    old, new = campaign.starts_on.year, campaign.starts_on.year + 1
    code = _bump_year(campaign.code, old, new)
    if code == campaign.code:
        code = f"{campaign.code[:15]}-{new}"
    fields = {f: getattr(campaign, f) for f in CAMPAIGN_FIELDS}
    fields.update(
        code=code,
        starts_on=_next_year(campaign.starts_on),
        ends_on=_next_year(campaign.ends_on),
        **{f"name_{c}": _bump_year(getattr(campaign, f"name_{c}"), old, new) for c in ("kk", "ru", "en")},
    )
    copy = Campaign(created_by=actor, issuer=campaign.issuer, previous=campaign, **fields)
    _clean_campaign(copy)  # e.g. the code is taken already
    copy.save()
    copy.coordinators.set([u for u in campaign.coordinators.all() if policies.is_coordinator(u)])
    audit_record(actor=actor, action="campaign.copy", obj=copy, detail={"from": campaign.pk})
    return copy


# --- Events --------------------------------------------------------------------------------------------


def _clean_partners(partners) -> list[Partner]:
    result = []
    for row in partners or []:
        name = (row.get("name") or "").strip()
        if not name:
            continue
        if row.get("kind") not in Partner.Kind.values:
            raise ValidationError({"partners": _("Choose the kind of each partner organisation.")})
        result.append(Partner(name=name[:200], kind=row["kind"]))
    if len(result) > MAX_PARTNERS:
        raise ValidationError({"partners": _("At most %(n)s partner organisations.") % {"n": MAX_PARTNERS}})
    return result


def _clean_speakers(speakers) -> list[Speaker]:
    result = []
    for row in speakers or []:
        name = (row.get("name") or "").strip()
        if not name:
            if (row.get("report_title") or "").strip():
                raise ValidationError({"speakers": _("Give the name of every speaker who has a report.")})
            continue
        speaker = Speaker(
            name=name,
            affiliation=(row.get("affiliation") or "").strip(),
            report_title=(row.get("report_title") or "").strip(),
            show_publicly=bool(row.get("show_publicly")),
        )
        speaker.full_clean(exclude=["event"])
        result.append(speaker)
    if len(result) > MAX_SPEAKERS:
        raise ValidationError({"speakers": _("At most %(n)s speakers.") % {"n": MAX_SPEAKERS}})
    return result


def _choices(values, allowed, field) -> list[str]:
    values = list(dict.fromkeys(values or []))
    if any(v not in allowed for v in values):
        raise ValidationError({field: _("Choose from the list.")})
    return values


def _clean_event(event: Event) -> None:
    """Everything a saved event must satisfy; field errors name the field."""
    errors = {}
    event.target_groups = _choices(event.target_groups, TargetGroup.values, "target_groups")
    event.languages = _choices(event.languages, EventLanguage.values, "languages")
    if not event.languages:
        errors["languages"] = _("Choose at least one language.")
    if not event.venue.strip() and not event.online_url.strip():
        errors["venue"] = _("Give a venue, an online link, or both.")
    if event.online_url:
        try:
            _web_url(event.online_url)
        except ValidationError:
            errors["online_url"] = _("Enter a web address starting with https:// or http://.")
    if event.contact_phone:
        try:
            event.contact_phone = normalize_phone(event.contact_phone)
        except PhoneError as exc:
            errors["contact_phone"] = exc.message
    if event.contact_email:
        try:
            EmailValidator()(event.contact_email)
        except ValidationError:
            errors["contact_email"] = _("Enter a valid e-mail address.")
    if event.region_id and not Region.objects.filter(pk=event.region_id, is_active=True).exists():
        errors["region"] = _("Choose a region from the list.")
    if event.starts_at and event.ends_at:
        if event.ends_at < event.starts_at:
            errors["ends_at"] = _("The event cannot end before it starts.")
        campaign = event.campaign
        first, last = timezone.localdate(event.starts_at), timezone.localdate(event.ends_at)
        if first < campaign.starts_on or last > campaign.ends_on:
            errors["starts_at"] = _("The event must take place within the campaign, %(start)s – %(end)s.") % {
                "start": campaign.starts_on.strftime("%d.%m.%Y"),
                "end": campaign.ends_on.strftime("%d.%m.%Y"),
            }
    try:
        # The database constraint (ends after start) is checked above with a clearer message.
        event.full_clean(
            exclude=["created_by", "organiser", "campaign", "target_groups", "languages"],
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)


def _save_people(event: Event, partners, speakers) -> None:
    if partners is not None:
        event.partners.all().delete()
        Partner.objects.bulk_create([Partner(event=event, name=p.name, kind=p.kind) for p in partners])
    if speakers is not None:
        event.speakers.all().delete()
        for s in speakers:
            s.event = event
        Speaker.objects.bulk_create(speakers)


def _check_fields(fields) -> None:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"not event fields: {sorted(unknown)}")


@transaction.atomic
def event_create(*, actor, campaign: Campaign, partners=(), speakers=(), **fields) -> Event:
    """Register an event of the actor's agency, as a draft."""
    if not policies.can_organise(actor):
        raise PermissionDenied
    _check_fields(fields)
    event = Event(campaign=campaign, organiser=actor.agency, created_by=actor, status=Status.DRAFT, **fields)
    _clean_event(event)
    partners, speakers = _clean_partners(partners), _clean_speakers(speakers)
    event.save()
    _save_people(event, partners, speakers)
    audit_record(actor=actor, action="event.create", obj=event)
    return event


@transaction.atomic
def event_update(
    *,
    actor,
    event: Event,
    version: int | None = None,
    partners=None,
    speakers=None,
    campaign: Campaign | None = None,
    **changes,
):
    event = Event.objects.select_for_update().select_related("campaign").get(pk=event.pk)
    if not policies.can_edit_event(actor, event):
        raise PermissionDenied
    if version is not None and version != event.version:
        raise Conflict
    _check_fields(changes)
    if campaign is not None and campaign.pk != event.campaign_id:
        # A draft registered under the wrong campaign can be moved; once submitted, the
        # coordinator has judged it within its campaign.
        if event.status != Status.DRAFT:
            raise ValidationError(
                {"campaign": _("An event can move to another campaign only while it is a draft.")}
            )
        if campaign.ends_on < timezone.localdate():
            raise ValidationError({"campaign": _("This campaign is over: choose one that is still running.")})
        changes["campaign_id"] = campaign.pk
    for field, value in changes.items():
        setattr(event, field, value)
    _clean_event(event)
    partners = _clean_partners(partners) if partners is not None else None
    speakers = _clean_speakers(speakers) if speakers is not None else None
    event.version += 1
    event.save()
    _save_people(event, partners, speakers)
    audit_record(actor=actor, action="event.update", obj=event, detail={"fields": sorted(changes)})
    return event


def _note_required(actor, event: Event, to: str) -> bool:
    """A coordinator says why they return or cancel; anyone cancelling a public event says why."""
    if to == Status.CANCELLED and event.status == Status.APPROVED:
        return True
    return to in (Status.DRAFT, Status.CANCELLED) and not policies.is_organiser_of(actor, event)


@transaction.atomic
def event_transition(*, actor, event: Event, to: str, note: str = "", version: int | None = None) -> Event:
    """Move an event along draft → submitted → approved → held (→ reported by filing the report),
    or back to draft from submitted, or to cancelled. Anything else is refused."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not policies.can_view_event(actor, event):
        raise PermissionDenied
    if version is not None and version != event.version:
        raise Conflict
    if (event.status, to) not in policies.TRANSITIONS or to == Status.REPORTED:
        raise ValidationError(
            {
                "status": _("An event that is “%(from)s” cannot become “%(to)s”.")
                % {"from": Status(event.status).label, "to": Status(to).label if to in Status.values else to}
            }
        )
    if not policies.can_move(actor, event, to):
        raise PermissionDenied
    note = (note or "").strip()
    if _note_required(actor, event, to) and not note:
        raise ValidationError({"note": _("Say why, so the organiser knows what to do.")})
    now = timezone.now()
    if to == Status.HELD and event.starts_at > now:
        raise ValidationError({"status": _("An event can be marked as held only once it has started.")})
    if to == Status.SUBMITTED:
        _clean_event(event)  # the campaign's period may have changed since the draft was saved
        event.submitted_by, event.submitted_at = actor, now
    if to == Status.APPROVED:
        event.approved_by, event.approved_at = actor, now
    previous = event.status
    event.status = to
    if note or to in (Status.SUBMITTED, Status.APPROVED):
        event.status_note = note[:1000]
    event.version += 1
    event.save()
    audit_record(actor=actor, action="event.status", obj=event, detail={"from": previous, "to": to})
    return event


# --- Reports and photos --------------------------------------------------------------------------------


def _clean_links(links) -> list[str]:
    cleaned = [link.strip() for link in links or [] if link and link.strip()]
    if len(cleaned) > MAX_MEDIA_LINKS:
        raise ValidationError({"media_links": _("At most %(n)s media links.") % {"n": MAX_MEDIA_LINKS}})
    for number, link in enumerate(cleaned, start=1):
        try:
            if len(link) > 500:
                raise ValidationError("too long")
            _web_url(link)
        except ValidationError:
            raise ValidationError(
                {
                    "media_links": _("Link %(n)s is not a web address starting with https:// or http://.")
                    % {"n": number}
                }
            ) from None
    return cleaned


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_PARTICIPANTS


def _clean_participants(total, groups: dict) -> dict[str, int]:
    if not _is_count(total) or total < 1:
        raise ValidationError(
            {"participants_total": _("Enter the number of participants, a whole number from 1 to 1,000,000.")}
        )
    counts = {}
    for group, count in (groups or {}).items():
        if group not in TargetGroup.values:
            raise ValidationError(
                {"participants": _("Unknown participant group: %(group)s.") % {"group": group}}
            )
        if count in (None, ""):
            continue
        if not _is_count(count):
            raise ValidationError({f"group_{group}": _("Enter a whole number from 0 to 1,000,000.")})
        if count:
            counts[group] = count
    largest = max(counts.values(), default=0)
    if largest > total:
        raise ValidationError(
            {
                "participants_total": _("The total cannot be smaller than the largest group (%(n)s).")
                % {"n": largest}
            }
        )
    return counts


@transaction.atomic
def report_file(
    *,
    actor,
    event: Event,
    participants_total: int,
    participants: dict,
    key_messages: str,
    recommendations: str = "",
    media_links=(),
    photos=(),
) -> EventReport:
    """File the report of a held event (it becomes "reported"), or correct a filed report."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not policies.is_organiser_of(actor, event):
        raise PermissionDenied
    if not policies.can_file_report(actor, event):
        raise ValidationError({"status": _("A report can be filed only after the event was held.")})
    counts = _clean_participants(participants_total, participants)
    links = _clean_links(media_links)
    key_messages = (key_messages or "").strip()
    if not key_messages:
        raise ValidationError({"key_messages": _("Write the key messages of the event.")})
    report = EventReport.objects.filter(event=event).first() or EventReport(event=event)
    first = report.pk is None
    report.participants_total = participants_total
    report.key_messages = key_messages
    report.recommendations = (recommendations or "").strip()
    report.media_links = links
    report.filed_by, report.filed_at = actor, timezone.now()
    report.full_clean(exclude=["event", "filed_by"])
    report.save()
    report.participants.all().delete()
    ParticipantCount.objects.bulk_create(
        [ParticipantCount(report=report, group=g, count=c) for g, c in counts.items()]
    )
    for upload in photos or []:
        _photo_save(actor=actor, event=event, upload=upload)
    if first:
        event.status = Status.REPORTED
        event.version += 1
        event.save(update_fields=["status", "version"])
    audit_record(
        actor=actor,
        action="report.file" if first else "report.update",
        obj=event,
        detail={"participants": participants_total, "photos": len(photos or [])},
    )
    return report


def _photo_save(*, actor, event: Event, upload, field: str = "photos") -> ReportPhoto:
    if event.photos.count() >= MAX_PHOTOS:
        raise ValidationError({field: _("At most %(n)s photos per event.") % {"n": MAX_PHOTOS}})
    image = clean_photo(upload, field)
    photo = ReportPhoto(
        event=event,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        size=len(image.data),
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    photo.file.save(f"{photo.pk}.{photo.extension}", ContentFile(image.data), save=False)
    # If the transaction fails after this point the file stays behind unreferenced: harmless,
    # and it holds only the event's photo, never anything from the upload but its pixels.
    photo.save(force_insert=True)
    return photo


@transaction.atomic
def photo_add(*, actor, event: Event, upload, field: str = "photos") -> ReportPhoto:
    """Add one photo; `field` names the form or API field in errors."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not policies.is_organiser_of(actor, event):
        raise PermissionDenied
    if event.status not in (Status.HELD, Status.REPORTED):
        raise ValidationError({field: _("Photos can be added only after the event was held.")})
    photo = _photo_save(actor=actor, event=event, upload=upload, field=field)
    audit_record(actor=actor, action="photo.add", obj=photo, detail={"event": event.pk})
    return photo


# --- Letters of gratitude ------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person types or a QR code carries, as stored: capitals, no spaces or hyphens."""
    return re.sub(r"[\s-]", "", (text or "")).upper()[:64]


@transaction.atomic
def letters_issue(*, actor, event: Event, language: str, recipients) -> list[Letter]:
    """Issue one letter per (name, role) recipient, numbered in the campaign's sequence."""
    if not policies.can_issue_letters(actor, event):
        raise PermissionDenied
    if language not in Letter.Language.values:
        raise ValidationError({"language": _("Choose Kazakh, Russian or English.")})
    people = []
    for name, role in recipients or []:
        name = " ".join((name or "").split())
        if not name:
            continue
        if len(name) > 200:
            raise ValidationError({"recipients": _("A recipient's name can have at most 200 characters.")})
        if _recipient_name_looks_wrong(name, role):
            raise ValidationError(
                {
                    "recipients": _(
                        "“%(name)s” does not look like a name: use letters, spaces, hyphens, "
                        "apostrophes and full stops (and digits in an organisation's name)."
                    )
                    % {"name": name[:60]}
                }
            )
        if role not in Letter.RecipientRole.values:
            raise ValidationError({"recipients": _("Choose what each recipient is thanked for.")})
        if (name, role) not in people:
            people.append((name, role))
    if not people:
        raise ValidationError({"recipients": _("Choose or type at least one recipient.")})
    if len(people) > MAX_LETTERS_PER_BATCH:
        raise ValidationError(
            {"recipients": _("At most %(n)s letters at a time.") % {"n": MAX_LETTERS_PER_BATCH}}
        )
    campaign = Campaign.objects.select_for_update().select_related("issuer").get(pk=event.campaign_id)
    signatory_name, signatory_title = campaign.signatory(language)
    if not signatory_name or not signatory_title:
        raise ValidationError(
            {"language": _("No signatory is set for letters in this language: set one on the campaign.")}
        )
    now, batch = timezone.now(), uuid.uuid4()
    issuer = pick({c: getattr(campaign.issuer, f"name_{c}") for c in ("kk", "ru", "en")}, language)
    campaign_name = pick({c: getattr(campaign, f"name_{c}") for c in ("kk", "ru", "en")}, language)
    letters = []
    for offset, (name, role) in enumerate(people, start=1):
        seq = campaign.letter_seq + offset
        letters.append(
            Letter(
                code=new_code(),
                campaign=campaign,
                event=event,
                seq=seq,
                number=f"{campaign.code}/{seq:05d}",
                batch=batch,
                recipient_name=name,
                recipient_role=role,
                language=language,
                issuer_name=issuer,
                signatory_name=signatory_name,
                signatory_title=signatory_title,
                campaign_name=campaign_name,
                event_title=event.title,
                issued_by=actor,
                issued_at=now,
            )
        )
    campaign.letter_seq += len(letters)
    campaign.save(update_fields=["letter_seq"])
    try:
        with transaction.atomic():
            Letter.objects.bulk_create(letters)
    except IntegrityError:  # two random codes met (one chance in 2**80): issue the batch again
        for letter in letters:
            letter.code = new_code()
        Letter.objects.bulk_create(letters)
    audit_record(
        actor=actor,
        action="letter.issue",
        obj=event,
        detail={"batch": str(batch), "count": len(letters), "language": language},
    )
    return letters


@transaction.atomic
def letter_revoke(*, actor, letter: Letter, reason: str) -> Letter:
    letter = Letter.objects.select_for_update().select_related("event").get(pk=letter.pk)
    if not policies.coordinates_region(actor, letter.event.region_id):
        raise PermissionDenied
    if letter.is_revoked:
        raise ValidationError({"reason": _("This letter was already revoked.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the letter is revoked.")})
    letter.revoked_at, letter.revoked_by, letter.revoke_reason = timezone.now(), actor, reason[:500]
    letter.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(actor=actor, action="letter.revoke", obj=letter)
    return letter
