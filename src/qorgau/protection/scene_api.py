"""The scene look-up in the REST API (`POST /api/v1/scene/lookup/`): the same form, policy, limit
and audit as the screen; only what the screen shows (never a case id)."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from qorgau.api.forms import form_serializer, validated
from qorgau.protection import scene
from qorgau.protection.scene_forms import SceneLookupForm


class SceneItemOut(serializers.Serializer):
    kind = serializers.CharField(source="kind_label")
    number = serializers.CharField()
    state = serializers.CharField(help_text="issued, served, active or expiring (derived).")
    state_label = serializers.CharField()
    in_force = serializers.BooleanField()
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    conditions = serializers.ListField(child=serializers.CharField(), help_text="In your language.")
    conditions_text = serializers.CharField()
    protected_first_name = serializers.CharField(help_text="Her first name only.")
    issuing_unit = serializers.CharField()
    issuing_agency = serializers.CharField()
    duty_phone = serializers.CharField(source="duty_phone_e164", help_text="E.164, empty if none.")


class SceneResultOut(serializers.Serializer):
    found = serializers.IntegerField()
    items = SceneItemOut(many=True)


class SceneLookup(APIView):
    @extend_schema(
        summary="Police at the scene: every order binding a person (IIN, or names and birth date)",
        request=form_serializer(SceneLookupForm, "SceneLookupInput"),
        responses={200: SceneResultOut},
    )
    def post(self, request):
        if not scene.can_look_up(request.user):
            raise PermissionDenied
        d = validated(SceneLookupForm, request.data).cleaned_data
        try:
            result = scene.scene_lookup(
                actor=request.user,
                reason=d["reason"],
                reason_text=d["reason_text"].strip(),
                iin=d["iin"],
                family_name=d["family_name"].strip(),
                given_name=d["given_name"].strip(),
                birth_date=d["birth_date"],
            )
        except scene.LookupLimited:
            raise exceptions.Throttled() from None
        return Response(SceneResultOut(result).data)
