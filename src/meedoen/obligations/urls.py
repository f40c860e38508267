from django.urls import path

from . import views

app_name = "obligations"
urlpatterns = [
    path("team/", views.team, name="team"),
    path("handhaving/", views.enforcement, name="enforcement"),
    path("handhaving/<id:pk>/", views.enforcement_detail, name="enforcement_detail"),
    path("ontheffing/<id:pk>/", views.exemption_detail, name="exemption"),
    path("ontheffing/uit-taak/<id:task_pk>/", views.exemption_from_task, name="exemption_from_task"),
    path("maatregel/<id:pk>/", views.measure_detail, name="measure"),
    path("maatregel/uit-taak/<id:task_pk>/", views.measure_from_task, name="measure_from_task"),
    path("bezwaar/<id:pk>/", views.objection_detail, name="objection"),
    path("signaal/<id:pk>/", views.signal_detail, name="signal"),
    path("<uuid:public_id>/", views.resident, name="resident"),
    path("<uuid:public_id>/ontheffing/nieuw/", views.exemption_new, name="exemption_new"),
    path("<uuid:public_id>/maatregel/nieuw/", views.measure_new, name="measure_new"),
    path("<uuid:public_id>/bezwaar/nieuw/", views.objection_new, name="objection_new"),
    path("<uuid:public_id>/signaal/nieuw/", views.signal_new, name="signal_new"),
]
