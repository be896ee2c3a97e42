from django.urls import path

from qorgau.protection import requirement_views, scene_views, views

app_name = "protection"

ORDER = "cases/<uuid:case_id>/orders/<uuid:order_id>/"
PROCEEDING = "cases/<uuid:case_id>/proceedings/<uuid:proceeding_id>/"
REQUIREMENT = "cases/<uuid:case_id>/requirements/<uuid:requirement_id>/"

urlpatterns = [
    path("cases/<uuid:case_id>/orders/new/", views.order_new, name="order_new"),
    path(ORDER, views.order_detail, name="order"),
    path(f"{ORDER}edit/", views.order_edit, name="order_edit"),
    path(f"{ORDER}issue/", views.order_issue, name="order_issue"),
    path(f"{ORDER}serve/", views.order_serve, name="order_serve"),
    path(f"{ORDER}extend/", views.order_extend, name="order_extend"),
    path(f"{ORDER}end/", views.order_end, name="order_end"),
    path(f"{ORDER}violations/", views.violation_new, name="violation_new"),
    path(f"{ORDER}notice.pdf", scene_views.order_notice, name="order_notice"),
    path("cases/<uuid:case_id>/proceedings/new/", views.proceeding_new, name="proceeding_new"),
    path(PROCEEDING, views.proceeding_detail, name="proceeding"),
    path(f"{PROCEEDING}decisions/", views.decision_new, name="decision_new"),
    path(f"{PROCEEDING}decisions/<uuid:decision_id>/told/", views.decision_told, name="decision_told"),
    path(f"{PROCEEDING}hearings/", views.hearing_new, name="hearing_new"),
    path("scene/", scene_views.scene_lookup, name="scene_lookup"),
    # Court-imposed special requirements, and the programme agency's part of them.
    path("cases/<uuid:case_id>/requirements/new/", requirement_views.requirement_new, name="requirement_new"),
    path(REQUIREMENT, requirement_views.requirement_detail, name="requirement"),
    path(f"{REQUIREMENT}end/", requirement_views.requirement_end, name="requirement_end"),
    path(f"{REQUIREMENT}breaches/", requirement_views.requirement_breach_new, name="requirement_breach_new"),
    path("programmes/", requirement_views.programme_list, name="programmes"),
    path("programmes/<uuid:requirement_id>/", requirement_views.programme_detail, name="programme"),
    path(
        "programmes/<uuid:requirement_id>/attendance/",
        requirement_views.programme_attendance,
        name="programme_attendance",
    ),
]
