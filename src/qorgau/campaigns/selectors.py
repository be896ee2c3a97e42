"""Reads of campaign data, limited to what the actor may see. Public reads take no actor and
return only approved, public events, without contacts, notes or reports."""

from collections import Counter
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from qorgau.accounts.models import Agency, User
from qorgau.accounts.roles import Role
from qorgau.campaigns import policies
from qorgau.campaigns.models import (
    Campaign,
    Event,
    EventReport,
    Letter,
    ParticipantCount,
    Partner,
    ReportPhoto,
    Speaker,
    TargetGroup,
)
from qorgau.core.audit import audit_record
from qorgau.core.models import Region
from qorgau.core.replica import reporting_alias

Status = Event.Status


def campaigns_for(*, actor) -> QuerySet[Campaign]:
    if not policies.can_use_campaigns(actor):
        raise PermissionDenied
    # An aggregate drops Meta.ordering from the query: without order_by, pages would shuffle.
    return (
        Campaign.objects.select_related("issuer")
        .annotate(event_count=Count("events", filter=Q(events__status__in=policies.PUBLIC_STATUSES)))
        .order_by(*Campaign._meta.ordering)
    )


def campaign_get(*, actor, campaign_id: int) -> Campaign:
    campaign = campaigns_for(actor=actor).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign


def campaigns_open_for_events(*, actor) -> QuerySet[Campaign]:
    """Campaigns an organiser may register events in: not yet over."""
    return campaigns_for(actor=actor).filter(ends_on__gte=timezone.localdate()).order_by("starts_on")


def _visible(actor) -> Q:
    """Events of the actor's agency, and events past the draft stage in the regions they coordinate."""
    q = Q(pk__in=[])
    if policies.can_organise(actor):
        q |= Q(organiser_id=actor.agency_id)
    if policies.is_national_coordinator(actor):
        q |= ~Q(status=Status.DRAFT)
    elif (region := policies.coordinator_region(actor)) is not None:
        q |= Q(region_id=region) & ~Q(status=Status.DRAFT)
    return q


def events_for(
    *, actor, campaign=None, status: str = "", region: str = "", kind: str = "", mine: bool = False
) -> QuerySet[Event]:
    if not policies.can_use_campaigns(actor):
        raise PermissionDenied
    qs = Event.objects.filter(_visible(actor)).select_related("campaign", "region", "organiser")
    if mine:
        qs = qs.filter(organiser_id=actor.agency_id)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if status:
        qs = qs.filter(status=status)
    if region:
        qs = qs.filter(region_id=region)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("starts_at", "id")


def event_get(*, actor, event_id: int) -> Event:
    """The event, or 404 when it does not exist or is not the actor's to see (no difference shown)."""
    if not policies.can_use_campaigns(actor):
        raise PermissionDenied
    event = (
        Event.objects.select_related("campaign", "region", "organiser", "created_by", "approved_by")
        .prefetch_related("partners", "speakers")
        .filter(pk=event_id)
        .first()
    )
    if event is None or not policies.can_view_event(actor, event):
        raise Http404
    return event


def review_queue(*, actor) -> list[Event]:
    """Submitted events the actor may approve (never their own submissions)."""
    if not policies.is_coordinator(actor):
        return []
    qs = events_for(actor=actor, status=Status.SUBMITTED)
    return [e for e in qs if policies.can_review(actor, e)]


def report_of(*, actor, event: Event):
    if not policies.can_view_report(actor, event):
        raise PermissionDenied
    report = EventReport.objects.filter(event=event).prefetch_related("participants").first()
    participants = []
    if report is not None:
        labels = dict(TargetGroup.choices)
        participants = [(labels[p.group], p.count) for p in report.participants.all()]
    return report, participants


def photos_of(*, actor, event: Event) -> QuerySet[ReportPhoto]:
    if not policies.can_view_report(actor, event):
        raise PermissionDenied
    return event.photos.all()


def photo_get(*, actor, photo_id) -> ReportPhoto:
    photo = ReportPhoto.objects.select_related("event").filter(pk=photo_id).first()
    if photo is None or not policies.can_view_report(actor, photo.event):
        raise Http404
    return photo


# --- Letters ------------------------------------------------------------------------------------------


def letters_of_event(*, actor, event: Event) -> QuerySet[Letter]:
    if not policies.can_view_letters(actor, event):
        raise PermissionDenied
    return event.letters.order_by("seq")


def letter_get(*, actor, letter_id) -> Letter:
    letter = Letter.objects.select_related("event", "campaign").filter(pk=letter_id).first()
    if letter is None or not policies.can_view_letters(actor, letter.event):
        raise Http404
    return letter


def letters_for_download(*, actor, event: Event, batch=None) -> list[Letter]:
    """Letters to print (one batch, or all of the event's); the download is recorded."""
    letters = (
        letters_of_event(actor=actor, event=event).filter(revoked_at__isnull=True).select_related("event")
    )
    if batch is not None:
        letters = letters.filter(batch=batch)
    letters = list(letters)
    if not letters:
        raise Http404
    audit_record(
        actor=actor,
        action="letter.download",
        obj=event,
        detail={"count": len(letters), "batch": str(batch) if batch else ""},
    )
    return letters


def letter_for_download(*, actor, letter_id) -> Letter:
    """The letter to print; the download is recorded (a revoked letter is not printed, so not recorded)."""
    letter = letter_get(actor=actor, letter_id=letter_id)
    if not letter.is_revoked:
        audit_record(actor=actor, action="letter.download", obj=letter)
    return letter


def letter_by_code(code: str) -> Letter | None:
    """For the public verification page: the letter with this code, or None."""
    if not code:
        return None
    return (
        Letter.objects.filter(code=code)
        .only("number", "recipient_name", "issuer_name", "issued_at", "revoked_at", "language", "code")
        .first()
    )


# --- Public calendar ----------------------------------------------------------------------------------


def public_events(
    *, region: str = "", kind: str = "", date_from: date | None = None, date_to: date | None = None
) -> QuerySet[Event]:
    qs = (
        Event.objects.filter(status__in=policies.PUBLIC_STATUSES, is_public=True)
        .select_related("region", "organiser", "campaign")
        .prefetch_related(
            "partners", Prefetch("speakers", queryset=Speaker.objects.filter(show_publicly=True))
        )
        .only(
            "id",
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "venue",
            "online_url",
            "moderator",
            "target_groups",
            "languages",
            "status",
            "region",
            "organiser",
            "campaign",
        )
    )
    if region:
        qs = qs.filter(region_id=region)
    if kind:
        qs = qs.filter(kind=kind)
    # Days are the local calendar's: an event is listed on every day it touches.
    if date_from:
        qs = qs.filter(ends_at__gte=timezone.make_aware(datetime.combine(date_from, time.min)))
    if date_to:
        qs = qs.filter(
            starts_at__lt=timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))
        )
    return qs.order_by("starts_at", "id")


def public_event_get(event_id: int) -> Event:
    event = public_events().filter(pk=event_id).first()
    if event is None:
        raise Http404
    return event


# --- Dashboard ----------------------------------------------------------------------------------------


def dashboard(*, actor, campaign: Campaign) -> dict:
    """Counts for the campaign: national coordinators see the country, regional ones their region.
    Only approved, held and reported events count; participants come from filed reports."""
    if not policies.can_view_dashboard(actor):
        raise PermissionDenied
    region = None if policies.is_national_coordinator(actor) else policies.coordinator_region(actor)
    db = reporting_alias()  # a read-only report: the streaming replica when there is one
    events = Event.objects.using(db).filter(campaign=campaign, status__in=policies.PUBLIC_STATUSES)
    pending = Event.objects.using(db).filter(campaign=campaign, status=Status.SUBMITTED)
    if region:
        events, pending = events.filter(region_id=region), pending.filter(region_id=region)

    regions = Region.objects.using(db).filter(is_active=True)
    if region:
        regions = regions.filter(pk=region)
    per_region = dict(events.values_list("region").annotate(n=Count("id")))
    by_region = [(r.name, per_region.get(r.pk, 0)) for r in regions]

    per_kind = dict(events.values_list("kind").annotate(n=Count("id")))
    by_kind = [(label, per_kind.get(value, 0)) for value, label in Event.Kind.choices]

    days = Counter(timezone.localdate(s) for s in events.values_list("starts_at", flat=True))
    span = (campaign.ends_on - campaign.starts_on).days + 1
    if span <= 62:
        by_day = [
            (d.strftime("%d.%m"), days.get(d, 0))
            for d in (campaign.starts_on + timedelta(days=i) for i in range(span))
        ]
    else:  # a year-round campaign: by month
        months = Counter((d.year, d.month) for d in days.elements())
        by_day, cursor = [], campaign.starts_on.replace(day=1)
        while cursor <= campaign.ends_on:
            by_day.append((cursor.strftime("%m.%Y"), months.get((cursor.year, cursor.month), 0)))
            cursor = (cursor + timedelta(days=32)).replace(day=1)

    reported = events.filter(status=Status.REPORTED)
    reached = reported.aggregate(n=Sum("report__participants_total"))["n"] or 0
    per_group = dict(
        ParticipantCount.objects.using(db)
        .filter(report__event__in=reported)
        .values_list("group")
        .annotate(n=Sum("count"))
    )
    by_group = [(label, per_group.get(value, 0)) for value, label in TargetGroup.choices]

    partner_rows = Partner.objects.using(db).filter(event__in=events).values_list("name", "kind", "event_id")
    partners: dict[str, dict] = {}
    for name, kind, event_id in partner_rows:
        key = " ".join(name.split()).casefold()
        entry = partners.setdefault(key, {"name": name, "kind": kind, "events": set()})
        entry["events"].add(event_id)
    kind_labels = dict(Partner.Kind.choices)
    partner_list = sorted(
        ((p["name"], kind_labels.get(p["kind"], p["kind"]), len(p["events"])) for p in partners.values()),
        key=lambda row: (-row[2], row[0].casefold()),
    )
    partner_kinds = Counter(p["kind"] for p in partners.values())
    by_partner_kind = [(label, partner_kinds.get(value, 0)) for value, label in Partner.Kind.choices]

    return {
        "campaign": campaign,
        "region": Region.objects.filter(pk=region).first() if region else None,
        "events_total": sum(per_region.values()),
        "events_reported": reported.count(),
        "events_pending": pending.count(),
        "regions_covered": sum(1 for _, n in by_region if n),
        "participants_total": reached,
        "partners_total": len(partners),
        "by_region": by_region,
        "by_day": by_day,
        "by_day_is_monthly": span > 62,
        "by_kind": by_kind,
        "by_group": by_group,
        "by_partner_kind": by_partner_kind,
        "partners": partner_list,
    }


def dashboard_for_export(*, actor, campaign: Campaign) -> dict:
    data = dashboard(actor=actor, campaign=campaign)
    audit_record(actor=actor, action="campaign.export", obj=campaign)
    return data


def coordinator_choices() -> QuerySet:
    """Staff who may be named coordinators of a campaign (names and agencies of staff, no more)."""
    return (
        User.objects.filter(
            is_active=True,
            role_links__role=Role.CAMPAIGN_COORDINATOR,
            agency__is_active=True,
            agency__kind__in=[Agency.Kind.NATIONAL_COMMISSION, Agency.Kind.REGIONAL_AKIMAT],
        )
        .select_related("agency")
        .order_by("agency__region__sort", "last_name", "username")
        .distinct()
    )
