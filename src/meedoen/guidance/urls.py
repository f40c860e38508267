from django.urls import path

from . import views

app_name = "guidance"
urlpatterns = [
    path("werklijst/", views.worklist, name="worklist"),
    path("werklijst/<id:user_id>/", views.caseworker_worklist, name="caseworker_worklist"),
    path("team/", views.team, name="team"),
    path("taak/<id:pk>/gedaan/", views.task_done, name="task_done"),
    path("<uuid:public_id>/", views.resident, name="resident"),
    path("<uuid:public_id>/samenvatting/", views.panel, name="panel"),
    path("<uuid:public_id>/overdracht/", views.handover, name="handover"),
    path("<uuid:public_id>/gesprek/nieuw/", views.new_conversation, name="conversation_new"),
    path("<uuid:public_id>/plan/", views.plan_edit, name="plan_edit"),
    path("<uuid:public_id>/plan/uren/", views.plan_hours, name="plan_hours"),
    path("<uuid:public_id>/plan/<id:version>/", views.plan_detail, name="plan"),
    path("<uuid:public_id>/plan/<id:version>/ondertekenen/", views.plan_sign, name="plan_sign"),
    path("<uuid:public_id>/beeindigen/", views.end, name="end"),
    path("<uuid:public_id>/herorientatie/", views.reorient, name="reorient"),
]
