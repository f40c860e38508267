from django.urls import path

from . import views

app_name = "experiments"

urlpatterns = [
    path("", views.experiment_list, name="list"),
    path("nieuw/", views.experiment_new, name="new"),
    path("<id:pk>/", views.experiment_detail, name="detail"),
    path("<id:pk>/conditie/nieuw/", views.arm_new, name="arm_new"),
    path("<id:pk>/loten/", views.randomise, name="randomise"),
    path("<id:pk>/afsluiten/", views.close, name="close"),
    path("<id:pk>/preregistratie.md", views.preregistration, name="preregistration"),
    path("inwoner/<uuid:public_id>/", views.resident, name="resident"),
    path("inwoner/<uuid:public_id>/<id:pk>/toestemming/", views.consent, name="consent"),
    path("inwoner/<uuid:public_id>/meting/<id:wave_pk>/", views.staff_questionnaire, name="staff_questionnaire"),
    path("mijn/", views.mine, name="mine"),
    path("mijn/meting/<id:wave_pk>/", views.mine_questionnaire, name="mine_questionnaire"),
]
