"""The API takes a consent's scope as the form does (issue #16, cases 0008): to a type of agency
her region by default, the whole country only when asked, her region's code accepted, and any
other region refused with the reason; the OpenAPI schema says so."""

import pytest
from tests.cases.test_case_api import body

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.cases.models import Consent

pytestmark = pytest.mark.django_db

POLICE = {"purpose": "referral", "recipient_kind": "police", "method": "written", "given_by": "survivor"}


@pytest.fixture
def held(make_user, make_agency, open_case, api_client):
    worker = make_user(Role.CASEWORKER, agency=make_agency(Agency.Kind.CRISIS_CENTRE, region="75"))
    case = open_case(worker)  # where she lives is not recorded: it happened in 71, the agency is in 75
    return {"case": case, "worker": worker, "api": api_client(worker)}


def _post(held, **extra):
    return held["api"].post(f"/api/v1/cases/{held['case'].pk}/consents/", {**POLICE, **extra}, format="json")


def test_a_consent_to_a_type_covers_her_region_by_default_as_on_the_form(held):
    for extra in ({}, {"recipient_scope": "region"}, {"recipient_region": "71"}):
        response = _post(held, **extra)
        assert response.status_code == 201, (extra, response.json())
        assert response.json()["recipient_region"] == "71", extra
    country = _post(held, recipient_scope="country")
    assert country.status_code == 201 and country.json()["recipient_region"] is None


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"recipient_region": "75"}, "recipient_region", "Only her own region (71"),
        ({"recipient_region": "99"}, "recipient_region", "no region with the code “99”"),
        ({"recipient_region": "71", "recipient_scope": "country"}, "recipient_region", "not both"),
        ({"recipient_scope": "oblast"}, "recipient_scope", "Choose “region” (only her region) or “country”"),
        (
            {"recipient_kind": "", "recipient_agency": "", "purpose": "statistics", "recipient_region": "71"},
            "recipient_region",
            "only to consent to a type of agency",
        ),
    ],
)
def test_a_bad_region_is_refused_with_the_reason_and_nothing_is_recorded(held, extra, field, words):
    before = Consent.objects.count()
    response = _post(held, **extra)
    assert response.status_code == 400
    errors = response.json()["error"]["fields"]
    assert words in " ".join(errors[field]), errors
    assert Consent.objects.count() == before


def test_opening_a_case_with_consents_uses_her_region(worker_api):
    api, _worker = worker_api
    data = body(
        consents=[{**POLICE}, {**POLICE, "recipient_kind": "legal_aid", "recipient_scope": "country"}]
    )
    data["survivor"]["region"] = "75"
    response = api.post("/api/v1/cases/", data, format="json")
    assert response.status_code == 201, response.json()
    regions = dict(Consent.objects.values_list("recipient_kind", "recipient_region_id"))
    assert regions == {"police": "75", "legal_aid": None}
    wrong = body(consents=[{**POLICE, "recipient_region": "71"}])
    wrong["survivor"] = {**wrong["survivor"], "region": "75", "iin": "", "phone": "+77000000109"}
    refused = api.post("/api/v1/cases/", wrong, format="json")
    assert refused.status_code == 400 and "consents.0.recipient_region" in refused.json()["error"]["fields"]


def test_the_schema_documents_both_scopes_and_the_region_code():
    from django.utils import translation
    from drf_spectacular.generators import SchemaGenerator

    with translation.override("en"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    schemas = schema["components"]["schemas"]
    consent = schemas["ConsentApiInputRequest"]["properties"]
    scope = consent["recipient_scope"]
    enum = schemas[scope["oneOf"][0]["$ref"].rsplit("/", 1)[1]]["enum"]
    assert set(enum) == {"region", "country"}
    # The field texts are in the language the schema was first built in; the codes are in all.
    assert "«region»" in scope["description"] or "“region”" in scope["description"]
    assert consent["recipient_region"]["description"]
    operation = schema["paths"]["/api/v1/cases/{case_id}/consents/"]["post"]
    assert "never silently widens" in operation["description"]


@pytest.fixture
def worker_api(make_user, api_client):
    worker = make_user(Role.CASEWORKER)
    return api_client(worker), worker
