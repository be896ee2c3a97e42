"""Court-imposed special requirements in the REST API: a case's requirements, their early end and
breaches, and the programme agency's part (its list, one programme, attendance). Thin: the same
forms, selectors and services as the screens; errors in the documented format (qorgau.api)."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from qorgau.api.forms import form_serializer, validated
from qorgau.cases.selectors import case_region_id
from qorgau.protection import policies
from qorgau.protection import requirement_selectors as selectors
from qorgau.protection import requirement_services as services
from qorgau.protection.api import ViolationOut
from qorgau.protection.requirement_forms import (
    AttendanceForm,
    RequirementBreachForm,
    RequirementEndForm,
    RequirementForm,
)
from qorgau.protection.selectors import perpetrator_choices, protection_case


class SessionOut(serializers.Serializer):
    kind = serializers.CharField(help_text="attended, missed or completed.")
    on = serializers.DateField()
    agency = serializers.CharField()


class ProgrammeSummaryOut(serializers.Serializer):
    agency = serializers.CharField()
    attended = serializers.IntegerField()
    missed = serializers.IntegerField()
    completed_on = serializers.DateField(allow_null=True)
    sessions = SessionOut(many=True)


class RequirementOut(serializers.Serializer):
    id = serializers.UUIDField()
    state = serializers.CharField(help_text="pending, in_force, ending, ended or ended_early (derived).")
    court = serializers.CharField()
    decision_on = serializers.DateField()
    starts_on = serializers.DateField()
    months = serializers.IntegerField()
    ends_on = serializers.DateField(help_text="The last day they bind.")
    conditions = serializers.ListField(child=serializers.CharField())
    conditions_text = serializers.CharField()
    monitoring_agency = serializers.CharField()
    ended_on = serializers.DateField(allow_null=True)
    person = serializers.UUIDField(
        source="person_id", allow_null=True, help_text="Null when you do not see the legal section."
    )
    person_name = serializers.CharField(allow_null=True)
    programme = ProgrammeSummaryOut(allow_null=True)
    version = serializers.IntegerField()


class RequirementDetailOut(RequirementOut):
    breaches = ViolationOut(many=True)


class CaseRequirements(APIView):
    @extend_schema(
        summary="A case's court requirements (safety or legal section)", responses=RequirementOut(many=True)
    )
    def get(self, request, case_id):
        _case, _access, rows = selectors.requirement_list(actor=request.user, case_id=case_id)
        return Response(RequirementOut(rows, many=True).data)

    @extend_schema(
        summary="Record court requirements from a decision (a lawyer, prosecutor or police officer on the case)",
        request=form_serializer(RequirementForm, "CourtRequirementInput"),
        responses={201: RequirementDetailOut},
    )
    def post(self, request, case_id):
        case, _access = protection_case(request.user, case_id, "requirements")
        d = validated(
            RequirementForm,
            request.data,
            perpetrators=perpetrator_choices(case),
            region_id=case_region_id(case=case),
        ).cleaned_data
        requirement = services.requirement_create(
            actor=request.user,
            case=case,
            person_id=d["person"],
            court=d["court"],
            decision_on=d["decision_on"],
            starts_on=d["starts_on"],
            months=d["months"],
            conditions=d["conditions"],
            conditions_text=d["conditions_text"],
            monitoring_agency=d["monitoring_agency"],
            programme_agency=d["programme_agency"],
        )
        _c, _a, view = selectors.requirement_get(
            actor=request.user, case_id=case.pk, requirement_id=requirement.pk
        )
        return Response(RequirementDetailOut(view).data, status=status.HTTP_201_CREATED)


class CaseRequirement(APIView):
    @extend_schema(
        summary="One court requirement with its breaches and programme", responses=RequirementDetailOut
    )
    def get(self, request, case_id, requirement_id):
        _c, _a, view = selectors.requirement_get(
            actor=request.user, case_id=case_id, requirement_id=requirement_id
        )
        return Response(RequirementDetailOut(view).data)


class CaseRequirementEnd(APIView):
    @extend_schema(
        summary="Record that a court lifted the requirements early (with the version you read)",
        request=form_serializer(RequirementEndForm, "CourtRequirementEndInput"),
        responses=RequirementDetailOut,
    )
    def post(self, request, case_id, requirement_id):
        case, _access = protection_case(request.user, case_id, "requirements")
        d = validated(RequirementEndForm, request.data).cleaned_data
        services.requirement_end(
            actor=request.user,
            case=case,
            requirement_id=requirement_id,
            expected_version=d["version"],
            ended_on=d["ended_on"],
            reason=d["reason"],
        )
        _c, _a, view = selectors.requirement_get(
            actor=request.user, case_id=case.pk, requirement_id=requirement_id
        )
        return Response(RequirementDetailOut(view).data)


class CaseRequirementBreaches(APIView):
    @extend_schema(
        summary="Record a breach of court requirements in force: the risk re-assessment becomes due now",
        request=form_serializer(RequirementBreachForm, "CourtRequirementBreachInput"),
        responses={201: ViolationOut},
    )
    def post(self, request, case_id, requirement_id):
        case, _access = protection_case(request.user, case_id, "requirements")
        d = validated(RequirementBreachForm, request.data).cleaned_data
        breach = services.requirement_breach_record(
            actor=request.user,
            case=case,
            requirement_id=requirement_id,
            occurred_at=d["occurred_at"],
            description=d["description"],
            reported_by=d["reported_by"],
            evidence_reference=d["evidence_reference"],
        )
        _c, _a, view = selectors.requirement_get(
            actor=request.user, case_id=case.pk, requirement_id=requirement_id
        )
        found = next(b for b in view.breaches if b.id == breach.pk)
        return Response(ViolationOut(found).data, status=status.HTTP_201_CREATED)


# --- The programme agency's part ---------------------------------------------------------------------


class ProgrammeOut(serializers.Serializer):
    id = serializers.UUIDField()
    person_name = serializers.CharField()
    court = serializers.CharField()
    decision_on = serializers.DateField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    state = serializers.CharField()
    attended = serializers.IntegerField()
    missed = serializers.IntegerField()
    completed_on = serializers.DateField(allow_null=True)
    sessions = SessionOut(many=True)
    version = serializers.IntegerField()


class Programmes(APIView):
    @extend_schema(
        summary="Your agency's correction programmes (the programme part of court requirements only)",
        responses=ProgrammeOut(many=True),
    )
    def get(self, request):
        if not policies.may_run_programmes(request.user):
            raise PermissionDenied
        return Response(ProgrammeOut(selectors.programme_list(actor=request.user), many=True).data)


class Programme(APIView):
    @extend_schema(summary="One correction programme and its attendance", responses=ProgrammeOut)
    def get(self, request, requirement_id):
        view = selectors.programme_get(actor=request.user, requirement_id=requirement_id)
        return Response(ProgrammeOut(view).data)


class ProgrammeAttendance(APIView):
    @extend_schema(
        summary="Record a session attended or missed, or the programme completed (with the version you read)",
        request=form_serializer(AttendanceForm, "ProgrammeAttendanceInput"),
        responses={201: ProgrammeOut},
    )
    def post(self, request, requirement_id):
        d = validated(AttendanceForm, request.data).cleaned_data
        services.programme_attendance_record(
            actor=request.user,
            requirement_id=requirement_id,
            expected_version=d["version"],
            kind=d["kind"],
            on=d["on"],
        )
        view = selectors.programme_get(actor=request.user, requirement_id=requirement_id)
        return Response(ProgrammeOut(view).data, status=status.HTTP_201_CREATED)
