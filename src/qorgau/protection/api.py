"""Legal protection in the REST API: a case's protective orders, their recorded steps, breaches,
and the "known across cases" signal. Thin: the same forms, selectors and services as the screens;
output only from what the selectors hand over (the person bound is named only to those who see
the legal section)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from qorgau.api.forms import form_serializer, validated
from qorgau.protection import selectors, services
from qorgau.protection.forms import (
    DecisionForm,
    EndForm,
    ExtendForm,
    HearingForm,
    IssueForm,
    OrderEditForm,
    OrderForm,
    ProceedingForm,
    ServeForm,
    ViolationForm,
)


class StepOut(serializers.Serializer):
    kind = serializers.CharField()
    days = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    at = serializers.DateTimeField()
    by = serializers.CharField()
    agency = serializers.CharField()


class ViolationOut(serializers.Serializer):
    id = serializers.UUIDField()
    occurred_at = serializers.DateTimeField()
    description = serializers.CharField()
    reported_by = serializers.CharField()
    evidence_reference = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    agency = serializers.CharField()


class OrderOut(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField()
    state = serializers.CharField(
        help_text="draft, issued, served, active, expiring, expired or ended (derived)."
    )
    issuing_agency = serializers.CharField()
    issuing_unit = serializers.CharField()
    issued_at = serializers.DateTimeField(allow_null=True)
    starts_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    duration_days = serializers.IntegerField()
    extended_days = serializers.IntegerField()
    conditions = serializers.ListField(child=serializers.CharField())
    approach_metres = serializers.IntegerField(allow_null=True)
    conditions_text = serializers.CharField()
    served_at = serializers.DateTimeField(allow_null=True)
    served_how = serializers.CharField()
    person = serializers.UUIDField(
        source="person_id", allow_null=True, help_text="Null when you do not see the legal section."
    )
    person_name = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()


class OrderDetailOut(OrderOut):
    steps = StepOut(many=True)
    violations = ViolationOut(many=True)


def _perpetrators(case):
    return selectors.perpetrator_choices(case)


class CaseOrders(APIView):
    @extend_schema(
        summary="A case's protective orders (safety or legal section)", responses=OrderOut(many=True)
    )
    def get(self, request, case_id):
        _case, _access, orders = selectors.protective_order_list(actor=request.user, case_id=case_id)
        return Response(OrderOut(orders, many=True).data)

    @extend_schema(
        summary="Issue a protective order (a police officer working on the case), or keep it as a draft",
        request=form_serializer(OrderForm, "ProtectiveOrderInput"),
        responses={201: OrderDetailOut},
    )
    def post(self, request, case_id):
        case, _access = selectors.protection_case(request.user, case_id)
        body = request.data
        if isinstance(body, dict) and "issue" not in body:
            body = {**body, "issue": True}
        form = validated(OrderForm, body, perpetrators=_perpetrators(case))
        d = form.cleaned_data
        order = services.protective_order_create(
            actor=request.user,
            case=case,
            person_id=d["person"],
            number=d["number"],
            issuing_unit=d["issuing_unit"],
            conditions=d["conditions"],
            approach_metres=d["approach_metres"],
            conditions_text=d["conditions_text"],
            issue=d["issue"],
            issued_at=d["issued_at"],
            starts_at=d["starts_at"],
        )
        _c, _a, view = selectors.protective_order_get(actor=request.user, case_id=case.pk, order_id=order.pk)
        return Response(OrderDetailOut(view).data, status=status.HTTP_201_CREATED)


class CaseOrder(APIView):
    @extend_schema(summary="One protective order with its steps and breaches", responses=OrderDetailOut)
    def get(self, request, case_id, order_id):
        _case, _access, view = selectors.protective_order_get(
            actor=request.user, case_id=case_id, order_id=order_id
        )
        return Response(OrderDetailOut(view).data)

    @extend_schema(
        summary="Correct an order before it is served (send every field and the version you read)",
        request=form_serializer(OrderEditForm, "ProtectiveOrderCorrection"),
        responses=OrderDetailOut,
    )
    def patch(self, request, case_id, order_id):
        case, _access, view = selectors.protective_order_get(
            actor=request.user, case_id=case_id, order_id=order_id
        )
        form = validated(OrderEditForm, request.data, perpetrators=_perpetrators(case))
        d = form.cleaned_data
        changes = {
            "person_id": d["person"],
            "number": d["number"],
            "issuing_unit": d["issuing_unit"],
            "conditions": d["conditions"],
            "approach_metres": d["approach_metres"],
            "conditions_text": d["conditions_text"],
        }
        if view.issued_at:
            changes.update(issued_at=d["issued_at"] or view.issued_at, starts_at=d["starts_at"])
        services.protective_order_update(
            actor=request.user, case=case, order_id=view.id, expected_version=d["version"], changes=changes
        )
        _c, _a, view = selectors.protective_order_get(actor=request.user, case_id=case.pk, order_id=view.id)
        return Response(OrderDetailOut(view).data)


STEPS = {
    "issue": (IssueForm, lambda d: {"issued_at": d["issued_at"], "starts_at": d["starts_at"]}),
    "serve": (ServeForm, lambda d: {"served_at": d["served_at"], "served_how": d["served_how"]}),
    "extend": (ExtendForm, lambda d: {"days": d["days"], "reason": d["reason"]}),
    "end": (EndForm, lambda d: {"reason": d["reason"]}),
}
SERVICES = {
    "issue": services.protective_order_issue,
    "serve": services.protective_order_serve,
    "extend": services.protective_order_extend,
    "end": services.protective_order_end,
}


class CaseOrderSteps(APIView):
    @extend_schema(
        summary="A recorded step of an order: issue, serve, extend or end (with the version you read)",
        request=inline_serializer(
            "ProtectiveOrderStepInput",
            {
                "action": serializers.ChoiceField(choices=sorted(STEPS)),
                "version": serializers.IntegerField(),
                "issued_at": serializers.DateTimeField(required=False),
                "starts_at": serializers.DateTimeField(required=False),
                "served_at": serializers.DateTimeField(required=False),
                "served_how": serializers.CharField(required=False),
                "days": serializers.IntegerField(required=False),
                "reason": serializers.CharField(required=False),
            },
        ),
        responses=OrderDetailOut,
    )
    def post(self, request, case_id, order_id):
        case, _access = selectors.protection_case(request.user, case_id)
        body = request.data if isinstance(request.data, dict) else {}
        action = body.get("action")
        if not isinstance(action, str) or action not in STEPS:
            raise ValidationError({"action": _("Choose one of: issue, serve, extend, end.")})
        form_class, arguments = STEPS[action]
        form = validated(form_class, {k: v for k, v in body.items() if k != "action"})
        d = form.cleaned_data
        SERVICES[action](
            actor=request.user, case=case, order_id=order_id, expected_version=d["version"], **arguments(d)
        )
        _c, _a, view = selectors.protective_order_get(actor=request.user, case_id=case.pk, order_id=order_id)
        return Response(OrderDetailOut(view).data)


class CaseOrderViolations(APIView):
    @extend_schema(
        summary="Record a breach of an order in force: the risk re-assessment becomes due now",
        request=form_serializer(ViolationForm, "ProtectiveOrderViolationInput"),
        responses={201: ViolationOut},
    )
    def post(self, request, case_id, order_id):
        case, _access = selectors.protection_case(request.user, case_id)
        d = validated(ViolationForm, request.data).cleaned_data
        violation = services.violation_record(
            actor=request.user,
            case=case,
            order_id=order_id,
            occurred_at=d["occurred_at"],
            description=d["description"],
            reported_by=d["reported_by"],
            evidence_reference=d["evidence_reference"],
        )
        _c, _a, view = selectors.protective_order_get(actor=request.user, case_id=case.pk, order_id=order_id)
        found = next(v for v in view.violations if v.id == violation.pk)
        return Response(ViolationOut(found).data, status=status.HTTP_201_CREATED)


class PerpetratorSignalOut(serializers.Serializer):
    person = serializers.UUIDField(source="person_id")
    level = serializers.CharField(help_text="full (police, prosecutors) or known (caseworkers).")
    known_elsewhere = serializers.BooleanField()
    other_cases = serializers.IntegerField(allow_null=True)
    active_orders = serializers.IntegerField(allow_null=True)


class CasePerpetratorLinks(APIView):
    @extend_schema(
        summary="Perpetrators of the case known across cases, as far as your role allows (counts only)",
        responses=PerpetratorSignalOut(many=True),
    )
    def get(self, request, case_id):
        case, access = selectors.protection_case(request.user, case_id, "perpetrator_links")
        signals = selectors.perpetrator_signals(actor=request.user, case=case, access=access)
        return Response(PerpetratorSignalOut(signals, many=True).data)


# --- Proceedings -------------------------------------------------------------------------------------


class HearingOut(serializers.Serializer):
    id = serializers.UUIDField()
    at = serializers.DateTimeField()
    place = serializers.CharField()
    purpose = serializers.CharField()


class DecisionOut(serializers.Serializer):
    id = serializers.UUIDField()
    decided_on = serializers.DateField()
    stage_label = serializers.CharField()
    outcome_label = serializers.CharField()
    text = serializers.CharField()
    told_at = serializers.DateTimeField(allow_null=True)


class ProceedingOut(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    registration_number = serializers.CharField()
    articles = serializers.ListField(child=serializers.CharField())
    stage = serializers.CharField()
    outcome = serializers.CharField()
    representative = serializers.CharField()
    interpreter_language = serializers.CharField()
    accompaniment = serializers.BooleanField()
    arrangements = serializers.ListField(child=serializers.CharField())
    tell_how = serializers.CharField()
    tell_language = serializers.CharField()
    version = serializers.IntegerField()
    hearings = HearingOut(many=True)
    decisions = DecisionOut(many=True)


class CaseProceedings(APIView):
    @extend_schema(summary="A case's proceedings (legal section)", responses=ProceedingOut(many=True))
    def get(self, request, case_id):
        _case, _access, proceedings = selectors.proceeding_list(actor=request.user, case_id=case_id)
        return Response(ProceedingOut(proceedings, many=True).data)

    @extend_schema(
        summary="Record a criminal or administrative proceeding and her part in it",
        request=form_serializer(ProceedingForm, "ProceedingInput"),
        responses={201: ProceedingOut},
    )
    def post(self, request, case_id):
        case, _access = selectors.proceeding_case(request.user, case_id)
        d = validated(ProceedingForm, request.data).cleaned_data
        proceeding = services.proceeding_create(actor=request.user, case=case, **d)
        _c, _a, view = selectors.proceeding_get(
            actor=request.user, case_id=case.pk, proceeding_id=proceeding.pk
        )
        return Response(ProceedingOut(view).data, status=status.HTTP_201_CREATED)


class CaseProceeding(APIView):
    @extend_schema(summary="One proceeding with its hearings and decisions", responses=ProceedingOut)
    def get(self, request, case_id, proceeding_id):
        _c, _a, view = selectors.proceeding_get(
            actor=request.user, case_id=case_id, proceeding_id=proceeding_id
        )
        return Response(ProceedingOut(view).data)


class CaseProceedingDecisions(APIView):
    @extend_schema(
        summary="Record a decision (stage, outcome); reconciliation may need a supervisor's decision",
        request=form_serializer(DecisionForm, "ProceedingDecisionInput"),
        responses={201: ProceedingOut},
    )
    def post(self, request, case_id, proceeding_id):
        case, _access = selectors.proceeding_case(request.user, case_id)
        d = validated(DecisionForm, request.data).cleaned_data
        services.decision_record(
            actor=request.user,
            case=case,
            proceeding_id=proceeding_id,
            expected_version=d["version"],
            decided_on=d["decided_on"],
            stage=d["stage"],
            outcome=d["outcome"],
            text=d["text"],
            supervisor_reason=d["supervisor_reason"],
            told_her=d["told_her"],
        )
        _c, _a, view = selectors.proceeding_get(
            actor=request.user, case_id=case.pk, proceeding_id=proceeding_id
        )
        return Response(ProceedingOut(view).data, status=status.HTTP_201_CREATED)


class CaseProceedingHearings(APIView):
    @extend_schema(
        summary="Add a hearing (in the future); her lawyer and caseworker are reminded before it",
        request=form_serializer(HearingForm, "HearingInput"),
        responses={201: HearingOut},
    )
    def post(self, request, case_id, proceeding_id):
        case, _access = selectors.proceeding_case(request.user, case_id)
        d = validated(HearingForm, request.data).cleaned_data
        hearing = services.hearing_add(
            actor=request.user,
            case=case,
            proceeding_id=proceeding_id,
            at=d["at"],
            place=d["place"],
            purpose=d["purpose"],
        )
        return Response(
            {"id": hearing.pk, "at": hearing.at, "place": hearing.place, "purpose": hearing.purpose},
            status=status.HTTP_201_CREATED,
        )
