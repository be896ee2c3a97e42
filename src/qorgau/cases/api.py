"""Cases in the REST API. Thin: validate with the same forms as the screens, call selectors and
services, serialise the view objects (which hold only what the caller may see)."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from qorgau.api.forms import form_serializer, validated
from qorgau.cases import policies, selectors, services
from qorgau.cases.forms import (
    CaseUpdateForm,
    ConsentApiForm,
    EmergencyGrantForm,
    IncidentCyberForm,
    IncidentForm,
    NeedsForm,
    NoteForm,
    OnlineAccountForm,
    PersonEditForm,
    PersonForm,
    SearchForm,
    SurvivorForm,
)
from qorgau.cases.models import CaseOutcome, Consent

QUESTION_FIELDS = (
    "q_penetration",
    "q_sexual_contact",
    "q_physical_assault",
    "q_forced_marriage",
    "q_denial",
    "q_psychological",
)


def _yes_no(data: dict) -> dict:
    """JSON booleans for the yes/no questions, as the form expects them."""
    if not isinstance(data, dict):
        return data  # `validated` refuses it, naming the field
    data = dict(data)
    for key in (*QUESTION_FIELDS, "children_present"):
        if isinstance(data.get(key), bool):
            data[key] = "yes" if data[key] else "no"
        elif key == "children_present" and data.get(key) is None:
            data[key] = ""
    return data


def _cyber_in(data, prefix: str = "") -> dict:
    """The kinds of cyber-violence and the accounts of an incident body (400 naming the field)."""
    data = data if isinstance(data, dict) else {}
    subtypes = validated(
        IncidentCyberForm,
        {"cyber_subtypes": data.get("cyber_subtypes") or [], "version": 0},
        prefix or None,
    ).cleaned_data["cyber_subtypes"]
    raw = data.get("online_accounts") or []
    if not isinstance(raw, list):
        raw = [raw]
    accounts = [
        validated(
            OnlineAccountForm, entry, f"{prefix}{'.' if prefix else ''}online_accounts.{i}"
        ).cleaned_data
        for i, entry in enumerate(raw)
    ]
    return {"subtypes": list(subtypes), "accounts": accounts}


# --- Output ------------------------------------------------------------------------------------


class PersonOut(serializers.Serializer):
    id = serializers.UUIDField()
    role = serializers.CharField()
    name = serializers.CharField()
    sex = serializers.CharField()
    birth_year = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField()
    other_names = serializers.ListField(child=serializers.CharField())
    iin = serializers.CharField(allow_null=True, help_text="Only where the caller may see it.")
    birth_date = serializers.DateField(allow_null=True)
    phones = serializers.ListField(child=serializers.CharField(), allow_null=True)
    address = serializers.CharField(allow_null=True)


class CaseSummaryOut(serializers.Serializer):
    id = serializers.UUIDField(source="case.pk")
    number = serializers.CharField(source="case.number")
    status = serializers.CharField(source="case.status")
    priority = serializers.CharField(source="case.priority")
    opened_at = serializers.DateTimeField(source="case.opened_at")
    origin = serializers.CharField(source="case.origin")  # "register": from an agency's old register
    survivor_name = serializers.CharField()
    access = serializers.ListField(child=serializers.CharField(), source="via")


class IncidentOut(serializers.Serializer):
    id = serializers.UUIDField(source="incident.pk")
    occurred_on = serializers.DateField(source="incident.occurred_on")
    reported_on = serializers.DateField(source="incident.reported_on")
    region = serializers.CharField(source="incident.region_id")
    gbv_type = serializers.CharField(source="incident.gbv_type")
    contexts = serializers.ListField(child=serializers.CharField(), source="incident.contexts")
    delay_band = serializers.CharField(source="incident.delay_band")
    weapon = serializers.CharField(source="incident.weapon")
    injuries = serializers.CharField(source="incident.injuries")
    care_windows = serializers.SerializerMethodField()
    cyber = serializers.SerializerMethodField()

    def get_cyber(self, view) -> dict | None:
        return cyber_out(view.cyber)

    def get_care_windows(self, view) -> list[dict]:
        return [
            {"kind": w.kind, "deadline": w.deadline, "open": w.is_open, "approximate": w.approximate}
            for w in view.windows
        ]


def cyber_out(cyber) -> dict | None:
    if cyber is None:
        return None
    return {
        "version": cyber.version,
        "cyber_subtypes": cyber.codes,
        "online_accounts": [
            {"platform": a.platform, "owner": a.owner, "handle": a.handle} for a in cyber.accounts
        ],
    }


class CyberOut(serializers.Serializer):
    version = serializers.IntegerField()
    cyber_subtypes = serializers.ListField(child=serializers.CharField())
    online_accounts = serializers.ListField(child=serializers.DictField())


class NoteOut(serializers.Serializer):
    id = serializers.UUIDField()
    section = serializers.CharField()
    is_account = serializers.BooleanField()
    body = serializers.CharField()
    author = serializers.CharField(source="author.username")
    agency = serializers.CharField(source="agency.name")
    created_at = serializers.DateTimeField()


class CaseDetailOut(serializers.Serializer):
    id = serializers.UUIDField(source="case.pk")
    number = serializers.CharField(source="case.number")
    status = serializers.CharField(source="case.status")
    priority = serializers.CharField(source="case.priority")
    version = serializers.IntegerField(source="case.version")
    entry_point = serializers.CharField(source="case.entry_point")
    origin = serializers.CharField(source="case.origin")  # "register": from an agency's old register
    needs = serializers.ListField(child=serializers.CharField(), source="case.needs")
    holding_agency = serializers.CharField(source="case.holding_agency.name")
    access = serializers.ListField(child=serializers.CharField(), source="access.via")
    sections = serializers.SerializerMethodField()
    contact_channel = serializers.CharField(source="case.contact_channel")
    contact_times = serializers.CharField(allow_null=True)
    survivor = PersonOut(allow_null=True)
    people = PersonOut(many=True)
    incidents = IncidentOut(many=True)
    notes = serializers.SerializerMethodField()

    def get_sections(self, detail) -> list[str]:
        return sorted(detail.access.sections)

    def get_notes(self, detail) -> list[dict]:
        return [NoteOut(n).data for notes in detail.notes.values() for n in notes]


class ConsentOut(serializers.ModelSerializer):
    active = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = [
            "id",
            "purpose",
            "recipient_agency",
            "recipient_kind",
            "recipient_region",
            "sections",
            "method",
            "given_by",
            "given_on",
            "expires_on",
            "withdrawn_at",
            "active",
        ]

    def get_active(self, consent) -> bool:
        return consent.is_active()


class EventOut(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    section = serializers.CharField()
    agency = serializers.CharField(source="agency.name", allow_null=True)
    params = serializers.DictField()


def _detail(request, case_id):
    return Response(CaseDetailOut(selectors.case_detail(actor=request.user, case_id=case_id)).data)


# --- Views -------------------------------------------------------------------------------------


class CaseListCreate(APIView):
    @extend_schema(
        summary="Cases the caller may see, newest first (search with POST /cases/search/)",
        parameters=[OpenApiParameter("status", str), OpenApiParameter("mine", bool)],
        responses=CaseSummaryOut(many=True),
    )
    def get(self, request):
        status_ = request.query_params.get("status", "")[:10]
        mine = request.query_params.get("mine", "") in ("1", "true", "yes")
        return Response(
            CaseSummaryOut(selectors.case_list(actor=request.user, status=status_, mine=mine), many=True).data
        )

    @extend_schema(
        summary="Open a case: the survivor, the first incident, her account and her consents, in one request",
        request=inline_serializer(
            "CaseOpenInput",
            {
                "survivor": form_serializer(SurvivorForm)(),
                "incident": form_serializer(IncidentForm)(required=False),
                "consents": form_serializer(ConsentApiForm)(many=True, required=False),
                "needs": serializers.ListField(
                    child=serializers.CharField(),
                    required=False,
                    help_text="Service codes of the help she asks for (GET /api/v1/services/).",
                ),
            },
        ),
        responses={201: CaseDetailOut},
    )
    def post(self, request):
        if not policies.can_open_case(request.user):
            raise PermissionDenied
        body = request.data if isinstance(request.data, dict) else {}
        survivor = validated(SurvivorForm, body.get("survivor"), "survivor")
        incident = (
            validated(IncidentForm, _yes_no(body["incident"]), "incident") if body.get("incident") else None
        )
        consent_data = body.get("consents") or []
        if not isinstance(consent_data, list):
            consent_data = [consent_data]
        age = None
        if survivor.cleaned_data.get("birth_date") or survivor.cleaned_data.get("birth_year"):
            from django.utils import timezone

            from qorgau.cases.classification import age_on

            age = age_on(
                survivor.cleaned_data.get("birth_date"),
                survivor.cleaned_data.get("birth_year"),
                timezone.localdate(),
            )
        # Her region as the case page will know it: where she lives, else where it happened, else
        # the agency's (a consent to "police" then means her region's police, as on the form).
        region = survivor.cleaned_data.get("region") or (
            incident.cleaned_data.get("region") if incident else None
        )
        region_id = region.pk if region else getattr(request.user.agency, "region_id", None)
        consents = [
            validated(ConsentApiForm, c, f"consents.{i}", survivor_age=age, region_id=region_id).cleaned_data
            for i, c in enumerate(consent_data)
        ]
        needs = validated(NeedsForm, {"needs": body.get("needs") or []}).cleaned_data["needs"]
        case, warnings = services.case_open(
            actor=request.user,
            survivor=survivor.identity(),
            case_fields={**survivor.case_fields(), "needs": needs},
            incident=incident.incident_fields() if incident else None,
            perpetrator=incident.perpetrator() if incident else None,
            account=incident.cleaned_data.get("account", "") if incident else "",
            consents=consents,
            cyber=_cyber_in(body.get("incident"), "incident") if incident else None,
        )
        data = CaseDetailOut(selectors.case_detail(actor=request.user, case_id=case.pk)).data
        return Response({**data, "warnings": warnings}, status=status.HTTP_201_CREATED)


class CaseSearch(APIView):
    @extend_schema(
        summary="Search the cases the caller may see by case number, exact IIN or phone, or folded name",
        description="A POST, so that identifying search terms never appear in URLs or access logs.",
        request=form_serializer(SearchForm),
        responses=CaseSummaryOut(many=True),
    )
    def post(self, request):
        form = validated(SearchForm, request.data)
        wanted = {k: v for k, v in form.cleaned_data.items() if not k.startswith("f_")}
        found = selectors.case_list(actor=request.user, **wanted, filters=form.list_filters())
        return Response(CaseSummaryOut(found, many=True).data)


class CaseDetail(APIView):
    @extend_schema(summary="A case, limited to what the caller may see", responses=CaseDetailOut)
    def get(self, request, case_id):
        return _detail(request, case_id)

    @extend_schema(
        summary="Change status, priority, caseworker or her preferences (send the version you read)",
        request=form_serializer(CaseUpdateForm),
        responses={200: CaseDetailOut},
    )
    def patch(self, request, case_id):
        case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="edit")
        current = {
            f: getattr(case, f)
            for f in (
                "status",
                "priority",
                "preferred_language",
                "contact_channel",
                "contact_times",
                "female_staff",
                "interpreter",
                "interpreter_language",
                "needs",
            )
        }
        current["assigned_to"] = case.assigned_to_id
        data = {**current, **(request.data if isinstance(request.data, dict) else {})}
        form = validated(CaseUpdateForm, data, agency=case.holding_agency)
        changes = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        services.case_update(
            actor=request.user, case=case, expected_version=form.cleaned_data["version"], changes=changes
        )
        return _detail(request, case.pk)


class CaseNotes(APIView):
    @extend_schema(summary="Notes of the sections the caller may see", responses=NoteOut(many=True))
    def get(self, request, case_id):
        detail = selectors.case_detail(actor=request.user, case_id=case_id)
        return Response([NoteOut(n).data for notes in detail.notes.values() for n in notes])

    @extend_schema(
        summary="Add a note to a section", request=form_serializer(NoteForm), responses={201: NoteOut}
    )
    def post(self, request, case_id):
        case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="note")
        form = validated(NoteForm, request.data)
        note = services.note_add(actor=request.user, case=case, **form.cleaned_data)
        return Response(NoteOut(note).data, status=status.HTTP_201_CREATED)


class CaseConsents(APIView):
    @extend_schema(summary="Her consents (holding agency only)", responses=ConsentOut(many=True))
    def get(self, request, case_id):
        detail = selectors.case_detail(actor=request.user, case_id=case_id)
        if detail.consents is None:
            raise PermissionDenied
        return Response(ConsentOut(detail.consents, many=True).data)

    @extend_schema(
        summary="Record a consent",
        description="To a type of agency, `recipient_scope` is `region` (her region: the default, "
        "as on the form) or `country` (any agency of that type anywhere in Kazakhstan); "
        "`recipient_region` may name her region's code instead. Another region, or `region` when "
        "her region is not known, is a 400 naming the field: a consent never silently widens.",
        request=form_serializer(ConsentApiForm),
        responses={201: ConsentOut},
    )
    def post(self, request, case_id):
        case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="consent")
        form = validated(
            ConsentApiForm,
            request.data,
            survivor_age=services.survivor_age_today(case),
            region_id=selectors.case_region_id(case=case),
        )
        consent = services.consent_record(actor=request.user, case=case, data=form.cleaned_data)
        return Response(ConsentOut(consent).data, status=status.HTTP_201_CREATED)


class ConsentWithdraw(APIView):
    @extend_schema(summary="Withdraw a consent (takes effect at once)", request=None, responses=ConsentOut)
    def post(self, request, case_id, consent_id):
        case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="consent")
        consent = services.consent_withdraw(actor=request.user, case=case, consent_id=consent_id)
        return Response(ConsentOut(consent).data)


class CasePeople(APIView):
    @extend_schema(
        summary="Add a person (perpetrator, child, witness, guardian)",
        request=form_serializer(PersonForm),
        responses={201: PersonOut},
    )
    def post(self, request, case_id):
        case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="person")
        form = validated(PersonForm, request.data)
        person, warnings = services.person_add(
            actor=request.user, case=case, role=form.cleaned_data["role"], data=form.identity()
        )
        view = selectors.person_view(actor=request.user, person=person)
        return Response({**PersonOut(view).data, "warnings": warnings}, status=status.HTTP_201_CREATED)


class CasePerson(APIView):
    @extend_schema(
        summary="Change a person's details (send the version you read)",
        request=form_serializer(PersonEditForm),
        responses=PersonOut,
    )
    def patch(self, request, case_id, person_id):
        case, _access, _person = selectors.person_get(
            actor=request.user, case_id=case_id, person_id=person_id
        )
        form = validated(PersonEditForm, request.data)
        warnings = services.person_update(
            actor=request.user,
            case=case,
            person_id=person_id,
            expected_version=form.cleaned_data["version"],
            data=form.identity(),
        )
        _case, _access, person = selectors.person_get(
            actor=request.user, case_id=case_id, person_id=person_id, purpose="person"
        )
        return Response({**PersonOut(person).data, "warnings": warnings})


class CaseIncidents(APIView):
    @extend_schema(
        summary="Record another incident", request=form_serializer(IncidentForm), responses={201: IncidentOut}
    )
    def post(self, request, case_id):
        case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="incident")
        form = validated(IncidentForm, _yes_no(request.data if isinstance(request.data, dict) else {}))
        incident = services.incident_add(
            actor=request.user,
            case=case,
            fields=form.incident_fields(),
            perpetrator=form.perpetrator(),
            account=form.cleaned_data.get("account", ""),
            cyber=_cyber_in(request.data),
        )
        detail = selectors.case_detail(actor=request.user, case_id=case.pk)
        # The list is newest first by date: an earlier incident recorded now is not at its top.
        created = next(view for view in detail.incidents if view.incident.pk == incident.pk)
        return Response(IncidentOut(created).data, status=status.HTTP_201_CREATED)


class CaseIncidentCyber(APIView):
    @extend_schema(summary="An incident's cyber-violence: kinds and accounts", responses=CyberOut)
    def get(self, request, case_id, incident_id):
        _case, _incident, view = selectors.incident_cyber_get(
            actor=request.user, case_id=case_id, incident_id=incident_id
        )
        return Response(cyber_out(view))

    @extend_schema(
        summary="Replace an incident's kinds of cyber-violence and accounts (send the version you read)",
        request=inline_serializer(
            "IncidentCyberInput",
            {
                "version": serializers.IntegerField(),
                "cyber_subtypes": serializers.ListField(child=serializers.CharField()),
                "online_accounts": serializers.ListField(child=form_serializer(OnlineAccountForm)()),
            },
        ),
        responses=CyberOut,
    )
    def put(self, request, case_id, incident_id):
        case, incident, _view = selectors.incident_cyber_get(
            actor=request.user, case_id=case_id, incident_id=incident_id
        )
        data = request.data if isinstance(request.data, dict) else {}
        version = validated(IncidentCyberForm, {"version": data.get("version")}).cleaned_data["version"]
        cyber = _cyber_in(data)
        services.incident_cyber_update(
            actor=request.user,
            case=case,
            incident_id=incident.pk,
            expected_version=version,
            subtypes=cyber["subtypes"],
            accounts=cyber["accounts"],
        )
        _case, _incident, view = selectors.incident_cyber_get(
            actor=request.user, case_id=case_id, incident_id=incident_id
        )
        return Response(cyber_out(view))


class CaseEmergencyGrants(APIView):
    @extend_schema(
        summary="Grant emergency access without consent (supervisor of the holding agency)",
        request=form_serializer(EmergencyGrantForm),
        responses={
            201: inline_serializer(
                "EmergencyGrantOut",
                {"id": serializers.UUIDField(), "expires_at": serializers.DateTimeField()},
            )
        },
    )
    def post(self, request, case_id):
        case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="emergency")
        form = validated(EmergencyGrantForm, request.data)
        share = services.emergency_grant(actor=request.user, case=case, **form.cleaned_data)
        return Response({"id": share.pk, "expires_at": share.expires_at}, status=status.HTTP_201_CREATED)


class CaseTimeline(APIView):
    @extend_schema(summary="The timeline, limited to what the caller may see", responses=EventOut(many=True))
    def get(self, request, case_id):
        case, access = selectors.case_get(actor=request.user, case_id=case_id, purpose="timeline")
        return Response(
            EventOut(selectors.case_timeline(actor=request.user, case=case, access=access), many=True).data
        )


class CaseAccessLog(APIView):
    @extend_schema(
        summary="Who opened or changed the case (holding caseworker and supervisor)",
        responses=inline_serializer(
            "AccessLogEntry",
            {
                "at": serializers.DateTimeField(),
                "who": serializers.CharField(),
                "agency": serializers.CharField(allow_null=True),
                "action": serializers.CharField(),
            },
            many=True,
        ),
    )
    def get(self, request, case_id):
        _case, events = selectors.case_access_log(actor=request.user, case_id=case_id)
        return Response(
            [
                {
                    "at": e["at"],
                    "who": e["who"],
                    "agency": e["agency"].name if e["agency"] else None,
                    "action": e["action"],
                }
                for e in events
            ]
        )


class IdentityCheck(APIView):
    @extend_schema(
        summary=(
            "Is a survivor with exactly this IIN or phone already known? Only yes or no. Needs a "
            "purpose (intake, referral, protection, perpetrator) or an open intake draft of yours; "
            "counts towards your search limit and is recorded on the matched cases' access logs."
        ),
        request=inline_serializer(
            "IdentityCheckInput",
            {
                "iin": serializers.CharField(required=False),
                "phone": serializers.CharField(required=False),
                "purpose": serializers.CharField(required=False),
                "draft_id": serializers.UUIDField(required=False),
            },
        ),
        responses=inline_serializer("IdentityKnownOut", {"known": serializers.BooleanField()}),
    )
    def post(self, request):
        from django.utils.translation import gettext as _
        from rest_framework.exceptions import Throttled

        from qorgau.people.policies import SearchLimited
        from qorgau.people.selectors import person_known

        body = request.data if isinstance(request.data, dict) else {}
        iin, phone = str(body.get("iin") or "")[:20], str(body.get("phone") or "")[:32]
        draft_id = str(body.get("draft_id") or "")[:36] or None
        try:
            known = person_known(
                actor=request.user, iin=iin, phone=phone, purpose=str(body.get("purpose") or "")[:20],
                draft_id=draft_id,
            )  # fmt: skip
        except SearchLimited:
            raise Throttled(detail=_("Too many searches. Wait a few minutes, then try again.")) from None
        return Response({"known": known})


class OutcomeIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CaseOutcome.Kind.choices)
    occurred_on = serializers.DateField()


class OutcomeOut(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    occurred_on = serializers.DateField()
    recorded_at = serializers.DateTimeField()


class CaseOutcomes(APIView):
    @extend_schema(
        summary="Record her death on the case (holding agency's caseworkers and supervisors)",
        request=OutcomeIn,
        responses={201: OutcomeOut},
    )
    def post(self, request, case_id):
        case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="outcome")
        data = OutcomeIn(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = services.case_outcome_record(actor=request.user, case=case, **data.validated_data)
        return Response(OutcomeOut(outcome).data, status=status.HTTP_201_CREATED)
