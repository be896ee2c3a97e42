from django.urls import path

from qorgau.risk import views

app_name = "risk"

urlpatterns = [
    path("cases/<uuid:case_id>/assessments/new/", views.assessment_new, name="assess"),
    path(
        "cases/<uuid:case_id>/assessments/<uuid:assessment_id>/", views.assessment_detail, name="assessment"
    ),
    path("cases/<uuid:case_id>/safety-plan/", views.safety_plan, name="safety_plan"),
    path("cases/<uuid:case_id>/safety-plan/print/", views.safety_plan_pdf, name="safety_plan_pdf"),
    path("cases/<uuid:case_id>/conference-referral/", views.refer, name="refer"),
    path("conferences/", views.conference_list, name="conferences"),
    path("conferences/new/", views.conference_new, name="conference_new"),
    path("conferences/<uuid:conference_id>/", views.conference_detail, name="conference"),
    path("conferences/<uuid:conference_id>/edit/", views.conference_edit, name="conference_edit"),
    path("conferences/<uuid:conference_id>/held/", views.conference_held, name="conference_held"),
    path("conferences/<uuid:conference_id>/agenda/", views.agenda_add, name="agenda_add"),
    path(
        "conferences/<uuid:conference_id>/agenda.pdf",
        views.conference_agenda_pdf,
        name="conference_agenda_pdf",
    ),
    path(
        "conferences/<uuid:conference_id>/minutes.pdf",
        views.conference_minutes_pdf,
        name="conference_minutes_pdf",
    ),
    path("agenda/<uuid:item_id>/", views.agenda_item, name="agenda_item"),
    path("agenda/<uuid:item_id>/contributions/", views.item_contribute, name="item_contribute"),
    path("agenda/<uuid:item_id>/actions/", views.item_action_add, name="item_action_add"),
    path(
        "agenda/<uuid:item_id>/actions/<uuid:action_id>/", views.item_action_update, name="item_action_update"
    ),
    path("agenda/<uuid:item_id>/her-view/", views.item_survivor_view, name="item_survivor_view"),
    path("agenda/<uuid:item_id>/minutes/", views.item_minutes, name="item_minutes"),
]
