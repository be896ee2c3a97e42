"""The evidence locker in the REST API: list and add (a file as multipart, streamed; a link or a
message as JSON), an item with its chain of custody, the original, and the package for court."""

from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from qorgau.api.forms import form_serializer, validated
from qorgau.api.hostile import SafeJSONParser
from qorgau.cases import selectors as case_selectors
from qorgau.evidence import package, policies, selectors, services
from qorgau.evidence.forms import (
    FileMetaForm,
    MessageForm,
    PurposeForm,
    TakedownForm,
    TakedownUpdateForm,
    UrlForm,
)
from qorgau.evidence.upload import EvidenceUploadHandler


class EvidenceItemOut(serializers.Serializer):
    id = serializers.UUIDField(source="item.pk")
    kind = serializers.CharField(source="item.kind")
    section = serializers.CharField(source="item.section")
    description = serializers.CharField(source="item.description", allow_null=True)
    captured_at = serializers.DateTimeField(source="item.captured_at", allow_null=True)
    added_at = serializers.DateTimeField(source="item.added_at")
    added_by = serializers.CharField()
    agency = serializers.CharField()
    filename = serializers.CharField(source="item.filename", allow_null=True)
    content_type = serializers.CharField(source="item.content_type")
    size = serializers.IntegerField(source="item.size", allow_null=True)
    sha256 = serializers.CharField(source="item.sha256")
    url = serializers.CharField(source="item.url", allow_null=True)
    observed_by = serializers.CharField(source="item.observed_by", allow_null=True)
    message_text = serializers.CharField(source="item.message_text", allow_null=True)
    message_sender = serializers.CharField(source="item.message_sender", allow_null=True)


class EvidenceCustodyOut(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    who = serializers.CharField()
    agency = serializers.CharField()
    purpose = serializers.CharField()


class CaseEvidence(APIView):
    parser_classes = [MultiPartParser, SafeJSONParser]  # the project's JSON parser: depth and NUL limits
    streams_upload = True  # the hostile-bytes check leaves its body to the streaming handler

    def initialize_request(self, request, *args, **kwargs):
        # Before anything reads the body: a file streams straight into the encrypted store.
        request.upload_handlers = [EvidenceUploadHandler(request)]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        summary="Evidence of the sections the caller may see", responses=EvidenceItemOut(many=True)
    )
    def get(self, request, case_id):
        _case, _access, items = selectors.evidence_list(actor=request.user, case_id=case_id)
        return Response(EvidenceItemOut(items, many=True).data)

    @extend_schema(
        summary="Add evidence: a file (multipart, field `file`), or a link or a message (JSON, `kind`)",
        request={
            "multipart/form-data": inline_serializer(
                "EvidenceFileUpload",
                {"file": serializers.FileField(), **form_serializer(FileMetaForm)().fields},
            ),
            "application/json": inline_serializer(
                "EvidenceTextInput",
                {
                    "kind": serializers.ChoiceField(choices=["url", "message"]),
                    **form_serializer(UrlForm)().fields,
                    **form_serializer(MessageForm)().fields,
                },
            ),
        },
        responses={201: EvidenceItemOut},
    )
    def post(self, request, case_id):
        case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="evidence")
        handler = request._request.upload_handlers[0]
        try:
            data = request.data
            staged = request.FILES.get("file")
        except Exception:
            handler.discard()
            raise
        if staged is not None or handler.error:
            if handler.error or staged is None:
                handler.discard()
                raise serializers.ValidationError({"file": [services.upload_error_message(handler.error)]})
            try:
                form = validated(
                    FileMetaForm, {k: data.get(k) for k in FileMetaForm.base_fields if k in data}
                )
            except BaseException:
                handler.discard()
                raise
            item = services.evidence_file_add(
                actor=request.user,
                case=case,
                section=form.cleaned_data["section"],
                staged=staged,
                description=form.cleaned_data.get("description", ""),
                captured_at=form.cleaned_data.get("captured_at"),
            )
        else:
            body = data if hasattr(data, "get") else {}
            kind = body.get("kind")
            if kind == "url":
                d = validated(UrlForm, dict(body)).cleaned_data
                item = services.evidence_url_add(
                    actor=request.user,
                    case=case,
                    section=d["section"],
                    url=d["url"],
                    observed_at=d["observed_at"],
                    observed_by=d["observed_by"],
                    description=d.get("description", ""),
                )
            elif kind == "message":
                d = validated(MessageForm, dict(body)).cleaned_data
                item = services.evidence_message_add(
                    actor=request.user,
                    case=case,
                    section=d["section"],
                    text=d["message_text"],
                    sender=d.get("message_sender", ""),
                    captured_at=d.get("captured_at"),
                    description=d.get("description", ""),
                )
            else:
                raise serializers.ValidationError({"file": [services.upload_error_message("missing")]})
        view = selectors.evidence_get(actor=request.user, case_id=case.pk, item_id=item.pk, purpose="add")
        return Response(EvidenceItemOut(view).data, status=status.HTTP_201_CREATED)


class CaseEvidenceItem(APIView):
    @extend_schema(
        summary="One item and its chain of custody (every view, download and export)",
        responses=inline_serializer(
            "EvidenceItemDetail", {"item": EvidenceItemOut(), "custody": EvidenceCustodyOut(many=True)}
        ),
    )
    def get(self, request, case_id, evidence_id):
        view, events = selectors.custody(actor=request.user, case_id=case_id, item_id=evidence_id)
        return Response(
            {"item": EvidenceItemOut(view).data, "custody": EvidenceCustodyOut(events, many=True).data}
        )


class CaseEvidenceOriginal(APIView):
    @extend_schema(
        summary="The original bytes (say why: ?purpose=court|investigation|her_request|review)",
        parameters=[OpenApiParameter("purpose", str, required=True)],
        responses={(200, "application/octet-stream"): bytes},
    )
    def get(self, request, case_id, evidence_id):
        form = PurposeForm({"purpose": request.query_params.get("purpose", "")})
        if not form.is_valid():
            # Only someone who may see the item learns that a reason is missing.
            selectors.evidence_get(
                actor=request.user, case_id=case_id, item_id=evidence_id, purpose="original"
            )
            validated(PurposeForm, {"purpose": request.query_params.get("purpose", "")})
        purpose = form.cleaned_data["purpose"]
        view, chunks = selectors.evidence_open(
            actor=request.user, case_id=case_id, item_id=evidence_id, purpose=purpose
        )
        response = StreamingHttpResponse(chunks, content_type=view.item.content_type)
        response["Content-Length"] = str(view.item.size)
        response["X-Content-SHA256"] = view.item.sha256
        return response


class CaseEvidenceExport(APIView):
    @extend_schema(
        summary="Export the evidence package for court (prosecutor, lawyer, holding supervisor)",
        request=form_serializer(PurposeForm),
        responses={(200, "application/zip"): bytes},
    )
    def post(self, request, case_id):
        case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="evidence")
        if not policies.can_export(request.user, case):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        purpose = validated(PurposeForm, request.data if isinstance(request.data, dict) else {}).cleaned_data[
            "purpose"
        ]
        result = package.evidence_export(actor=request.user, case=case, purpose=purpose)
        response = StreamingHttpResponse(result.stream, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="evidence-{case.number}-{result.export.pk}.zip"'
        )
        return response


class TakedownOut(serializers.Serializer):
    id = serializers.UUIDField()
    item = serializers.UUIDField(source="item_id")
    platform = serializers.CharField()
    ask = serializers.CharField()
    sent_on = serializers.DateField()
    reference = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    response_on = serializers.DateField(allow_null=True)
    updated_at = serializers.DateTimeField()


class CaseTakedowns(APIView):
    parser_classes = [SafeJSONParser]

    @extend_schema(
        summary="Takedown, preservation and account-data requests to platforms (items the caller sees)",
        responses=TakedownOut(many=True),
    )
    def get(self, request, case_id):
        _case, _access, takedowns = selectors.takedown_list(actor=request.user, case_id=case_id)
        return Response(TakedownOut(takedowns, many=True).data)

    @extend_schema(
        summary="Record a request sent to a platform about an item",
        request=form_serializer(TakedownForm),
        responses={201: TakedownOut},
    )
    def post(self, request, case_id):
        case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="evidence")
        d = validated(TakedownForm, request.data if isinstance(request.data, dict) else []).cleaned_data
        takedown = services.takedown_add(
            actor=request.user,
            case=case,
            item_id=d["item"],
            platform=d["platform"],
            ask=d["ask"],
            sent_on=d["sent_on"],
            reference=d.get("reference", ""),
            status=d["status"],
            response_on=d.get("response_on"),
        )
        return Response(TakedownOut(takedown).data, status=status.HTTP_201_CREATED)


class CaseTakedown(APIView):
    parser_classes = [SafeJSONParser]

    @extend_schema(
        summary="The platform's answer: status and response date",
        request=form_serializer(TakedownUpdateForm),
        responses={200: TakedownOut},
    )
    def patch(self, request, case_id, takedown_id):
        case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="evidence")
        data = request.data if isinstance(request.data, dict) else []
        d = validated(TakedownUpdateForm, data).cleaned_data
        takedown = services.takedown_update(
            actor=request.user,
            case=case,
            takedown_id=takedown_id,
            status=d["status"],
            response_on=d.get("response_on"),
            reference=d.get("reference") if "reference" in data else None,
        )
        return Response(TakedownOut(takedown).data)
