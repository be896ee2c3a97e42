"""The pathway in the REST API: referrals and their steps, services given, the plan, her
ratings, closure. Same forms, selectors and services as the screens."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from qorgau.api.forms import form_serializer, validated
from qorgau.cases import policies as case_policies
from qorgau.cases import selectors as case_selectors
from qorgau.cases import services as case_services
from qorgau.referrals import selectors, services
from qorgau.referrals.forms import (
    ActionForm,
    ClosureRequestForm,
    PlanActionForm,
    PlanSubmitForm,
    ReferralForm,
    ReopenForm,
    ServiceLogForm,
    WellbeingForm,
)
from qorgau.referrals.models import WellbeingRating


class ReferralOut(serializers.Serializer):
    """A referral's record, from the view object the selector built."""

    id = serializers.UUIDField()
    case = serializers.UUIDField(source="case_id")
    case_number = serializers.CharField()
    service = serializers.CharField(source="service.pk")
    from_agency = serializers.IntegerField(source="from_agency.pk")
    to_agency = serializers.IntegerField(source="to_agency.pk")
    urgent = serializers.BooleanField()
    status = serializers.CharField()
    sections = serializers.ListField(child=serializers.CharField())
    sent_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    status_changed_at = serializers.DateTimeField()
    overdue = serializers.BooleanField(source="is_overdue")
    version = serializers.IntegerField()


class ReferralDetailOut(ReferralOut):
    note = serializers.CharField(allow_null=True, help_text="Only while her consent lets the caller read it.")
    reason = serializers.CharField(allow_null=True)
    outcome = serializers.CharField(allow_null=True)


class PlanActionOut(serializers.Serializer):
    id = serializers.UUIDField()
    goal = serializers.CharField()
    action = serializers.CharField()
    agency = serializers.IntegerField(source="agency.pk")
    person = serializers.IntegerField(source="person.pk", allow_null=True, default=None)
    due_on = serializers.DateField()
    status = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


class PlanOut(serializers.Serializer):
    status = serializers.CharField()
    version = serializers.IntegerField(help_text="0: no plan yet.")
    approved_by = serializers.IntegerField(source="approved_by.pk", allow_null=True, default=None)
    approved_at = serializers.DateTimeField(allow_null=True)
    next_follow_up = serializers.DateField(allow_null=True)
    actions = PlanActionOut(many=True)


class WellbeingOut(serializers.ModelSerializer):
    class Meta:
        model = WellbeingRating
        fields = ["id", "moment", "rated_on", "safety", "wellbeing", "scale_max"]


class ReferralListCreate(APIView):
    @extend_schema(
        summary="Referrals to (incoming) or from (outgoing) the caller's agency",
        parameters=[
            OpenApiParameter("direction", str, enum=["incoming", "outgoing"]),
            OpenApiParameter("status", str),
        ],
        responses=ReferralOut(many=True),
    )
    def get(self, request):
        if not case_policies.works_on_cases(request.user):
            raise PermissionDenied  # as the screen: referrals are case work
        direction = "outgoing" if request.query_params.get("direction") == "outgoing" else "incoming"
        items = selectors.referral_list(
            actor=request.user, direction=direction, status=request.query_params.get("status", "")[:16]
        )
        return Response(ReferralOut(items, many=True).data)

    @extend_schema(
        summary="Refer her to another agency for a service (her consent is checked)",
        request=inline_serializer(
            "ReferralInput", {"case": serializers.UUIDField(), **form_serializer(ReferralForm)().fields}
        ),
        responses={201: ReferralDetailOut},
    )
    def post(self, request):
        body = request.data if isinstance(request.data, dict) else {}
        case, _access = case_selectors.case_get(
            actor=request.user, case_id=body.get("case"), purpose="referral"
        )
        form = validated(ReferralForm, body, holder=case.holding_agency)
        referral = services.referral_send(actor=request.user, case=case, **form.cleaned_data)
        view = selectors.referral_get(actor=request.user, referral_id=referral.pk)
        return Response(ReferralDetailOut(view).data, status=status.HTTP_201_CREATED)


class ReferralDetail(APIView):
    @extend_schema(summary="A referral (its two agencies only)", responses=ReferralDetailOut)
    def get(self, request, referral_id):
        return Response(
            ReferralDetailOut(selectors.referral_get(actor=request.user, referral_id=referral_id)).data
        )


class ReferralAction(APIView):
    @extend_schema(
        summary="Take a step: accept, decline (reason), start, complete (outcome), not_attended, "
        "withdraw (reason). Illegal steps are refused.",
        request=form_serializer(ActionForm, "ReferralActionInput"),
        responses=ReferralDetailOut,
    )
    def post(self, request, referral_id):
        referral = selectors.referral_get(actor=request.user, referral_id=referral_id, purpose="step")
        data = validated(ActionForm, request.data).cleaned_data
        services.referral_step(
            actor=request.user,
            referral_id=referral.pk,
            action=data["action"],
            reason=data["reason"],
            outcome=data["outcome"],
            expected_version=data["version"],
        )
        return Response(
            ReferralDetailOut(selectors.referral_get(actor=request.user, referral_id=referral.pk)).data
        )


class CaseServices(APIView):
    @extend_schema(
        summary="Record a service given to her",
        request=form_serializer(ServiceLogForm),
        responses={201: inline_serializer("ServiceDeliveryOut", {"id": serializers.UUIDField()})},
    )
    def post(self, request, case_id):
        case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="service")
        data = validated(ServiceLogForm, request.data).cleaned_data
        referral = (
            selectors.referral_get(actor=request.user, referral_id=data["referral"])
            if data.get("referral")
            else None
        )
        delivery = services.service_log(
            actor=request.user,
            case=case,
            service=data["service"],
            delivered_on=data["delivered_on"],
            note=data["note"],
            referral_id=referral.pk if referral else None,
        )
        return Response({"id": delivery.pk}, status=status.HTTP_201_CREATED)


class CasePlanView(APIView):
    @extend_schema(summary="The case plan (holding agency; version 0: no plan yet)", responses=PlanOut)
    def get(self, request, case_id):
        _case, plan = selectors.case_plan_get(actor=request.user, case_id=case_id)
        return Response(PlanOut(plan).data)

    @extend_schema(
        summary="Add an action to the plan",
        request=form_serializer(PlanActionForm),
        responses={201: PlanActionOut},
    )
    def post(self, request, case_id):
        case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="plan")
        data = validated(PlanActionForm, request.data, case=case).cleaned_data
        item = services.plan_action_add(
            actor=request.user,
            case=case,
            goal=data["goal"],
            action=data["action"],
            agency=data["agency"],
            person=data["person"],
            due_on=data["due_on"],
            expected_version=data["version"],
        )
        _case, plan = selectors.case_plan_get(actor=request.user, case_id=case.pk)
        created = next(a for a in plan.actions if a.id == item.pk)
        return Response(PlanActionOut(created).data, status=status.HTTP_201_CREATED)


class CasePlanDecision(APIView):
    @extend_schema(
        summary="Send the plan for approval (or approve it, as a supervisor, with approve=true)",
        request=inline_serializer(
            "PlanDecisionInput",
            {**form_serializer(PlanSubmitForm)().fields, "approve": serializers.BooleanField(required=False)},
        ),
        responses=PlanOut,
    )
    def post(self, request, case_id):
        case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="plan")
        data = validated(PlanSubmitForm, request.data).cleaned_data
        if isinstance(request.data, dict) and request.data.get("approve") is True:
            services.plan_approve(actor=request.user, case=case, expected_version=data["version"])
        else:
            services.plan_submit(
                actor=request.user,
                case=case,
                expected_version=data["version"],
                next_follow_up=data.get("next_follow_up"),
            )
        _case, view = selectors.case_plan_get(actor=request.user, case_id=case.pk)
        return Response(PlanOut(view).data)


class CaseWellbeing(APIView):
    @extend_schema(summary="Her safety and wellbeing ratings", responses=WellbeingOut(many=True))
    def get(self, request, case_id):
        case, access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="wellbeing")
        ratings = selectors.wellbeing_list(case=case, access=access)
        if ratings is None:
            raise PermissionDenied
        return Response(WellbeingOut(ratings, many=True).data)

    @extend_schema(
        summary="Record her rating", request=form_serializer(WellbeingForm), responses={201: WellbeingOut}
    )
    def post(self, request, case_id):
        case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="wellbeing")
        data = validated(WellbeingForm, request.data).cleaned_data
        rating = services.wellbeing_record(
            actor=request.user, case=case, scale_max=settings.QORGAU_WELLBEING_SCALE_MAX, **data
        )
        return Response(WellbeingOut(rating).data, status=status.HTTP_201_CREATED)


class CaseClosureView(APIView):
    @extend_schema(
        summary="Ask to close the case (a supervisor decides)",
        request=form_serializer(ClosureRequestForm),
        responses={
            201: inline_serializer(
                "ClosureOut", {"id": serializers.UUIDField(), "status": serializers.CharField()}
            )
        },
    )
    def post(self, request, case_id):
        case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="closure")
        data = validated(ClosureRequestForm, request.data).cleaned_data
        closure = case_services.case_close_request(actor=request.user, case=case, **data)
        return Response({"id": closure.pk, "status": closure.status}, status=status.HTTP_201_CREATED)


class CaseClosureDecision(APIView):
    @extend_schema(
        summary="Approve a closure, or return it with comments (supervisor of the holding agency)",
        description="`approve: false` returns the request to the caseworker: `comment` (at least "
        "10 characters) says what should be done before closing; she reads it on the case page.",
        request=inline_serializer(
            "ClosureDecisionInput",
            {
                "approve": serializers.BooleanField(),
                "comment": serializers.CharField(required=False, max_length=2000),
            },
        ),
        responses=inline_serializer(
            "ClosureDecisionOut", {"id": serializers.UUIDField(), "status": serializers.CharField()}
        ),
    )
    def post(self, request, case_id, closure_id):
        case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="closure")
        body = request.data if isinstance(request.data, dict) else {}
        comment = body.get("comment", "")
        if not isinstance(comment, str):
            raise ValidationError({"comment": [_("Send a single value here, not a list or an object.")]})
        closure = case_services.case_close_decide(
            actor=request.user,
            case=case,
            closure_id=closure_id,
            approve=body.get("approve") is True,
            comment=comment[:2000],
        )
        return Response({"id": closure.pk, "status": closure.status})


class CaseReopen(APIView):
    @extend_schema(
        summary="Reopen a closed case (history is kept)",
        request=form_serializer(ReopenForm),
        responses=inline_serializer("ReopenOut", {"status": serializers.CharField()}),
    )
    def post(self, request, case_id):
        case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="reopen")
        data = validated(ReopenForm, request.data).cleaned_data
        case = case_services.case_reopen(actor=request.user, case=case, reason=data["reason"])
        return Response({"status": case.status})
