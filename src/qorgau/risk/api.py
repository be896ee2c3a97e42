"""Risk work in the REST API: instruments (read), a case's assessments, risk summary, safety plan
and conference referral, and the risk conference. Thin: the same forms, selectors and services as
the screens; output only from what the selectors and `policies.agenda_item_view` hand over."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from qorgau.api.errors import error_body
from qorgau.api.forms import form_serializer, validated
from qorgau.core.i18n import LANGUAGE_CODES
from qorgau.risk import policies, selectors, services
from qorgau.risk.forms import (
    ActionForm,
    ActionStatusForm,
    AgendaAddForm,
    ConferenceForm,
    ContributionForm,
    JudgementFields,
    MinutesForm,
    ReferralForm,
    SurvivorViewForm,
)
from qorgau.risk.levels import RiskLevel
from qorgau.risk.loader import InstrumentError, available_instruments, get_instrument
from qorgau.risk.models import ConferenceReferral
from qorgau.risk.safety_plan import BAG_ITEMS, DIGITAL_STEPS
from qorgau.risk.safety_plan import SafetyPlan as PlanDocument
from qorgau.risk.schedule import next_due

LEVEL_KEYS = [level.key for level in RiskLevel]


def _key(level) -> str | None:
    return RiskLevel(level).key if level else None


# --- Instruments -------------------------------------------------------------------------------------


class TextOut(serializers.Serializer):
    kk = serializers.CharField()
    ru = serializers.CharField()
    en = serializers.CharField()


class InstrumentLevelOut(serializers.Serializer):
    key = serializers.CharField()
    scale = serializers.SerializerMethodField()
    label = TextOut()  # type: ignore[assignment]  # a field named like Field.label (the stubs' limit)

    def get_scale(self, level) -> str:
        return level.scale.key


class ItemOut(serializers.Serializer):
    id = serializers.CharField()
    number = serializers.IntegerField()
    text = TextOut()
    hint = TextOut(allow_null=True)
    weight = serializers.IntegerField()


class InstrumentOut(serializers.Serializer):
    id = serializers.CharField()
    version = serializers.IntegerField()
    digest = serializers.CharField()
    title = TextOut()
    description = TextOut(allow_null=True)
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source
    max_unknown = serializers.IntegerField()
    placeholder_weights = serializers.BooleanField()
    levels = InstrumentLevelOut(many=True)
    items = ItemOut(many=True)


class InstrumentList(APIView):
    @extend_schema(
        summary="The risk instruments (newest version of each), with questions in kk, ru and en",
        responses=InstrumentOut(many=True),
    )
    def get(self, request):
        return Response(InstrumentOut(available_instruments(), many=True).data)


class InstrumentDetail(APIView):
    @extend_schema(
        summary="One risk instrument: its newest version, or the version asked for",
        parameters=[OpenApiParameter("version", int)],
        responses=InstrumentOut,
    )
    def get(self, request, instrument_id):
        version = request.query_params.get("version", "")
        try:
            instrument = get_instrument(instrument_id, int(version) if version.isdigit() else None)
        except InstrumentError:
            return Response(error_body("not_found", _("Not found.")), status=404)
        return Response(InstrumentOut(instrument).data)


# --- Assessments ------------------------------------------------------------------------------------


class AssessmentOut(serializers.Serializer):
    id = serializers.UUIDField()
    instrument = serializers.CharField(source="instrument_id")
    version = serializers.IntegerField()
    level = serializers.SerializerMethodField()
    actuarial_level = serializers.SerializerMethodField()
    judgement_level = serializers.SerializerMethodField()
    judgement_reason = serializers.CharField(allow_null=True)
    score = serializers.IntegerField()
    unknown_count = serializers.IntegerField()
    too_many_unknown = serializers.BooleanField()
    is_current = serializers.BooleanField()
    assessed_at = serializers.DateTimeField()
    assessed_by = serializers.CharField(source="assessed_by.username")
    agency = serializers.CharField(source="agency.name")
    next_due = serializers.SerializerMethodField()

    def get_level(self, a) -> str | None:
        return _key(a.level)

    def get_actuarial_level(self, a) -> str | None:
        return _key(a.actuarial_level)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_judgement_level(self, a) -> str | None:
        return _key(a.judgement_level)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_due(self, a) -> str | None:
        return next_due(a.level, a.assessed_at, a.reassess_by).isoformat() if a.is_current else None


class ExplanationOut(serializers.Serializer):
    rules = serializers.ListField(
        child=serializers.CharField(), help_text="Each rule's outcome in a sentence."
    )
    deciding = serializers.ListField(
        child=serializers.CharField(), help_text="The rules that gave the level."
    )
    notices = serializers.ListField(child=serializers.CharField())
    result = serializers.DictField(
        help_text="The engine's result: level, score, yes and unknown items, rules."
    )


class AssessmentDetailOut(AssessmentOut):
    answers = serializers.DictField(child=serializers.CharField())
    explanation = ExplanationOut(allow_null=True)
    problem = serializers.CharField(
        allow_null=True, help_text="Why there is no explanation (the pinned instrument was changed)."
    )


def _detail_data(detail) -> dict:
    data = AssessmentOut(detail.assessment).data
    explanation = None
    if detail.result is not None:
        expl = selectors.explanation(detail.result)
        explanation = {
            "rules": [sentence for sentence, _deciding in expl.rules],
            "deciding": [sentence for sentence, deciding in expl.rules if deciding],
            "notices": detail.result.notices(),
            "result": detail.result.as_dict(),
        }
    return {
        **data,
        "answers": detail.assessment.answers or {},
        "explanation": explanation,
        "problem": detail.problem,
    }


AssessmentInput = inline_serializer(
    "AssessmentInput",
    {
        "instrument": serializers.CharField(
            help_text="An instrument id; the newest version is used and pinned."
        ),
        "answers": serializers.DictField(
            child=serializers.ChoiceField(choices=["yes", "no", "unknown"]),
            help_text="Every question of the instrument: item id -> yes, no or unknown.",
        ),
        "judgement_level": serializers.ChoiceField(
            choices=LEVEL_KEYS,
            required=False,
            allow_blank=True,
            help_text="Raise the level by professional judgement (never lower).",
        ),
        "judgement_reason": serializers.CharField(required=False, allow_blank=True),
    },
)


class CaseAssessments(APIView):
    @extend_schema(
        summary="A case's risk assessments, newest first (safety section)", responses=AssessmentOut(many=True)
    )
    def get(self, request, case_id):
        _case, assessments = selectors.assessment_list(actor=request.user, case_id=case_id)
        return Response(AssessmentOut(assessments, many=True).data)

    @extend_schema(
        summary="Assess the risk with the newest version of an instrument (pinned to it)",
        request=AssessmentInput,
        responses={201: AssessmentDetailOut},
    )
    def post(self, request, case_id):
        case, _access = selectors.risk_case(request.user, case_id, "risk")
        body = request.data if isinstance(request.data, dict) else {}
        form = validated(
            JudgementFields,
            {k: body.get(k) or "" for k in ("instrument", "judgement_level", "judgement_reason")},
        )
        assessment = services.assessment_create(
            actor=request.user,
            case=case,
            instrument_id=form.cleaned_data["instrument"],
            answers=body.get("answers"),
            judgement_level=form.judgement(),
            judgement_reason=form.cleaned_data["judgement_reason"],
        )
        detail = selectors.assessment_get(actor=request.user, case_id=case.pk, assessment_id=assessment.pk)
        return Response(_detail_data(detail), status=status.HTTP_201_CREATED)


class CaseAssessment(APIView):
    @extend_schema(
        summary="One assessment, explained by the instrument version it was made with",
        responses=AssessmentDetailOut,
    )
    def get(self, request, case_id, assessment_id):
        detail = selectors.assessment_get(actor=request.user, case_id=case_id, assessment_id=assessment_id)
        return Response(_detail_data(detail))


# --- The case's risk summary and referral -----------------------------------------------------------


class CriterionOut(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    description = serializers.CharField()


class ConferenceReferralOut(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    criteria = serializers.ListField(child=serializers.DictField(), help_text="Codes and counts.")
    referred_at = serializers.DateTimeField()
    conference = serializers.UUIDField(allow_null=True)


def _referral_data(r: ConferenceReferral | None) -> dict | None:
    if r is None:
        return None
    return {
        "id": r.pk,
        "status": r.status,
        "criteria": r.criteria,
        "referred_at": r.referred_at,
        "conference": r.conference_id,
    }


class CaseRisk(APIView):
    @extend_schema(
        summary="The case's current risk level, re-assessment due date and conference proposal",
        responses=inline_serializer(
            "CaseRiskOut",
            {
                "current": AssessmentOut(allow_null=True),
                "next_due": serializers.DateTimeField(allow_null=True),
                "overdue": serializers.BooleanField(),
                "propose_conference": serializers.BooleanField(),
                "criteria": CriterionOut(many=True),
                "open_referral": ConferenceReferralOut(allow_null=True),
                "safety_plan_version": serializers.IntegerField(help_text="0: no plan yet."),
            },
        ),
    )
    def get(self, request, case_id):
        case, access = selectors.risk_case(request.user, case_id, "risk")
        summary = selectors.case_risk_get(actor=request.user, case=case, access=access)
        proposal = summary.proposal
        return Response(
            {
                "current": AssessmentOut(summary.current).data if summary.current else None,
                "next_due": summary.next_due,
                "overdue": summary.overdue,
                "propose_conference": proposal.propose,
                "criteria": [
                    {"code": m.criterion.value, "label": str(m.criterion.label), "description": m.describe()}
                    for m in proposal.check.criteria
                ],
                "open_referral": _referral_data(proposal.open_referral),
                "safety_plan_version": summary.plan.version if summary.plan else 0,
            }
        )


class CaseConferenceReferral(APIView):
    @extend_schema(
        summary="Refer the case to its region's risk conference (while a criterion holds)",
        request=form_serializer(ReferralForm, "ConferenceReferralInput"),
        responses={201: ConferenceReferralOut},
    )
    def post(self, request, case_id):
        case, _access = selectors.risk_case(request.user, case_id, "risk")
        form = validated(ReferralForm, request.data)
        referral = services.conference_refer(
            actor=request.user,
            case=case,
            basis=form.cleaned_data["basis"],
            reason=form.cleaned_data["reason"],
        )
        return Response(_referral_data(referral), status=status.HTTP_201_CREATED)


# --- Safety plan ------------------------------------------------------------------------------------


class TrustedContactOut(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    note = serializers.CharField(required=False)


class SafetyPlanContentOut(serializers.Serializer):
    safe_places = serializers.ListField(child=serializers.CharField())
    trusted_contacts = TrustedContactOut(many=True)
    code_word = serializers.CharField()
    bag_items = serializers.ListField(
        child=serializers.ChoiceField(choices=list(BAG_ITEMS)),
        required=False,
        help_text="Codes of the suggested things to keep ready; each printout names them in its language.",
    )
    emergency_bag = serializers.ListField(
        child=serializers.CharField(), help_text="Other things to keep ready, in her own words."
    )
    children = serializers.ListField(child=serializers.CharField())
    digital_safety = serializers.ListField(
        child=serializers.CharField(), help_text="Other digital-safety steps, in her own words."
    )
    digital_steps = serializers.ListField(
        child=serializers.ChoiceField(choices=list(DIGITAL_STEPS)),
        required=False,
        help_text="Codes of the digital-safety steps (accounts, spyware, trackers, safe devices).",
    )
    getting_help = serializers.ListField(child=serializers.CharField())


class CaseSafetyPlan(APIView):
    @extend_schema(
        summary="Her safety plan (safety section); version 0 means no plan yet",
        responses=inline_serializer(
            "SafetyPlanOut",
            {
                "version": serializers.IntegerField(),
                "updated_at": serializers.DateTimeField(allow_null=True),
                "plan": SafetyPlanContentOut(),
            },
        ),
    )
    def get(self, request, case_id):
        _case, row, document = selectors.safety_plan_get(actor=request.user, case_id=case_id)
        return Response(
            {
                "version": row.version if row else 0,
                "updated_at": row.updated_at if row else None,
                "plan": document.to_dict(),
            }
        )

    @extend_schema(
        summary="Save the safety plan (send the version you read; a stale version answers 409)",
        request=inline_serializer(
            "SafetyPlanInput",
            {"version": serializers.IntegerField(min_value=0), "plan": SafetyPlanContentOut()},
        ),
        responses={200: inline_serializer("SafetyPlanSaved", {"version": serializers.IntegerField()})},
    )
    def put(self, request, case_id):
        case, _access = selectors.risk_case(request.user, case_id, "safety_plan")
        body = request.data if isinstance(request.data, dict) else {}
        version = body.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise ValidationError(
                {"version": _("Send the version of the plan you read (0 when there was none).")}
            )
        try:
            plan = PlanDocument.from_dict(body.get("plan"))
        except ValidationError as exc:
            fields = exc.message_dict if hasattr(exc, "error_dict") else {"plan": exc.messages}
            raise ValidationError(
                {key if key.startswith("plan") else f"plan.{key}": value for key, value in fields.items()}
            ) from exc
        row = services.safety_plan_save(actor=request.user, case=case, expected_version=version, plan=plan)
        return Response({"version": row.version})


class CaseSafetyPlanPdf(APIView):
    @extend_schema(
        summary="The discreet PDF of the safety plan (printing is recorded)",
        parameters=[OpenApiParameter("lang", str, enum=list(LANGUAGE_CODES))],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request, case_id):
        lang = request.query_params.get("lang", "kk")
        lang = lang if lang in LANGUAGE_CODES else "kk"
        _case, pdf = selectors.safety_plan_print(actor=request.user, case_id=case_id, lang=lang)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="notes.pdf"'
        return response


# --- Conferences ------------------------------------------------------------------------------------


class ConferenceOut(serializers.Serializer):
    id = serializers.UUIDField()
    region = serializers.CharField(source="region_id")
    scheduled_for = serializers.DateTimeField()
    place = serializers.CharField()
    status = serializers.CharField()
    version = serializers.IntegerField()
    agencies = serializers.SerializerMethodField()

    def get_agencies(self, conference) -> list[int]:
        return sorted(getattr(conference, "agency_ids", ()))  # set by the selector or the service


class ContributionOut(serializers.Serializer):
    id = serializers.UUIDField()
    agency = serializers.CharField(source="agency.name")
    author = serializers.CharField(source="author.username")
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class ActionOut(serializers.Serializer):
    id = serializers.UUIDField()
    description = serializers.CharField()
    owner_agency = serializers.IntegerField(source="owner_agency_id")
    owner_agency_name = serializers.CharField(source="owner_agency.name")
    due_on = serializers.DateField()
    status = serializers.CharField()
    version = serializers.IntegerField()
    late = serializers.BooleanField(source="is_overdue")


class AgendaItemOut(serializers.Serializer):
    """The minimum of an agenda case (policies.agenda_item_view) and what was shared for it."""

    id = serializers.UUIDField(source="referral.pk")
    number = serializers.CharField()
    level = serializers.SerializerMethodField()
    level_at_referral = serializers.SerializerMethodField()
    criteria = serializers.SerializerMethodField()
    status = serializers.CharField()
    referring_agency = serializers.CharField()
    referred_at = serializers.DateTimeField()
    conference = serializers.UUIDField(source="conference.pk", allow_null=True, default=None)
    case_id = serializers.UUIDField(
        allow_null=True, help_text="Only when the caller may open the case itself."
    )
    survivor_view = serializers.CharField()
    minutes = serializers.CharField()
    contributions = ContributionOut(many=True)
    actions = serializers.SerializerMethodField()

    def get_level(self, v) -> str | None:
        return _key(v.level)

    def get_level_at_referral(self, v) -> str | None:
        return _key(v.level_at_referral)

    def get_criteria(self, v) -> list[dict]:
        return [{"code": c.code, "label": c.label, "count": c.count} for c in v.criteria]

    def get_actions(self, v) -> list[dict]:
        return [ActionOut(a).data for a, _may in v.actions]


class ConferenceDetailOut(ConferenceOut):
    agenda = serializers.SerializerMethodField()

    def get_agenda(self, conference) -> list[dict]:
        return [AgendaItemOut(v).data for v in self.context["items"]]


class Conferences(APIView):
    @extend_schema(
        summary="Risk conferences: the region's for its coordinator, the agency's for participants",
        responses=ConferenceOut(many=True),
    )
    def get(self, request):
        return Response(ConferenceOut(selectors.conference_list(actor=request.user), many=True).data)

    @extend_schema(
        summary="Schedule a conference of the coordinator's region",
        request=form_serializer(ConferenceForm),
        responses={201: ConferenceOut},
    )
    def post(self, request):
        if not policies.is_coordinator(request.user):
            raise PermissionDenied
        form = validated(ConferenceForm, request.data, region_id=request.user.agency.region_id)
        conference = services.conference_create(
            actor=request.user,
            scheduled_for=form.cleaned_data["scheduled_for"],
            place=form.cleaned_data["place"],
            agencies=form.cleaned_data["agencies"],
        )
        return Response(ConferenceOut(conference).data, status=status.HTTP_201_CREATED)


class ConferenceDetail(APIView):
    @extend_schema(
        summary="A conference and its agenda (each case's minimum only)", responses=ConferenceDetailOut
    )
    def get(self, request, conference_id):
        detail = selectors.conference_get(actor=request.user, conference_id=conference_id)
        return Response(ConferenceDetailOut(detail.conference, context={"items": detail.items}).data)


class ConferenceAgenda(APIView):
    @extend_schema(
        summary="Put a waiting referral on the conference's agenda (coordinator)",
        request=form_serializer(AgendaAddForm),
        responses={201: AgendaItemOut},
    )
    def post(self, request, conference_id):
        detail = selectors.conference_get(actor=request.user, conference_id=conference_id)
        if not detail.may_manage:
            raise PermissionDenied
        form = validated(AgendaAddForm, request.data)
        referral = services.agenda_add(
            actor=request.user, conference=detail.conference, referral_id=form.cleaned_data["referral"]
        )
        view = selectors.agenda_item_get(actor=request.user, item_id=referral.pk)
        return Response(AgendaItemOut(view).data, status=status.HTTP_201_CREATED)


class AgendaItem(APIView):
    @extend_schema(
        summary="One agenda case as a participant sees it (the minimum and what was shared)",
        responses=AgendaItemOut,
    )
    def get(self, request, item_id):
        return Response(AgendaItemOut(selectors.agenda_item_get(actor=request.user, item_id=item_id)).data)


class AgendaContributions(APIView):
    @extend_schema(
        summary="Share what your agency knows about this agenda case (a recorded sharing decision)",
        request=form_serializer(ContributionForm),
        responses={201: ContributionOut},
    )
    def post(self, request, item_id):
        view = selectors.agenda_item_get(actor=request.user, item_id=item_id)
        form = validated(ContributionForm, request.data)
        contribution = services.contribution_add(
            actor=request.user, referral=view.referral, body=form.cleaned_data["body"]
        )
        return Response(ContributionOut(contribution).data, status=status.HTTP_201_CREATED)


class AgendaActions(APIView):
    @extend_schema(
        summary="Add an action to the plan (coordinator)",
        request=form_serializer(ActionForm),
        responses={201: ActionOut},
    )
    def post(self, request, item_id):
        view = selectors.agenda_item_get(actor=request.user, item_id=item_id)
        if view.conference is None:
            raise PermissionDenied
        form = validated(ActionForm, request.data, agency_ids=view.agency_ids)
        action = services.action_add(actor=request.user, referral=view.referral, **form.cleaned_data)
        return Response(ActionOut(action).data, status=status.HTTP_201_CREATED)


class AgendaAction(APIView):
    @extend_schema(
        summary="Change an action's status (coordinator or the owner agency; send the version)",
        request=form_serializer(ActionStatusForm),
        responses=ActionOut,
    )
    def patch(self, request, item_id, action_id):
        view = selectors.agenda_item_get(actor=request.user, item_id=item_id)
        form = validated(ActionStatusForm, request.data)
        action = services.action_update(
            actor=request.user,
            referral_id=view.referral.pk,
            action_id=action_id,
            status=form.cleaned_data["status"],
            expected_version=form.cleaned_data["version"],
        )
        return Response(ActionOut(action).data)


class AgendaText(APIView):
    """Her view (recorded by her advocate) or the minutes of one agenda case; send the version."""

    field = ""
    form_class: type | None = None

    def put(self, request, item_id):
        view = selectors.agenda_item_get(actor=request.user, item_id=item_id)
        form = validated(self.form_class, request.data)
        save = services.survivor_view_record if self.field == "survivor_view" else services.minutes_save
        save(
            actor=request.user,
            referral=view.referral,
            text=form.cleaned_data["text"],
            expected_version=form.cleaned_data["version"],
        )
        return Response(AgendaItemOut(selectors.agenda_item_get(actor=request.user, item_id=item_id)).data)


class AgendaSurvivorView(AgendaText):
    field, form_class = "survivor_view", SurvivorViewForm

    @extend_schema(
        summary="Record her view for this agenda case (her advocate; send the version)",
        request=form_serializer(SurvivorViewForm),
        responses=AgendaItemOut,
    )
    def put(self, request, item_id):
        return super().put(request, item_id)


class AgendaMinutes(AgendaText):
    field, form_class = "minutes", MinutesForm

    @extend_schema(
        summary="Save the minutes of this agenda case (coordinator; send the version)",
        request=form_serializer(MinutesForm),
        responses=AgendaItemOut,
    )
    def put(self, request, item_id):
        return super().put(request, item_id)
