"""The protection app's API routes, included by qorgau/api/urls.py (the "api" namespace)."""

from django.urls import path

from qorgau.protection import api, requirement_api, scene_api

ORDER = "cases/<uuid:case_id>/protective-orders/<uuid:order_id>/"
PROCEEDING = "cases/<uuid:case_id>/proceedings/<uuid:proceeding_id>/"
REQUIREMENT = "cases/<uuid:case_id>/requirements/<uuid:requirement_id>/"

urlpatterns = [
    path("cases/<uuid:case_id>/protective-orders/", api.CaseOrders.as_view(), name="case_protective_orders"),
    path(ORDER, api.CaseOrder.as_view(), name="case_protective_order"),
    path(f"{ORDER}steps/", api.CaseOrderSteps.as_view(), name="case_protective_order_steps"),
    path(f"{ORDER}violations/", api.CaseOrderViolations.as_view(), name="case_protective_order_violations"),
    path(
        "cases/<uuid:case_id>/perpetrator-links/",
        api.CasePerpetratorLinks.as_view(),
        name="case_perpetrator_links",
    ),
    path("cases/<uuid:case_id>/proceedings/", api.CaseProceedings.as_view(), name="case_proceedings"),
    path(PROCEEDING, api.CaseProceeding.as_view(), name="case_proceeding"),
    path(f"{PROCEEDING}decisions/", api.CaseProceedingDecisions.as_view(), name="case_proceeding_decisions"),
    path(f"{PROCEEDING}hearings/", api.CaseProceedingHearings.as_view(), name="case_proceeding_hearings"),
    path("scene/lookup/", scene_api.SceneLookup.as_view(), name="scene_lookup"),
    # Court-imposed special requirements, and the programme agency's part of them.
    path(
        "cases/<uuid:case_id>/requirements/",
        requirement_api.CaseRequirements.as_view(),
        name="case_requirements",
    ),
    path(REQUIREMENT, requirement_api.CaseRequirement.as_view(), name="case_requirement"),
    path(f"{REQUIREMENT}end/", requirement_api.CaseRequirementEnd.as_view(), name="case_requirement_end"),
    path(
        f"{REQUIREMENT}breaches/",
        requirement_api.CaseRequirementBreaches.as_view(),
        name="case_requirement_breaches",
    ),
    path("correction-programmes/", requirement_api.Programmes.as_view(), name="correction_programmes"),
    path(
        "correction-programmes/<uuid:requirement_id>/",
        requirement_api.Programme.as_view(),
        name="correction_programme",
    ),
    path(
        "correction-programmes/<uuid:requirement_id>/attendance/",
        requirement_api.ProgrammeAttendance.as_view(),
        name="correction_programme_attendance",
    ),
]
