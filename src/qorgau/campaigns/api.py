"""Campaigns, events, reports and letters in the REST API. Thin: parse, call a selector or service."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from qorgau.api.errors import error_body
from qorgau.campaigns import selectors, services
from qorgau.campaigns.letters import letter_pdf, verification_url
from qorgau.campaigns.models import Campaign, Event, EventLanguage, Letter, Partner, TargetGroup
from qorgau.core.models import Region

# --- Serializers ---------------------------------------------------------------------------------------

MAX_ID = 2**63 - 1  # ids are 64-bit: a larger number would overflow the database driver, not just miss


def _id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class CampaignSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    coordinators = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "code",
            "name",
            *services.CAMPAIGN_FIELDS[1:],
            "coordinators",
            "issuer",
            "previous",
            "version",
        ]
        read_only_fields = fields


class CampaignWriteSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    name_kk = serializers.CharField(max_length=200)
    name_ru = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    coordinators = serializers.ListField(child=_id_field(), required=False)
    version = serializers.IntegerField(
        required=False, help_text="The version you read; a mismatch answers 409."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in services.CAMPAIGN_FIELDS:
            if field.startswith("signatory_"):
                self.fields[field] = serializers.CharField(
                    max_length=300 if "title" in field else 150, required=False, allow_blank=True
                )

    def validate_coordinators(self, ids):
        users = list(selectors.coordinator_choices().filter(pk__in=ids))
        if len(users) != len(set(ids)):
            raise serializers.ValidationError(
                _("Only active campaign coordinators can coordinate a campaign.")
            )
        return users


class PartnerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Partner.Kind.choices)


class SpeakerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    affiliation = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    report_title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    show_publicly = serializers.BooleanField(required=False, default=False)


class EventSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    organiser_name = serializers.CharField(source="organiser.name", read_only=True)
    # Not a URLField here: an event without an online part has "", which is no URI.
    online_url = serializers.CharField(read_only=True, help_text="The address of the online part, or empty.")
    partners = PartnerSerializer(many=True, read_only=True)
    speakers = SpeakerSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "campaign",
            *services.EVENT_FIELDS,
            "organiser",
            "organiser_name",
            "partners",
            "speakers",
            "status",
            "status_note",
            "submitted_at",
            "approved_at",
            "version",
        ]
        read_only_fields = fields


class EventWriteSerializer(serializers.Serializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(is_active=True))
    venue = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    online_url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    moderator = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetGroup.choices), default=list
    )
    languages = serializers.ListField(child=serializers.ChoiceField(choices=EventLanguage.choices))
    is_public = serializers.BooleanField(default=True)
    contact_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    partners = PartnerSerializer(many=True, required=False)
    speakers = SpeakerSerializer(many=True, required=False)
    version = serializers.IntegerField(
        required=False, help_text="The version you read; a mismatch answers 409."
    )


class StatusSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Event.Status.choices)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class PhotoSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    content_type = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    size = serializers.IntegerField()


class ReportSerializer(serializers.Serializer):
    participants_total = serializers.IntegerField(min_value=1, max_value=services.MAX_PARTICIPANTS)
    participants = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=services.MAX_PARTICIPANTS),
        required=False,
        default=dict,
        help_text="Participants by group (keys: the target group codes); groups may overlap.",
    )
    key_messages = serializers.CharField(max_length=4000)
    recommendations = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    media_links = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, default=list
    )
    filed_at = serializers.DateTimeField(read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)


class RecipientSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    role = serializers.ChoiceField(choices=Letter.RecipientRole.choices)


class LetterIssueSerializer(serializers.Serializer):
    event = _id_field()
    language = serializers.ChoiceField(choices=Letter.Language.choices)
    recipients = RecipientSerializer(many=True, allow_empty=False, max_length=services.MAX_LETTERS_PER_BATCH)


class LetterSerializer(serializers.ModelSerializer):
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Letter
        fields = [
            "id",
            "number",
            "code",
            "verification_url",
            "campaign",
            "event",
            "batch",
            "recipient_name",
            "recipient_role",
            "language",
            "issued_at",
            "revoked_at",
            "revoke_reason",
        ]
        read_only_fields = fields

    def get_verification_url(self, letter) -> str:
        return verification_url(letter)


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


def _valid(serializer_class, request, **kwargs):
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Campaigns ------------------------------------------------------------------------------------------


class CampaignList(generics.ListAPIView):
    """Campaigns (for organisers and coordinators); national coordinators create them."""

    serializer_class = CampaignSerializer

    def get_queryset(self):
        return selectors.campaigns_for(actor=self.request.user).prefetch_related("coordinators")

    @extend_schema(
        request=CampaignWriteSerializer, responses={201: CampaignSerializer}, summary="Create a campaign"
    )
    def post(self, request):
        data = _valid(CampaignWriteSerializer, request)
        data.pop("version", None)
        campaign = services.campaign_create(actor=request.user, **data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)


class CampaignDetail(APIView):
    @extend_schema(responses=CampaignSerializer, summary="A campaign")
    def get(self, request, campaign_id):
        return Response(
            CampaignSerializer(selectors.campaign_get(actor=request.user, campaign_id=campaign_id)).data
        )

    @extend_schema(request=CampaignWriteSerializer, responses=CampaignSerializer, summary="Change a campaign")
    def patch(self, request, campaign_id):
        campaign = selectors.campaign_get(actor=request.user, campaign_id=campaign_id)
        data = _valid(CampaignWriteSerializer, request, partial=True)
        campaign = services.campaign_update(
            actor=request.user,
            campaign=campaign,
            version=data.pop("version", None),
            coordinators=data.pop("coordinators", None),
            **data,
        )
        return Response(CampaignSerializer(campaign).data)


class CampaignCopy(APIView):
    @extend_schema(request=None, responses={201: CampaignSerializer}, summary="Create next year's edition")
    def post(self, request, campaign_id):
        campaign = selectors.campaign_get(actor=request.user, campaign_id=campaign_id)
        copy = services.campaign_copy_next_year(actor=request.user, campaign=campaign)
        return Response(CampaignSerializer(copy).data, status=status.HTTP_201_CREATED)


_pairs = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))


class CampaignDashboard(APIView):
    @extend_schema(
        summary="The campaign's figures (the coordinator's region, or the country)",
        responses=inline_serializer(
            "CampaignDashboard",
            {
                "events_total": serializers.IntegerField(),
                "events_reported": serializers.IntegerField(),
                "events_pending": serializers.IntegerField(),
                "regions_covered": serializers.IntegerField(),
                "participants_total": serializers.IntegerField(),
                "partners_total": serializers.IntegerField(),
                "by_region": _pairs,
                "by_day": _pairs,
                "by_kind": _pairs,
                "by_group": _pairs,
                "partners": _pairs,
            },
        ),
    )
    def get(self, request, campaign_id):
        campaign = selectors.campaign_get(actor=request.user, campaign_id=campaign_id)
        data = selectors.dashboard(actor=request.user, campaign=campaign)
        keys = (
            "events_total",
            "events_reported",
            "events_pending",
            "regions_covered",
            "participants_total",
            "partners_total",
        )
        body = {key: data[key] for key in keys}
        for key in ("by_region", "by_day", "by_kind", "by_group", "partners"):
            body[key] = [[str(value) for value in row] for row in data[key]]
        return Response(body)


# --- Events ----------------------------------------------------------------------------------------------


class EventList(generics.ListAPIView):
    """Events the user may see: their agency's, and those past the draft stage in regions they coordinate."""

    serializer_class = EventSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("campaign", int),
            OpenApiParameter("status", str, enum=Event.Status.values),
            OpenApiParameter("region", str),
            OpenApiParameter("kind", str, enum=Event.Kind.values),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        campaign = params.get("campaign")
        campaign = (
            selectors.campaign_get(actor=self.request.user, campaign_id=campaign)
            if campaign and campaign.isdigit()
            else None
        )
        return selectors.events_for(
            actor=self.request.user,
            campaign=campaign,
            status=params.get("status", ""),
            region=params.get("region", ""),
            kind=params.get("kind", ""),
        ).prefetch_related("partners", "speakers")

    @extend_schema(
        request=EventWriteSerializer, responses={201: EventSerializer}, summary="Register an event (draft)"
    )
    def post(self, request):
        data = _valid(EventWriteSerializer, request)
        data.pop("version", None)
        event = services.event_create(actor=request.user, **data)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)


class EventDetail(APIView):
    @extend_schema(responses=EventSerializer, summary="An event")
    def get(self, request, event_id):
        return Response(EventSerializer(selectors.event_get(actor=request.user, event_id=event_id)).data)

    @extend_schema(
        request=EventWriteSerializer,
        responses=EventSerializer,
        summary="Change a draft event (its campaign too, while it is a draft)",
    )
    def patch(self, request, event_id):
        event = selectors.event_get(actor=request.user, event_id=event_id)
        data = _valid(EventWriteSerializer, request, partial=True)
        event = services.event_update(
            actor=request.user, event=event, version=data.pop("version", None), **data
        )
        return Response(EventSerializer(selectors.event_get(actor=request.user, event_id=event.pk)).data)


class EventStatus(APIView):
    @extend_schema(
        request=StatusSerializer,
        responses=EventSerializer,
        summary="Move an event: submit, return, approve, mark held, cancel",
        description=(
            "draft → submitted → approved → held; submitted → draft; draft, submitted or approved → "
            "cancelled. Held → reported happens by filing the report. Anything else answers 400."
        ),
    )
    def post(self, request, event_id):
        event = selectors.event_get(actor=request.user, event_id=event_id)
        data = _valid(StatusSerializer, request)
        event = services.event_transition(actor=request.user, event=event, **data)
        return Response(EventSerializer(selectors.event_get(actor=request.user, event_id=event.pk)).data)


def _report_body(actor, event):
    report, _participants = selectors.report_of(actor=actor, event=event)
    if report is None:
        return None
    return {
        "participants_total": report.participants_total,
        "participants": {p.group: p.count for p in report.participants.all()},
        "key_messages": report.key_messages,
        "recommendations": report.recommendations,
        "media_links": report.media_links,
        "filed_at": report.filed_at,
        "photos": list(selectors.photos_of(actor=actor, event=event)),
    }


class EventReportView(APIView):
    @extend_schema(responses=ReportSerializer, summary="The event's report")
    def get(self, request, event_id):
        event = selectors.event_get(actor=request.user, event_id=event_id)
        body = _report_body(request.user, event)
        if body is None:
            message = _("No report has been filed for this event yet.")
            return Response(error_body("not_found", message), status=status.HTTP_404_NOT_FOUND)
        return Response(ReportSerializer(body).data)

    @extend_schema(request=ReportSerializer, responses=ReportSerializer, summary="File or correct the report")
    def put(self, request, event_id):
        event = selectors.event_get(actor=request.user, event_id=event_id)
        data = _valid(ReportSerializer, request)
        services.report_file(actor=request.user, event=event, **data)
        return Response(ReportSerializer(_report_body(request.user, event)).data)


class EventPhotos(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": inline_serializer("PhotoUpload", {"file": serializers.FileField()})},
        responses={201: PhotoSerializer},
        summary="Add a photo to a held event (JPEG, PNG or WebP; re-encoded, metadata dropped)",
    )
    def post(self, request, event_id):
        event = selectors.event_get(actor=request.user, event_id=event_id)
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": [_("Attach a photo in the field “file”.")]})
        photo = services.photo_add(actor=request.user, event=event, upload=upload, field="file")
        return Response(PhotoSerializer(photo).data, status=status.HTTP_201_CREATED)


# --- Letters ---------------------------------------------------------------------------------------------


class _IssuedListSchema(AutoSchema):
    """POST answers the plain list of letters it issued: only the GET list is paginated."""

    def _get_paginator(self):
        return super()._get_paginator() if self.method == "GET" else None


class LetterList(generics.ListAPIView):
    serializer_class = LetterSerializer
    schema = _IssuedListSchema()

    @extend_schema(parameters=[OpenApiParameter("event", int, required=True)], summary="Letters of an event")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        event_id = self.request.query_params.get("event", "")
        if not event_id.isdigit():
            raise serializers.ValidationError({"event": [_("Give the event's number (id).")]})
        event = selectors.event_get(actor=self.request.user, event_id=int(event_id))
        return selectors.letters_of_event(actor=self.request.user, event=event)

    @extend_schema(
        request=LetterIssueSerializer,
        responses={201: LetterSerializer(many=True)},
        summary="Issue letters of gratitude for an event",
    )
    def post(self, request):
        data = _valid(LetterIssueSerializer, request)
        event = selectors.event_get(actor=request.user, event_id=data["event"])
        letters = services.letters_issue(
            actor=request.user,
            event=event,
            language=data["language"],
            recipients=[(r["name"], r["role"]) for r in data["recipients"]],
        )
        return Response(LetterSerializer(letters, many=True).data, status=status.HTTP_201_CREATED)


class LetterDetail(APIView):
    @extend_schema(responses=LetterSerializer, summary="A letter")
    def get(self, request, letter_id):
        return Response(LetterSerializer(selectors.letter_get(actor=request.user, letter_id=letter_id)).data)


class LetterPdf(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="The letter as PDF")
    def get(self, request, letter_id):
        letter = selectors.letter_for_download(actor=request.user, letter_id=letter_id)
        if letter.is_revoked:
            message = _("This letter was revoked and cannot be printed.")
            return Response(error_body("gone", message), status=status.HTTP_410_GONE)
        response = HttpResponse(letter_pdf(letter), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{letter.number.replace("/", "-")}.pdf"'
        return response


class LetterRevoke(APIView):
    @extend_schema(request=RevokeSerializer, responses=LetterSerializer, summary="Revoke a letter")
    def post(self, request, letter_id):
        letter = selectors.letter_get(actor=request.user, letter_id=letter_id)
        data = _valid(RevokeSerializer, request)
        letter = services.letter_revoke(actor=request.user, letter=letter, reason=data["reason"])
        return Response(LetterSerializer(letter).data)
